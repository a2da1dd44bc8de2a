//! [`Barrier`]: let `n` tasks meet before any goes on.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waitlist::{Key, WaitList};

/// A meeting point for a fixed number of tasks (asyncio's `Barrier`).
///
/// Each [`wait`](Self::wait) blocks until `parties` tasks are waiting; then
/// all of them go on and the barrier resets for the next round. A waiter that
/// is cancelled before the round completes leaves it (the others keep waiting
/// for someone to take its place).
///
/// ```
/// # use aio_runtime as aio;
/// use std::rc::Rc;
/// use aio::sync::Barrier;
///
/// aio::run(async {
///     let start = Rc::new(Barrier::new(3));
///     let runners = (0..3).map(|i| {
///         let start = start.clone();
///         async move {
///             aio::sleep(std::time::Duration::from_millis(i * 5)).await; // get ready
///             start.wait().await; // everyone goes at once
///             i
///         }
///     });
///     assert_eq!(aio::gather(runners).await, [0, 1, 2]);
/// });
/// ```
pub struct Barrier {
    parties: usize,
    inner: RefCell<Inner>,
}

struct Inner {
    arrived: usize,
    waiters: WaitList,
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("waiting", &self.n_waiting())
            .finish()
    }
}

/// What [`Barrier::wait`] tells each task of a round.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let b = aio::sync::Barrier::new(1);
///     let result: aio::sync::BarrierWaitResult = b.wait().await;
///     assert_eq!(result.index(), 0);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult {
    index: usize,
    parties: usize,
}

impl BarrierWaitResult {
    /// The arrival position in this round, `0..parties` (asyncio's return value).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let b = aio::sync::Barrier::new(2);
    ///     let (first, second) = aio::gather!(b.wait(), b.wait()).await;
    ///     assert_eq!((first.index(), second.index()), (0, 1));
    /// });
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether this task completed the round (exactly one per round).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let b = aio::sync::Barrier::new(2);
    ///     let (first, second) = aio::gather!(b.wait(), b.wait()).await;
    ///     assert!(!first.is_leader() && second.is_leader()); // the last to arrive leads
    /// });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.index + 1 == self.parties
    }
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Panics
    /// If `parties` is zero.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let b = aio::sync::Barrier::new(4);
    /// assert_eq!(b.parties(), 4);
    /// ```
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a Barrier needs at least one party");
        Self {
            parties,
            inner: RefCell::new(Inner {
                arrived: 0,
                waiters: WaitList::new(),
            }),
        }
    }

    /// The number of tasks each round waits for.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// assert_eq!(aio::sync::Barrier::new(3).parties(), 3);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Tasks waiting in the current round.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let b = std::rc::Rc::new(aio::sync::Barrier::new(2));
    ///     let early = aio::spawn({
    ///         let b = b.clone();
    ///         async move { b.wait().await }
    ///     });
    ///     aio::yield_now().await;
    ///     assert_eq!(b.n_waiting(), 1);
    ///     b.wait().await;
    ///     early.await.unwrap();
    /// });
    /// ```
    pub fn n_waiting(&self) -> usize {
        self.inner.borrow().arrived
    }

    /// Waits until `parties` tasks are waiting.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let b = aio::sync::Barrier::new(1); // a party of one never waits
    ///     assert!(b.wait().await.is_leader());
    /// });
    /// ```
    #[track_caller]
    pub fn wait(&self) -> impl Future<Output = BarrierWaitResult> + Unpin + '_ {
        crate::debug::mark("Barrier::wait", std::panic::Location::caller());
        Wait {
            barrier: self,
            key: None,
            index: 0,
        }
    }
}

struct Wait<'a> {
    barrier: &'a Barrier,
    key: Option<Key>,
    index: usize,
}

impl Future for Wait<'_> {
    type Output = BarrierWaitResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let this = self.get_mut();
        let parties = this.barrier.parties;
        let mut inner = this.barrier.inner.borrow_mut();
        match this.key {
            Some(key) => {
                if !inner.waiters.poll_key(key, cx.waker()) {
                    return Poll::Pending;
                }
                this.key = None;
            }
            None => {
                this.index = inner.arrived;
                inner.arrived += 1;
                if inner.arrived == parties {
                    inner.arrived = 0;
                    inner.waiters.notify_all();
                } else {
                    this.key = Some(inner.waiters.push_back(Some(cx.waker().clone())));
                    return Poll::Pending;
                }
            }
        }
        Poll::Ready(BarrierWaitResult {
            index: this.index,
            parties,
        })
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut inner = self.barrier.inner.borrow_mut();
            if !inner.waiters.cancel(key) {
                // Still waiting: this task leaves the round it had joined.
                inner.arrived -= 1;
            }
        }
    }
}
