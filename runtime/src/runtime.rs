//! The public entry points of the loop: `run`, `Runtime`, its `Builder`, `spawn`, and the
//! task introspection functions.
//!
//! These are thin: they check where they are called from and hand over to the executor
//! (`executor.rs`), which holds the loop's state. Nothing here schedules or polls.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use crate::coroutine::Coroutine;
use crate::debug::{self, DebugConfig};
use crate::executor::{Core, Shared, current_core};
use crate::remote::LoopHandle;
use crate::task::{Task, TaskInfo, TaskName};

/// A single-threaded event loop (asyncio's loop / `Runner`).
///
/// `block_on` runs a future to completion, running the tasks it spawns meanwhile; tasks
/// left pending stay with the runtime for the next `block_on`. Dropping the runtime closes
/// it: every pending task's future is dropped, on this thread. The runtime is `!Send`.
///
/// ```
/// # use aio_runtime as aio;
/// let rt = aio::Runtime::new().unwrap();
/// assert_eq!(rt.block_on(async { 6 * 7 }), 42);
/// let pending = rt.spawn(async { 1 }); // runs at the next block_on
/// assert_eq!(rt.block_on(pending).unwrap(), 1);
/// ```
pub struct Runtime {
    core: Box<Core>,
    _not_send: PhantomData<*const ()>,
}

/// Configures a [`Runtime`]: debug mode, slow-poll threshold, paused clock; and, for
/// [`run_on_cores`](Builder::run_on_cores), one loop per core with these settings.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// let rt = aio::Runtime::builder()
///     .debug(true) // report slow polls and coroutines never awaited
///     .slow_poll_threshold(Duration::from_millis(50))
///     .start_paused(true) // a test clock: sleeping an hour takes no time
///     .build()
///     .unwrap();
/// rt.block_on(aio::sleep(Duration::from_secs(3600)));
/// ```
#[derive(Default, Clone)]
pub struct Builder {
    debug: Option<bool>,
    threshold: Option<Duration>,
    start_paused: bool,
    sink: Option<debug::Sink>,
    /// See `cores.rs`.
    pub(crate) pin_to_cores: bool,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("debug", &self.debug)
            .field("slow_poll_threshold", &self.threshold)
            .field("start_paused", &self.start_paused)
            .field("pin_to_cores", &self.pin_to_cores)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Turns debug mode on or off. Unset, it follows the `AIO_DEBUG` environment variable.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::builder().debug(true).build().unwrap();
    /// rt.block_on(async {});
    /// ```
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = Some(on);
        self
    }

    /// In debug mode, a poll longer than this is reported (default 100 ms, like asyncio's
    /// `slow_callback_duration`).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// let rt = aio::Runtime::builder()
    ///     .debug(true)
    ///     .slow_poll_threshold(Duration::from_millis(20))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {});
    /// ```
    pub fn slow_poll_threshold(mut self, threshold: Duration) -> Self {
        self.threshold = Some(threshold);
        self
    }

    /// Starts with the clock paused (see [`time::pause`](crate::time::pause)): when every
    /// task waits on a timer, the clock jumps to the next one.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::{Duration, Instant};
    ///
    /// let rt = aio::Runtime::builder().start_paused(true).build().unwrap();
    /// let start = Instant::now();
    /// rt.block_on(aio::sleep(Duration::from_secs(24 * 3600))); // a simulated day
    /// assert!(start.elapsed() < Duration::from_secs(1));
    /// ```
    pub fn start_paused(mut self, paused: bool) -> Self {
        self.start_paused = paused;
        self
    }

    /// Sends debug-mode reports to `sink` instead of stderr (one call per report, without
    /// a trailing newline). The watchdog calls it from its own thread.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::sync::{Arc, Mutex};
    ///
    /// let reports = Arc::new(Mutex::new(Vec::new()));
    /// let sink = reports.clone();
    /// let rt = aio::Runtime::builder()
    ///     .debug(true)
    ///     .debug_output(move |msg| sink.lock().unwrap().push(msg.to_owned()))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {
    ///     drop(aio::Coroutine::new("fetch", async {})); // never awaited
    /// });
    /// assert!(reports.lock().unwrap()[0].starts_with("coroutine 'fetch' created at "));
    /// ```
    pub fn debug_output(mut self, sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.sink = Some(Arc::new(sink));
        self
    }

    /// Builds the runtime.
    ///
    /// # Errors
    /// When the OS poller cannot be created.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::builder().build().expect("an event loop");
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn build(self) -> io::Result<Runtime> {
        let on = self.debug.unwrap_or_else(debug::env_debug);
        let cfg = on.then(|| DebugConfig {
            threshold: self.threshold.unwrap_or(debug::DEFAULT_THRESHOLD),
            sink: self.sink,
        });
        let shared = Arc::new(Shared::new(cfg)?);
        Ok(Runtime {
            core: Box::new(Core::new(shared, self.start_paused)),
            _not_send: PhantomData,
        })
    }
}

