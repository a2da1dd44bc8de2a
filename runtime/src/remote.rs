//! Handing work to a loop from another thread: asyncio's `run_coroutine_threadsafe` and
//! `call_soon_threadsafe`.
//!
//! A [`LoopHandle`] names one loop from anywhere: it holds the loop's shared part (the
//! remote queue the loop drains between batches, and the poller that interrupts its
//! wait), never the loop itself. [`LoopHandle::spawn`] sends a `Send` closure that builds
//! the future on the loop's thread, so the future itself need not be `Send`;
//! [`LoopHandle::call_soon`] sends a plain closure. Both go through the executor's remote
//! queue, which the loop refuses once it has closed: a handle to an ended loop gets an
//! error at once, and a job still queued (or a remote task still running) when its loop
//! closes is dropped there, which resolves its [`RemoteTask`] as cancelled. Nothing here
//! waits for a loop that will never run again.
//!
//! A [`RemoteTask`] is the result's mailbox: a mutex-protected slot with the waker of
//! whoever awaits it, so any loop can await it, and [`RemoteTask::wait`] parks a plain
//! thread on it. This module does not schedule anything itself and knows nothing about
//! what runs inside the closures.

use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::executor::{Shared, current_core, in_runtime};
use crate::runtime::IntoTask;
use crate::task::{self, TaskError, TaskName};

/// A handle to one event loop, usable from any thread: spawn a task on it, or run a
/// closure on it (asyncio's `run_coroutine_threadsafe` and `call_soon_threadsafe`).
///
/// Get one with [`current_loop`] on the loop itself (then send it elsewhere), or with
/// [`Runtime::handle`](crate::Runtime::handle). The handle does not keep the loop
/// running: once the loop has ended, [`spawn`](Self::spawn) gives a task that is
/// already cancelled and [`call_soon`](Self::call_soon) returns [`LoopClosed`]. Work
/// sent to a loop runs while that loop runs (`aio::run`, `Runtime::block_on`).
///
/// ```
/// # use aio_runtime as aio;
/// let handle = std::thread::spawn(|| aio::run(async { aio::current_loop() }))
///     .join()
///     .unwrap();
/// // That loop has ended: the handle says so instead of hanging.
/// assert!(handle.is_closed());
/// assert!(handle.call_soon(|| ()).is_err());
/// ```
#[derive(Clone)]
pub struct LoopHandle {
    shared: Arc<Shared>,
}

/// The handle of the loop running on this thread (asyncio's `get_running_loop()`), to
/// send to other threads.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let here = aio::current_loop();
///     let id = std::thread::spawn(move || {
///         // From a plain thread: run a task on the loop and wait for its result.
///         here.spawn(|| async { std::thread::current().id() }).wait()
///     });
///     let on_loop = aio::to_thread(move || id.join().unwrap()).await.unwrap();
///     assert_eq!(on_loop.unwrap(), std::thread::current().id());
/// });
/// ```
///
/// # Panics
/// Outside an aio runtime.
#[track_caller]
pub fn current_loop() -> LoopHandle {
    match current_core() {
        Some(core) => LoopHandle::new(core.shared.clone()),
        None => panic!(
            "aio::current_loop called outside an aio runtime (at {}): call it from code \
             run by aio::run or Runtime::block_on",
            Location::caller()
        ),
    }
}

