//! Running blocking code off the loop: asyncio's `to_thread`.
//!
//! [`to_thread`] hands a synchronous closure to a process-wide pool of
//! threads and returns a future of its result, so the loop keeps running other
//! tasks meanwhile. The pool spawns threads lazily up to a bound (asyncio's
//! default executor size, `min(32, cores + 4)`), reuses them, and lets idle
//! ones exit after a while; when every thread is busy, further jobs wait in a
//! FIFO queue (nothing is dropped). The finished job wakes the awaiting task
//! through its `Waker`, which is how the loop learns about it from another
//! thread. This module does not know about the loop itself, and it cannot stop
//! a closure that is already running.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use crate::TaskError;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// How long an idle pool thread waits for work before it exits. Under Miri, which reports
/// threads still running when the program ends and whose clock advances with the work it
/// interprets, idle threads leave at once, so a test's last job ends its thread too.
const IDLE_TIMEOUT: Duration = if cfg!(miri) {
    Duration::from_millis(1)
} else {
    Duration::from_secs(10)
};

struct Pool {
    max_threads: usize,
    idle_timeout: Duration,
    state: Mutex<PoolState>,
    work: Condvar,
}

struct PoolState {
    queue: VecDeque<Job>,
    threads: usize,
    idle: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Jobs run outside the lock and catch their panics: a poisoned lock can
    // only come from a bug here, and the data is still consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        Pool::new((cores + 4).min(32), IDLE_TIMEOUT)
    })
}

/// The most threads the blocking pool runs at once.
///
/// ```
/// # use aio_runtime as aio;
/// let n = aio::max_blocking_threads();
/// assert!((5..=32).contains(&n)); // min(32, cores + 4)
/// ```
pub fn max_blocking_threads() -> usize {
    pool().max_threads
}

impl Pool {
    const fn new(max_threads: usize, idle_timeout: Duration) -> Pool {
        Pool {
            max_threads,
            idle_timeout,
            state: Mutex::new(PoolState {
                queue: VecDeque::new(),
                threads: 0,
                idle: 0,
            }),
            work: Condvar::new(),
        }
    }

    fn submit(&'static self, job: Job) {
        let mut state = lock(&self.state);
        state.queue.push_back(job);
        if state.queue.len() <= state.idle {
            self.work.notify_one();
            return;
        }
        if state.threads >= self.max_threads {
            return; // saturated: the job waits its turn in the queue
        }
        state.threads += 1;
        drop(state);
        let spawned = thread::Builder::new()
            .name("aio-blocking".into())
            .spawn(move || self.worker());
        if spawned.is_err() {
            let mut state = lock(&self.state);
            state.threads -= 1;
            if state.threads == 0 {
                // No thread at all to run it: run the queue here rather than
                // lose it (this blocks the caller, which is the lesser evil).
                let jobs: Vec<Job> = state.queue.drain(..).collect();
                drop(state);
                jobs.into_iter().for_each(|job| job());
            }
        }
    }

    fn worker(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job();
                state = lock(&self.state);
                continue;
            }
            state.idle += 1;
            let (next, timeout) = self
                .work
                .wait_timeout(state, self.idle_timeout)
                .unwrap_or_else(|e| e.into_inner());
            state = next;
            state.idle -= 1;
            if timeout.timed_out() && state.queue.is_empty() {
                state.threads -= 1;
                return;
            }
        }
    }
}

struct Slot<T> {
    result: Option<thread::Result<T>>,
    waker: Option<Waker>,
    abandoned: bool,
}

/// Runs the blocking closure `f` on the blocking thread pool and waits for its
/// result without blocking the loop (asyncio's `to_thread`).
///
/// Like an asyncio coroutine, nothing happens until the future is first
/// polled; it then queues `f`. A panic in `f` becomes
/// [`TaskError::Panicked`]. Dropping the future before `f` started means `f`
/// never runs; once it runs, it runs to the end and its result is discarded.
///
/// ```
/// # use aio_runtime as aio;
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// aio::run(async {
///     let (tx, rx) = mpsc::channel();
///     // A blocking call (here a channel receive; a sync library, a file...) on the pool:
///     let blocking = aio::to_thread(move || rx.recv().unwrap());
///     // Meanwhile the loop keeps running tasks, one of which sends what it waits for.
///     let sender = aio::spawn(async move {
///         aio::sleep(Duration::from_millis(5)).await;
///         tx.send("from the loop").unwrap();
///     });
///     assert_eq!(blocking.await.unwrap(), "from the loop");
///     sender.await.unwrap();
/// });
/// ```
#[doc(alias = "run_in_executor")]
#[track_caller]
pub fn to_thread<F, T>(f: F) -> ToThread<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    crate::debug::mark("aio::to_thread", std::panic::Location::caller());
    ToThread {
        job: Some(Box::new(f)),
        slot: None,
    }
}

