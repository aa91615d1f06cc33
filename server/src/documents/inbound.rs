//! The inbound reservation's downloads: the product (packing) list that goes in the boxes,
//! one 4×6 in box marking per box, and SKU barcode labels on real label stock.

use std::collections::HashMap;

use printpdf::{BuiltinFont, Op};

use app::domain::{validate_gtin, GtinKind};

use super::DocumentError;
use crate::pdf::{self, barcode, filled_rect, fit, text, text_centered, text_right, text_width, wrap, PT_PER_MM};

const REGULAR: BuiltinFont = BuiltinFont::Helvetica;
const BOLD: BuiltinFont = BuiltinFont::HelveticaBold;

#[derive(Clone, Debug, Default)]
pub struct InboundDoc {
    /// "IB00000012"
    pub inbound_no: String,
    pub merchant_name: String,
    pub warehouse_code: String,
    pub warehouse_name: String,
    /// One line.
    pub warehouse_address: String,
    /// "2026-12-20" or "".
    pub expected_arrival: String,
    /// The whole inbound, one per SKU.
    pub lines: Vec<DocLine>,
    /// box_no 1..=N in order.
    pub boxes: Vec<DocBox>,
}

#[derive(Clone, Debug, Default)]
pub struct DocLine {
    pub sku_code: String,
    pub name: String,
    pub barcode: String,
    pub quantity: i64,
}

#[derive(Clone, Debug, Default)]
pub struct DocBox {
    /// 1-based.
    pub box_no: u32,
    /// What the box's Code128 encodes, e.g. "IB00000012-B003".
    pub box_code: String,
    /// quantity = units of that SKU in this box.
    pub items: Vec<DocLine>,
    /// 0 = not given.
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub weight_grams: i64,
}

impl DocBox {
    fn units(&self) -> i64 {
        self.items.iter().map(|i| i.quantity).sum()
    }

    /// "400 × 300 × 200 mm · 5.20 kg", the parts that are given; "" when none is.
    fn size_text(&self) -> String {
        let mut parts = Vec::new();
        if self.length_mm > 0 && self.width_mm > 0 && self.height_mm > 0 {
            parts.push(format!("{} × {} × {} mm", self.length_mm, self.width_mm, self.height_mm));
        }
        if self.weight_grams > 0 {
            parts.push(format!("{:.2} kg", self.weight_grams as f64 / 1000.0));
        }
        parts.join(" · ")
    }
}

// ---------------------------------------------------------------- product list (A4)

const A4_W: f32 = 210.0 * PT_PER_MM;
const A4_H: f32 = 297.0 * PT_PER_MM;
const LIST_MARGIN: f32 = 40.0;
const LIST_ROW_H: f32 = 16.0;
/// Space kept at the bottom of every page for the footer.
const LIST_BOTTOM: f32 = LIST_MARGIN + 22.0;

/// Table columns of the product list: (header, x of the left edge, width, right-aligned).
struct Column {
    header: &'static str,
    x: f32,
    w: f32,
    right: bool,
}

const LIST_W: f32 = A4_W - 2.0 * LIST_MARGIN;

