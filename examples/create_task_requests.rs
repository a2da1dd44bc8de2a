//! Port of "Using `create_task()`": each request is spawned as a task as soon as it is
//! created, so `aio::all_tasks()` counts the main task and five requests
//! (`Number of tasks: 6`), the requests run during the two-unit sleep, and gathering
//! them returns at once: two units in all.
//!
//! The note's program calls `time.perf_counter()` without `import time`; the port
//! measures time as the intended program does.

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
        // the process of creating a task starts the function
        let response = aio::spawn(get_request(url));
        response_list.push(response);
    }

    println!("Number of tasks: {}", aio::all_tasks().len());
    // yielding control back to the event loop
    aio::sleep(common::units(2.0)).await;
    let results: Vec<u32> = aio::gather(response_list)
        .await
        .into_iter()
        .map(|r| r.expect("a request task failed"))
        .collect();
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
