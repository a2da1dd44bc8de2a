//! Running several futures concurrently inside the current task: asyncio's
//! `gather`, `as_completed` and `wait` (the [`gather!`](macro@crate::gather) macro
//! lives here too).
//!
//! All of them are built on one engine, [`FutureSet`]: each child future gets
//! its own waker, which puts the child's index on a ready list and wakes the
//! parent task only when that list goes from empty to non-empty. A wake-up
//! therefore polls only the children that asked for it, so gathering N futures
//! costs O(1) per child wake-up, not O(N). Children run in the current task, so
//! they need not be `'static`; dropping the combinator drops (cancels) the
//! children still running. These combinators do not spawn: see
//! [`TaskGroup`](crate::TaskGroup) and [`shield`](crate::shield) for tasks.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use futures_core::Stream;
use futures_core::stream::FusedStream;

/// The indices of children that were woken, and the parent's waker.
struct ReadyList {
    inner: Mutex<ReadyInner>,
}

struct ReadyInner {
    ready: Vec<usize>,
    parent: Option<Waker>,
}

struct ChildWaker {
    index: usize,
    queued: AtomicBool,
    list: Arc<ReadyList>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, Ordering::AcqRel) {
            return; // already on the ready list
        }
        let parent = {
            let mut inner = self.list.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.ready.push(self.index);
            // The parent drains the whole list when polled, so only the first
            // child woken since then needs to wake it.
            if inner.ready.len() == 1 {
                inner.parent.clone()
            } else {
                None
            }
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

struct Child<F> {
    fut: Option<Pin<Box<F>>>,
    flag: Arc<ChildWaker>,
    waker: Waker,
}

/// A set of futures polled only when woken; yields `(index, output)` in
/// completion order.
pub(crate) struct FutureSet<F> {
    children: Vec<Child<F>>,
    /// The combinator and its caller, for debug mode's report of a slow child.
    what: &'static str,
    at: &'static Location<'static>,
    list: Arc<ReadyList>,
    /// Indices taken from the shared list and not yet polled.
    local: VecDeque<usize>,
    scratch: Vec<usize>,
    live: usize,
}

pub(crate) type Panic = Box<dyn Any + Send + 'static>;

/// A finished child: its index and its output (or, when catching, its panic).
pub(crate) type Finished<T> = (usize, Result<T, Panic>);

impl<F: Future> FutureSet<F> {
    pub(crate) fn new(
        futs: impl IntoIterator<Item = F>,
        what: &'static str,
        at: &'static Location<'static>,
    ) -> Self {
        crate::debug::mark(what, at);
        let list = Arc::new(ReadyList {
            inner: Mutex::new(ReadyInner {
                ready: Vec::new(),
                parent: None,
            }),
        });
        let children: Vec<Child<F>> = futs
            .into_iter()
            .enumerate()
            .map(|(index, fut)| {
                let flag = Arc::new(ChildWaker {
                    index,
                    queued: AtomicBool::new(true),
                    list: list.clone(),
                });
                Child {
                    fut: Some(Box::pin(fut)),
                    waker: Waker::from(flag.clone()),
                    flag,
                }
            })
            .collect();
        let live = children.len();
        Self {
            local: (0..live).collect(),
            children,
            what,
            at,
            list,
            scratch: Vec::new(),
            live,
        }
    }

    /// Children not finished (nor removed) yet.
    pub(crate) fn live(&self) -> usize {
        self.live
    }

    pub(crate) fn len(&self) -> usize {
        self.children.len()
    }

    /// Polls the woken children; returns the first that completes. With
    /// `catch`, a panicking child completes with its panic payload instead of
    /// unwinding through the caller.
    pub(crate) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        catch: bool,
    ) -> Poll<Option<Finished<F::Output>>> {
        if self.live == 0 {
            return Poll::Ready(None);
        }
        {
            let mut inner = self.list.inner.lock().unwrap_or_else(|e| e.into_inner());
            match &inner.parent {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => inner.parent = Some(cx.waker().clone()),
            }
            std::mem::swap(&mut inner.ready, &mut self.scratch);
        }
        self.local.extend(self.scratch.drain(..));
        let debug = crate::debug::enabled();
        let len = self.children.len();
        while let Some(index) = self.local.pop_front() {
            let child = &mut self.children[index];
            if debug && child.fut.is_some() {
                let type_name = std::any::type_name::<F>();
                crate::debug::mark_arg(self.what, self.at, index + 1, len, type_name);
            }
            // Cleared before polling: a wake-up during the poll re-queues it.
            child.flag.queued.store(false, Ordering::Release);
            let Some(fut) = child.fut.as_mut() else {
                continue;
            };
            let mut ccx = Context::from_waker(&child.waker);
            let polled = if catch {
                match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut ccx))) {
                    Ok(Poll::Ready(out)) => Some(Ok(out)),
                    Ok(Poll::Pending) => None,
                    Err(payload) => Some(Err(payload)),
                }
            } else {
                match fut.as_mut().poll(&mut ccx) {
                    Poll::Ready(out) => Some(Ok(out)),
                    Poll::Pending => None,
                }
            };
            if let Some(out) = polled {
                child.fut = None;
                self.live -= 1;
                return Poll::Ready(Some((index, out)));
            }
        }
        Poll::Pending
    }

    /// Removes the children still running, in argument order, with their
    /// indices.
    pub(crate) fn take_pending(&mut self) -> Vec<(usize, Pin<Box<F>>)> {
        self.live = 0;
        self.children
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| c.fut.take().map(|f| (i, f)))
            .collect()
    }

    /// Drops (cancels) every child still running.
    pub(crate) fn cancel_all(&mut self) {
        drop(self.take_pending());
    }
}

