//! Port of "`asyncio.gather()`": two spawned `coro` tasks sleeping 3 and 10 units are
//! gathered; `End` comes 10 units after `Start` (not 13), both tasks are done, and the
//! result is the list of both results in argument order: `[[1, 2, 3], [0, 5, 10]]`.
//!
//! `Start`/`End` are wall-clock times (`HH:MM:SS`, UTC) like the note's
//! `time.strftime('%X')`; the last line is what the note's REPL shows for `a`.

mod common;

async fn coro(seq: Vec<i32>) -> Vec<i32> {
    // 'IO' wait time is proportional to the max element.
    let max = seq.iter().copied().max().unwrap_or(0);
    aio::sleep(common::units(f64::from(max))).await;
    seq.into_iter().rev().collect()
}

async fn main_coro() -> Vec<Vec<i32>> {
    let mut t = aio::spawn(coro(vec![3, 2, 1]));
    let mut t2 = aio::spawn(coro(vec![10, 5, 0]));
    println!("Start: {}", common::clock_time());
    let (a, a2) = aio::gather!(&mut t, &mut t2).await;
    println!("End: {}", common::clock_time()); // 10 units
    println!("Both done: {}", common::py_bool(t.done() && t2.done()));
    vec![a.expect("task t failed"), a2.expect("task t2 failed")]
}

fn main() {
    let a = aio::run(main_coro());
    let lists: Vec<String> = a.iter().map(|l| common::py_list(l)).collect();
    println!("{}", common::py_list(&lists));
}