fn columns(headers: [&'static str; 5]) -> [Column; 5] {
    // SKU, product, barcode, 4th (boxes / nothing), units.
    let widths = [120.0, LIST_W - 120.0 - 100.0 - 70.0 - 50.0, 100.0, 70.0, 50.0];
    let mut x = LIST_MARGIN;
    std::array::from_fn(|i| {
        let column = Column { header: headers[i], x, w: widths[i], right: i >= 3 };
        x += widths[i];
        column
    })
}

/// Lays out the A4 pages top to bottom, starting a new page when a block does not fit.
struct Flow {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Flow {
    fn new() -> Self {
        Flow { pages: vec![Vec::new()], y: A4_H - LIST_MARGIN }
    }
    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
    fn fits(&self, height: f32) -> bool {
        self.y - height >= LIST_BOTTOM
    }
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = A4_H - LIST_MARGIN;
    }
    fn rule(&mut self, weight: f32) {
        let y = self.y;
        filled_rect(self.ops(), LIST_MARGIN, y, LIST_W, weight);
    }
    fn header_row(&mut self, columns: &[Column]) {
        let y = self.y - 11.0;
        for c in columns {
            cell(self.ops(), c, y, BOLD, 8.0, c.header);
        }
        self.y -= 15.0;
        self.rule(0.8);
    }
    fn row(&mut self, columns: &[Column], values: [&str; 5], font: BuiltinFont) {
        let y = self.y - 11.5;
        for (c, v) in columns.iter().zip(values) {
            cell(self.ops(), c, y, font, 9.0, v);
        }
        self.y -= LIST_ROW_H;
        self.rule(0.3);
    }
}

fn cell(ops: &mut Vec<Op>, c: &Column, y: f32, font: BuiltinFont, size: f32, value: &str) {
    let value = fit(font, size, value, c.w - 6.0);
    if c.right {
        text_right(ops, c.x + c.w - 2.0, y, font, size, &value);
    } else {
        text(ops, c.x, y, font, size, &value);
    }
}

/// Box numbers as ranges: [1, 2, 3, 5] → "1–3, 5".
fn box_ranges(numbers: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}–{}", numbers[i], numbers[j]) } else { numbers[i].to_string() });
        i = j + 1;
    }
    parts.join(", ")
}

fn check_inbound(doc: &InboundDoc) -> Result<(), DocumentError> {
    if doc.inbound_no.trim().is_empty() {
        return Err(DocumentError::Invalid("The inbound has no number yet; save it first".into()));
    }
    Ok(())
}

