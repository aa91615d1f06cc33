//! The shipping-waybill export: the selected orders' label PDFs as one merged PDF (lopdf), or
//! their files (PDF / ZPL) in one ZIP.

use std::collections::HashSet;
use std::io::{Cursor, Write};

use lopdf::{dictionary, Document, Object, ObjectId};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::DocumentError;

/// One PDF of all pages of `documents`, in order (lopdf). Invalid("document N is not a PDF")
/// when one does not parse. Page count = sum of the inputs' page counts.
///
/// Each input's page tree is kept whole and hung under one new root, so what its pages
/// inherit from their tree (resources, media box, rotation) stays as it was; each input's
/// catalog (outlines, forms, metadata) is dropped.
pub fn merge_pdfs(documents: &[Vec<u8>]) -> Result<Vec<u8>, DocumentError> {
    if documents.is_empty() {
        return Err(DocumentError::Invalid("There is no document to merge".into()));
    }
    let mut merged = Document::with_version("1.7");
    let root_id = merged.new_object_id();
    let mut kids: Vec<Object> = Vec::with_capacity(documents.len());
    let mut page_count: i64 = 0;
    for (i, bytes) in documents.iter().enumerate() {
        let n = i + 1;
        let not_a_pdf = || DocumentError::Invalid(format!("document {n} is not a PDF"));
        let mut doc = Document::load_mem(bytes).map_err(|_| not_a_pdf())?;
        if doc.is_encrypted() {
            return Err(DocumentError::Invalid(format!("document {n} is password-protected")));
        }
        let pages = doc.get_pages().len();
        if pages == 0 {
            return Err(DocumentError::Invalid(format!("document {n} has no pages")));
        }
        doc.renumber_objects_with(merged.max_id + 1);
        let catalog_id = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|_| not_a_pdf())?;
        let tree_id: ObjectId = doc
            .get_dictionary(catalog_id)
            .and_then(|catalog| catalog.get(b"Pages"))
            .and_then(Object::as_reference)
            .map_err(|_| not_a_pdf())?;
        doc.get_object_mut(tree_id).and_then(Object::as_dict_mut).map_err(|_| not_a_pdf())?.set("Parent", root_id);
        merged.max_id = merged.max_id.max(doc.max_id);
        merged.objects.extend(doc.objects.into_iter().filter(|(id, _)| *id != catalog_id));
        kids.push(tree_id.into());
        page_count += pages as i64;
    }
    merged.objects.insert(root_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => page_count }));
    let catalog_id = merged.add_object(dictionary! { "Type" => "Catalog", "Pages" => root_id });
    merged.trailer.set("Root", catalog_id);
    // Whatever only the dropped catalogs and trailers pointed at (outlines, info, forms).
    merged.prune_objects();
    let mut out = Vec::new();
    merged.save_to(&mut out).map_err(|e| DocumentError::Build(e.to_string()))?;
    Ok(out)
}

/// A ZIP (deflate) of (file name, bytes); names are made unique ("x.pdf", "x (2).pdf").
///
/// Names are flattened to one safe file name each (no folders, no "..", no control
/// characters; "file" when nothing is left), and uniqueness ignores case, so extracting on
/// Windows or macOS never overwrites one file with another.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, DocumentError> {
    if files.is_empty() {
        return Err(DocumentError::Invalid("There is no file to put in the ZIP".into()));
    }
    let build = |e: zip::result::ZipError| DocumentError::Build(e.to_string());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).last_modified_time(now());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut taken = HashSet::new();
    for (name, bytes) in files {
        let name = unique_name(&safe_file_name(name), &mut taken);
        zip.start_file(name, options).map_err(build)?;
        zip.write_all(bytes).map_err(|e| DocumentError::Build(e.to_string()))?;
    }
    Ok(zip.finish().map_err(build)?.into_inner())
}

/// The last path segment of `name` without control characters or characters Windows refuses
/// in file names; "file" when nothing usable is left.
fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .take(150)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').trim();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned.to_string()
    }
}

/// `name`, or "stem (2).ext", "stem (3).ext" … if a file of that name (ignoring case) is in
/// the ZIP already.
fn unique_name(name: &str, taken: &mut HashSet<String>) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    let mut candidate = name.to_string();
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    candidate
}

/// Now (UTC) as a ZIP timestamp; the ZIP epoch (1980) if the clock cannot say.
fn now() -> zip::DateTime {
    let t = time::OffsetDateTime::now_utc();
    zip::DateTime::from_date_and_time(t.year() as u16, t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn names_are_flattened_and_made_unique() {
        let mut taken = HashSet::new();
        let names: Vec<String> = ["x.pdf", "x.pdf", "X.PDF", "../../etc/passwd", "a/b\\c.zpl", "", "..", "label"]
            .iter()
            .map(|n| unique_name(&safe_file_name(n), &mut taken))
            .collect();
        assert_eq!(names, ["x.pdf", "x (2).pdf", "X (3).PDF", "passwd", "c.zpl", "file", "file (2)", "label"]);
    }

    #[test]
    fn zip_reads_back() {
        let zip = zip_files(&[("a.pdf".into(), b"one".to_vec()), ("a.pdf".into(), b"two".to_vec())]).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut second = String::new();
        archive.by_name("a (2).pdf").unwrap().read_to_string(&mut second).unwrap();
        assert_eq!(second, "two");
        assert_eq!(archive.by_index(0).unwrap().compression(), CompressionMethod::Deflated);
        assert!(zip_files(&[]).is_err());
    }
}
