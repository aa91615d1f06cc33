//! One file per route.

mod account;
mod api_tokens;
mod admin;
mod floor;
mod home;
mod login;
mod order_detail;
mod order_form;
mod order_list;
mod platform;
mod products;
mod webhooks;

pub use account::*;
pub use api_tokens::*;
pub use admin::*;
pub use floor::*;
pub use home::*;
pub use login::*;
pub use order_detail::*;
pub use order_form::*;
pub use order_list::*;
pub use platform::*;
pub use products::*;
pub use webhooks::*;
