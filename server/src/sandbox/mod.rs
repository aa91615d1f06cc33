//! In-process stand-ins for outside services, used by the demo and the tests.

pub mod carrier;
mod label;
pub mod shopify;

pub use carrier::{router, start_sandbox_carrier, start_sandbox_carrier_with, SandboxConfig, SandboxHandle, SandboxMode, SandboxStats};
pub use shopify::{seed_demo_shop, start_sandbox_store, ShopifySandboxHandle};
