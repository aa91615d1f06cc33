//! Reusable UI pieces.

mod layout;
mod upload;
mod widgets;

pub use layout::*;
pub use upload::*;
pub use widgets::*;