/// Another name for [`to_thread`], for readers coming from tokio.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let sum = aio::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> ToThread<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    to_thread(f)
}

/// The future returned by [`to_thread`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let job: aio::ToThread<u8> = aio::to_thread(|| 1);
///     assert_eq!(job.await.unwrap(), 1);
///     let failed = aio::to_thread(|| -> u8 { panic!("bad input") }).await;
///     assert_eq!(failed.unwrap_err().panic_message(), Some("bad input"));
/// });
/// ```
#[must_use = "to_thread does nothing unless awaited"]
pub struct ToThread<T> {
    job: Option<Box<dyn FnOnce() -> T + Send + 'static>>,
    slot: Option<Arc<Mutex<Slot<T>>>>,
}

impl<T> fmt::Debug for ToThread<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToThread")
            .field("submitted", &self.slot.is_some())
            .finish()
    }
}

impl<T: Send + 'static> Future for ToThread<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(f) = this.job.take() {
            let slot = Arc::new(Mutex::new(Slot {
                result: None,
                waker: Some(cx.waker().clone()),
                abandoned: false,
            }));
            let theirs = slot.clone();
            // A paused clock must wait for this job rather than jump to the
            // next timer; the guard ends on the pool thread, after the wake.
            let guard = crate::time::inhibit_auto_advance();
            pool().submit(Box::new(move || {
                let _guard = guard;
                if lock(&theirs).abandoned {
                    return;
                }
                let result = catch_unwind(AssertUnwindSafe(f));
                let waker = {
                    let mut slot = lock(&theirs);
                    slot.result = Some(result);
                    slot.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            }));
            this.slot = Some(slot);
            return Poll::Pending;
        }
        let slot = this
            .slot
            .as_ref()
            .expect("ToThread polled after completion");
        let mut slot = lock(slot);
        match slot.result.take() {
            Some(result) => {
                drop(slot);
                this.slot = None;
                Poll::Ready(result.map_err(TaskError::Panicked))
            }
            None => {
                match &slot.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => slot.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for ToThread<T> {
    fn drop(&mut self) {
        if let Some(slot) = &self.slot {
            let mut slot = lock(slot);
            slot.abandoned = true;
            slot.waker = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    fn threads(pool: &Pool) -> usize {
        lock(&pool.state).threads
    }

    #[test]
    fn threads_are_spawned_lazily_reused_bounded_and_retired_when_idle() {
        // Miri's clock runs with the interpreted code (and jumps while every thread
        // sleeps), so its idle timeout must be long beside the work between two jobs.
        const IDLE: Duration = Duration::from_millis(if cfg!(miri) { 5_000 } else { 50 });
        // A static rather than a leaked box: Miri reports memory no static can reach.
        static POOL: Pool = Pool::new(2, IDLE);
        let pool: &'static Pool = &POOL;
        assert_eq!(threads(pool), 0, "no thread before the first job");

        // Sequential jobs reuse one thread.
        for _ in 0..5 {
            let (tx, rx) = mpsc::channel();
            pool.submit(Box::new(move || tx.send(thread::current().id()).unwrap()));
            rx.recv().unwrap();
            // Let the worker go back to waiting before the next submit.
            while lock(&pool.state).idle == 0 {
                thread::yield_now();
            }
        }
        assert_eq!(threads(pool), 1);

        // A burst is bounded by max_threads; every queued job still runs.
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        for _ in 0..10 {
            let (done, tx) = (done.clone(), tx.clone());
            pool.submit(Box::new(move || {
                thread::sleep(Duration::from_millis(5));
                done.fetch_add(1, Ordering::SeqCst);
                tx.send(()).unwrap();
            }));
            assert!(threads(pool) <= 2);
        }
        for _ in 0..10 {
            rx.recv_timeout(Duration::from_secs(5)).unwrap();
        }
        assert_eq!(done.load(Ordering::SeqCst), 10);
        assert_eq!(threads(pool), 2);

        // Idle threads exit after the timeout.
        let deadline = std::time::Instant::now() + 10 * IDLE + Duration::from_secs(5);
        while threads(pool) > 0 && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(threads(pool), 0);
    }
}
