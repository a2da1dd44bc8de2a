//! Port of "Running async Programs": everything is a coroutine and `main` is a loop
//! that gets data from I/O and processes it, run with `aio::run`.
//!
//! The note writes `while true:` (a typo for `while True:`) and loops forever; this
//! port runs the intended loop over a source that runs dry after five items, so that
//! it terminates. `get_data_from_io` and `process_data` stand in for real I/O (a tenth
//! of a unit each). As the note says, this does not use the ability of async code to
//! run several tasks concurrently: each round waits for the previous one, which is
//! right here, because the rounds read one source in order.

mod common;

/// A stand-in for a socket or a file: it hands out numbered chunks, then runs dry.
struct Source {
    next: u32,
    last: u32,
}

async fn get_data_from_io(source: &mut Source) -> Option<String> {
    aio::sleep(common::units(0.1)).await;
    if source.next > source.last {
        return None;
    }
    source.next += 1;
    Some(format!("data {}", source.next - 1))
}

async fn process_data(data: String) {
    aio::sleep(common::units(0.1)).await;
    println!("processed {data}");
}

async fn main_coro() {
    let mut source = Source { next: 1, last: 5 };
    while let Some(data) = get_data_from_io(&mut source).await {
        process_data(data).await;
    }
}

fn main() {
    aio::run(main_coro());
}
