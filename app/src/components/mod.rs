//! Reusable UI pieces.

mod clipboard;
mod command_queue;
mod dialog;
mod form;
mod history;
mod label_upload;
mod layout;
mod live;
mod platform;
mod scanner;
mod sku_picker;
mod upload;
mod widgets;

pub use clipboard::*;
pub use command_queue::*;
pub use dialog::*;
pub use form::*;
pub use history::*;
pub use label_upload::*;
pub use layout::*;
pub use live::*;
pub use platform::*;
pub use scanner::*;
pub use sku_picker::*;
pub use upload::*;
pub use widgets::*;