fn resume(payload: Panic) -> ! {
    std::panic::resume_unwind(payload)
}

/// Runs the futures concurrently in the current task; the output lists their
/// results in argument order (asyncio's `await gather(*aws)`).
///
/// Only the futures that were woken are polled again, so gathering many futures
/// is cheap. An empty input completes at once with an empty `Vec`. A panic in
/// one future propagates out of the `gather` (asyncio's exception), dropping
/// the others; use [`gather_settled`] to keep going instead.
///
/// To run futures as independent tasks (that keep running if the gather is
/// dropped), spawn them and gather the `Task`s.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// async fn fetch(id: u64) -> u64 {
///     aio::sleep(Duration::from_millis(30 - 10 * id)).await;
///     id * 100
/// }
///
/// aio::run(async {
///     // Argument order, not completion order: the last finishes first here.
///     let pages = aio::gather((0..3).map(fetch)).await;
///     assert_eq!(pages, [0, 100, 200]);
///     let none: Vec<u64> = aio::gather(Vec::<std::future::Ready<u64>>::new()).await;
///     assert!(none.is_empty());
/// });
/// ```
#[track_caller]
pub fn gather<I>(futs: I) -> Gather<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let futs = futs.into_iter().map(IntoFuture::into_future);
    let set = FutureSet::new(futs, "aio::gather", Location::caller());
    let out = std::iter::repeat_with(|| None).take(set.len()).collect();
    Gather { set, out }
}

/// The future returned by [`gather`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let all: aio::Gather<_> = aio::gather([std::future::ready(1), std::future::ready(2)]);
///     assert_eq!(all.await, [1, 2]);
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Gather<F: Future> {
    set: FutureSet<F>,
    out: Vec<Option<F::Output>>,
}

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather")
            .field("len", &self.set.len())
            .field("pending", &self.set.live())
            .finish()
    }
}

impl<F: Future> Unpin for Gather<F> {}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = self.get_mut();
        loop {
            match this.set.poll_next(cx, false) {
                Poll::Ready(Some((i, out))) => {
                    this.out[i] = Some(out.unwrap_or_else(|p| resume(p)));
                }
                Poll::Ready(None) => {
                    let out = std::mem::take(&mut this.out);
                    return Poll::Ready(out.into_iter().map(|o| o.expect("done")).collect());
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Like [`gather`], but a future that panics does not stop the others: each
/// slot holds `Ok(output)` or `Err(TaskError::Panicked(payload))`, in
/// argument order (asyncio's `gather(..., return_exceptions=True)`).
///
/// In Rust an error is usually a value (`Result`), which plain [`gather`]
/// already keeps in its slot; the "exception" that can escape a future is a
/// panic, and this is what `gather_settled` catches. Gathering spawned `Task`s
/// is settled by nature: each slot is the task's own `Result<T, TaskError>`.
///
/// ```
/// # use aio_runtime as aio;
/// async fn risky(n: u32) -> u32 {
///     if n == 2 {
///         panic!("two is unlucky");
///     }
///     n
/// }
///
/// aio::run(async {
///     let results = aio::gather_settled((1..=3).map(risky)).await;
///     assert_eq!(results[0].as_ref().unwrap(), &1);
///     assert_eq!(results[1].as_ref().unwrap_err().panic_message(), Some("two is unlucky"));
///     assert_eq!(results[2].as_ref().unwrap(), &3);
/// });
/// ```
#[track_caller]
pub fn gather_settled<I>(futs: I) -> GatherSettled<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let futs = futs.into_iter().map(IntoFuture::into_future);
    let set = FutureSet::new(futs, "aio::gather_settled", Location::caller());
    let out = std::iter::repeat_with(|| None).take(set.len()).collect();
    GatherSettled { set, out }
}

/// The future returned by [`gather_settled`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let all: aio::GatherSettled<_> = aio::gather_settled([async { 1 }]);
///     assert_eq!(all.await[0].as_ref().unwrap(), &1);
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct GatherSettled<F: Future> {
    set: FutureSet<F>,
    out: Vec<Option<Result<F::Output, crate::TaskError>>>,
}

impl<F: Future> fmt::Debug for GatherSettled<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherSettled")
            .field("len", &self.set.len())
            .field("pending", &self.set.live())
            .finish()
    }
}