impl Runtime {
    /// A runtime with default settings.
    ///
    /// # Errors
    /// When the OS poller cannot be created.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// rt.block_on(aio::sleep(std::time::Duration::from_millis(1)));
    /// ```
    pub fn new() -> io::Result<Runtime> {
        Builder::default().build()
    }

    /// A builder for a configured runtime.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::builder().debug(false).build().unwrap();
    /// rt.block_on(async {});
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Runs `fut` to completion on this thread, driving every task of the runtime
    /// meanwhile. A panic of `fut` itself propagates to the caller (a panic in a spawned
    /// task is that task's error).
    ///
    /// # Panics
    /// When called while a loop is already running on this thread: use `.await` or
    /// `aio::spawn` instead of nesting.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let (a, b) = rt.block_on(aio::gather!(async { 1 }, async { 2 }));
    /// assert_eq!(a + b, 3);
    /// // Tasks left pending stay with the runtime for the next block_on.
    /// let later = rt.block_on(async { aio::spawn(async { "later" }) });
    /// assert_eq!(rt.block_on(later).unwrap(), "later");
    /// ```
    #[track_caller]
    pub fn block_on<F: IntoTask>(&self, fut: F) -> F::Output {
        let location = Location::caller();
        let (fut, name) = fut.into_task();
        self.core.block_on(fut, name, location)
    }

    /// Spawns a task on this runtime from outside it; it starts running at the next
    /// `block_on`.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let task = rt.spawn(async { 7 });
    /// assert!(!task.done()); // not run until the runtime runs
    /// assert_eq!(rt.block_on(task).unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, fut: F) -> Task<F::Output>
    where
        F: IntoTask,
        F::Future: 'static,
        F::Output: 'static,
    {
        let (fut, name) = fut.into_task();
        self.core
            .spawn(fut, TaskName::from_coroutine(name), Location::caller())
    }

    /// The tasks of this runtime that have not finished yet.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let _t = rt.spawn(aio::sleep(std::time::Duration::from_secs(60)));
    /// assert_eq!(rt.pending_tasks().len(), 1);
    /// ```
    pub fn pending_tasks(&self) -> Vec<TaskInfo> {
        self.core.all_tasks(false)
    }

    /// A handle to this runtime's loop that other threads can use (the same as
    /// [`aio::current_loop`](crate::current_loop) inside it).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let handle = rt.handle();
    /// let (tx, mut rx) = aio::channel(1);
    /// // Another thread queues a closure on the loop; it runs once the loop runs.
    /// std::thread::spawn(move || {
    ///     handle
    ///         .call_soon(move || tx.try_send(std::thread::current().id()).unwrap())
    ///         .unwrap()
    /// })
    /// .join()
    /// .unwrap();
    /// let ran_on = rt.block_on(async move { rx.recv().await });
    /// assert_eq!(ran_on, Some(std::thread::current().id()));
    /// ```
    pub fn handle(&self) -> LoopHandle {
        LoopHandle::new(self.core.shared.clone())
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.core.close();
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").finish_non_exhaustive()
    }
}