/// Packing/product list to put in the boxes: header (inbound no., merchant, warehouse, expected
/// arrival), then per box its items, then totals per SKU. As many A4 pages as needed.
pub fn product_list_pdf(doc: &InboundDoc) -> Result<Vec<u8>, DocumentError> {
    check_inbound(doc)?;
    if doc.lines.is_empty() {
        return Err(DocumentError::Invalid(format!("Inbound {} has no SKUs yet; add the SKUs first", doc.inbound_no)));
    }
    let box_count = doc.boxes.len();
    let units: i64 = doc.lines.iter().map(|l| l.quantity).sum();
    let mut flow = Flow::new();

    // Header: title and the inbound no. with its barcode, then who / where / when.
    let top = flow.y;
    text(flow.ops(), LIST_MARGIN, top - 10.0, BOLD, 9.0, "PRODUCT LIST · PUT ONE COPY IN EVERY BOX");
    text(flow.ops(), LIST_MARGIN, top - 36.0, BOLD, 24.0, &fit(BOLD, 24.0, &doc.inbound_no, 300.0));
    let bars = code128(&doc.inbound_no, "the inbound number")?;
    let bar_w = 170.0;
    barcode(flow.ops(), &bars, A4_W - LIST_MARGIN - bar_w, top - 38.0, bar_w, 34.0);
    flow.y = top - 54.0;
    let facts: [(&str, String); 5] = [
        ("Merchant", doc.merchant_name.clone()),
        ("Warehouse", format!("{} — {}", doc.warehouse_code, doc.warehouse_name)),
        ("Address", doc.warehouse_address.clone()),
        ("Expected arrival", if doc.expected_arrival.trim().is_empty() { "not given".into() } else { doc.expected_arrival.clone() }),
        ("Contents", format!("{} box(es) · {} SKU(s) · {} unit(s)", box_count, doc.lines.len(), units)),
    ];
    for (label, value) in facts {
        let y = flow.y - 11.0;
        text(flow.ops(), LIST_MARGIN, y, BOLD, 9.0, label);
        text(flow.ops(), LIST_MARGIN + 100.0, y, REGULAR, 9.0, &fit(REGULAR, 9.0, &value, LIST_W - 100.0));
        flow.y -= 14.0;
    }
    flow.y -= 10.0;

    // Per box: a heading and its items.
    let box_columns = columns(["SKU", "PRODUCT", "BARCODE", "", "QTY"]);
    if doc.boxes.is_empty() {
        let y = flow.y - 12.0;
        text(flow.ops(), LIST_MARGIN, y, REGULAR, 10.0, "No packing list yet: the boxes are not planned.");
        flow.y -= 24.0;
    }
    for b in &doc.boxes {
        // Heading, column headers and at least one row stay together.
        if !flow.fits(22.0 + 15.0 + LIST_ROW_H) {
            flow.new_page();
        }
        box_heading(&mut flow, b, box_count, false);
        flow.header_row(&box_columns);
        for item in &b.items {
            if !flow.fits(LIST_ROW_H) {
                flow.new_page();
                box_heading(&mut flow, b, box_count, true);
                flow.header_row(&box_columns);
            }
            let qty = item.quantity.to_string();
            flow.row(&box_columns, [&item.sku_code, &item.name, &item.barcode, "", &qty], REGULAR);
        }
        flow.y -= 12.0;
    }

    // Totals per SKU: the inbound's quantity, what the boxes hold and which boxes.
    let total_columns = columns(["SKU", "PRODUCT", "BARCODE", "BOXES", "UNITS"]);
    let mut in_boxes: HashMap<&str, Vec<u32>> = HashMap::new();
    for b in &doc.boxes {
        for item in b.items.iter().filter(|i| i.quantity > 0) {
            in_boxes.entry(item.sku_code.as_str()).or_default().push(b.box_no);
        }
    }
    if !flow.fits(24.0 + 15.0 + LIST_ROW_H) {
        flow.new_page();
    }
    totals_heading(&mut flow, false);
    flow.header_row(&total_columns);
    for line in &doc.lines {
        if !flow.fits(LIST_ROW_H) {
            flow.new_page();
            totals_heading(&mut flow, true);
            flow.header_row(&total_columns);
        }
        let mut boxes = in_boxes.get(line.sku_code.as_str()).cloned().unwrap_or_default();
        boxes.sort_unstable();
        boxes.dedup();
        let qty = line.quantity.to_string();
        flow.row(&total_columns, [&line.sku_code, &line.name, &line.barcode, &box_ranges(&boxes), &qty], REGULAR);
    }
    if !flow.fits(LIST_ROW_H) {
        flow.new_page();
    }
    let (sku_total, unit_total) = (format!("{} SKU(s)", doc.lines.len()), units.to_string());
    flow.row(&total_columns, ["TOTAL", &sku_total, "", "", &unit_total], BOLD);

    // Footer on every page.
    let page_count = flow.pages.len();
    let pages = flow
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, mut ops)| {
            let footer = format!("{} · {} · product list · page {} of {}", doc.inbound_no, doc.warehouse_code, i + 1, page_count);
            text(&mut ops, LIST_MARGIN, LIST_MARGIN, REGULAR, 8.0, &fit(REGULAR, 8.0, &footer, LIST_W));
            (A4_W, A4_H, ops)
        })
        .collect();
    Ok(pdf::save(&format!("Product list {}", doc.inbound_no), pages))
}

fn box_heading(flow: &mut Flow, b: &DocBox, box_count: usize, continued: bool) {
    let mut title = format!("Box {} of {}", b.box_no, box_count);
    if continued {
        title.push_str(" (continued)");
    }
    let y = flow.y - 14.0;
    text(flow.ops(), LIST_MARGIN, y, BOLD, 12.0, &title);
    let x = LIST_MARGIN + text_width(BOLD, 12.0, &title) + 12.0;
    let mut detail = b.box_code.clone();
    let size = b.size_text();
    if !size.is_empty() {
        detail = format!("{detail} · {size}");
    }
    detail = format!("{detail} · {} unit(s)", b.units());
    text(flow.ops(), x, y, REGULAR, 9.0, &fit(REGULAR, 9.0, &detail, LIST_MARGIN + LIST_W - x));
    flow.y -= 20.0;
}

