//! Small drawing helpers on top of printpdf shared by every document the server prints (pick
//! lists, inbound documents and labels in `documents`, labels in the sandbox carrier): text
//! lines and their widths, bars, and Code128 / UPC-A barcodes drawn as filled rectangles.

use barcoders::sym::code128::Code128;
use barcoders::sym::ean13::UPCA;
use printpdf::{BuiltinFont, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem};

/// Points per millimetre (1 in = 72 pt = 25.4 mm).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// The Code128 bars (1 = dark module, 0 = light) for `text`. Runs of digits are packed in pairs
/// with character set C where that makes the symbol shorter (the usual rule: 4+ digits at the
/// start or end, 6+ in the middle, or an all-digit text); everything else uses set B.
pub fn code128_modules(text: &str) -> anyhow::Result<Vec<u8>> {
    if text.is_empty() {
        anyhow::bail!("nothing to encode as Code128");
    }
    let code = Code128::new(code128_data(text)).map_err(|e| anyhow::anyhow!("cannot encode {text:?} as Code128: {e}"))?;
    Ok(code.encode())
}

/// `text` in barcoders' Code128 syntax: 'Ɓ' / 'Ć' start (or switch to) character set B / C.
fn code128_data(text: &str) -> String {
    const SET_B: char = 'Ɓ';
    const SET_C: char = 'Ć';
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(n + 4);
    let mut set = None;
    let mut switch = |out: &mut String, to: char| {
        if set != Some(to) {
            out.push(to);
            set = Some(to);
        }
    };
    let mut i = 0;
    while i < n {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let (at_start, to_end) = (i == 0, i + run == n);
        let worth_set_c = match (at_start, to_end) {
            (true, true) => run >= 4 || (run >= 2 && run % 2 == 0),
            (true, false) | (false, true) => run >= 4,
            (false, false) => run >= 6,
        };
        if run > 0 && worth_set_c {
            if run % 2 == 1 && !at_start {
                // The odd digit goes first, in set B; a leading odd run leaves its last digit.
                switch(&mut out, SET_B);
                out.push(chars[i]);
                i += 1;
            }
            let pairs = (run / 2) * 2;
            switch(&mut out, SET_C);
            out.extend(&chars[i..i + pairs]);
            i += pairs;
        } else {
            switch(&mut out, SET_B);
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The UPC-A bars (95 modules, guards included) of a 12-digit UPC-A with its check digit.
/// UPC-A is EAN-13 with a leading 0, which is how barcoders encodes it.
pub fn upca_modules(upc: &str) -> anyhow::Result<Vec<u8>> {
    if upc.len() != 12 || !upc.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!("{upc:?} is not a 12-digit UPC-A");
    }
    let code = UPCA::new(format!("0{upc}")).map_err(|e| anyhow::anyhow!("cannot encode {upc:?} as UPC-A: {e}"))?;
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

/// One line centred on `cx`.
pub fn text_centered(ops: &mut Vec<Op>, cx: f32, y: f32, font: BuiltinFont, size: f32, line: &str) {
    text(ops, cx - text_width(font, size, line) / 2.0, y, font, size, line);
}

/// One line ending at `right`.
pub fn text_right(ops: &mut Vec<Op>, right: f32, y: f32, font: BuiltinFont, size: f32, line: &str) {
    text(ops, right - text_width(font, size, line), y, font, size, line);
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

/// A document of `pages` (each `(width_pt, height_pt, ops)`), saved with printpdf.
pub fn save(title: &str, pages: Vec<(f32, f32, Vec<Op>)>) -> Vec<u8> {
    let pages = pages.into_iter().map(|(w, h, ops)| PdfPage::new(Mm(w / PT_PER_MM), Mm(h / PT_PER_MM), ops)).collect();
    let mut doc = PdfDocument::new(title);
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    doc.save(&PdfSaveOptions::default(), &mut warnings)
}

// ---------------------------------------------------------------- text metrics

/// Advance widths (1/1000 em) of WinAnsi 0x20..=0x7E in the standard Helvetica AFM.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p … ~
];
/// The same for Helvetica-Bold.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0 … ?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @ … O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P … _
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // ` … o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p … ~
];

fn char_width(font: BuiltinFont, c: char) -> u16 {
    let bold = matches!(font, BuiltinFont::HelveticaBold | BuiltinFont::HelveticaBoldOblique);
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    match c {
        ' '..='~' => table[c as usize - 0x20],
        '…' | '—' | '‰' => 1000,
        '·' => 278,
        '×' => 584,
        // Other Latin-1 letters are about as wide as an "n"; characters WinAnsi lacks print
        // as "?" (a wider guess keeps truncation on the safe side).
        _ => 611,
    }
}

/// Width in points of `line` set in `font` (Helvetica metrics; other fonts are not used here).
pub fn text_width(font: BuiltinFont, size: f32, line: &str) -> f32 {
    line.chars().map(|c| f32::from(char_width(font, c))).sum::<f32>() * size / 1000.0
}

/// `line`, cut with "…" so it fits `max_width`.
pub fn fit(font: BuiltinFont, size: f32, line: &str, max_width: f32) -> String {
    let line = line.trim();
    if text_width(font, size, line) <= max_width {
        return line.to_string();
    }
    let budget = max_width - text_width(font, size, "…");
    let mut out = String::new();
    let mut width = 0.0;
    for c in line.chars() {
        let w = f32::from(char_width(font, c)) * size / 1000.0;
        if width + w > budget {
            break;
        }
        width += w;
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// `text` broken into lines of at most `max_width` at spaces (a word longer than a line is cut
/// with `fit`); at most `max_lines`, the last one ending in "…" when text is left over.
pub fn wrap(font: BuiltinFont, size: f32, text: &str, max_width: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if text_width(font, size, &candidate) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        current = fit(font, size, word, max_width);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines.saturating_sub(1)).join(" ");
        lines.push(fit(font, size, &format!("{rest}…"), max_width));
        lines.truncate(max_lines);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Symbols in Code128 bars, start and check symbol included (each symbol is 11 modules,
    /// the stop pattern 13).
    fn symbol_count(modules: &[u8]) -> usize {
        (modules.len() - 13) / 11
    }

    #[test]
    fn code128_packs_digit_runs_where_it_is_shorter() {
        assert_eq!(code128_data("MUG-CER-11"), "ƁMUG-CER-11");
        assert_eq!(code128_data("085001234500"), "Ć085001234500");
        assert_eq!(code128_data("08500123450"), "Ć0850012345Ɓ0");
        assert_eq!(code128_data("IB00000012-B003"), "ƁIBĆ00000012Ɓ-B003");
        assert_eq!(code128_data("AB12345"), "ƁAB1Ć2345");
        assert_eq!(code128_data("A1234B"), "ƁA1234B");
        assert_eq!(code128_data("12"), "Ć12");
        assert_eq!(code128_data("123"), "Ɓ123");
        // Shorter than plain set B: start + 8 data + check vs start + 15 + check.
        assert!(symbol_count(&code128_modules("IB00000012-B003").unwrap()) < 17);
        assert!(code128_modules("").is_err());
        assert!(code128_modules("é").is_err());
    }

    #[test]
    fn upca_bars_are_the_ean13_bars_with_a_leading_zero() {
        let bars = upca_modules("036000291452").unwrap();
        assert_eq!(bars.len(), 95);
        assert!(upca_modules("036000291453").is_err(), "wrong check digit");
        assert!(upca_modules("36000291452").is_err(), "11 digits");
    }

    #[test]
    fn text_is_cut_and_wrapped_to_the_width() {
        let long = "Ceramic Mug 11oz, White, dishwasher safe, gift boxed";
        let cut = fit(BuiltinFont::Helvetica, 10.0, long, 100.0);
        assert!(cut.ends_with('…') && text_width(BuiltinFont::Helvetica, 10.0, &cut) <= 100.0, "{cut}");
        assert_eq!(fit(BuiltinFont::Helvetica, 10.0, "Mug", 100.0), "Mug");
        let lines = wrap(BuiltinFont::Helvetica, 10.0, long, 100.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(BuiltinFont::Helvetica, 10.0, l) <= 100.0), "{lines:?}");
        assert!(lines[1].ends_with('…'));
        // "H" is 722/1000 em in Helvetica.
        assert!((text_width(BuiltinFont::Helvetica, 10.0, "H") - 7.22).abs() < 1e-4);
    }
}
