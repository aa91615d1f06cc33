//! Reusable UI pieces.

mod command_queue;
mod layout;
mod live;
mod scanner;
mod upload;
mod widgets;

pub use command_queue::*;
pub use layout::*;
pub use live::*;
pub use scanner::*;
pub use upload::*;
pub use widgets::*;
