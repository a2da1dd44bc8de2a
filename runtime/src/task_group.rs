//! Structured concurrency over spawned tasks: asyncio's `TaskGroup`, and
//! `shield`.
//!
//! A [`TaskGroup`] spawns its children as ordinary tasks (they start at once
//! and run concurrently with the caller) but owns them: [`TaskGroup::join`]
//! waits for all of them, the first failure cancels the rest, and dropping
//! the group (or its `join` future) cancels whatever is still running, so no
//! child outlives the scope that created it. [`shield`] is the opposite: it
//! lets a task outlive the await that was waiting for it. Neither schedules
//! anything itself; the executor does.
//
// Each child runs inside a `Child` wrapper that hands an `Err` or a panic to the
// group's shared state (which cancels every child, the failing one included: it
// cannot produce its `T`) and counts itself out when its future is dropped, so
// that `join` returns only once every child has stopped. The group keeps a
// `TaskRef` per child to cancel it; refs of finished children are pruned as
// children are spawned, so a long-lived group does not keep them all.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::task::{TaskName, TaskRef, derive_name};
use crate::{IntoTask, Task, TaskError};

/// Why a [`TaskGroup`] failed: the first child failure, after which the other
/// children were cancelled.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::{GroupError, TaskGroup};
///
/// let err = aio::run(async {
///     let group = TaskGroup::new();
///     group.spawn(async { Err::<(), _>("no route") });
///     group.join().await
/// })
/// .unwrap_err();
/// assert!(matches!(err, GroupError::Failed("no route")));
/// assert_eq!(err.to_string(), "a task of the group failed: no route");
/// ```
pub enum GroupError<E> {
    /// A child returned `Err`.
    Failed(E),
    /// A child panicked: a [`TaskError::Panicked`] with the panic's payload.
    Task(TaskError),
}

impl<E: fmt::Debug> fmt::Debug for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            GroupError::Task(e) => f.debug_tuple("Task").field(e).finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(e) => write!(f, "a task of the group failed: {e}"),
            GroupError::Task(e) => write!(f, "a task of the group ended abnormally: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for GroupError<E> {}

/// A scope for tasks that succeed or fail together (asyncio's `TaskGroup`).
///
/// Children are futures of `Result<T, E>` (any `T`, one error type `E` per group),
/// spawned at once as tasks. [`spawn`](Self::spawn) returns the child's
/// [`Task<T>`](Task), to await (its `Ok` value) or to cancel;
/// [`join`](Self::join) waits for every child. The first child that returns `Err`
/// or panics cancels all the children, and `join` returns that failure once they
/// have stopped. Dropping the group without joining cancels its children.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TaskGroup;
///
/// aio::run(async {
///     let group = TaskGroup::<std::io::Error>::new();
///     let number = group.spawn(async { Ok(6 * 7) });
///     let text = group.spawn(async { Ok("forty-two") }); // another output type
///     group.join().await.unwrap(); // every child has finished
///     assert_eq!(number.await.unwrap(), 42);
///     assert_eq!(text.await.unwrap(), "forty-two");
/// });
/// ```
///
/// A failure cancels the siblings, and their handles say so:
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
/// use aio::{GroupError, TaskGroup};
///
/// aio::run(async {
///     let group = TaskGroup::new();
///     let slow = group.spawn(async {
///         aio::sleep(Duration::from_secs(3600)).await;
///         Ok(1)
///     });
///     group.spawn(async { Err::<u32, _>("disk full") });
///     assert!(matches!(group.join().await, Err(GroupError::Failed("disk full"))));
///     assert!(slow.cancelled());
/// });
/// ```
pub struct TaskGroup<E> {
    state: Rc<GroupState<E>>,
    spawned: Cell<usize>,
}

/// What the group and its children share.
struct GroupState<E> {
    /// The children, to cancel them; finished ones are pruned now and then.
    children: RefCell<Vec<TaskRef>>,
    /// `children.len()` after the last pruning.
    kept: Cell<usize>,
    /// The first failure.
    failure: RefCell<Option<GroupError<E>>>,
    /// Children whose future has not been dropped yet.
    running: Cell<usize>,
    /// The waker of `join`.
    joiner: RefCell<Option<Waker>>,
}

impl<E> GroupState<E> {
    /// Records `failure` if it is the first, and cancels every child.
    fn fail(&self, failure: GroupError<E>) {
        let first = {
            let mut slot = self.failure.borrow_mut();
            let first = slot.is_none();
            if first {
                *slot = Some(failure);
            }
            first
        };
        // A later failure is dropped: the group reports its first.
        if first {
            self.cancel_all();
        }
    }

    fn cancel_all(&self) {
        for child in self.children.borrow().iter() {
            child.cancel();
        }
    }

    fn failed(&self) -> bool {
        self.failure.borrow().is_some()
    }
}

impl<E> fmt::Debug for TaskGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("spawned", &self.spawned.get())
            .field("running", &self.state.running.get())
            .field("failed", &self.state.failed())
            .finish()
    }
}

