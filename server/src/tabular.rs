//! Spreadsheets in and out: uploads (CSV or XLSX) read into a header + rows table, and
//! templates / exports written as CSV or XLSX. Every import and export of the app goes through
//! here, with `csv`, `calamine` and `rust_xlsxwriter` doing the format work.
//!
//! Conventions every template follows: the first non-empty row is the header; a row whose
//! first cell starts with `#` is a note (skipped on import), so a CSV template can carry its
//! notes inline; row numbers in errors are the spreadsheet's own (header = row 1).

use std::io::Cursor;

use calamine::{Data, Reader};

/// Largest upload a spreadsheet import reads (a 10,000-row template is well under 2 MB).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
}

impl TableFormat {
    /// From a query/path word: `csv` or `xlsx`.
    pub fn from_code(code: &str) -> Option<TableFormat> {
        match code.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" => Some(TableFormat::Xlsx),
            _ => None,
        }
    }

    /// What an upload is, judged by its content (an XLSX is a ZIP), not by its name.
    pub fn sniff(bytes: &[u8]) -> TableFormat {
        if bytes.starts_with(b"PK\x03\x04") { TableFormat::Xlsx } else { TableFormat::Csv }
    }

    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Why an upload could not be read at all (row-level problems are the importer's business).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("The file is empty")]
    Empty,
    #[error("The file is larger than 20 MB")]
    TooLarge,
    #[error("The file is not a readable CSV (UTF-8) or XLSX spreadsheet: {0}")]
    Unreadable(String),
    #[error("The spreadsheet could not be written: {0}")]
    Write(String),
}

/// An uploaded sheet: trimmed header names and the data rows under them, each with the row
/// number the user sees in their spreadsheet program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// 1-based, as shown by Excel (the header is row 1 when it is the first line).
    pub number: usize,
    pub cells: Vec<String>,
}

impl Table {
    /// Index of the column whose header matches `name` (case, spaces and `_`/`-` ignored).
    pub fn column(&self, name: &str) -> Option<usize> {
        let want = header_key(name);
        self.headers.iter().position(|h| header_key(h) == want)
    }

    /// Required headers that are missing, in the order given.
    pub fn missing_columns<'a>(&self, required: &[&'a str]) -> Vec<&'a str> {
        required.iter().copied().filter(|name| self.column(name).is_none()).collect()
    }
}

impl TableRow {
    /// The trimmed cell in column `index` ("" when the row is shorter).
    pub fn cell(&self, index: Option<usize>) -> &str {
        index.and_then(|i| self.cells.get(i)).map(|s| s.as_str()).unwrap_or("")
    }
}

fn header_key(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '*')).flat_map(char::to_lowercase).collect()
}

/// Reads the first sheet of an upload (CSV or XLSX, decided by content).
pub fn read_table(bytes: &[u8]) -> Result<Table, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(TableError::TooLarge);
    }
    let raw = match TableFormat::sniff(bytes) {
        TableFormat::Csv => read_csv(bytes)?,
        TableFormat::Xlsx => read_xlsx(bytes)?,
    };
    let mut numbered = raw.into_iter().map(|(number, cells)| TableRow { number, cells }).filter(|r| !is_blank_or_note(&r.cells));
    let Some(header) = numbered.next() else { return Err(TableError::Empty) };
    Ok(Table { headers: header.cells, rows: numbered.collect() })
}

fn is_blank_or_note(cells: &[String]) -> bool {
    cells.iter().all(|c| c.is_empty()) || cells.first().is_some_and(|c| c.starts_with('#'))
}

/// (1-based line number, cells) per record: `csv` skips blank lines, so the number comes from
/// the record's position, not from counting records.
fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    // Excel writes a BOM at the start of "CSV UTF-8" files.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| TableError::Unreadable(e.to_string()))?;
            let line = record.position().map(|p| line_of(bytes, p.byte() as usize)).unwrap_or(0);
            Ok((line, record.iter().map(|c| c.trim().to_string()).collect()))
        })
        .collect()
}

/// The 1-based line of the first non-blank character at or after `byte` (a record's reported
/// start may sit on the blank lines before it).
fn line_of(bytes: &[u8], byte: usize) -> usize {
    let start = byte.min(bytes.len());
    let first = bytes[start..].iter().position(|b| *b != b'\n' && *b != b'\r').map_or(bytes.len(), |i| start + i);
    1 + bytes[..first].iter().filter(|b| **b == b'\n').count()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, TableError> {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| TableError::Unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| TableError::Unreadable("the workbook has no sheet".into()))?
        .map_err(|e| TableError::Unreadable(e.to_string()))?;
    // The range starts at its first used cell; offset so row numbers and columns match the sheet's.
    let (first_row, first_col) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            (first_row + i + 1, cells)
        })
        .collect())
}

