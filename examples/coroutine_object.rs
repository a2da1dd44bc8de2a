//! Port of the notes' "Writing Asynchronous Code", "The `await` Keyword", "Futures" and
//! "Tasks" snippets: calling a coroutine function does not run its code block, it
//! returns a coroutine object (`r = example_coroutine_function(1, 2, 3)`); awaiting
//! the object runs the block in the current task and returns its value; spawning one
//! (`asyncio.create_task`) starts it as a task of its own, whose result is a
//! future-like handle: `done()` is false and `try_result()` is an `InvalidState` error
//! (asyncio's `InvalidStateError`) until it has finished.
//!
//! The notes' snippets have no output (their bodies are `...`); this port prints each
//! step. Awaiting a coroutine object a second time raises an exception in Python; in
//! Rust, `.await` takes the object by value, so the second await does not compile.

mod common;

#[aio::coroutine]
async fn example_coroutine_function(a: i32, b: i32, c: i32) -> i32 {
    println!("the code block runs with ({a}, {b}, {c})");
    aio::yield_now().await;
    a + b + c
}

async fn main_coro() {
    let r = example_coroutine_function(1, 2, 3);
    println!(
        "r = example_coroutine_function(1, 2, 3) is a {}; nothing has run yet",
        common::short_type_name(&r)
    );
    let value = r.await;
    println!("await r returned {value}");

    let mut t = aio::spawn(example_coroutine_function(4, 5, 6));
    println!(
        "t = aio::spawn(example_coroutine_function(4, 5, 6)) is task '{}', done: {}",
        t.name(),
        common::py_bool(t.done())
    );
    match t.try_result() {
        Err(e) => println!("t.try_result() before it is done: {e}"),
        Ok(_) => println!("t.try_result() before it is done: a result?!"),
    }
    let value = (&mut t).await.expect("the task failed");
    println!(
        "await t returned {value}, done: {}",
        common::py_bool(t.done())
    );
}

fn main() {
    aio::run(main_coro());
}