impl<F: Future> Unpin for GatherSettled<F> {}

impl<F: Future> Future for GatherSettled<F> {
    type Output = Vec<Result<F::Output, crate::TaskError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match this.set.poll_next(cx, true) {
                Poll::Ready(Some((i, out))) => {
                    this.out[i] = Some(out.map_err(crate::TaskError::Panicked));
                }
                Poll::Ready(None) => {
                    let out = std::mem::take(&mut this.out);
                    return Poll::Ready(out.into_iter().map(|o| o.expect("done")).collect());
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Runs futures of `Result` concurrently and stops at the first `Err`,
/// dropping (cancelling) the others: `Ok` holds every value in argument order.
/// This is asyncio's plain `gather` when a child raises.
///
/// ```
/// # use aio_runtime as aio;
/// async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
///     s.parse()
/// }
///
/// aio::run(async {
///     assert_eq!(aio::try_gather(["1", "2"].map(parse)).await, Ok(vec![1, 2]));
///     assert!(aio::try_gather(["1", "x"].map(parse)).await.is_err());
/// });
/// ```
#[track_caller]
pub fn try_gather<I, T, E>(futs: I) -> TryGather<<I::Item as IntoFuture>::IntoFuture, T>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
{
    let futs = futs.into_iter().map(IntoFuture::into_future);
    let set = FutureSet::new(futs, "aio::try_gather", Location::caller());
    let out = std::iter::repeat_with(|| None).take(set.len()).collect();
    TryGather { set, out }
}

/// The future returned by [`try_gather`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let all: aio::TryGather<_, u8> = aio::try_gather([async { Ok::<u8, ()>(1) }]);
///     assert_eq!(all.await, Ok(vec![1]));
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct TryGather<F, T> {
    set: FutureSet<F>,
    out: Vec<Option<T>>,
}

impl<F, T> fmt::Debug for TryGather<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGather")
            .field("pending", &self.set.live)
            .finish()
    }
}

impl<F, T> Unpin for TryGather<F, T> {}

impl<F, T, E> Future for TryGather<F, T>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match this.set.poll_next(cx, false) {
                Poll::Ready(Some((i, out))) => match out.unwrap_or_else(|p| resume(p)) {
                    Ok(v) => this.out[i] = Some(v),
                    Err(e) => {
                        this.set.cancel_all();
                        return Poll::Ready(Err(e));
                    }
                },
                Poll::Ready(None) => {
                    let out = std::mem::take(&mut this.out);
                    return Poll::Ready(Ok(out.into_iter().map(|o| o.expect("done")).collect()));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A [`Stream`] of the futures' outputs in the order they complete
/// (asyncio's `as_completed`, yielding results rather than awaitables).
///
/// `while let Some(x) = stream.next().await` is asyncio's
/// `for aw in as_completed(aws): x = await aw`. The futures run in the
/// current task only while the stream is polled.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
/// use aio::StreamExt; // .next()
///
/// async fn job(ms: u64) -> u64 {
///     aio::sleep(Duration::from_millis(ms)).await;
///     ms
/// }
///
/// aio::run(async {
///     let mut done = aio::as_completed([job(30), job(10), job(20)]);
///     let mut order = Vec::new();
///     while let Some(ms) = done.next().await {
///         order.push(ms); // for aw in as_completed(aws): ms = await aw
///     }
///     assert_eq!(order, [10, 20, 30]);
/// });
/// ```
#[track_caller]
pub fn as_completed<I>(futs: I) -> AsCompleted<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let futs = futs.into_iter().map(IntoFuture::into_future);
    AsCompleted {
        set: FutureSet::new(futs, "aio::as_completed", Location::caller()),
    }
}

/// The stream returned by [`as_completed`].
///
/// ```
/// # use aio_runtime as aio;
/// use aio::StreamExt;
///
/// aio::run(async {
///     let ready = [std::future::ready(1), std::future::ready(2)];
///     let stream: aio::AsCompleted<_> = aio::as_completed(ready);
///     let mut all: Vec<i32> = stream.collect().await;
///     all.sort();
///     assert_eq!(all, [1, 2]);
/// });
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F> {
    set: FutureSet<F>,
}

impl<F> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("pending", &self.set.live)
            .finish()
    }
}