fn totals_heading(flow: &mut Flow, continued: bool) {
    let y = flow.y - 14.0;
    let title = if continued { "Totals per SKU (continued)" } else { "Totals per SKU" };
    text(flow.ops(), LIST_MARGIN, y, BOLD, 12.0, title);
    flow.y -= 20.0;
}

// ---------------------------------------------------------------- box markings (4×6 in)

const MARK_W: f32 = 4.0 * 72.0;
const MARK_H: f32 = 6.0 * 72.0;
const MARK_MARGIN: f32 = 18.0;

/// Exactly one page per box (4×6 in): inbound no. large, "Box n of N", warehouse code + name +
/// address, merchant, a Code128 of `box_code` with its text under it, the box's SKU count/units.
pub fn box_markings_pdf(doc: &InboundDoc) -> Result<Vec<u8>, DocumentError> {
    check_inbound(doc)?;
    if doc.boxes.is_empty() {
        return Err(DocumentError::Invalid(format!("Inbound {} has no boxes yet; make the packing list first", doc.inbound_no)));
    }
    let box_count = doc.boxes.len();
    let mut pages = Vec::with_capacity(box_count);
    for b in &doc.boxes {
        if b.box_code.trim().is_empty() {
            return Err(DocumentError::Invalid(format!("Box {} has no box code", b.box_no)));
        }
        let bars = code128(&b.box_code, &format!("box {}", b.box_no))?;
        pages.push((MARK_W, MARK_H, box_marking(doc, b, box_count, &bars)));
    }
    Ok(pdf::save(&format!("Box markings {}", doc.inbound_no), pages))
}

