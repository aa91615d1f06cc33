//! The printable documents (`server::documents`): each one parsed back with lopdf for its page
//! count, page size, extractable text and where its marks are; the merged waybill PDF and the
//! waybill ZIP read back. The PDFs are also written to `CARGO_TARGET_TMPDIR/documents/` so they
//! can be rendered (`pdftoppm -png -r 150 …`) and looked at.

use std::io::{Cursor, Read};

use lopdf::content::Content;
use lopdf::{dictionary, Document, Object, ObjectId, Stream};
use printpdf::BuiltinFont;
use server::documents::inbound::*;
use server::documents::waybill::{merge_pdfs, zip_files};
use server::documents::DocumentError;

fn line(code: &str, name: &str, barcode: &str, quantity: i64) -> DocLine {
    DocLine { sku_code: code.into(), name: name.into(), barcode: barcode.into(), quantity }
}

/// IB00000012: three SKUs in three boxes (two of them mixed).
fn inbound() -> InboundDoc {
    let mug = line("MUG-CER-11", "Ceramic Mug 11oz, White", "036000291452", 30);
    let towel = line("TWL-BTH-GRY", "Bath Towel, Grey, Extra Large Cotton", "040000000013", 8);
    let candle = line("CND-SOY-LAV", "Soy Candle, Lavender", "", 4);
    let with = |l: &DocLine, q: i64| DocLine { quantity: q, ..l.clone() };
    InboundDoc {
        inbound_no: "IB00000012".into(),
        merchant_name: "Acme Home Goods".into(),
        warehouse_code: "LAX1".into(),
        warehouse_name: "Los Angeles 1".into(),
        warehouse_address: "2000 E Carson St, Carson, CA 90810, US".into(),
        expected_arrival: "2026-12-20".into(),
        lines: vec![mug.clone(), towel.clone(), candle.clone()],
        boxes: vec![
            DocBox { box_no: 1, box_code: "IB00000012-B001".into(), items: vec![with(&mug, 24)], length_mm: 400, width_mm: 300, height_mm: 200, weight_grams: 5200 },
            DocBox { box_no: 2, box_code: "IB00000012-B002".into(), items: vec![with(&mug, 6), with(&towel, 8)], ..Default::default() },
            DocBox { box_no: 3, box_code: "IB00000012-B003".into(), items: vec![with(&candle, 4)], weight_grams: 1800, ..Default::default() },
        ],
    }
}

fn load(pdf: &[u8]) -> Document {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    Document::load_mem(pdf).expect("lopdf parses it")
}

fn save_preview(name: &str, pdf: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), pdf).unwrap();
}

/// A page's media box, inherited from its page tree when the page has none.
fn media_box(doc: &Document, page: ObjectId) -> [f32; 4] {
    let mut node = doc.get_dictionary(page).unwrap();
    loop {
        if let Ok(b) = node.get(b"MediaBox") {
            let values: Vec<f32> = doc.dereference(b).unwrap().1.as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect();
            return [values[0], values[1], values[2], values[3]];
        }
        node = doc.get_dictionary(node.get(b"Parent").unwrap().as_reference().unwrap()).unwrap();
    }
}

fn assert_page_size(doc: &Document, w: f32, h: f32) {
    for (n, id) in doc.get_pages() {
        let b = media_box(doc, id);
        assert!((b[2] - b[0] - w).abs() < 1.0 && (b[3] - b[1] - h).abs() < 1.0, "page {n} is {b:?}, expected {w}×{h}");
    }
}

fn page_text(doc: &Document, page: u32) -> String {
    doc.extract_text(&[page]).unwrap()
}

fn invalid(result: Result<Vec<u8>, DocumentError>) -> String {
    match result {
        Err(DocumentError::Invalid(message)) => message,
        Err(other) => panic!("expected Invalid, got {other:?}"),
        Ok(_) => panic!("expected Invalid, got a document"),
    }
}

// ---------------------------------------------------------------- product list

