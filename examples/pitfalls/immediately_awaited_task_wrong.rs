//! Pitfall: awaiting a task right after creating it (notes: "Running tasks
//! concurrently": "If we await the task before `async_sleep(2)`, then it will run
//! sequentially and we won't get the benefits of concurrency").
//!
//! The spawned `async_sleep(1)` is awaited before the main task does anything else,
//! so `async_sleep(2)` starts only when it is over: ten units instead of five.
//!
//! Caught by: `cargo aio-lint` (`immediately_awaited_task`); invisible at run time.
//! The fix: `immediately_awaited_task_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn async_sleep(process_index: u32) {
    println!("Before sleeping... {process_index}");
    aio::sleep(common::units(5.0)).await;
    println!("After sleeping... {process_index}");
}

async fn main_coro() {
    let task = aio::spawn(async_sleep(1));
    // BUG: nothing else happens while the task runs
    task.await.expect("the task failed");
    async_sleep(2).await;
}

fn main() {
    let s = Instant::now();
    aio::run(main_coro());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