fn box_marking(doc: &InboundDoc, b: &DocBox, box_count: usize, bars: &[u8]) -> Vec<Op> {
    let mut ops = Vec::new();
    let (left, width) = (MARK_MARGIN, MARK_W - 2.0 * MARK_MARGIN);
    let mut y = MARK_H - MARK_MARGIN;
    let caption = |ops: &mut Vec<Op>, y: f32, s: &str| text(ops, left, y, BOLD, 7.5, s);

    caption(&mut ops, y - 7.0, "INBOUND");
    text(&mut ops, left, y - 36.0, BOLD, 30.0, &fit(BOLD, 30.0, &doc.inbound_no, width));
    y -= 46.0;
    // "Box n of N" white on a black band, readable from across the dock.
    filled_rect(&mut ops, left, y - 34.0, width, 34.0);
    ops.push(Op::SetFillColor { col: white() });
    text_centered(&mut ops, MARK_W / 2.0, y - 25.0, BOLD, 24.0, &format!("Box {} of {}", b.box_no, box_count));
    ops.push(Op::SetFillColor { col: black() });
    y -= 46.0;

    caption(&mut ops, y - 7.0, "DELIVER TO WAREHOUSE");
    text(&mut ops, left, y - 29.0, BOLD, 22.0, &fit(BOLD, 22.0, &doc.warehouse_code, width));
    y -= 44.0;
    text(&mut ops, left, y, BOLD, 11.0, &fit(BOLD, 11.0, &doc.warehouse_name, width));
    y -= 13.0;
    for line in wrap(REGULAR, 9.0, &doc.warehouse_address, width, 2) {
        text(&mut ops, left, y, REGULAR, 9.0, &line);
        y -= 11.0;
    }
    y -= 4.0;
    filled_rect(&mut ops, left, y, width, 1.2);
    y -= 14.0;

    caption(&mut ops, y, "FROM (MERCHANT)");
    let arrival = doc.expected_arrival.trim();
    if !arrival.is_empty() {
        text(&mut ops, left + width / 2.0 + 8.0, y, BOLD, 7.5, "EXPECTED ARRIVAL");
        text(&mut ops, left + width / 2.0 + 8.0, y - 14.0, BOLD, 11.0, arrival);
    }
    let merchant_w = if arrival.is_empty() { width } else { width / 2.0 };
    text(&mut ops, left, y - 14.0, BOLD, 11.0, &fit(BOLD, 11.0, &doc.merchant_name, merchant_w));
    y -= 24.0;
    filled_rect(&mut ops, left, y, width, 1.2);
    y -= 14.0;

    caption(&mut ops, y, "CONTENTS");
    let skus = b.items.iter().filter(|i| i.quantity > 0).count();
    text(&mut ops, left, y - 15.0, BOLD, 12.0, &format!("{} SKU(s) · {} unit(s)", skus, b.units()));
    y -= 28.0;
    let size = b.size_text();
    if !size.is_empty() {
        text(&mut ops, left, y, REGULAR, 9.0, &size);
        y -= 12.0;
    }

    // The barcode sits at the bottom; the item list takes what is left above it.
    let bar_h = 64.0;
    let bar_bottom = MARK_MARGIN + 20.0;
    let list_floor = bar_bottom + bar_h + 14.0;
    let items: Vec<&DocLine> = b.items.iter().filter(|i| i.quantity > 0).collect();
    let room = (((y - list_floor) / 10.5).floor().max(0.0)) as usize;
    let shown = if items.len() > room { room.saturating_sub(1) } else { items.len() };
    for item in &items[..shown] {
        let qty = format!("× {}", item.quantity);
        text_right(&mut ops, left + width, y, BOLD, 8.5, &qty);
        let label = format!("{}  {}", item.sku_code, item.name);
        text(&mut ops, left, y, REGULAR, 8.5, &fit(REGULAR, 8.5, &label, width - text_width(BOLD, 8.5, &qty) - 8.0));
        y -= 10.5;
    }
    if shown < items.len() {
        text(&mut ops, left, y, REGULAR, 8.5, &format!("+ {} more SKU(s): see the product list in the box", items.len() - shown));
    }

    let (bar_x, bar_w) = barcode_box(bars.len(), 10, left, width, 1.6, None);
    barcode(&mut ops, bars, bar_x, bar_bottom, bar_w, bar_h);
    text_centered(&mut ops, MARK_W / 2.0, MARK_MARGIN + 4.0, BOLD, 12.0, &b.box_code);
    ops
}

fn white() -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb { r: 1.0, g: 1.0, b: 1.0, icc_profile: None })
}

fn black() -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None })
}

// ---------------------------------------------------------------- SKU labels

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelSheet {
    A4x30,
    Letterx30,
    Thermal225x125,
}

impl LabelSheet {
    pub const ALL: [LabelSheet; 3] = [LabelSheet::A4x30, LabelSheet::Letterx30, LabelSheet::Thermal225x125];

