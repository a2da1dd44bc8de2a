//! Port of "How NOT to use `await`": five request coroutines are created first and then
//! awaited one by one. Creating a coroutine does not start it, and awaiting runs it to
//! completion before the next await, so the five one-unit requests take five units,
//! exactly like synchronous code. It prints 1 to 5 (one per line, as Python's
//! `print(result)` does; the note's comment squeezes them onto one line) and the
//! elapsed time.
//!
//! This example demonstrates a pitfall on purpose: awaiting independent coroutines one
//! by one. `make_requests_gather` and `create_task_requests` are the fixes, and
//! `pitfalls/await_in_loop_*.rs` the minimal pair. `cargo aio-lint` reports both
//! (`sequential_await_in_loop`): this two-loop form (create the coroutines, then await
//! them one per iteration) at the await of the second loop.

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
        // this does NOT start the request: the coroutine only runs when awaited
        let response = get_request(url);
        response_list.push(response);
    }

    for response in response_list {
        let result = response.await;
        println!("{result}");
    }
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
