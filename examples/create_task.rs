//! Port of "`asyncio.create_task()`": `coro([3, 2, 1])` is spawned as a task and
//! awaited; afterwards the handle reports its type and that it is done
//! (`t done: True`).
//!
//! The sleep is "proportional to the max element": `max(seq)` units.

mod common;

async fn coro(seq: Vec<i32>) -> Vec<i32> {
    // 'IO' wait time is proportional to the max element.
    let max = seq.iter().copied().max().unwrap_or(0);
    aio::sleep(common::units(f64::from(max))).await;
    seq.into_iter().rev().collect()
}

async fn main_coro() {
    // This is a bit redundant in the case of one task:
    // we could use `coro(vec![3, 2, 1]).await` on its own
    let mut t = aio::spawn(coro(vec![3, 2, 1]));
    // awaiting through `&mut` keeps the handle, like Python's `await t`
    (&mut t).await.expect("the task failed");
    println!("t: type <class 'aio::{}'>", common::short_type_name(&t));
    println!("t done: {}", common::py_bool(t.done()));
}

fn main() {
    aio::run(main_coro());
}