impl<E: 'static> Default for TaskGroup<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: 'static> TaskGroup<E> {
    /// An empty group.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let group = aio::TaskGroup::<std::io::Error>::new();
    /// assert!(group.is_empty());
    /// ```
    pub fn new() -> Self {
        Self {
            state: Rc::new(GroupState {
                children: RefCell::new(Vec::new()),
                kept: Cell::new(0),
                failure: RefCell::new(None),
                running: Cell::new(0),
                joiner: RefCell::new(None),
            }),
            spawned: Cell::new(0),
        }
    }

    /// Spawns `fut` as a child task (asyncio's `tg.create_task`) and returns its
    /// handle. It starts running at the caller's next `.await`, like any spawned
    /// task; it is named as [`spawn`](crate::spawn) names tasks.
    ///
    /// The handle gives the child's `Ok` value. A child that fails (returns `Err`
    /// or panics) hands its failure to the group, which cancels every child: the
    /// failing child's handle and its siblings' then report
    /// [`TaskError::Cancelled`], and [`join`](Self::join) returns the failure.
    /// Cancelling a child through its handle does not fail the group. A child
    /// spawned after the group failed is cancelled before it runs.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let group = aio::TaskGroup::<()>::new();
    ///     let fetch = group.spawn(async { Ok("page") });
    ///     let forever = group.spawn(async {
    ///         aio::sleep(Duration::from_secs(3600)).await;
    ///         Ok(())
    ///     });
    ///     assert_eq!(fetch.await.unwrap(), "page"); // await one child
    ///     forever.cancel(); // cancel another: not a failure
    ///     group.join().await.unwrap();
    /// });
    /// ```
    ///
    /// # Panics
    /// Outside an aio runtime.
    #[track_caller]
    pub fn spawn<F, T>(&self, fut: F) -> Task<T>
    where
        F: IntoTask<Output = Result<T, E>>,
        F::Future: 'static,
        T: 'static,
    {
        let location = Location::caller();
        let core = crate::runtime::spawn_core(location);
        let (fut, name) = fut.into_task();
        // The child runs inside a wrapper: name the task after what it wraps.
        let name = match name.or_else(|| derive_name(std::any::type_name::<F::Future>())) {
            Some(name) => TaskName::Static(name),
            None => TaskName::Default,
        };
        self.state.running.set(self.state.running.get() + 1);
        let child = Child {
            fut: Box::pin(fut),
            stopped: false,
            _count: Running(self.state.clone()),
        };
        let task = core.spawn(child, name, location);
        let child_ref = task.task_ref();
        if self.state.failed() {
            child_ref.cancel();
        }
        self.keep(child_ref);
        self.spawned.set(self.spawned.get() + 1);
        task
    }

    /// Keeps `child` to cancel it later, first dropping the refs of finished
    /// children once the list has doubled since the last time (amortized O(1)).
    fn keep(&self, child: TaskRef) {
        let mut children = self.state.children.borrow_mut();
        if children.len() >= 2 * self.state.kept.get().max(8) {
            children.retain(|c| !c.done());
            self.state.kept.set(children.len());
        }
        children.push(child);
    }