impl LoopHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> LoopHandle {
        LoopHandle { shared }
    }

    /// Runs the future that `make` builds as a task on this loop, and returns a handle
    /// to its result that any thread or loop can await (asyncio's
    /// `run_coroutine_threadsafe`).
    ///
    /// `make` runs on the loop's thread, so the future it returns need not be `Send`;
    /// only `make` and the output cross threads. The task is an ordinary task of that
    /// loop (it shows in its `all_tasks`, named after the coroutine or async fn it
    /// runs). A panic in `make` or in the future is the result's
    /// [`TaskError::Panicked`]; when the loop ends first (before the task ran, while it
    /// runs, or before this call), the result is [`TaskError::Cancelled`]. Dropping the
    /// [`RemoteTask`] does not cancel the task.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let (tx, rx) = std::sync::mpsc::channel();
    ///     std::thread::spawn(move || {
    ///         aio::run(async move {
    ///             tx.send(aio::current_loop()).unwrap();
    ///             aio::sleep(std::time::Duration::from_millis(50)).await;
    ///         })
    ///     });
    ///     let other = aio::to_thread(move || rx.recv().unwrap()).await.unwrap();
    ///     // An Rc is not Send: it is made on the other loop, inside the closure.
    ///     let n = other.spawn(|| async { std::rc::Rc::new(21).as_ref() * 2 }).await;
    ///     assert_eq!(n.unwrap(), 42);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<M, F>(&self, make: M) -> RemoteTask<F::Output>
    where
        M: FnOnce() -> F + Send + 'static,
        F: IntoTask,
        F::Future: 'static,
        F::Output: Send + 'static,
    {
        let location = Location::caller();
        let slot = Arc::new(Slot::new());
        let completer = Completer(Some(slot.clone()));
        let job = Box::new(move || {
            let made = match catch_unwind(AssertUnwindSafe(make)) {
                Ok(made) => made,
                Err(payload) => return completer.complete(Err(TaskError::Panicked(payload))),
            };
            let (fut, name) = made.into_task();
            let name = name.or_else(|| task::derive_name(std::any::type_name::<F::Future>()));
            let run = async move {
                let mut fut = pin!(fut);
                let out =
                    poll_fn(
                        |cx| match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
                            Ok(Poll::Pending) => Poll::Pending,
                            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
                            Err(payload) => Poll::Ready(Err(TaskError::Panicked(payload))),
                        },
                    )
                    .await;
                completer.complete(out);
            };
            let core = current_core().expect("aio: a remote job ran outside its loop");
            core.spawn(run, TaskName::from_coroutine(name), location)
                .detach();
        });
        // A loop that has closed hands the job back; dropping it drops the completer,
        // which resolves the task as cancelled.
        drop(self.shared.push_job(job));
        RemoteTask { slot }
    }

    /// Runs `f` on this loop's thread, between two batches of tasks (asyncio's
    /// `call_soon_threadsafe`). Closures sent from one thread run in the order they were
    /// sent. A panic in `f` is reported by the panic hook and does not stop the loop.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let here = aio::current_loop();
    ///     let (tx, rx) = aio::channel(1);
    ///     std::thread::spawn(move || {
    ///         here.call_soon(move || tx.try_send(std::thread::current().id()).unwrap())
    ///     });
    ///     let mut rx = rx;
    ///     assert_eq!(rx.recv().await, Some(std::thread::current().id()));
    /// });
    /// ```
    ///
    /// # Errors
    /// [`LoopClosed`] when the loop has ended. If it ends after this call but before `f`
    /// ran, `f` is dropped without running.
    pub fn call_soon<F>(&self, f: F) -> Result<(), LoopClosed>
    where
        F: FnOnce() + Send + 'static,
    {
        self.shared.push_job(Box::new(f)).map_err(|_| LoopClosed)
    }

    /// True once the loop has ended (its runtime was dropped): nothing sent to it runs.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let handle = rt.handle();
    /// assert!(!handle.is_closed()); // not running yet, but not ended
    /// drop(rt); // the loop ends with its runtime
    /// assert!(handle.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }
}

impl fmt::Debug for LoopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The error of [`LoopHandle::call_soon`] on a loop that has ended.
///
/// ```
/// # use aio_runtime as aio;
/// let rt = aio::Runtime::new().unwrap();
/// let handle = rt.handle();
/// drop(rt);
/// let err = handle.call_soon(|| unreachable!("never runs")).unwrap_err();
/// assert_eq!(err, aio::LoopClosed);
/// assert_eq!(err.to_string(), "the event loop has ended");
/// // A task sent there is cancelled at once rather than waiting forever.
/// let task = handle.spawn(|| async { 1 });
/// assert!(matches!(task.wait(), Err(aio::TaskError::Cancelled)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopClosed;

impl fmt::Display for LoopClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event loop has ended")
    }
}

impl std::error::Error for LoopClosed {}

enum State<T> {
    /// Not finished; the waker of whoever awaits the result.
    Pending(Option<Waker>),
    Done(Result<T, TaskError>),
    Taken,
}

/// Where a remote task's outcome meets its [`RemoteTask`].
struct Slot<T> {
    state: Mutex<State<T>>,
}

