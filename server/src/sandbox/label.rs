//! Label artwork for the sandbox carrier: a 4x6 inch PDF (printpdf, standard Helvetica) and
//! a ZPL text label, both with a Code128 barcode of the tracking number.

use printpdf::{BuiltinFont, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions};

use super::carrier::Address;

/// What is printed on a label.
pub struct LabelContent<'a> {
    pub from: &'a Address,
    pub to: &'a Address,
    pub carrier: &'a str,
    pub service: &'a str,
    pub tracking_number: &'a str,
    pub weight_grams: i64,
    pub signature: Option<&'a str>,
}

/// 4 x 6 inches in points (1 in = 72 pt).
const PAGE_W: f32 = 288.0;
const PAGE_H: f32 = 432.0;
const MARGIN: f32 = 18.0;
const BARCODE_Y: f32 = 96.0;
const BARCODE_H: f32 = 72.0;

pub use crate::pdf::code128_modules;
use crate::pdf::{barcode, filled_rect};

pub fn render_pdf(label: &LabelContent) -> anyhow::Result<Vec<u8>> {
    let mut ops = Vec::new();
    let mut y = PAGE_H - MARGIN - 8.0;
    text_block(&mut ops, &mut y, BuiltinFont::Helvetica, 8.0, &from_lines(label.from));
    y -= 6.0;
    filled_rect(&mut ops, MARGIN, y, PAGE_W - 2.0 * MARGIN, 1.5);
    y -= 20.0;
    text_block(&mut ops, &mut y, BuiltinFont::HelveticaBold, 9.0, &["SHIP TO:".to_string()]);
    text_block(&mut ops, &mut y, BuiltinFont::HelveticaBold, 13.0, &address_lines(label.to));
    y -= 6.0;
    filled_rect(&mut ops, MARGIN, y, PAGE_W - 2.0 * MARGIN, 1.5);
    y -= 20.0;
    text_block(&mut ops, &mut y, BuiltinFont::HelveticaBold, 14.0, &[format!("{} {}", label.carrier, label.service)]);
    text_block(&mut ops, &mut y, BuiltinFont::Helvetica, 9.0, &service_lines(label));
    barcode(&mut ops, &code128_modules(label.tracking_number)?, MARGIN, BARCODE_Y, PAGE_W - 2.0 * MARGIN, BARCODE_H);
    let mut ty = BARCODE_Y - 16.0;
    text_block(&mut ops, &mut ty, BuiltinFont::HelveticaBold, 11.0, &[format!("TRACKING # {}", label.tracking_number)]);

    let page = PdfPage::new(Mm(101.6), Mm(152.4), ops);
    let mut doc = PdfDocument::new(&format!("Label {}", label.tracking_number));
    doc.with_pages(vec![page]);
    let mut warnings = Vec::new();
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}

/// A ZPL II label for 203 dpi thermal printers (4x6 in = 812 x 1218 dots).
pub fn render_zpl(label: &LabelContent) -> String {
    let mut zpl = String::from("^XA\n^CI28\n");
    let mut y = 30;
    let mut field = |size: u32, text: &str| {
        zpl.push_str(&format!("^FO40,{y}^A0N,{size},{size}^FD{}^FS\n", zpl_escape(text)));
        y += size + 8;
    };
    for line in from_lines(label.from) {
        field(22, &line);
    }
    field(26, "SHIP TO:");
    for line in address_lines(label.to) {
        field(36, &line);
    }
    field(40, &format!("{} {}", label.carrier, label.service));
    for line in service_lines(label) {
        field(24, &line);
    }
    zpl.push_str(&format!(
        "^FO60,860^BY3^BCN,200,Y,N,N^FD{}^FS\n^XZ\n",
        zpl_escape(label.tracking_number)
    ));
    zpl
}

fn from_lines(from: &Address) -> Vec<String> {
    let mut lines = vec!["FROM:".to_string()];
    lines.extend(address_lines(from));
    lines
}

fn address_lines(a: &Address) -> Vec<String> {
    [
        a.name.clone(),
        a.address1.clone(),
        a.address2.clone(),
        format!("{} {} {}", a.city, a.state, a.postal_code),
        a.country.clone(),
    ]
    .into_iter()
    .map(|l| l.trim().to_string())
    .filter(|l| !l.is_empty())
    .collect()
}

fn service_lines(label: &LabelContent) -> Vec<String> {
    let mut lines = vec![format!("Weight: {:.2} kg", label.weight_grams as f64 / 1000.0)];
    if let Some(sig) = label.signature.filter(|s| *s != "none") {
        lines.push(format!("Signature required: {sig}"));
    }
    lines
}

/// Writes `lines` top-down from `*y`, leaving `*y` below the last line.
fn text_block(ops: &mut Vec<Op>, y: &mut f32, font: BuiltinFont, size: f32, lines: &[String]) {
    for line in lines {
        crate::pdf::text(ops, MARGIN, *y, font, size, line);
        *y -= size * 1.25;
    }
}

/// ZPL treats ^ and ~ as commands; the sandbox simply drops them from field data.
fn zpl_escape(text: &str) -> String {
    text.chars().filter(|c| *c != '^' && *c != '~').collect()
}
