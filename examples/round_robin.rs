//! Port of "Making an Actual Program": four counter tasks each print 0..100 and yield
//! to the loop after every number with `aio::yield_now()` (asyncio's `sleep(0)`); the
//! main task waits for them one at a time. The output interleaves round-robin:
//! `task0: 0`, `task1: 0`, `task2: 0`, `task3: 0`, `task0: 1`, ...
//!
//! In asyncio that order is "a consequence of how the event loop manages scheduling";
//! in aio it is a guarantee: ready tasks run first in, first out.

async fn counter(name: String) {
    for i in 0..100 {
        println!("{name}: {i}");
        aio::yield_now().await;
    }
}

async fn main_coro() {
    let mut tasks = Vec::new();
    for n in 0..4 {
        tasks.push(aio::spawn(counter(format!("task{n}"))));
    }

    loop {
        tasks.retain(|t| !t.done());
        if tasks.is_empty() {
            return;
        }
        // `await tasks[0]`: a task handle is awaited by value, and once awaited it is
        // done, so taking it out of the list is what the next filter would do anyway.
        let first = tasks.remove(0);
        first.await.expect("a counter task failed");
    }
}

fn main() {
    aio::run(main_coro());
}
