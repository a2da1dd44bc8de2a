//! [`Condition`]: wait for a notification while giving up a [`Lock`].

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::lock::LockGuard;
use super::waitlist::{Key, WaitList};

/// A condition variable for [`Lock`](super::Lock) (asyncio's `Condition`).
///
/// [`wait`](Self::wait) takes the guard, releases the lock while waiting for
/// [`notify`](Self::notify), and returns the guard re-acquired. Waiters are
/// notified in arrival order; one that is cancelled after being notified passes
/// the notification on to the next waiter.
#[derive(Default)]
pub struct Condition {
    waiters: RefCell<WaitList>,
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("waiting", &self.waiters.borrow().waiting())
            .finish()
    }
}

impl Condition {
    /// A condition with no waiters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Releases the lock held by `guard`, waits for a notification, then
    /// re-acquires the lock. The waiter is registered before the lock is
    /// released, so a notification sent under the lock is never missed.
    pub async fn wait<'a, T>(&self, guard: LockGuard<'a, T>) -> LockGuard<'a, T> {
        let lock = guard.lock_ref();
        let mut notified = Notified {
            cond: self,
            key: Some(self.waiters.borrow_mut().push_back(None)),
        };
        drop(guard);
        (&mut notified).await;
        lock.lock().await
    }

    /// Waits until `predicate` holds for the guarded value, re-checking after
    /// each notification (asyncio's `wait_for`).
    pub async fn wait_for<'a, T>(
        &self,
        mut guard: LockGuard<'a, T>,
        mut predicate: impl FnMut(&mut T) -> bool,
    ) -> LockGuard<'a, T> {
        while !predicate(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` waiters, oldest first; returns how many were woken.
    pub fn notify(&self, n: usize) -> usize {
        let mut waiters = self.waiters.borrow_mut();
        (0..n).take_while(|_| waiters.notify_one()).count()
    }

    /// Wakes every waiter; returns how many were woken.
    pub fn notify_all(&self) -> usize {
        self.waiters.borrow_mut().notify_all()
    }
}

struct Notified<'a> {
    cond: &'a Condition,
    key: Option<Key>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let key = this.key.expect("polled after completion");
        if this.cond.waiters.borrow_mut().poll_key(key, cx.waker()) {
            this.key = None;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut waiters = self.cond.waiters.borrow_mut();
            if waiters.cancel(key) {
                waiters.notify_one();
            }
        }
    }
}
