//! The printable pick list of a wave: US Letter pages, lines in walking order (by bin), each
//! with a Code128 barcode of the SKU's barcode so a scanner can read it off the paper.

use printpdf::{BuiltinFont, Mm, PdfDocument, PdfPage, PdfSaveOptions};

use app::domain::{wave_no, PickSheet};

use crate::pdf::{barcode, code128_modules, filled_rect, text};

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 40.0;
const ROW_H: f32 = 64.0;
const HEADER_H: f32 = 90.0;

pub fn render(sheet: &PickSheet, warehouse_code: &str) -> anyhow::Result<Vec<u8>> {
    let rows_per_page = ((PAGE_H - 2.0 * MARGIN - HEADER_H) / ROW_H).floor().max(1.0) as usize;
    // An empty wave still prints one page that says so.
    let chunks: Vec<&[app::domain::PickLine]> =
        if sheet.lines.is_empty() { vec![&[]] } else { sheet.lines.chunks(rows_per_page).collect() };
    let page_count = chunks.len();
    let mut pages = Vec::with_capacity(page_count);
    for (page_no, lines) in chunks.into_iter().enumerate() {
        let mut ops = Vec::new();
        let mut y = PAGE_H - MARGIN - 16.0;
        let title = format!("Pick list {} · {}", wave_no(sheet.wave.id), warehouse_code);
        text(&mut ops, MARGIN, y, BuiltinFont::HelveticaBold, 18.0, &title);
        y -= 20.0;
        let summary = format!(
            "{} order(s), {} unit(s) · {} · page {} of {}",
            sheet.wave.order_count,
            sheet.wave.units,
            sheet.wave.description,
            page_no + 1,
            page_count
        );
        text(&mut ops, MARGIN, y, BuiltinFont::Helvetica, 10.0, &summary);
        y -= 24.0;
        for (label, x) in [("BIN", MARGIN), ("SKU / ITEM", MARGIN + 90.0), ("QTY", MARGIN + 300.0), ("BARCODE", MARGIN + 350.0)] {
            text(&mut ops, x, y, BuiltinFont::HelveticaBold, 9.0, label);
        }
        y -= 6.0;
        filled_rect(&mut ops, MARGIN, y, PAGE_W - 2.0 * MARGIN, 1.0);
        for line in lines.iter() {
            let top = y;
            text(&mut ops, MARGIN, top - 22.0, BuiltinFont::HelveticaBold, 16.0, &line.bin);
            text(&mut ops, MARGIN + 90.0, top - 18.0, BuiltinFont::HelveticaBold, 11.0, &line.sku_code);
            text(&mut ops, MARGIN + 90.0, top - 32.0, BuiltinFont::Helvetica, 9.0, &truncate(&line.sku_name, 38));
            text(&mut ops, MARGIN + 300.0, top - 22.0, BuiltinFont::HelveticaBold, 16.0, &line.needed.to_string());
            barcode(&mut ops, &code128_modules(&line.barcode)?, MARGIN + 350.0, top - 44.0, 170.0, 32.0);
            text(&mut ops, MARGIN + 350.0, top - 55.0, BuiltinFont::Helvetica, 8.0, &line.barcode);
            y -= ROW_H;
            filled_rect(&mut ops, MARGIN, y, PAGE_W - 2.0 * MARGIN, 0.5);
        }
        if lines.is_empty() {
            text(&mut ops, MARGIN, y - 24.0, BuiltinFont::Helvetica, 11.0, "Nothing to pick on this wave.");
        }
        pages.push(PdfPage::new(Mm(215.9), Mm(279.4), ops));
    }
    let mut doc = PdfDocument::new(&format!("Pick list {}", wave_no(sheet.wave.id)));
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::*;

    fn sheet(lines: usize) -> PickSheet {
        PickSheet {
            wave: WaveSummary {
                id: 7,
                warehouse_id: 1,
                status: WaveStatus::Picking,
                description: "UPS".into(),
                order_count: 3,
                units: 5,
                picked_units: 0,
                created_at_ms: 0,
                created_by: "Walt".into(),
            },
            lines: (0..lines)
                .map(|i| PickLine {
                    sku_id: i as i64,
                    sku_code: format!("SKU-{i}"),
                    sku_name: "Ceramic Mug 11oz, White".into(),
                    barcode: format!("08500123450{i:02}"),
                    bin: format!("A-{i:02}-1"),
                    needed: 2,
                    picked: 0,
                    short: 0,
                    short_reason: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn pick_list_is_a_pdf_with_one_page_per_nine_lines() {
        let pdf = render(&sheet(20), "LAX1").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 3, "20 lines at 9 per page");
        let text = doc.extract_text(&[1]).unwrap();
        assert!(text.contains("W00007"), "{text}");
        assert!(text.contains("A-00-1"), "{text}");
    }

    #[test]
    fn an_empty_wave_still_prints_one_page() {
        let pdf = render(&sheet(0), "LAX1").unwrap();
        assert_eq!(lopdf::Document::load_mem(&pdf).unwrap().get_pages().len(), 1);
    }
}