#[test]
fn product_list_lists_every_box_and_the_totals() {
    let pdf = product_list_pdf(&inbound()).unwrap();
    save_preview("product-list.pdf", &pdf);
    let doc = load(&pdf);
    assert_eq!(doc.get_pages().len(), 1);
    assert_page_size(&doc, 595.0, 842.0);
    let text = page_text(&doc, 1);
    for needle in [
        "IB00000012",
        "Acme Home Goods",
        "LAX1",
        "2000 E Carson St",
        "2026-12-20",
        "Box 1 of 3",
        "Box 2 of 3",
        "Box 3 of 3",
        "IB00000012-B002",
        "MUG-CER-11",
        "TWL-BTH-GRY",
        "CND-SOY-LAV",
        "Totals per SKU",
        "1–2",
        "400 × 300 × 200 mm",
        "5.20 kg",
        "42",
        "page 1 of 1",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn a_long_product_list_runs_over_pages_and_repeats_its_headings() {
    let mut doc = inbound();
    doc.lines = (0..60).map(|i| line(&format!("SKU-{i:03}"), &format!("Product number {i} with a long descriptive name"), "", 10)).collect();
    doc.boxes = (1..=6)
        .map(|b| DocBox {
            box_no: b,
            box_code: format!("IB00000012-B{b:03}"),
            items: doc.lines[(b as usize - 1) * 10..b as usize * 10].to_vec(),
            ..Default::default()
        })
        .collect();
    let pdf = product_list_pdf(&doc).unwrap();
    save_preview("product-list-long.pdf", &pdf);
    let parsed = load(&pdf);
    let pages = parsed.get_pages().len() as u32;
    assert!(pages >= 3, "60 box rows and 60 total rows fill more than two A4 pages, got {pages}");
    let all: String = (1..=pages).map(|p| page_text(&parsed, p)).collect();
    for i in 0..60 {
        assert_eq!(all.matches(&format!("SKU-{i:03}")).count(), 2, "SKU-{i:03} once in its box and once in the totals");
    }
    for p in 1..=pages {
        assert!(page_text(&parsed, p).contains(&format!("page {p} of {pages}")));
    }
    assert!(all.contains("(continued)"), "a box or the totals continue on the next page");
}

#[test]
fn product_list_without_boxes_says_so_and_without_lines_is_refused() {
    let mut doc = inbound();
    doc.boxes.clear();
    let text = page_text(&load(&product_list_pdf(&doc).unwrap()), 1);
    assert!(text.contains("No packing list yet"), "{text}");
    doc.lines.clear();
    assert!(invalid(product_list_pdf(&doc)).contains("has no SKUs"));
}

// ---------------------------------------------------------------- box markings

#[test]
fn one_box_marking_per_box_on_4x6() {
    let pdf = box_markings_pdf(&inbound()).unwrap();
    save_preview("box-markings.pdf", &pdf);
    let doc = load(&pdf);
    assert_eq!(doc.get_pages().len(), 3);
    assert_page_size(&doc, 288.0, 432.0);
    for (page, code) in [(1, "IB00000012-B001"), (2, "IB00000012-B002"), (3, "IB00000012-B003")] {
        let text = page_text(&doc, page);
        for needle in ["IB00000012", &format!("Box {page} of 3"), "LAX1", "Los Angeles 1", "Carson", "Acme Home Goods", code] {
            assert!(text.contains(needle), "page {page}: {needle:?} missing from:\n{text}");
        }
    }
    assert!(page_text(&doc, 2).contains("2 SKU(s) · 14 unit(s)"), "{}", page_text(&doc, 2));
    // Every mark stays on the page, 18 pt from its edges.
    for (n, id) in doc.get_pages() {
        for mark in marks(&doc, id) {
            assert!(mark.inside(18.0 - 0.5, 18.0 - 0.5, 288.0 - 18.0 + 0.5, 432.0 - 18.0 + 0.5), "page {n}: {mark:?} outside the margins");
        }
    }
}

#[test]
fn box_markings_need_boxes() {
    let mut doc = inbound();
    doc.boxes.clear();
    assert!(invalid(box_markings_pdf(&doc)).contains("no boxes yet"));
}

// ---------------------------------------------------------------- SKU labels

fn labels(copies: u32) -> Vec<SkuLabel> {
    vec![
        SkuLabel { sku_code: "MUG-CER-11".into(), name: "Ceramic Mug 11oz, White".into(), barcode: "036000291452".into(), copies },
        SkuLabel {
            sku_code: "TWL-BTH-GRY".into(),
            name: "Bath Towel, Grey, Extra Large Egyptian Cotton with a very long name".into(),
            barcode: "040000000013".into(),
            copies: 1,
        },
    ]
}

#[test]
fn label_sheets_have_their_sizes_and_page_counts() {
    let cases = [
        (LabelSheet::A4x30, 595.0, 842.0, 30),
        (LabelSheet::Letterx30, 612.0, 792.0, 30),
        (LabelSheet::Thermal225x125, 162.0, 90.0, 1),
    ];
    for (sheet, w, h, per_page) in cases {
        assert_eq!(sheet.per_page(), per_page);
        assert_eq!(LabelSheet::from_code(sheet.code()), Some(sheet));
        for symbology in [LabelSymbology::Code128, LabelSymbology::UpcA] {
            assert_eq!(LabelSymbology::from_code(symbology.code()), Some(symbology));
            // 30 + 1 copies; 61 + 1; 4 + 1.
            for mug_copies in [30u32, 61, 4] {
                let total = mug_copies as usize + 1;
                let pdf = sku_labels_pdf(&labels(mug_copies), sheet, symbology).unwrap();
                let doc = load(&pdf);
                assert_eq!(doc.get_pages().len(), total.div_ceil(per_page), "{sheet:?} {symbology:?} {total} labels");
                assert_page_size(&doc, w, h);
                if mug_copies == 61 {
                    save_preview(&format!("labels-{}-{}.pdf", sheet.code(), symbology.code()), &pdf);
                }
            }
        }
    }
    assert_eq!(LabelSheet::from_code("a5-12"), None);
    assert_eq!(LabelSymbology::from_code("qr"), None);
    assert_eq!(LabelSheet::Letterx30.label(), "US Letter, 30 per sheet (Avery 5160 layout)");
}

#[test]
fn labels_carry_the_code_the_name_and_the_digits() {
    let doc = load(&sku_labels_pdf(&labels(2), LabelSheet::A4x30, LabelSymbology::UpcA).unwrap());
    let text = page_text(&doc, 1);
    for needle in ["MUG-CER-11", "Ceramic Mug 11oz", "36000", "29145", "TWL-BTH-GRY", "…"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert_eq!(text.matches("MUG-CER-11").count(), 2, "two copies");
    let doc = load(&sku_labels_pdf(&labels(1), LabelSheet::Thermal225x125, LabelSymbology::Code128).unwrap());
    assert!(page_text(&doc, 1).contains("MUG-CER-11"));
    assert!(page_text(&doc, 2).contains("TWL-BTH-GRY"));
}

/// Every bar and every text of every label lies inside the printable part of its label on the
/// real stock, and no two labels share a cell.
#[test]
fn labels_sit_inside_their_cells() {
    // (sheet, cells as (left, bottom, right, top) in pt, inset kept clear)
    let a4 = |col: usize, row: usize| {
        let (w, h) = (70.0 * 72.0 / 25.4, 29.7 * 72.0 / 25.4);
        (col as f32 * w, 841.89 - (row + 1) as f32 * h, (col + 1) as f32 * w, 841.89 - row as f32 * h)
    };
    let letter = |col: usize, row: usize| {
        let left = 13.5 + col as f32 * 198.0;
        let top = 792.0 - 36.0 - row as f32 * 72.0;
        (left, top - 72.0, left + 189.0, top)
    };
    let thermal = |_: usize, _: usize| (0.0, 0.0, 162.0, 90.0);
    let sheets: [(LabelSheet, &dyn Fn(usize, usize) -> (f32, f32, f32, f32), usize, usize, f32); 3] = [
        (LabelSheet::A4x30, &a4, 3, 10, 4.0),
        (LabelSheet::Letterx30, &letter, 3, 10, 4.0),
        (LabelSheet::Thermal225x125, &thermal, 1, 1, 4.0),
    ];
    for (sheet, cell, cols, rows, inset) in sheets {
        for symbology in [LabelSymbology::Code128, LabelSymbology::UpcA] {
            let doc = load(&sku_labels_pdf(&labels(29), sheet, symbology).unwrap());
            let first_page = doc.get_pages()[&1];
            let mut used = vec![0usize; cols * rows];
            for mark in marks(&doc, first_page) {
                let slot = (0..cols * rows).find(|&i| {
                    let (l, b, r, t) = cell(i % cols, i / cols);
                    mark.inside(l + inset, b + inset, r - inset, t - inset)
                });
                match slot {
                    Some(i) => used[i] += 1,
                    None => panic!("{sheet:?} {symbology:?}: {mark:?} is not inside any label (less {inset} pt)"),
                }
            }
            let filled = used.iter().filter(|n| **n > 0).count();
            assert_eq!(filled, (30).min(cols * rows), "{sheet:?} {symbology:?}: one label per cell");
        }
    }
}

#[test]
fn upc_a_needs_a_upc_a() {
    for bad in ["", "MUG123", "4006381333931", "036000291453", "12345670"] {
        let mut l = labels(1);
        l[1].barcode = bad.into();
        let message = invalid(sku_labels_pdf(&l, LabelSheet::Letterx30, LabelSymbology::UpcA));
        assert_eq!(message, "SKU TWL-BTH-GRY has no 12-digit UPC-A barcode; print Code128 or apply an ST-UPC first", "{bad:?}");
        // Code128 prints the SKU code whatever the barcode is.
        assert!(sku_labels_pdf(&l, LabelSheet::Letterx30, LabelSymbology::Code128).is_ok());
    }
    // The EAN-13 form of a UPC-A (a leading 0) is that UPC-A.
    let mut l = labels(1);
    l[0].barcode = "0036000291452".into();
    let text = page_text(&load(&sku_labels_pdf(&l, LabelSheet::Letterx30, LabelSymbology::UpcA).unwrap()), 1);
    assert!(text.contains("36000"), "{text}");
}

#[test]
fn label_requests_that_cannot_print_are_refused() {
    assert_eq!(invalid(sku_labels_pdf(&[], LabelSheet::A4x30, LabelSymbology::Code128)), "Choose at least one label to print");
    let mut none = labels(0);
    none[1].copies = 0;
    assert_eq!(invalid(sku_labels_pdf(&none, LabelSheet::A4x30, LabelSymbology::Code128)), "Choose at least one label to print");
    let mut many = labels(10_000);
    many[1].copies = 1;
    assert!(invalid(sku_labels_pdf(&many, LabelSheet::Thermal225x125, LabelSymbology::Code128)).contains("At most 10000 labels"));
    let long = vec![SkuLabel { sku_code: "ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABCDEFGHIJKL".into(), name: "Long".into(), barcode: String::new(), copies: 1 }];
    assert!(invalid(sku_labels_pdf(&long, LabelSheet::Thermal225x125, LabelSymbology::Code128)).contains("too long"));
}

// ---------------------------------------------------------------- waybill: merge and zip

/// A one-page PDF whose page inherits its media box and font from the page tree (as many
/// carriers' label PDFs do).
fn inherited_pdf(text: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier" });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let content = Content {
        operations: vec![
            lopdf::content::Operation::new("BT", vec![]),
            lopdf::content::Operation::new("Tf", vec!["F1".into(), 24.into()]),
            lopdf::content::Operation::new("Td", vec![20.into(), 100.into()]),
            lopdf::content::Operation::new("Tj", vec![Object::string_literal(text)]),
            lopdf::content::Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 300.into(), 200.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn merged_pdf_has_every_page_in_order() {
    let markings = box_markings_pdf(&inbound()).unwrap();
    let list = product_list_pdf(&inbound()).unwrap();
    let carrier = inherited_pdf("TRACKING 1Z999");
    let merged = merge_pdfs(&[markings, carrier, list]).unwrap();
    save_preview("merged.pdf", &merged);
    let doc = load(&merged);
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 3 + 1 + 1);
    assert!(page_text(&doc, 1).contains("Box 1 of 3"));
    assert!(page_text(&doc, 3).contains("Box 3 of 3"));
    assert!(page_text(&doc, 4).contains("TRACKING 1Z999"), "{}", page_text(&doc, 4));
    assert!(page_text(&doc, 5).contains("Totals per SKU"));
    let sizes: Vec<[f32; 4]> = pages.values().map(|id| media_box(&doc, *id)).collect();
    assert_eq!(sizes[0][2].round(), 288.0);
    assert_eq!(sizes[3], [0.0, 0.0, 300.0, 200.0], "the inherited media box is kept");
    assert_eq!(sizes[4][2].round(), 595.0);
    // A merge of merges is fine too.
    assert_eq!(load(&merge_pdfs(&[merged.clone(), merged]).unwrap()).get_pages().len(), 10);
}

#[test]
fn merge_refuses_what_is_not_a_pdf() {
    let good = inherited_pdf("ok");
    assert_eq!(invalid(merge_pdfs(&[good.clone(), b"^XA^FDnot a pdf^FS^XZ".to_vec()])), "document 2 is not a PDF");
    assert_eq!(invalid(merge_pdfs(&[b"%PDF-1.7 garbage".to_vec(), good])), "document 1 is not a PDF");
    assert!(merge_pdfs(&[]).is_err());
}

#[test]
fn zip_holds_every_file_under_a_unique_name() {
    let pdf = inherited_pdf("label");
    let files = vec![
        ("DD00000001.pdf".to_string(), pdf.clone()),
        ("DD00000001.pdf".to_string(), pdf.clone()),
        ("DD00000002.zpl".to_string(), b"^XA^XZ".to_vec()),
        ("../DD00000003.pdf".to_string(), pdf.clone()),
    ];
    let zip = zip_files(&files).unwrap();
    assert!(zip.starts_with(b"PK\x03\x04"));
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["DD00000001 (2).pdf", "DD00000001.pdf", "DD00000002.zpl", "DD00000003.pdf"]);
    let mut bytes = Vec::new();
    archive.by_name("DD00000001 (2).pdf").unwrap().read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, pdf);
    let mut zpl = String::new();
    archive.by_name("DD00000002.zpl").unwrap().read_to_string(&mut zpl).unwrap();
    assert_eq!(zpl, "^XA^XZ");
}

// ---------------------------------------------------------------- marks on a page

/// A filled rectangle or the box a line of text takes (its width measured with the metrics of
/// its font: printpdf names Helvetica "F5" and Helvetica-Bold "F6").
#[derive(Debug)]
struct Mark {
    left: f32,
    bottom: f32,
    right: f32,
    top: f32,
    /// Shown in failure messages.
    #[allow(dead_code)]
    what: String,
}

impl Mark {
    fn inside(&self, l: f32, b: f32, r: f32, t: f32) -> bool {
        self.left >= l && self.bottom >= b && self.right <= r && self.top <= t
    }
}

fn marks(doc: &Document, page: ObjectId) -> Vec<Mark> {
    let content = Content::decode(&doc.get_page_content(page)).unwrap();
    let num = |o: &Object| o.as_float().unwrap();
    let mut out = Vec::new();
    let (mut size, mut at, mut font) = (0.0f32, (0.0f32, 0.0f32), BuiltinFont::HelveticaBold);
    for op in content.operations {
        match op.operator.as_str() {
            "re" => {
                let (x, y, w, h) = (num(&op.operands[0]), num(&op.operands[1]), num(&op.operands[2]), num(&op.operands[3]));
                out.push(Mark { left: x.min(x + w), bottom: y.min(y + h), right: x.max(x + w), top: y.max(y + h), what: "rect".into() });
            }
            "Tf" => {
                font = match op.operands[0].as_name().unwrap() {
                    b"F5" => BuiltinFont::Helvetica,
                    b"F6" => BuiltinFont::HelveticaBold,
                    other => panic!("unexpected font {:?}", String::from_utf8_lossy(other)),
                };
                size = num(&op.operands[1]);
            }
            "Td" => at = (num(&op.operands[0]), num(&op.operands[1])),
            "Tj" => {
                let bytes = op.operands[0].as_str().unwrap();
                let s: String = bytes.iter().map(|b| if *b == 0x85 { '…' } else { char::from(*b) }).collect();
                let w = server::pdf::text_width(font, size, &s);
                // Descenders reach ~0.21 em below the baseline, capitals ~0.72 em above.
                out.push(Mark { left: at.0, bottom: at.1 - 0.21 * size, right: at.0 + w, top: at.1 + 0.72 * size, what: s });
            }
            _ => {}
        }
    }
    out
}