/// What [`spawn`], [`run`] and [`Runtime::block_on`] accept: any future, or a
/// [`Coroutine`], whose name the task (or the main future) takes. Implemented for both;
/// there is nothing to implement.
///
/// A `Coroutine` is an awaitable (`IntoFuture`), not a `Future`, so that awaiting one
/// costs exactly what awaiting the plain async fn costs; this trait is how the spawning
/// functions still learn its name.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::IntoTask;
///
/// /// Spawns `work`, any future or a coroutine, and returns its handle.
/// fn start<W>(work: W) -> aio::Task<W::Output>
/// where
///     W: IntoTask,
///     W::Future: 'static,
///     W::Output: 'static,
/// {
///     aio::spawn(work)
/// }
///
/// aio::run(async {
///     let plain = start(async { 1 });
///     let named = start(aio::Coroutine::new("fetch", async { 2 }));
///     assert_eq!(named.name(), "fetch");
///     assert_eq!(plain.await.unwrap() + named.await.unwrap(), 3);
/// });
/// ```
pub trait IntoTask {
    /// The task's output.
    type Output;
    /// The future the task runs.
    type Future: Future<Output = Self::Output>;

    /// The future to run, and the name the task takes from it (a coroutine's).
    fn into_task(self) -> (Self::Future, Option<&'static str>);
}

impl<F: Future> IntoTask for F {
    type Output = F::Output;
    type Future = F;

    #[inline]
    fn into_task(self) -> (F, Option<&'static str>) {
        (self, None)
    }
}

impl<F: Future> IntoTask for Coroutine<F> {
    type Output = F::Output;
    type Future = F;

    #[inline]
    fn into_task(self) -> (F, Option<&'static str>) {
        let (fut, name) = self.take();
        (fut, Some(name))
    }
}

/// Runs `fut` on a new event loop and returns its output (asyncio's `asyncio.run`). At the
/// end, tasks still pending are cancelled (their futures dropped) and the loop closes.
///
/// ```
/// # use aio_runtime as aio;
/// let v = aio::run(async {
///     let t = aio::spawn(async { 1 });
///     t.await.unwrap() + 1
/// });
/// assert_eq!(v, 2);
/// ```
///
/// # Panics
/// When called inside a running loop (use `.await` or `aio::spawn` instead of nesting
/// `aio::run`), when `fut` panics, or when the OS poller cannot be created.
#[track_caller]
pub fn run<F: IntoTask>(fut: F) -> F::Output {
    run_with(RunOptions::default(), fut)
}

/// Options for [`run_with`] (what `#[aio::main(debug, slow_poll_ms = ..)]` passes).
///
/// ```
/// # use aio_runtime as aio;
/// let options = aio::RunOptions {
///     debug: Some(true),
///     slow_poll_ms: Some(50),
/// };
/// assert_eq!(aio::run_with(options, async { 1 }), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Debug mode; `None` follows `AIO_DEBUG`.
    pub debug: Option<bool>,
    /// The slow-poll threshold in milliseconds; `None` is the default (100 ms).
    pub slow_poll_ms: Option<u64>,
}

/// [`run`] with options.
///
/// ```
/// # use aio_runtime as aio;
/// let debug = aio::RunOptions { debug: Some(true), ..Default::default() };
/// aio::run_with(debug, async {
///     aio::sleep(std::time::Duration::from_millis(1)).await;
/// });
/// ```
#[track_caller]
pub fn run_with<F: IntoTask>(options: RunOptions, fut: F) -> F::Output {
    if crate::executor::in_runtime() {
        panic!(
            "aio::run() cannot be called from a running event loop: \
             use .await or aio::spawn instead of nesting aio::run"
        );
    }
    let rt = builder_for(&options)
        .build()
        .expect("aio: cannot create the event loop");
    rt.block_on(fut)
}

