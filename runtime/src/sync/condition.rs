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
///
/// ```
/// # use aio_runtime as aio;
/// use std::rc::Rc;
/// use aio::sync::{Condition, Lock};
///
/// aio::run(async {
///     let stock = Rc::new((Lock::new(0), Condition::new()));
///     let buyer = aio::spawn({
///         let stock = stock.clone();
///         async move {
///             let (lock, cond) = &*stock;
///             let mut items = cond.wait_for(lock.lock().await, |n| *n > 0).await;
///             *items -= 1; // bought one
///         }
///     });
///     aio::yield_now().await; // the buyer waits, the lock released
///     let (lock, cond) = &*stock;
///     *lock.lock().await += 1;
///     cond.notify(1);
///     buyer.await.unwrap();
///     assert_eq!(*lock.lock().await, 0);
/// });
/// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let cond = aio::sync::Condition::new();
    /// assert_eq!(cond.notify_all(), 0); // nobody waits
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Releases the lock held by `guard`, waits for a notification, then
    /// re-acquires the lock. The waiter is registered before the lock is
    /// released, so a notification sent under the lock is never missed.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::rc::Rc;
    /// use aio::sync::{Condition, Lock};
    ///
    /// aio::run(async {
    ///     let shared = Rc::new((Lock::new(false), Condition::new()));
    ///     let waiter = aio::spawn({
    ///         let shared = shared.clone();
    ///         async move {
    ///             let (lock, cond) = &*shared;
    ///             let mut ready = lock.lock().await;
    ///             while !*ready {
    ///                 ready = cond.wait(ready).await; // the lock is free while it waits
    ///             }
    ///         }
    ///     });
    ///     aio::yield_now().await;
    ///     *shared.0.lock().await = true;
    ///     shared.1.notify_all();
    ///     waiter.await.unwrap();
    /// });
    /// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::rc::Rc;
    /// use aio::sync::{Condition, Lock};
    ///
    /// aio::run(async {
    ///     let shared = Rc::new((Lock::new(Vec::new()), Condition::new()));
    ///     let reader = aio::spawn({
    ///         let shared = shared.clone();
    ///         async move {
    ///             let (lock, cond) = &*shared;
    ///             let lines = cond.wait_for(lock.lock().await, |v| v.len() >= 2).await;
    ///             lines.join(" ")
    ///         }
    ///     });
    ///     for word in ["hello", "world"] {
    ///         shared.0.lock().await.push(word);
    ///         shared.1.notify_all();
    ///         aio::yield_now().await;
    ///     }
    ///     assert_eq!(reader.await.unwrap(), "hello world");
    /// });
    /// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::rc::Rc;
    /// use aio::sync::{Condition, Lock};
    ///
    /// aio::run(async {
    ///     let shared = Rc::new((Lock::new(()), Condition::new()));
    ///     let waiters: Vec<_> = (0..3)
    ///         .map(|_| {
    ///             let shared = shared.clone();
    ///             aio::spawn(async move {
    ///                 let guard = shared.0.lock().await;
    ///                 drop(shared.1.wait(guard).await);
    ///             })
    ///         })
    ///         .collect();
    ///     aio::yield_now().await;
    ///     assert_eq!(shared.1.notify(2), 2); // two of the three
    ///     assert_eq!(shared.1.notify_all(), 1);
    ///     for w in waiters {
    ///         w.await.unwrap();
    ///     }
    /// });
    /// ```
    pub fn notify(&self, n: usize) -> usize {
        let mut waiters = self.waiters.borrow_mut();
        (0..n).take_while(|_| waiters.notify_one()).count()
    }

    /// Wakes every waiter; returns how many were woken.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let cond = aio::sync::Condition::new();
    /// assert_eq!(cond.notify_all(), 0);
    /// ```
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
