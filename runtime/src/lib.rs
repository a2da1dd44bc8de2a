//! aio-runtime: a single-threaded event loop with asyncio's vocabulary.
//!
//! Use it through the `aio` crate, which re-exports everything here beside the
//! attribute macros (`#[aio::main]`, `#[aio::coroutine]`, ...). The examples below are
//! written as a program that depends on `aio` writes them.
//!
//! # Run a future, spawn tasks
//!
//! [`run`] starts a loop, runs a future to completion and closes the loop (asyncio's
//! `asyncio.run`). [`spawn`] schedules a future as a task that runs concurrently with
//! the others (asyncio's `create_task`); awaiting its [`Task`] gives its value. Tasks
//! run on this one thread, in FIFO order, and switch only at `.await`.
//!
//! ```
//! # use aio_runtime as aio;
//! use std::time::Duration;
//!
//! async fn greet(name: &str) -> String {
//!     aio::sleep(Duration::from_millis(10)).await;
//!     format!("Hello, {name}")
//! }
//!
//! let greeting = aio::run(async {
//!     let task = aio::spawn(greet("world")); // starts at the next await
//!     task.await.unwrap()
//! });
//! assert_eq!(greeting, "Hello, world");
//! ```
//!
//! # Gather: wait for several at once
//!
//! [`gather!`] (a tuple, any output types) and [`gather()`] (an iterator, one type) run
//! their futures concurrently and return the results in argument order; [`try_gather!`]
//! stops at the first `Err`. [`as_completed`] yields results as they finish,
//! [`wait_for`] puts a time limit on anything, [`TaskGroup`] owns a set of tasks.
//!
//! ```
//! # use aio_runtime as aio;
//! use std::time::Duration;
//!
//! async fn count() {
//!     println!("One");
//!     aio::sleep(Duration::from_millis(20)).await;
//!     println!("Two");
//! }
//!
//! let took = aio::run(async {
//!     aio::time::pause(); // a test clock, so the time taken is exact
//!     let start = aio::time::now();
//!     aio::gather!(count(), count(), count()).await; // One One One Two Two Two
//!     aio::time::now() - start
//! });
//! assert_eq!(took, Duration::from_millis(20)); // one sleep, not three
//! ```
//!
//! # A TCP server
//!
//! [`net`] has `TcpListener`, `TcpStream` and `UdpSocket`; [`io`] has the extension
//! traits for reading and writing (`read_line`, `write_all`, ...).
//!
//! ```
//! # use aio_runtime as aio;
//! use aio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use aio::net::{TcpListener, TcpStream};
//! use aio::StreamExt; // .next() on the stream of lines
//!
//! /// Answers each line with its length, one task per client.
//! async fn serve(listener: TcpListener) -> std::io::Result<()> {
//!     loop {
//!         let (stream, _) = listener.accept().await?;
//!         aio::spawn(async move {
//!             let mut lines = BufReader::new(&stream).lines();
//!             while let Some(Ok(line)) = lines.next().await {
//!                 let reply = format!("{}\n", line.len());
//!                 if (&stream).write_all(reply.as_bytes()).await.is_err() {
//!                     break;
//!                 }
//!             }
//!         })
//!         .detach();
//!     }
//! }
//!
//! aio::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     let server = aio::spawn(serve(listener));
//!
//!     let client = TcpStream::connect(addr).await.unwrap();
//!     (&client).write_all(b"hello\n").await.unwrap();
//!     let mut reply = String::new();
//!     BufReader::new(&client).read_line(&mut reply).await.unwrap();
//!     assert_eq!(reply, "5\n");
//!     server.cancel();
//! });
//! ```
//!
//! # A queue between tasks
//!
//! [`Queue`] (and [`LifoQueue`], [`PriorityQueue`]) hands items from producers to
//! consumers; a bounded queue makes producers wait, `close` lets consumers finish.
//! [`sync`] has `Lock`, `Event`, `Semaphore`, `Condition` and `Barrier`.
//!
//! ```
//! # use aio_runtime as aio;
//! use aio::Queue;
//!
//! aio::run(async {
//!     let q = Queue::bounded(2);
//!     let producer = aio::spawn({
//!         let q = q.clone();
//!         async move {
//!             for job in ["a", "b", "c"] {
//!                 q.put(job).await.unwrap(); // waits while two are queued
//!             }
//!             q.close();
//!         }
//!     });
//!     let mut done = Vec::new();
//!     while let Ok(job) = q.get().await {
//!         done.push(job);
//!     }
//!     assert_eq!(done, ["a", "b", "c"]);
//!     producer.await.unwrap();
//! });
//! ```
//!
//! # Debug mode
//!
//! With `AIO_DEBUG=1` in the environment (or [`Builder::debug`]), the loop reports, with
//! task names and source locations: a poll that blocks the loop longer than 100 ms (the
//! task, the stretch of code between two aio calls that took the time, what the thread
//! was doing there, and a fix), a coroutine dropped without being awaited, and a task's
//! panic that nobody retrieved. [`to_thread`] moves blocking work off the loop.
//!
//! ```
//! # use aio_runtime as aio;
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//!
//! let reports = Arc::new(Mutex::new(Vec::new()));
//! let sink = reports.clone();
//! let rt = aio::Runtime::builder()
//!     .debug(true)
//!     .slow_poll_threshold(Duration::from_millis(20))
//!     .debug_output(move |report| sink.lock().unwrap().push(report.to_owned()))
//!     .build()
//!     .unwrap();
//! rt.block_on(async {
//!     std::thread::sleep(Duration::from_millis(50)); // blocks the loop: reported
//!     // The fix: the same call on the blocking pool.
//!     aio::to_thread(|| std::thread::sleep(Duration::from_millis(50))).await.unwrap();
//! });
//! let reports = reports.lock().unwrap();
//! assert_eq!(reports.len(), 1);
//! assert!(reports[0].starts_with("task 'main' (run at "), "{}", reports[0]);
//! ```
#![warn(missing_docs)]