/// A cell as the user typed it: whole numbers without ".0", dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) { format!("{y:04}-{m:02}-{d:02}") } else { format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}") }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// One value of an export or template.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

/// A sheet to write: headers, rows and notes (an XLSX gets the notes on a second "Notes"
/// sheet; a CSV gets them as `#` lines after the header, which `read_table` skips).
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

pub fn write_table(sheet: &Sheet, format: TableFormat) -> Result<Vec<u8>, TableError> {
    match format {
        TableFormat::Csv => write_csv(sheet),
        TableFormat::Xlsx => write_xlsx(sheet),
    }
}

fn write_csv(sheet: &Sheet) -> Result<Vec<u8>, TableError> {
    let werr = |e: csv::Error| TableError::Write(e.to_string());
    // A BOM, so Excel opens non-ASCII text (names, Chinese addresses) as UTF-8.
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(&mut out);
        writer.write_record(&sheet.headers).map_err(werr)?;
        for note in &sheet.notes {
            writer.write_record([format!("# {note}")]).map_err(werr)?;
        }
        for row in &sheet.rows {
            writer
                .write_record(row.iter().map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Int(i) => i.to_string(),
                }))
                .map_err(werr)?;
        }
        writer.flush().map_err(|e| TableError::Write(e.to_string()))?;
    }
    Ok(out)
}

fn write_xlsx(sheet: &Sheet) -> Result<Vec<u8>, TableError> {
    use rust_xlsxwriter::{Format, Workbook};
    let werr = |e: rust_xlsxwriter::XlsxError| TableError::Write(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(&sheet.name)).map_err(werr)?;
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold).map_err(werr)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 + 4.0).max(12.0)).map_err(werr)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => ws.write_string(r, c as u16, s).map_err(werr)?,
                Cell::Int(i) => ws.write_number(r, c as u16, *i as f64).map_err(werr)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(werr)?;
    if !sheet.notes.is_empty() {
        let notes = book.add_worksheet();
        notes.set_name("Notes").map_err(werr)?;
        notes.set_column_width(0, 100).map_err(werr)?;
        for (r, note) in sheet.notes.iter().enumerate() {
            notes.write_string(r as u32, 0, note).map_err(werr)?;
        }
    }
    book.save_to_buffer().map_err(werr)
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() { "Sheet1".into() } else { clean }
}

/// `Content-Disposition` for a download named `stem.ext` (ASCII-safe name).
pub fn attachment(stem: &str, format: TableFormat) -> String {
    let safe: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    format!("attachment; filename=\"{safe}.{}\"", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sheet {
        Sheet {
            name: "Orders".into(),
            headers: vec!["Order Reference".into(), "SKU".into(), "Quantity".into()],
            rows: vec![
                vec!["A-1".into(), "MUG-CER-11".into(), Cell::Int(2)],
                vec!["A-1".into(), "收件人, \"quoted\"".into(), Cell::Int(10)],
            ],
            notes: vec!["One row per SKU line".into()],
        }
    }

    #[test]
    fn csv_and_xlsx_read_back_what_was_written() {
        for format in [TableFormat::Csv, TableFormat::Xlsx] {
            let bytes = write_table(&sample(), format).expect("written");
            assert_eq!(TableFormat::sniff(&bytes), format);
            let table = read_table(&bytes).expect("read");
            assert_eq!(table.headers, vec!["Order Reference", "SKU", "Quantity"], "{format:?}");
            assert_eq!(table.rows.len(), 2, "{format:?}: the note is skipped");
            assert_eq!(table.rows[1].cells, vec!["A-1", "收件人, \"quoted\"", "10"], "{format:?}");
            assert_eq!(table.column("order_reference"), Some(0));
            assert_eq!(table.column("QUANTITY"), Some(2));
            assert_eq!(table.missing_columns(&["SKU", "Channel"]), vec!["Channel"]);
        }
    }

    #[test]
    fn row_numbers_are_the_spreadsheets() {
        let csv = "\u{feff}SKU,Qty\n\nA,1\n# a note\nB,2\n";
        let table = read_table(csv.as_bytes()).expect("read");
        assert_eq!(table.rows.iter().map(|r| r.number).collect::<Vec<_>>(), vec![3, 5]);
        assert_eq!(table.rows[0].cell(Some(5)), "");
    }

    #[test]
    fn unreadable_uploads_say_why() {
        assert_eq!(read_table(b""), Err(TableError::Empty));
        assert!(matches!(read_table(b"PK\x03\x04not really a zip"), Err(TableError::Unreadable(_))));
        assert!(matches!(read_table(b"a,b\n\xff\xfe,1\n"), Err(TableError::Unreadable(_))));
    }
}