/// The builder that `options` describe.
pub(crate) fn builder_for(options: &RunOptions) -> Builder {
    let mut b = Builder::default();
    if let Some(on) = options.debug {
        b = b.debug(on);
    }
    if let Some(ms) = options.slow_poll_ms {
        b = b.slow_poll_threshold(Duration::from_millis(ms));
    }
    b
}

/// Schedules `fut` as a task on the running loop (asyncio's `create_task`) and returns its
/// handle. The loop owns the task: dropping the handle does not cancel it.
///
/// Tasks run in FIFO order; the new task starts once the current one yields.
///
/// # Panics
/// Outside an aio runtime.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// async fn tick(name: &'static str) -> &'static str {
///     aio::sleep(Duration::from_millis(10)).await;
///     name
/// }
///
/// aio::run(async {
///     let a = aio::spawn(tick("a")); // starts running at the next await
///     let b = aio::spawn(tick("b"));
///     // Both sleep at the same time: about 10 ms, not 20.
///     assert_eq!((a.await.unwrap(), b.await.unwrap()), ("a", "b"));
/// });
/// ```
#[doc(alias = "create_task")]
#[track_caller]
pub fn spawn<F>(fut: F) -> Task<F::Output>
where
    F: IntoTask,
    F::Future: 'static,
    F::Output: 'static,
{
    let location = Location::caller();
    debug::mark("aio::spawn", location);
    let (fut, name) = fut.into_task();
    spawn_core(location).spawn(fut, TaskName::from_coroutine(name), location)
}

/// [`spawn`] with a name for the task (asyncio's `create_task(coro, name=...)`).
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     for i in 0..3 {
///         aio::spawn_named(format!("worker-{i}"), async {}).detach();
///     }
///     let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name().to_owned()).collect();
///     assert_eq!(names, ["main", "worker-0", "worker-1", "worker-2"]);
/// });
/// ```
#[track_caller]
pub fn spawn_named<F>(name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
where
    F: IntoTask,
    F::Future: 'static,
    F::Output: 'static,
{
    let location = Location::caller();
    debug::mark("aio::spawn_named", location);
    // The explicit name wins over a coroutine's.
    let (fut, _) = fut.into_task();
    let name = match name.into() {
        Cow::Borrowed(s) => TaskName::Static(s),
        Cow::Owned(s) => TaskName::Owned(s.into_boxed_str()),
    };
    spawn_core(location).spawn(fut, name, location)
}

pub(crate) fn spawn_core<'a>(location: &Location<'_>) -> &'a Core {
    match current_core() {
        Some(core) => core,
        None => panic!(
            "aio::spawn called outside an aio runtime (at {location}): \
             call it from code run by aio::run or Runtime::block_on"
        ),
    }
}

/// The task running now (asyncio's `current_task()`): the main future of `run` is a task
/// named `main` with id 0. `None` outside a loop.
///
/// ```
/// # use aio_runtime as aio;
/// assert!(aio::current_task().is_none()); // outside a loop
/// aio::run(async {
///     assert_eq!(aio::current_task().unwrap().name(), "main");
///     let t = aio::spawn_named("child", async { aio::current_task().unwrap().name().to_owned() });
///     assert_eq!(t.await.unwrap(), "child");
/// });
/// ```
pub fn current_task() -> Option<TaskInfo> {
    current_core().and_then(|c| c.current_task())
}

/// The running loop's unfinished tasks (asyncio's `all_tasks()`): the main future first,
/// then spawned tasks in spawn order. Empty outside a loop.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let t = aio::spawn(aio::sleep(std::time::Duration::from_millis(10)));
///     assert_eq!(aio::all_tasks().len(), 2); // main and the sleeper
///     t.await.unwrap();
///     assert_eq!(aio::all_tasks().len(), 1);
/// });
/// ```
pub fn all_tasks() -> Vec<TaskInfo> {
    current_core().map_or_else(Vec::new, |c| c.all_tasks(true))
}
