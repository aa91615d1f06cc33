//! Spreadsheet exports of merchant lists (written by `tabular`).

use app::domain::{format_amount, Product};

use crate::tabular::{Cell, Sheet};

/// Most rows one export holds; the page says to narrow the search beyond it.
pub const MAX_EXPORT_ROWS: u32 = 10_000;

/// The product list as a sheet: one row per product, a stock (available) column per
/// warehouse, declared and measured sizes side by side.
pub fn product_sheet(products: &[Product], warehouses: &[String]) -> Sheet {
    let mut headers: Vec<String> = [
        "SKU", "Name", "Barcode", "Length (mm)", "Width (mm)", "Height (mm)", "Weight (g)", "Measured Length (mm)",
        "Measured Width (mm)", "Measured Height (mm)", "Measured Weight (g)", "Declared Value", "Currency", "HS Code", "Origin",
    ]
    .map(String::from)
    .to_vec();
    headers.extend(warehouses.iter().map(|w| format!("Available {w}")));
    let rows = products
        .iter()
        .map(|p| {
            let measured = |f: fn(&app::domain::Dimensions) -> i64| p.measured.as_ref().map(|m| Cell::Int(f(m))).unwrap_or_else(|| Cell::from(""));
            let mut row = vec![
                Cell::from(p.code.as_str()),
                Cell::from(p.name.as_str()),
                Cell::from(p.barcode.as_str()),
                Cell::Int(p.declared.length_mm),
                Cell::Int(p.declared.width_mm),
                Cell::Int(p.declared.height_mm),
                Cell::Int(p.declared.weight_grams),
                measured(|m| m.length_mm),
                measured(|m| m.width_mm),
                measured(|m| m.height_mm),
                measured(|m| m.weight_grams),
                Cell::from(format_amount(p.declared_value_minor, &p.currency)),
                Cell::from(p.currency.as_str()),
                Cell::from(p.hs_code.as_str()),
                Cell::from(p.origin_country.as_str()),
            ];
            for w in warehouses {
                let stock = p.stock.iter().find(|s| &s.warehouse_code == w);
                row.push(stock.map(|s| Cell::Int(s.available())).unwrap_or_else(|| Cell::from("")));
            }
            row
        })
        .collect();
    Sheet { name: "Products".into(), headers, rows, notes: Vec::new() }
}
