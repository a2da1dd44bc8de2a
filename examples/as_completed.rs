//! Port of "`asyncio.as_completed()`": two spawned tasks sleep one unit each, and their
//! results are taken in the order in which they complete; afterwards both are done.
//!
//! The note's program prints `futures`, a name it never defines (a `NameError`); the
//! intended program is ported without that line.

mod common;

use aio::StreamExt;

async fn async_coroutine(id: u32) -> u32 {
    aio::sleep(common::units(1.0)).await;
    println!("Inside coroutine with id:{id}");
    id
}

async fn main_coro() {
    let mut task1 = aio::spawn(async_coroutine(1));
    let mut task2 = aio::spawn(async_coroutine(2));
    // as_completed yields the results in the order in which the tasks complete
    let mut completed = aio::as_completed(vec![&mut task1, &mut task2]);
    while let Some(result) = completed.next().await {
        let result = result.expect("a task failed");
        println!("Task result: {result}");
    }
    drop(completed);

    println!("{}", common::py_bool(task1.done() && task2.done()));
}

fn main() {
    aio::run(main_coro());
}
