//! Printable documents built on the server: the inbound reservation's product list, box
//! markings and SKU barcode labels (`inbound`), and the waybill export's merged PDF and ZIP
//! (`waybill`). Drawing primitives (text, widths, barcodes) are in `crate::pdf`.

pub mod inbound;
pub mod waybill;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The input cannot make this document (shown to the user as is).
    #[error("{0}")]
    Invalid(String),
    #[error("could not build the document: {0}")]
    Build(String),
}