impl<F> Unpin for AsCompleted<F> {}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.get_mut()
            .set
            .poll_next(cx, false)
            .map(|o| o.map(|(_, out)| out.unwrap_or_else(|p| resume(p))))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.set.live, Some(self.set.live))
    }
}

impl<F: Future> FusedStream for AsCompleted<F> {
    fn is_terminated(&self) -> bool {
        self.set.live == 0
    }
}

/// When [`wait`] returns (asyncio's `return_when`).
///
/// ```
/// # use aio_runtime as aio;
/// use aio::ReturnWhen;
///
/// aio::run(async {
///     let tasks = [aio::spawn(async { 1 }), aio::spawn(std::future::pending())];
///     let first = aio::wait(tasks, ReturnWhen::FirstCompleted).await;
///     assert_eq!(first.done.len(), 1);
///     for (_, task) in first.pending {
///         task.cancel(); // spawned tasks keep running unless cancelled
///     }
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// As soon as any future completes.
    FirstCompleted,
    /// As soon as any future completes with `Err`, or when all are done.
    FirstException,
    /// When every future is done.
    AllCompleted,
}

/// What [`wait`] hands back: the finished outputs and the unfinished futures.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let tasks = [aio::spawn(async { 1 }), aio::spawn(async { 2 })];
///     let aio::Waited { done, pending } = aio::wait(tasks, aio::ReturnWhen::AllCompleted).await;
///     assert_eq!(done.len(), 2);
///     assert!(pending.is_empty());
/// });
/// ```
pub struct Waited<F: Future> {
    /// `(argument index, output)` of each finished future, in completion order.
    pub done: Vec<(usize, F::Output)>,
    /// `(argument index, future)` of each unfinished future, in argument order.
    /// They are not cancelled: await them, or pass them to `wait` again.
    /// (Spawned `Task`s keep running meanwhile; plain futures only run while
    /// polled.)
    pub pending: Vec<(usize, Pin<Box<F>>)>,
}

impl<F: Future> fmt::Debug for Waited<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waited")
            .field("done", &self.done.len())
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// Waits for futures of `Result` until `when` is met and returns the done and
/// the pending ones (asyncio's `wait(aws, return_when=...)`). With
/// [`ReturnWhen::FirstException`], the first `Err` ends the wait. Spawned
/// `Task`s qualify: their output is `Result<T, TaskError>`. For a time limit,
/// wrap the call in [`wait_for`](crate::wait_for).
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
/// use aio::ReturnWhen;
///
/// async fn check(ms: u64, ok: bool) -> Result<u64, String> {
///     aio::sleep(Duration::from_millis(ms)).await;
///     if ok { Ok(ms) } else { Err(format!("check {ms} failed")) }
/// }
///
/// aio::run(async {
///     let checks = [check(30, true), check(10, false), check(20, true)];
///     let waited = aio::wait(checks, ReturnWhen::FirstException).await;
///     assert_eq!(waited.done, [(1, Err("check 10 failed".to_owned()))]);
///     assert_eq!(waited.pending.len(), 2); // not cancelled: await them or drop them
/// });
/// ```
#[track_caller]
pub fn wait<I, T, E>(futs: I, when: ReturnWhen) -> Wait<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
{
    let futs = futs.into_iter().map(IntoFuture::into_future);
    Wait {
        set: FutureSet::new(futs, "aio::wait", Location::caller()),
        when,
        done: Vec::new(),
    }
}