impl<T> Slot<T> {
    fn new() -> Slot<T> {
        Slot {
            state: Mutex::new(State::Pending(None)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while the lock is held (a waker is cloned or dropped outside it).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The loop's side of a [`Slot`]: it stores the outcome once; dropped without one (the
/// job or the task was dropped because the loop closed), it stores `Cancelled`.
struct Completer<T>(Option<Arc<Slot<T>>>);

impl<T> Completer<T> {
    fn complete(mut self, out: Result<T, TaskError>) {
        if let Some(slot) = self.0.take() {
            finish(&slot, out);
        }
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        if let Some(slot) = self.0.take() {
            finish(&slot, Err(TaskError::Cancelled));
        }
    }
}

fn finish<T>(slot: &Slot<T>, out: Result<T, TaskError>) {
    let waker = {
        let mut state = slot.lock();
        match std::mem::replace(&mut *state, State::Done(out)) {
            State::Pending(waker) => waker,
            // Completed once only: the completer is consumed by `complete`.
            State::Done(_) | State::Taken => unreachable!("remote task completed twice"),
        }
    };
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The result of a task started with [`LoopHandle::spawn`]: a `Send` future of
/// `Result<T, TaskError>` that any loop can await, or [`wait`](Self::wait) for on a plain
/// thread. Dropping it lets the task run on; its result is dropped on the loop.
///
/// ```
/// # use aio_runtime as aio;
/// let main_loop = aio::Runtime::new().unwrap();
/// let handle = main_loop.handle();
/// let here = std::thread::current().id();
/// let (done, mut finished) = aio::channel(1);
/// let other = std::thread::spawn(move || {
///     aio::run(async move {
///         // This loop awaits a task that runs on `main_loop`, on the main thread.
///         let task: aio::RemoteTask<_> = handle.spawn(|| async { std::thread::current().id() });
///         let ran_on = task.await.unwrap();
///         done.send(()).await.unwrap();
///         ran_on
///     })
/// });
/// // Run the main loop until the other one has its result.
/// main_loop.block_on(async move { finished.recv().await });
/// assert_eq!(other.join().unwrap(), here);
/// ```
#[must_use = "a RemoteTask does nothing by itself: await it or wait() for it to get the result"]
pub struct RemoteTask<T> {
    slot: Arc<Slot<T>>,
}

impl<T> RemoteTask<T> {
    /// True once the task has finished (returned, panicked, or was cancelled because its
    /// loop ended), so that awaiting it will not wait.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let rt = aio::Runtime::new().unwrap();
    /// let task = rt.handle().spawn(|| async { 6 * 7 });
    /// assert!(!task.is_finished()); // queued: the loop has not run since
    /// rt.block_on(async {
    ///     while !task.is_finished() {
    ///         aio::yield_now().await; // let the loop take the job and run the task
    ///     }
    /// });
    /// assert_eq!(task.wait().unwrap(), 42);
    /// ```
    pub fn is_finished(&self) -> bool {
        !matches!(*self.slot.lock(), State::Pending(_))
    }

    /// Blocks this thread until the task finishes and returns its result: the way for a
    /// plain thread (not an aio loop) to get it.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// let worker = std::thread::spawn(move || {
    ///     aio::run(async move {
    ///         tx.send(aio::current_loop()).unwrap();
    ///         aio::sleep(std::time::Duration::from_millis(50)).await;
    ///     })
    /// });
    /// let handle = rx.recv().unwrap();
    /// assert_eq!(handle.spawn(|| async { 6 * 7 }).wait().unwrap(), 42);
    /// worker.join().unwrap();
    /// ```
    ///
    /// # Panics
    /// On a thread running an aio loop: blocking there would stop that loop (and, if the
    /// task runs on it, never end). Await the task instead.
    #[track_caller]
    pub fn wait(self) -> Result<T, TaskError> {
        if in_runtime() {
            panic!(
                "RemoteTask::wait called on an aio event loop thread (at {}): it would block \
                 the loop; use .await instead",
                Location::caller()
            );
        }
        park_until(self)
    }
}

// The handle holds only an `Arc`; nothing in it is pinned.
impl<T> Unpin for RemoteTask<T> {}

impl<T> Future for RemoteTask<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.slot.lock();
        match &mut *state {
            State::Pending(waker) => {
                match waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            State::Done(_) => match std::mem::replace(&mut *state, State::Taken) {
                State::Done(out) => Poll::Ready(out),
                _ => unreachable!(),
            },
            State::Taken => panic!("RemoteTask polled after its result was taken"),
        }
    }
}

impl<T> fmt::Debug for RemoteTask<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteTask")
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Wakes a parked thread, and says so through `woken` so that the thread can spin
/// briefly on the flag before it parks.
struct Unparker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

thread_local! {
    /// This thread's waker for [`park_until`], made once.
    static UNPARKER: Arc<Unparker> = Arc::new(Unparker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
}

/// Rounds of spinning (1, 2, 4, ... 32 pauses) and then of yielding the CPU before a
/// pending [`park_until`] parks the thread: a wake that comes within a few microseconds
/// (the other side of a busy channel) then costs no system call on either side.
const SPIN_ROUNDS: u32 = 6;
const YIELD_ROUNDS: u32 = 4;

/// Drives `fut` on this thread, parking the thread while it is pending: the blocking
/// side of remote tasks and channels, for plain threads. The callers check that this is
/// not a loop thread.
pub(crate) fn park_until<F: IntoFuture>(fut: F) -> F::Output {
    let unparker = UNPARKER.with(Arc::clone);
    let waker = Waker::from(unparker.clone());
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut.into_future());
    loop {
        unparker.woken.store(false, Ordering::Relaxed);
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        if !wait_briefly(&unparker.woken) {
            // A wake that came after the flag was read makes this return at once (the
            // thread's token); a spurious return polls again.
            thread::park();
        }
    }
}

/// Spins, then yields, until `woken` is set or the rounds are over; true if it was set.
fn wait_briefly(woken: &AtomicBool) -> bool {
    for round in 0..BACKOFF_ROUNDS {
        if woken.load(Ordering::Acquire) {
            return true;
        }
        backoff(round);
    }
    woken.load(Ordering::Acquire)
}

/// Rounds of [`backoff`] before a plain thread parks.
pub(crate) const BACKOFF_ROUNDS: u32 = SPIN_ROUNDS + YIELD_ROUNDS;

/// Waits a little before the next look, longer each round: `2^round` pauses of the
/// CPU, then (from round `SPIN_ROUNDS` on) a yield of the thread.
pub(crate) fn backoff(round: u32) {
    if round < SPIN_ROUNDS {
        for _ in 0..1u32 << round {
            std::hint::spin_loop();
        }
    } else {
        thread::yield_now();
    }
}
