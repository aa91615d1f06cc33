//! Small drawing helpers on top of printpdf shared by the documents the server prints
//! (pick lists here, labels in the sandbox carrier): text lines, bars and Code128 barcodes.

use barcoders::sym::code128::Code128;
use printpdf::{BuiltinFont, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, TextItem};

/// The Code128 bars (1 = dark module, 0 = light) for `text`. Character set C packs digit pairs
/// (the usual for numeric codes); anything else uses set B.
pub fn code128_modules(text: &str) -> anyhow::Result<Vec<u8>> {
    let numeric_pairs = !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_digit());
    let start = if numeric_pairs { 'Ć' } else { 'Ɓ' };
    let code = Code128::new(format!("{start}{text}")).map_err(|e| anyhow::anyhow!("cannot encode {text:?} as Code128: {e}"))?;
    Ok(code.encode())
}

/// One line of text with its baseline at (x, y).
pub fn text(ops: &mut Vec<Op>, x: f32, y: f32, font: BuiltinFont, size: f32, line: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont { font: PdfFontHandle::Builtin(font), size: Pt(size) },
        Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } },
        Op::ShowText { items: vec![TextItem::Text(line.to_string())] },
        Op::EndTextSection,
    ]);
}

pub fn filled_rect(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32) {
    let mut rect = Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h));
    rect.mode = Some(PaintMode::Fill);
    ops.push(Op::DrawRectangle { rectangle: rect });
}

/// One filled rectangle per run of dark modules, scaled into the box (x, y, w, h).
pub fn barcode(ops: &mut Vec<Op>, modules: &[u8], x: f32, y: f32, w: f32, h: f32) {
    let module_w = w / modules.len().max(1) as f32;
    let mut i = 0;
    while i < modules.len() {
        let run = modules[i..].iter().take_while(|m| **m == modules[i]).count();
        if modules[i] == 1 {
            filled_rect(ops, x + i as f32 * module_w, y, run as f32 * module_w, h);
        }
        i += run;
    }
}