/// The future returned by [`wait`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let w: aio::Wait<_> = aio::wait([async { Ok::<_, ()>(1) }], aio::ReturnWhen::AllCompleted);
///     assert_eq!(w.await.done, [(0, Ok(1))]);
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<F: Future> {
    set: FutureSet<F>,
    when: ReturnWhen,
    done: Vec<(usize, F::Output)>,
}

impl<F: Future> fmt::Debug for Wait<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("when", &self.when)
            .field("done", &self.done.len())
            .field("pending", &self.set.live)
            .finish()
    }
}

impl<F: Future> Unpin for Wait<F> {}

impl<F, T, E> Future for Wait<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Waited<F>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Waited<F>> {
        let this = self.get_mut();
        loop {
            match this.set.poll_next(cx, false) {
                Poll::Ready(Some((i, out))) => {
                    let out = out.unwrap_or_else(|p| resume(p));
                    let stop = match this.when {
                        ReturnWhen::FirstCompleted => true,
                        ReturnWhen::FirstException => out.is_err(),
                        ReturnWhen::AllCompleted => false,
                    };
                    this.done.push((i, out));
                    if stop {
                        break;
                    }
                }
                Poll::Ready(None) => break,
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Waited {
            done: std::mem::take(&mut this.done),
            pending: this.set.take_pending(),
        })
    }
}

/// Runs the futures concurrently in the current task and evaluates to a future
/// of the tuple of their outputs, in argument order: `gather!(a, b).await` is
/// asyncio's `await gather(a, b)`.
///
/// The argument expressions are evaluated at once, in order; the futures they
/// produce run when the `gather!` future is awaited. Unlike tokio's `join!`,
/// this is a future to `.await` (or to pass on, or to spawn). Each wake-up
/// polls every unfinished argument: for many futures of one type, the
/// [`gather`](fn@crate::gather) function polls only those that were woken.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// async fn count(name: &str) -> usize {
///     println!("One {name}");
///     aio::sleep(Duration::from_millis(10)).await;
///     println!("Two {name}");
///     name.len()
/// }
///
/// aio::run(async {
///     // One a, One bb, One ccc, then Two a, Two bb, Two ccc: about 10 ms in all.
///     let (a, b, c) = aio::gather!(count("a"), count("bb"), count("ccc")).await;
///     assert_eq!((a, b, c), (1, 2, 3));
///     let (n, s) = aio::gather!(async { 1 }, async { "two" }).await; // any output types
///     assert_eq!((n, s), (1, "two"));
/// });
/// ```
#[macro_export]
macro_rules! gather {
    // Each step binds one future; its `fut`/`out` identifiers are distinct from
    // the other steps' by macro hygiene, and are passed on to the last step.
    (@bind [$($b:tt)*] $head:expr, $($rest:expr,)*) => {{
        let fut = ::core::future::IntoFuture::into_future($head);
        $crate::gather!(@bind [$($b)* (fut out)] $($rest,)*)
    }};
    (@bind [$(($f:ident $o:ident))*]) => {{
        let site = $crate::__private::DebugSite::here(
            "aio::gather!",
            0usize $(+ { let _ = stringify!($f); 1 })*,
        );
        async move {
            $( let mut $f = ::core::pin::pin!($f); let mut $o = ::core::option::Option::None; )*
            ::core::future::poll_fn(|cx| {
                let mut done = true;
                let mut arg = site.start();
                $(
                    if $o.is_none() {
                        site.mark(&mut arg, &*$f);
                        match ::core::future::Future::poll($f.as_mut(), cx) {
                            ::core::task::Poll::Ready(v) => $o = ::core::option::Option::Some(v),
                            ::core::task::Poll::Pending => done = false,
                        }
                    } else {
                        site.skip(&mut arg);
                    }
                )*
                if done {
                    ::core::task::Poll::Ready(())
                } else {
                    ::core::task::Poll::Pending
                }
            })
            .await;
            ( $( $o.take().expect("gather! output"), )* )
        }
    }};
    () => {
        ::core::future::ready(())
    };
    ($($e:expr),+ $(,)?) => {
        $crate::gather!(@bind [] $($e,)+)
    };
}

