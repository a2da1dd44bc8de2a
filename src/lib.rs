//! aio: asyncio's vocabulary for Rust.
//!
//! A single-threaded event loop with asyncio's names (`run`, `spawn`, `gather`, `sleep`,
//! `wait_for`, `Queue`, `TaskGroup`, TCP and UDP), attribute macros for `async fn main`,
//! tests, coroutines and async generators, and a debug mode that names the task that
//! blocks the loop. This crate is all a program needs: the runtime (`aio-runtime`) and
//! the macros (`aio-macros`) are re-exported here, and so are the `Stream` and I/O
//! extension traits (`aio::StreamExt`, `aio::io`). With the `hyper` feature,
//! `aio::hyper::{Io, Executor, Timer}` run hyper 1's HTTP clients and servers on aio.
//!
//! # Run, spawn, gather
//!
//! `#[aio::main]` runs `async fn main` on a fresh loop (asyncio's `asyncio.run(main())`).
//! [`spawn`] starts a task (asyncio's `create_task`); [`gather!`] runs futures together
//! and returns their results in argument order.
//!
//! ```
//! use std::time::Duration;
//!
//! #[aio::coroutine]
//! async fn count(n: u32) -> u32 {
//!     println!("One {n}");
//!     aio::sleep(Duration::from_millis(10)).await;
//!     println!("Two {n}");
//!     n
//! }
//!
//! #[aio::main]
//! async fn main() {
//!     let background = aio::spawn(count(0)); // a task: runs from the next await on
//!     let (a, b) = aio::gather!(count(1), count(2)).await; // One 0, One 1, One 2, Two ...
//!     assert_eq!(a + b, 3);
//!     assert_eq!(background.await.unwrap(), 0);
//! }
//! ```
//!
//! # A TCP server
//!
//! ```no_run
//! use aio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use aio::net::{TcpListener, TcpStream};
//! use aio::StreamExt;
//!
//! async fn handle(stream: TcpStream) -> std::io::Result<()> {
//!     let mut lines = BufReader::new(&stream).lines();
//!     while let Some(line) = lines.next().await {
//!         let reply = format!("you said: {}\n", line?);
//!         (&stream).write_all(reply.as_bytes()).await?;
//!     }
//!     Ok(())
//! }
//!
//! #[aio::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:8080").await?;
//!     loop {
//!         let (stream, peer) = listener.accept().await?;
//!         println!("{peer} connected");
//!         aio::spawn(handle(stream)).detach(); // one task per client
//!     }
//! }
//! ```
//!
//! # A queue and a group of workers
//!
//! ```
//! use aio::{Queue, TaskGroup};
//!
//! async fn worker(id: u32, jobs: Queue<u32>) -> Result<u32, String> {
//!     let mut done = 0;
//!     while let Ok(job) = jobs.get().await {
//!         if job == 13 {
//!             return Err(format!("worker {id}: job 13 is cursed"));
//!         }
//!         done += 1;
//!     }
//!     Ok(done)
//! }
//!
//! #[aio::main]
//! async fn main() {
//!     let jobs = Queue::bounded(4);
//!     let group = TaskGroup::new();
//!     let workers: Vec<_> = (0..3).map(|id| group.spawn(worker(id, jobs.clone()))).collect();
//!     for job in 0..10 {
//!         jobs.put(job).await.unwrap(); // waits while four are queued
//!     }
//!     jobs.close(); // workers stop once the queue is drained
//!     group.join().await.unwrap(); // the first failure would cancel the others
//!     let mut total = 0;
//!     for w in workers {
//!         total += w.await.unwrap();
//!     }
//!     assert_eq!(total, 10);
//! }
//! ```
//!
//! # Generators
//!
//! ```
//! use aio::StreamExt;
//!
//! #[aio::generator]
//! async fn ticks(n: u32) -> u32 {
//!     for i in 0..n {
//!         aio::sleep(std::time::Duration::from_millis(1)).await;
//!         yield_!(i);
//!     }
//! }
//!
//! #[aio::main]
//! async fn main() {
//!     let mut t = ticks(3);
//!     while let Some(i) = t.next().await { // async for i in ticks(3)
//!         println!("tick {i}");
//!     }
//!     let all: Vec<u32> = ticks(3).collect().await; // [i async for i in ticks(3)]
//!     assert_eq!(all, [0, 1, 2]);
//! }
//! ```
//!
//! # Debug mode
//!
//! Run with `AIO_DEBUG=1` (or `#[aio::main(debug)]`) and the loop reports a poll that
//! blocks it for more than 100 ms (`slow_poll_ms = N` to change it), a coroutine that was
//! never awaited, and a task's panic nobody retrieved. At compile time,
//! `#[aio::main]`, `#[aio::test]` and `#[aio::coroutine]` already reject the blocking calls
//! they can see (`std::thread::sleep`, `std::fs`, a nested `aio::run`, ...); debug mode
//! catches the ones hidden in other functions:
//!
//! ```
//! fn slow_library_call() {
//!     std::thread::sleep(std::time::Duration::from_millis(150)); // blocks the loop
//! }
//!
//! #[aio::main(debug, slow_poll_ms = 100)]
//! async fn main() {
//!     aio::sleep(std::time::Duration::from_millis(1)).await;
//!     slow_library_call();
//!     // stderr:
//!     // task 'main' (run at src/main.rs:5) blocked the loop for 150 ms in one poll
//!     //   after: `aio::sleep` at src/main.rs:7:5 (the task's last aio call before the slow code)
//!     //   the loop thread was in the system call `clock_nanosleep`
//!     //   help: a blocking sleep (std::thread::sleep?): use aio::sleep(d).await
//! }
//! ```
//!
//! In tests, `#[aio::test]` gives each test its own loop, and [`time::pause`] a clock
//! that jumps to the next timer.
#![warn(missing_docs)]

pub use aio_runtime::*;

// No doc comment here: rustdoc would put it at the top of each macro's page.
pub use aio_macros::{allow, coroutine, generator, main, test};
