//! aio: asyncio's vocabulary for Rust.
//!
//! This facade re-exports the runtime ([`aio_runtime`]) and the attribute macros
//! ([`aio_macros`]), so user code writes `aio::spawn`, `#[aio::main]` and so on. It holds
//! no logic of its own. With the `hyper` feature, `aio::hyper::{Io, Executor, Timer}` run
//! hyper 1's HTTP clients and servers on aio.

pub use aio_runtime::*;

/// The attribute macros: `#[aio::main]`, `#[aio::test]`, `#[aio::coroutine]`,
/// `#[aio::generator]` and `#[aio::allow]`.
pub use aio_macros::{allow, coroutine, generator, main, test};