/// [`gather!`](macro@crate::gather) for futures of `Result`: evaluates to a future of
/// `Result<(A, B, ..), E>` that is `Ok` with every value, in argument order, or the first
/// `Err`, returned as soon as it comes; the futures still running are then dropped
/// (cancelled). So `try_gather!(a, b).await?` is asyncio's `await gather(a, b)` when a
/// coroutine raises.
///
/// Every argument's error type is the same `E` (use `.map_err` on one that differs); the
/// `?` after `.await` converts it as usual.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// async fn fetch(id: u32) -> Result<String, String> {
///     aio::sleep(Duration::from_millis(10)).await;
///     if id == 0 { Err("no page 0".to_owned()) } else { Ok(format!("page {id}")) }
/// }
///
/// async fn both() -> Result<String, String> {
///     let (a, b) = aio::try_gather!(fetch(1), fetch(2)).await?; // 10 ms, not 20
///     Ok(a + " and " + &b)
/// }
///
/// assert_eq!(aio::run(both()), Ok("page 1 and page 2".to_owned()));
/// let failed = aio::run(aio::try_gather!(fetch(1), fetch(0)));
/// assert_eq!(failed, Err("no page 0".to_owned()));
/// ```
#[macro_export]
macro_rules! try_gather {
    (@bind [$($b:tt)*] $head:expr, $($rest:expr,)*) => {{
        let fut = ::core::future::IntoFuture::into_future($head);
        $crate::try_gather!(@bind [$($b)* (fut out)] $($rest,)*)
    }};
    (@bind [$(($f:ident $o:ident))*]) => {{
        let site = $crate::__private::DebugSite::here(
            "aio::try_gather!",
            0usize $(+ { let _ = stringify!($f); 1 })*,
        );
        async move {
            $( let mut $f = ::core::pin::pin!($f); let mut $o = ::core::option::Option::None; )*
            let outcome = ::core::future::poll_fn(|cx| {
                let mut done = true;
                let mut arg = site.start();
                $(
                    if $o.is_none() {
                        site.mark(&mut arg, &*$f);
                        match ::core::future::Future::poll($f.as_mut(), cx) {
                            ::core::task::Poll::Ready(::core::result::Result::Ok(v)) => {
                                $o = ::core::option::Option::Some(v)
                            }
                            ::core::task::Poll::Ready(::core::result::Result::Err(e)) => {
                                return ::core::task::Poll::Ready(::core::result::Result::Err(e));
                            }
                            ::core::task::Poll::Pending => done = false,
                        }
                    } else {
                        site.skip(&mut arg);
                    }
                )*
                if done {
                    ::core::task::Poll::Ready(::core::result::Result::Ok(()))
                } else {
                    ::core::task::Poll::Pending
                }
            })
            .await;
            // Returning drops the futures still running: the rest is cancelled.
            match outcome {
                ::core::result::Result::Ok(()) => ::core::result::Result::Ok((
                    $( $o.take().expect("try_gather! output"), )*
                )),
                ::core::result::Result::Err(e) => ::core::result::Result::Err(e),
            }
        }
    }};
    () => {
        ::core::future::ready(::core::result::Result::Ok(()))
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_gather!(@bind [] $($e,)+)
    };
}

/// Debug mode's view of a `gather!`/`try_gather!`: the macro's call site, and the
/// argument being polled (the macros' expansion reaches it through `__private`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct DebugSite {
    what: &'static str,
    at: &'static Location<'static>,
    len: usize,
}

#[doc(hidden)]
impl DebugSite {
    /// The site of a call of the macro `what` with `len` arguments (called from the
    /// expansion, whose caller location is the macro's call site).
    #[doc(hidden)]
    #[track_caller]
    pub fn here(what: &'static str, len: usize) -> DebugSite {
        crate::debug::mark(what, Location::caller());
        DebugSite {
            what,
            at: Location::caller(),
            len,
        }
    }

    /// Starts a poll: the argument counter, `Some` only in debug mode.
    #[doc(hidden)]
    pub fn start(&self) -> Option<usize> {
        crate::debug::enabled().then_some(0)
    }

    /// The next argument, `_fut`, is about to be polled.
    #[doc(hidden)]
    pub fn mark<F>(&self, arg: &mut Option<usize>, _fut: &F) {
        if let Some(i) = arg {
            *i += 1;
            let type_name = std::any::type_name::<F>();
            crate::debug::mark_arg(self.what, self.at, *i, self.len, type_name);
        }
    }

    /// The next argument is finished and not polled.
    #[doc(hidden)]
    pub fn skip(&self, arg: &mut Option<usize>) {
        if let Some(i) = arg {
            *i += 1;
        }
    }
}
