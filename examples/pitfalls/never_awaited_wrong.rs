//! Pitfall: a coroutine that is never awaited (notes: "`async` and `await` keywords",
//! the `say_hello` whose `asyncio.sleep(1)` is not awaited, and "Only when a coroutine
//! object is awaited ... its execution starts").
//!
//! `sleep(1.0)` only creates a coroutine object; nothing awaits it, so it never runs,
//! and the greetings are printed at once instead of after one unit. Rust rejects a
//! bare `sleep(1.0);` (`#[must_use]`, denied in this workspace), so the mistake takes
//! the form it has in real Rust code: `let _ = sleep(1.0);`.
//!
//! Caught by: `cargo aio-lint` (`unawaited_future`), and at run time by debug mode
//! (`AIO_DEBUG=1`): "coroutine 'sleep' created at ... was never awaited", the analogue
//! of Python's `RuntimeWarning: coroutine 'sleep' was never awaited`.
//! The fix: `never_awaited_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

/// asyncio's `sleep` is a coroutine function; so is this one.
#[aio::coroutine]
async fn sleep(units: f64) {
    aio::sleep(common::units(units)).await;
}

// Clippy sees this mistake too (`let_underscore_future`); it is the point of this file.
#[allow(clippy::let_underscore_future)]
async fn say_hello(name: &'static str) {
    // BUG: the sleep is created and dropped, never awaited
    let _ = sleep(1.0);
    println!("Hello, {name}");
}

async fn async_tasks(names: &[&'static str]) {
    aio::gather(names.iter().map(|name| say_hello(name))).await;
}

fn main() {
    let s = Instant::now();
    // This prints the greetings to the names in order, without sleeping
    aio::run(async_tasks(&["John", "Jane", "Alice"]));
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