    pub fn code(self) -> &'static str {
        match self {
            LabelSheet::A4x30 => "a4-30",
            LabelSheet::Letterx30 => "letter-30",
            LabelSheet::Thermal225x125 => "thermal-2.25x1.25",
        }
    }

    pub fn from_code(code: &str) -> Option<LabelSheet> {
        LabelSheet::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            LabelSheet::A4x30 => "A4, 30 per sheet",
            LabelSheet::Letterx30 => "US Letter, 30 per sheet (Avery 5160 layout)",
            LabelSheet::Thermal225x125 => "Thermal 2.25 × 1.25 in",
        }
    }

    pub fn per_page(self) -> usize {
        self.geometry().cols * self.geometry().rows
    }

    fn geometry(self) -> Sheet {
        const IN: f32 = 72.0;
        match self {
            // 3 × 10 labels of 70 × 29.7 mm, edge to edge. Laser printers cannot print the
            // outer ~4 mm of the paper, so the content keeps 4.5 mm from each label's top and
            // bottom edge and 5 mm from its sides.
            LabelSheet::A4x30 => Sheet {
                page_w: A4_W,
                page_h: A4_H,
                cols: 3,
                rows: 10,
                label_w: 70.0 * PT_PER_MM,
                label_h: 29.7 * PT_PER_MM,
                left: 0.0,
                top: 0.0,
                pitch_x: 70.0 * PT_PER_MM,
                pitch_y: 29.7 * PT_PER_MM,
                pad_x: 5.0 * PT_PER_MM,
                pad_y: 4.5 * PT_PER_MM,
                dot: None,
            },
            // Avery 5160: 2.625 × 1 in, 3 × 10, 0.5 in top margin, 0.1875 in side margin,
            // 0.125 in between columns.
            LabelSheet::Letterx30 => Sheet {
                page_w: 8.5 * IN,
                page_h: 11.0 * IN,
                cols: 3,
                rows: 10,
                label_w: 2.625 * IN,
                label_h: 1.0 * IN,
                left: 0.1875 * IN,
                top: 0.5 * IN,
                pitch_x: 2.75 * IN,
                pitch_y: 1.0 * IN,
                pad_x: 0.15 * IN,
                pad_y: 0.08 * IN,
                dot: None,
            },
            // One 2.25 × 1.25 in label per page; bars snap to the 203 dpi print head.
            LabelSheet::Thermal225x125 => Sheet {
                page_w: 2.25 * IN,
                page_h: 1.25 * IN,
                cols: 1,
                rows: 1,
                label_w: 2.25 * IN,
                label_h: 1.25 * IN,
                left: 0.0,
                top: 0.0,
                pitch_x: 2.25 * IN,
                pitch_y: 1.25 * IN,
                pad_x: 0.1 * IN,
                pad_y: 0.08 * IN,
                dot: Some(IN / 203.0),
            },
        }
    }
}

/// Where the labels of a sheet are, in points from the page's top-left corner.
struct Sheet {
    page_w: f32,
    page_h: f32,
    cols: usize,
    rows: usize,
    label_w: f32,
    label_h: f32,
    left: f32,
    top: f32,
    pitch_x: f32,
    pitch_y: f32,
    /// Kept clear inside each label.
    pad_x: f32,
    pad_y: f32,
    /// A thermal printer's dot, to make every bar a whole number of dots.
    dot: Option<f32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelSymbology {
    Code128,
    UpcA,
}

impl LabelSymbology {
    pub fn code(self) -> &'static str {
        match self {
            LabelSymbology::Code128 => "code128",
            LabelSymbology::UpcA => "upca",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [LabelSymbology::Code128, LabelSymbology::UpcA].into_iter().find(|s| s.code() == code.trim())
    }
}

#[derive(Clone, Debug)]
pub struct SkuLabel {
    pub sku_code: String,
    pub name: String,
    pub barcode: String,
    pub copies: u32,
}

/// Labels in one file at most (a thermal roll of that many is one page each).
pub const MAX_LABELS: u64 = 10_000;
/// Narrowest bar printed (≈ 0.16 mm, 6 mil): below it common scanners stop reading.
const MIN_MODULE: f32 = 0.45;
/// Widest bar: UPC-A's nominal 0.33 mm; Code128 on labels is kept the same.
const MAX_MODULE: f32 = 0.33 * PT_PER_MM;
/// Quiet zones in modules: Code128 needs 10 each side, UPC-A 9.
const CODE128_QUIET: usize = 10;
const UPCA_QUIET: usize = 9;

/// What one label shows, encoded once however many copies there are.
struct Prepared<'a> {
    label: &'a SkuLabel,
    bars: Vec<u8>,
    /// The 12 digits under a UPC-A; None for Code128 (the code is printed instead).
    upc: Option<String>,
}