    /// Children spawned so far.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let group = aio::TaskGroup::<()>::new();
    ///     group.spawn(async { Ok(()) });
    ///     assert_eq!(group.len(), 1);
    ///     group.join().await.unwrap();
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.spawned.get()
    }

    /// Whether no child was spawned.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// assert!(aio::TaskGroup::<()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.spawned.get() == 0
    }

    /// Waits for every child to finish (asyncio's end of `async with TaskGroup()`).
    /// `Ok` when none failed; otherwise the first failure, returned once the
    /// cancelled children have stopped. Dropping the `join` future before it
    /// completes cancels the children.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let group = aio::TaskGroup::<String>::new();
    ///     for ms in [30, 10, 20] {
    ///         group.spawn(async move {
    ///             aio::sleep(Duration::from_millis(ms)).await;
    ///             Ok(())
    ///         });
    ///     }
    ///     group.join().await.unwrap(); // about 30 ms: the children ran concurrently
    /// });
    /// ```
    pub async fn join(self) -> Result<(), GroupError<E>> {
        let state = self.state.clone();
        poll_fn(|cx| {
            if state.running.get() == 0 {
                return Poll::Ready(());
            }
            let mut joiner = state.joiner.borrow_mut();
            match &*joiner {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *joiner = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
        .await;
        // Every child has stopped; dropping `self` cancels nothing.
        drop(self);
        match state.failure.borrow_mut().take() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

impl<E> Drop for TaskGroup<E> {
    fn drop(&mut self) {
        self.state.cancel_all();
    }
}

/// A child's future: hands a failure to the group instead of finishing.
struct Child<F, E> {
    fut: Pin<Box<F>>,
    /// Failed: the group cancelled this task, which waits to be dropped.
    stopped: bool,
    /// Declared after `fut`, so it counts the child out once `fut` is dropped.
    _count: Running<E>,
}

impl<F, T, E> Future for Child<F, E>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // `Child` is Unpin: the future is boxed.
        let this = self.get_mut();
        if this.stopped {
            return Poll::Pending;
        }
        let failure = match catch_unwind(AssertUnwindSafe(|| this.fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(Ok(v))) => return Poll::Ready(v),
            Ok(Poll::Ready(Err(e))) => GroupError::Failed(e),
            Err(payload) => GroupError::Task(TaskError::Panicked(payload)),
        };
        this.stopped = true;
        // Cancels this task too: the loop drops it the next time it reaches it.
        this._count.0.fail(failure);
        Poll::Pending
    }
}

/// One running child of a group; counts it out when dropped.
struct Running<E>(Rc<GroupState<E>>);

impl<E> Drop for Running<E> {
    fn drop(&mut self) {
        let left = self.0.running.get() - 1;
        self.0.running.set(left);
        if left == 0 {
            let joiner = self.0.joiner.borrow_mut().take();
            if let Some(w) = joiner {
                w.wake();
            }
        }
    }
}

/// Awaits `task` without tying its life to the await (asyncio's `shield`).
///
/// Cancelling the awaiting side, for example by a [`wait_for`](crate::wait_for)
/// timeout or by dropping a `select`, drops the `Shield` but not the task: it
/// runs on, and its handle can no longer be used to cancel it. (An aio task is
/// not cancelled by dropping its handle in any case; `shield` also makes that
/// explicit where a future of the task's result is handed to code that may
/// drop it.) To shield a plain future, spawn it: `shield(spawn(fut))`.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let save = aio::spawn(async {
///         aio::sleep(Duration::from_millis(20)).await;
///         "saved"
///     });
///     let mut shielded = aio::shield(save);
///     // The caller gives up waiting; the task is not cancelled.
///     assert!(aio::wait_for(Duration::from_millis(1), &mut shielded).await.is_err());
///     assert_eq!(shielded.await.unwrap(), "saved");
/// });
/// ```
pub fn shield<T>(task: Task<T>) -> Shield<T> {
    Shield { task }
}

/// The future returned by [`shield`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let s: aio::Shield<u8> = aio::shield(aio::spawn(async { 1 }));
///     assert_eq!(s.await.unwrap(), 1);
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Shield<T> {
    task: Task<T>,
}

impl<T> fmt::Debug for Shield<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Shield").field(&self.task).finish()
    }
}

impl<T> Shield<T> {
    /// Whether the shielded task has finished.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let s = aio::shield(aio::spawn(async {}));
    ///     assert!(!s.done());
    ///     aio::yield_now().await;
    ///     assert!(s.done());
    /// });
    /// ```
    pub fn done(&self) -> bool {
        self.task.done()
    }
}

impl<T> Future for Shield<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().task).poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::TaskGroup;

    #[test]
    fn a_long_lived_group_keeps_only_a_bounded_list_of_finished_children() {
        crate::run(async {
            let shared = &crate::executor::current_core().unwrap().shared;
            let refs_before = std::sync::Arc::strong_count(shared);
            let group = TaskGroup::<()>::new();
            assert!(group.is_empty());
            assert_eq!(
                format!("{group:?}"),
                "TaskGroup { spawned: 0, running: 0, failed: false }"
            );
            for _ in 0..1000 {
                group.spawn(async { Ok(()) });
                crate::yield_now().await; // the child finishes
            }
            assert_eq!(group.len(), 1000);
            let kept = group.state.children.borrow().len();
            assert!(kept <= 16, "kept {kept} refs of finished children");
            // Live children are never pruned: each is still cancelled by the drop.
            let live: Vec<_> = (0..100)
                .map(|_| {
                    group.spawn(async {
                        crate::sleep(std::time::Duration::from_secs(3600)).await;
                        Ok(())
                    })
                })
                .collect();
            assert_eq!(
                format!("{group:?}"),
                "TaskGroup { spawned: 1100, running: 100, failed: false }"
            );
            drop(group);
            assert!(live.iter().all(|t| !t.done()));
            crate::yield_now().await;
            assert!(live.iter().all(|t| t.cancelled()));
            // Every task cell is freed once its handle is gone: the group's references
            // to its children went with it (each cell holds the loop's `Shared`).
            drop(live);
            assert_eq!(std::sync::Arc::strong_count(shared), refs_before);
        });
    }

    #[test]
    fn join_wakes_the_task_that_awaits_it_last() {
        use std::future::Future;
        use std::task::{Context, Waker};
        use std::time::Duration;
        crate::run(async {
            crate::time::pause(); // simulated time: exact, and quick
            let start = crate::time::now();
            let group = TaskGroup::<()>::new();
            group.spawn(async {
                crate::sleep(Duration::from_millis(5)).await;
                Ok(())
            });
            let mut join = std::pin::pin!(group.join());
            // First polled with a waker that wakes nobody, then awaited here: the
            // stored waker must be replaced, or this task is woken only by the
            // timeout, an hour later.
            let noop = &mut Context::from_waker(Waker::noop());
            assert!(join.as_mut().poll(noop).is_pending());
            let joined = crate::wait_for(Duration::from_secs(3600), join).await;
            assert_eq!(joined.map(|r| r.is_ok()), Ok(true));
            assert_eq!(crate::time::now() - start, Duration::from_millis(5));
        });
    }
}
