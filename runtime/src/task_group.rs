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

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::combinators::FutureSet;
use crate::{IntoTask, Task, TaskError};

/// Why a [`TaskGroup`] failed: the first child failure, after which the other
/// children were cancelled.
pub enum GroupError<E> {
    /// A child returned `Err`.
    Failed(E),
    /// A child panicked (or was cancelled from outside the group).
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
/// Children are futures of `Result<T, E>`, spawned at once as tasks.
/// [`join`](Self::join) waits for every child and returns their values in
/// spawn order; the first child that returns `Err` (or panics) cancels all the
/// others, and `join` returns that first failure once the cancelled children
/// have stopped. Dropping the group without joining cancels its children.
///
/// ```
/// use aio_runtime::TaskGroup;
/// aio_runtime::run(async {
///     let mut group = TaskGroup::new();
///     for i in 1..=3 {
///         group.spawn(async move { Ok::<_, String>(i * 10) });
///     }
///     assert_eq!(group.join().await.unwrap(), [10, 20, 30]);
/// });
/// ```
pub struct TaskGroup<T, E> {
    tasks: Vec<Task<Result<T, E>>>,
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("tasks", &self.tasks.len())
            .finish()
    }
}

impl<T: 'static, E: 'static> Default for TaskGroup<T, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// An empty group.
    pub fn new() -> Self {
        Self { tasks: Vec::new() }
    }

    /// Spawns `fut` as a child task (asyncio's `tg.create_task`). It starts
    /// running at the caller's next `.await`, like any spawned task.
    ///
    /// # Panics
    /// Outside an aio runtime.
    #[track_caller]
    pub fn spawn<F>(&mut self, fut: F)
    where
        F: IntoTask<Output = Result<T, E>>,
        F::Future: 'static,
    {
        // `spawn` is #[track_caller] too: the task records our caller's location.
        self.tasks.push(crate::spawn(fut));
    }

    /// Children spawned so far.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no child was spawned.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Waits for every child. `Ok` holds their values in spawn order; on the
    /// first failure the other children are cancelled, and once they have
    /// stopped the failure is returned.
    pub async fn join(mut self) -> Result<Vec<T>, GroupError<E>> {
        let tasks = std::mem::take(&mut self.tasks);
        let mut out: Vec<Option<T>> = std::iter::repeat_with(|| None).take(tasks.len()).collect();
        let mut set = CancelOnDrop(FutureSet::new(tasks));
        let mut failure = None;
        while let Some((i, res)) = poll_fn(|cx| set.0.poll_next(cx, false)).await {
            // Awaiting a Task never panics: its panics are its TaskError.
            let Ok(res) = res else { unreachable!() };
            let failed = match res {
                Ok(Ok(v)) => {
                    out[i] = Some(v);
                    continue;
                }
                Ok(Err(e)) => GroupError::Failed(e),
                Err(e) => GroupError::Task(e),
            };
            if failure.is_none() {
                failure = Some(failed);
                set.cancel_pending();
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(out
                .into_iter()
                .map(|v| v.expect("every child finished"))
                .collect()),
        }
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.cancel();
        }
    }
}

/// The children a `join` is still waiting for; cancelled if `join` is dropped.
struct CancelOnDrop<T>(FutureSet<Task<T>>);

impl<T> CancelOnDrop<T> {
    fn cancel_pending(&mut self) {
        self.0.for_each_pending(|task| {
            task.cancel();
        });
    }
}

impl<T> Drop for CancelOnDrop<T> {
    fn drop(&mut self) {
        self.cancel_pending();
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
pub fn shield<T>(task: Task<T>) -> Shield<T> {
    Shield { task }
}

/// The future returned by [`shield`].
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
