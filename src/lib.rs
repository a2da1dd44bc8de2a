//! aio: asyncio's vocabulary for Rust.
//!
//! This facade re-exports the runtime ([`aio_runtime`]) and the attribute macros
//! ([`aio_macros`]), so user code writes `aio::spawn`, `#[aio::main]` and so on. It holds
//! no logic of its own.
#![warn(missing_docs)]

pub use aio_runtime::*;

// No doc comment here: rustdoc would put it at the top of each macro's page.
pub use aio_macros::{allow, coroutine, generator, main, test};
