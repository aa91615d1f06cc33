//! Pure domain: types and rules shared by the browser (WASM) and the server.
//! No leptos, no sqlx, no regex here: this is the one place a rule lives.

pub mod account;
pub mod api_token;
pub mod admin;
pub mod address_parser;
pub mod audit;
pub mod catalog;
pub mod floor;
pub mod inbound;
pub mod money;
pub mod order;
pub mod platform;
pub mod product;
pub mod recipient;
pub mod shipping;
pub mod status;
pub mod time;
pub mod validation;
pub mod webhooks;

pub use account::*;
pub use admin::*;
pub use audit::*;
pub use api_token::*;
pub use address_parser::{fill_sku_lines, parse_recipient, ParsedRecipient, ParsedSkuLine, SkuFill};
pub use catalog::*;
pub use floor::*;
pub use inbound::*;
pub use money::*;
pub use order::*;
pub use platform::*;
pub use product::*;
pub use recipient::*;
pub use shipping::*;
pub use status::*;
pub use validation::*;
pub use webhooks::*;