mod coroutine;
mod debug;
#[cfg(all(any(target_os = "linux", target_os = "android"), not(miri)))]
mod epoll;
mod executor;
mod poller;
mod reactor;
mod runtime;
mod task;
pub mod time;

// Queues, sync, combinators, the blocking pool, generators.
mod blocking;
mod combinators;
mod generator;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod io;
pub mod net;
mod queue;
pub mod sync;
mod task_group;

// Thread-per-core: loops on several threads, work and values handed between them.
mod channel;
mod cores;
mod remote;

pub use blocking::{ToThread, max_blocking_threads, spawn_blocking, to_thread};
pub use combinators::{
    AsCompleted, Gather, GatherSettled, ReturnWhen, TryGather, Wait, Waited, as_completed, gather,
    gather_settled, try_gather, wait,
};
pub use generator::{AsyncGenerator, Yielder};
pub use queue::{LifoQueue, PriorityQueue, Queue, QueueClosed, TryGetError, TryPutError};
pub use task_group::{GroupError, Shield, TaskGroup, shield};

/// The trait of asynchronous sequences (futures-core's `Stream`): what `#[aio::generator]`
/// functions and [`as_completed`] return. See [`StreamExt`] to consume one.
pub use futures_core::Stream;
/// `.next()`, `.collect()`, `.map()` and the other adapters of a [`Stream`]
/// (futures-util's `StreamExt`). `use aio::StreamExt;` brings them into scope.
pub use futures_util::stream::StreamExt;

pub use channel::{
    Receiver, RecvFuture, SendError, SendFuture, Sender, TryRecvError, TrySendError, channel,
};
pub use cores::run_on_cores;
pub use coroutine::Coroutine;
pub use remote::{LoopClosed, LoopHandle, RemoteTask, current_loop};
pub use runtime::{
    Builder, IntoTask, RunOptions, Runtime, all_tasks, current_task, run, run_with, spawn,
    spawn_named,
};
pub use task::{InvalidState, Task, TaskError, TaskInfo, TaskState};
pub use time::{Elapsed, sleep, sleep_until, timeout_at, wait_for, yield_now};

/// What code generated by `aio-macros` needs; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::combinators::DebugSite;
    pub use crate::cores::{MainOutput, main_output, run_on_cores_main};
    pub use crate::coroutine::Coroutine;
    pub use crate::generator::{AsyncGenerator, Yielder, generator};
    pub use crate::runtime::{Builder, RunOptions, Runtime, run_with};
    pub use futures_core::Stream;
}
