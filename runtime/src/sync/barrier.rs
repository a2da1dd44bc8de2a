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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult {
    index: usize,
    parties: usize,
}

impl BarrierWaitResult {
    /// The arrival position in this round, `0..parties` (asyncio's return value).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether this task completed the round (exactly one per round).
    pub fn is_leader(&self) -> bool {
        self.index + 1 == self.parties
    }
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Panics
    /// If `parties` is zero.
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
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Tasks waiting in the current round.
    pub fn n_waiting(&self) -> usize {
        self.inner.borrow().arrived
    }

    /// Waits until `parties` tasks are waiting.
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
