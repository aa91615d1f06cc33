//! Reusable UI pieces.

mod layout;
mod live;
mod upload;
mod widgets;

pub use layout::*;
pub use live::*;
pub use upload::*;
pub use widgets::*;