/// Barcode labels: Code128 encodes `sku_code`; UPC-A encodes `barcode`, which must be a valid
/// 12-digit UPC-A (`app::domain::validate_gtin`) — otherwise Invalid("SKU X has no 12-digit
/// UPC-A barcode; print Code128 or apply an ST-UPC first"). Each label: barcode, human-readable
/// digits/code under it, SKU code + name (truncated to fit). Pages = ceil(total copies / per_page).
/// Label positions match real label stock (A4 3×10, Letter Avery 5160 3×10 with its margins).
///
/// A 13-digit EAN-13 that starts with 0 is the same GS1 number as the UPC-A without that 0 and
/// is printed as that UPC-A.
pub fn sku_labels_pdf(labels: &[SkuLabel], sheet: LabelSheet, symbology: LabelSymbology) -> Result<Vec<u8>, DocumentError> {
    let total: u64 = labels.iter().map(|l| u64::from(l.copies)).sum();
    if total == 0 {
        return Err(DocumentError::Invalid("Choose at least one label to print".into()));
    }
    if total > MAX_LABELS {
        return Err(DocumentError::Invalid(format!("At most {MAX_LABELS} labels per file ({total} asked); print them in parts")));
    }
    let geometry = sheet.geometry();
    let content_w = geometry.label_w - 2.0 * geometry.pad_x;
    let mut prepared = Vec::new();
    for label in labels.iter().filter(|l| l.copies > 0) {
        let (bars, upc, quiet) = match symbology {
            LabelSymbology::Code128 => (code128(&label.sku_code, &format!("SKU {}", label.sku_code))?, None, CODE128_QUIET),
            LabelSymbology::UpcA => {
                let upc = upc_a(&label.barcode).ok_or_else(|| {
                    DocumentError::Invalid(format!(
                        "SKU {} has no 12-digit UPC-A barcode; print Code128 or apply an ST-UPC first",
                        label.sku_code
                    ))
                })?;
                let bars = pdf::upca_modules(&upc).map_err(|e| DocumentError::Build(e.to_string()))?;
                (bars, Some(upc), UPCA_QUIET)
            }
        };
        if content_w / ((bars.len() + 2 * quiet) as f32) < MIN_MODULE {
            return Err(DocumentError::Invalid(format!(
                "SKU {}: the code is too long for a scannable Code128 on a {} label; print UPC-A or use a shorter SKU code",
                label.sku_code,
                sheet.label()
            )));
        }
        prepared.push(Prepared { label, bars, upc });
    }

    let per_page = sheet.per_page();
    let copies = prepared.iter().flat_map(|p| std::iter::repeat_n(p, p.label.copies as usize));
    let mut pages: Vec<(f32, f32, Vec<Op>)> = Vec::new();
    for (i, p) in copies.enumerate() {
        let slot = i % per_page;
        if slot == 0 {
            pages.push((geometry.page_w, geometry.page_h, Vec::new()));
        }
        let (col, row) = (slot % geometry.cols, slot / geometry.cols);
        let x = geometry.left + col as f32 * geometry.pitch_x + geometry.pad_x;
        let top = geometry.page_h - geometry.top - row as f32 * geometry.pitch_y - geometry.pad_y;
        let bottom = top - (geometry.label_h - 2.0 * geometry.pad_y);
        if let Some((_, _, ops)) = pages.last_mut() {
            draw_label(ops, p, &geometry, x, bottom, content_w, top);
        }
    }
    let title = format!("SKU labels ({}, {})", sheet.label(), symbology.code());
    Ok(pdf::save(&title, pages))
}

