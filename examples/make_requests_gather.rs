//! Port of "Only when a coroutine object is awaited a task for it is created in the
//! event loop and its execution starts": the five request coroutines are created but
//! not started, so `aio::all_tasks()` still counts only the main task
//! (`Number of tasks: 1`); sleeping two units lets nothing else run, and gathering
//! them afterwards takes one more unit: three in all, not two.
//!
//! `create_task_requests` is the same program with `aio::spawn`, which starts the
//! requests at once and takes two units.

mod common;

use std::time::Instant;

async fn get_request(url: u32) -> u32 {
    // send a request, assuming the process of sending it is awaitable
    aio::sleep(common::units(1.0)).await;
    url
}

async fn make_requests() {
    let urls: Vec<u32> = (1..=5).collect();
    let mut response_list = Vec::new();
    for url in urls {
        // this hasn't started the function's execution (nor created a task)
        let response = get_request(url);
        response_list.push(response);
    }

    println!("Number of tasks: {}", aio::all_tasks().len());
    // yielding control back to the event loop, but since there is only one task it
    // doesn't matter
    aio::sleep(common::units(2.0)).await;
    let results = aio::gather(response_list).await;
    println!("{}", common::py_list(&results));
}

async fn main_coro() {
    let start_time = Instant::now();
    make_requests().await;
    let end_time = Instant::now();
    println!("{}", common::in_units(end_time - start_time));
}

fn main() {
    aio::run(main_coro());
}
