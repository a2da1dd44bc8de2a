//! Pitfall: starting an event loop inside a running one (notes: "Running async
//! Programs": `asyncio.run(coro)` "cannot be called when the Event loop is already
//! running").
//!
//! A coroutine calls `aio::run` on another coroutine instead of awaiting it.
//!
//! Caught by: `cargo aio-lint` (`nested_block_on`), and at run time, always (not only
//! in debug mode): `aio::run` panics with "aio::run() cannot be called from a running
//! event loop", naming the fix, as asyncio raises `RuntimeError`.
//! The fix: `nested_run_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

async fn get_data() -> u32 {
    aio::sleep(common::units(0.1)).await;
    42
}

async fn main_coro() {
    // BUG: a second event loop, started from inside the first
    let data = aio::run(get_data());
    println!("got {data}");
}

fn main() {
    aio::run(main_coro());
}