/// One label in the content box (x, bottom) – (x + w, top): SKU code, name, bars, the
/// human-readable text under the bars.
fn draw_label(ops: &mut Vec<Op>, p: &Prepared, geometry: &Sheet, x: f32, bottom: f32, w: f32, top: f32) {
    let (code_size, name_size, hri_size) = (8.5, 6.5, 7.0);
    text(ops, x, top - code_size * 0.75, BOLD, code_size, &fit(BOLD, code_size, &p.label.sku_code, w));
    text(ops, x, top - code_size - name_size * 0.9, REGULAR, name_size, &fit(REGULAR, name_size, &p.label.name, w));
    let bars_top = top - code_size - name_size - 4.0;
    let bars_bottom = bottom + hri_size + 1.5;
    let h = (bars_top - bars_bottom).max(8.0);
    match &p.upc {
        None => {
            let (bx, bw) = barcode_box(p.bars.len(), CODE128_QUIET, x, w, MAX_MODULE, geometry.dot);
            barcode(ops, &p.bars, bx, bars_bottom, bw, h);
            text_centered(ops, x + w / 2.0, bottom + 0.5, REGULAR, hri_size, &p.label.sku_code);
        }
        Some(upc) => upca_with_digits(ops, &p.bars, upc, x, w, bars_bottom, h, hri_size, geometry.dot),
    }
}

/// UPC-A as printed on retail packs: the guard bars and the first and last digit's bars run
/// down between the digits; the number-system digit sits left of the bars, the check digit
/// right, five digits under each half.
#[allow(clippy::too_many_arguments)]
fn upca_with_digits(ops: &mut Vec<Op>, bars: &[u8], upc: &str, x: f32, w: f32, bottom: f32, h: f32, size: f32, dot: Option<f32>) {
    let (bx, bw) = barcode_box(bars.len(), UPCA_QUIET, x, w, MAX_MODULE, dot);
    let m = bw / bars.len() as f32;
    let drop = size * 0.55;
    barcode(ops, bars, bx, bottom, bw, h);
    for range in [0..10, 45..50, 85..95] {
        barcode(ops, &bars[range.clone()], bx + range.start as f32 * m, bottom - drop, range.len() as f32 * m, drop);
    }
    let baseline = bottom - size * 0.85;
    let digits: Vec<&str> = (0..12).map(|i| &upc[i..i + 1]).collect();
    let small = size * 0.8;
    text_right(ops, bx - m, baseline, REGULAR, small, digits[0]);
    text_centered(ops, bx + 27.5 * m, baseline, REGULAR, size, &digits[1..6].concat());
    text_centered(ops, bx + 67.5 * m, baseline, REGULAR, size, &digits[6..11].concat());
    text(ops, bx + 96.0 * m, baseline, REGULAR, small, digits[11]);
}

/// Where bars of `modules` go inside (x, w) with `quiet` modules clear on each side: the
/// widest module up to about `max_module` that fits, centred. With a printer `dot` the module
/// is a whole number of dots (the nearest to the ideal when it fits, else one fewer) once two
/// dots fit. Returns (x of the first bar, width of the bars).
fn barcode_box(modules: usize, quiet: usize, x: f32, w: f32, max_module: f32, dot: Option<f32>) -> (f32, f32) {
    let span = (modules + 2 * quiet) as f32;
    let fit = w / span;
    let mut module = fit.min(max_module);
    if let Some(dot) = dot {
        let nearest = (module / dot).round();
        let dots = if nearest * dot <= fit { nearest } else { (fit / dot).floor() };
        if dots >= 2.0 {
            module = dots * dot;
        }
    }
    let bars_w = module * modules as f32;
    (x + (w - bars_w) / 2.0, bars_w)
}

/// The 12-digit UPC-A in `barcode`: a valid UPC-A, or an EAN-13 that is one with a leading 0.
fn upc_a(barcode: &str) -> Option<String> {
    let code = barcode.trim();
    match validate_gtin(code) {
        Ok(GtinKind::UpcA) => Some(code.to_string()),
        Ok(GtinKind::Ean13) if code.starts_with('0') => Some(code[1..].to_string()),
        _ => None,
    }
}

fn code128(text: &str, what: &str) -> Result<Vec<u8>, DocumentError> {
    if text.trim().is_empty() {
        return Err(DocumentError::Invalid(format!("{what}: nothing to print as a barcode")));
    }
    pdf::code128_modules(text).map_err(|_| {
        DocumentError::Invalid(format!("{what}: {text:?} cannot be printed as Code128 (letters, digits and ASCII signs only)"))
    })
}
