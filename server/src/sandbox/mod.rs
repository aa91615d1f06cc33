//! In-process stand-ins for outside services, used by the demo and the tests.

pub mod carrier;
mod label;

pub use carrier::{router, start_sandbox_carrier, start_sandbox_carrier_with, SandboxConfig, SandboxHandle, SandboxMode, SandboxStats};
