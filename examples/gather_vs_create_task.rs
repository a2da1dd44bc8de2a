//! Port of "Running tasks concurrently": two `async_sleep` coroutines of five units
//! each run concurrently, first with `create_task` (one spawned, the other awaited in
//! the main task, then the task awaited), then with `gather` (all three coroutines
//! gathered). Both versions take five units, not ten.
//!
//! The note shows the two `main()`s one after the other; this program runs both in
//! turn (or one: `cargo run --example gather_vs_create_task -- create_task|gather`),
//! each under a `== main() with ... ==` header and followed by its elapsed time.
//!
//! With `create_task`, `async_sleep(2)` runs first (it runs inside the main task as
//! soon as it is awaited) and the spawned `async_sleep(1)` starts when the main task
//! yields at its sleep. With `gather`, the coroutines start in argument order, and
//! `print_hello` prints while the two sleeps are pending.

mod common;

use std::time::Instant;

async fn async_sleep(process_index: u32) {
    println!("Before sleeping... {process_index}");
    aio::sleep(common::units(5.0)).await;
    println!("After sleeping... {process_index}");
}

async fn print_hello() {
    println!("Hello world!");
}

async fn main_create_task() {
    let task = aio::spawn(async_sleep(1));
    async_sleep(2).await;
    task.await.expect("the task failed");
    print_hello().await;
}

async fn main_gather() {
    aio::gather!(async_sleep(1), async_sleep(2), print_hello()).await;
}

fn timed<F: std::future::Future<Output = ()>>(header: &str, main: F) {
    println!("== main() with {header} ==");
    let s = Instant::now();
    aio::run(main);
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}

fn main() {
    let which = std::env::args().nth(1);
    let which = which.as_deref();
    if which.is_none() || which == Some("create_task") {
        timed("create_task", main_create_task());
    }
    if which.is_none() || which == Some("gather") {
        timed("gather", main_gather());
    }
}
