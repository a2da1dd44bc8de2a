//! The fix for `immediately_awaited_task_wrong.rs`, as the note writes it: the main
//! task does its own work (`async_sleep(2)`) while the spawned task runs, and awaits
//! the task afterwards: five units.

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
    async_sleep(2).await;
    task.await.expect("the task failed");
}

fn main() {
    let s = Instant::now();
    aio::run(main_coro());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
