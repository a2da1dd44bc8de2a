//! [`Lock`]: a mutual-exclusion lock held across `.await`s.

use std::cell::{RefCell, RefMut};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waitlist::{Key, WaitList};

/// An async mutex (asyncio's `Lock`), optionally guarding a value.
///
/// `Lock::new(())` is asyncio's bare lock; `Lock::new(value)` guards `value`
/// and the guard dereferences to it. Unlike a `std::sync::Mutex`, the guard
/// may be held across `.await`. Waiters acquire the lock in arrival order:
/// on release the lock is handed directly to the oldest waiter.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::sync::Lock;
///
/// let lock = Lock::new(1);
/// let mut guard = lock.try_lock().unwrap();
/// *guard += 1;
/// assert!(lock.try_lock().is_none());
/// drop(guard);
/// assert_eq!(lock.into_inner(), 2);
/// ```
pub struct Lock<T = ()> {
    state: RefCell<State>,
    data: RefCell<T>,
}

#[derive(Default)]
struct State {
    locked: bool,
    waiters: WaitList,
}

impl<T: Default> Default for Lock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .finish_non_exhaustive()
    }
}

impl<T> Lock<T> {
    /// A new unlocked lock guarding `value`.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let counter = aio::sync::Lock::new(0);
    /// assert_eq!(counter.into_inner(), 0);
    /// ```
    pub fn new(value: T) -> Self {
        Self {
            state: RefCell::new(State::default()),
            data: RefCell::new(value),
        }
    }

    /// Whether some task holds the lock (or it has been handed to a waiter).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let lock = aio::sync::Lock::new(());
    ///     let guard = lock.lock().await;
    ///     assert!(lock.locked());
    ///     drop(guard);
    ///     assert!(!lock.locked());
    /// });
    /// ```
    pub fn locked(&self) -> bool {
        self.state.borrow().locked
    }

    /// Waits for the lock and returns the guard that releases it on drop.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let log = Rc::new(aio::sync::Lock::new(Vec::new()));
    ///     let writers = (0..3).map(|i| {
    ///         let log = log.clone();
    ///         async move {
    ///             let mut entries = log.lock().await; // async with lock:
    ///             entries.push(format!("start {i}"));
    ///             aio::sleep(Duration::from_millis(1)).await; // held across the await
    ///             entries.push(format!("end {i}"));
    ///         }
    ///     });
    ///     aio::gather(writers).await;
    ///     let entries = log.lock().await;
    ///     assert_eq!(entries[..2], ["start 0", "end 0"]); // never interleaved
    /// });
    /// ```
    #[track_caller]
    pub fn lock(&self) -> impl Future<Output = LockGuard<'_, T>> + Unpin + '_ {
        crate::debug::mark("Lock::lock", std::panic::Location::caller());
        Acquire {
            lock: self,
            key: None,
        }
    }

    /// Takes the lock if it is free now.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let lock = aio::sync::Lock::new(5);
    /// let guard = lock.try_lock().unwrap();
    /// assert!(lock.try_lock().is_none()); // held
    /// drop(guard);
    /// assert_eq!(*lock.try_lock().unwrap(), 5);
    /// ```
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        let mut state = self.state.borrow_mut();
        if state.locked {
            return None;
        }
        state.locked = true;
        drop(state);
        Some(self.guard())
    }

    /// The guarded value, when nobody else can hold the lock.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let mut lock = aio::sync::Lock::new(1);
    /// *lock.get_mut() += 1; // no other borrow exists: no locking needed
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    /// Consumes the lock and returns the guarded value.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let lock = aio::sync::Lock::new(String::from("value"));
    /// assert_eq!(lock.into_inner(), "value");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    fn guard(&self) -> LockGuard<'_, T> {
        LockGuard {
            lock: self,
            data: Some(self.data.borrow_mut()),
        }
    }

    /// Hands the lock to the oldest waiter, or unlocks it.
    fn release(&self) {
        let mut state = self.state.borrow_mut();
        if !state.waiters.notify_one() {
            state.locked = false;
        }
    }
}

struct Acquire<'a, T> {
    lock: &'a Lock<T>,
    key: Option<Key>,
}

impl<'a, T> Future for Acquire<'a, T> {
    type Output = LockGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a, T>> {
        let this = self.get_mut();
        let mut state = this.lock.state.borrow_mut();
        match this.key {
            Some(key) => {
                if !state.waiters.poll_key(key, cx.waker()) {
                    return Poll::Pending;
                }
                // Notified: the releasing holder handed the lock to us.
                this.key = None;
            }
            None if !state.locked => state.locked = true,
            None => {
                this.key = Some(state.waiters.push_back(Some(cx.waker().clone())));
                return Poll::Pending;
            }
        }
        drop(state);
        Poll::Ready(this.lock.guard())
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let handed_over = self.lock.state.borrow_mut().waiters.cancel(key);
            if handed_over {
                self.lock.release();
            }
        }
    }
}

/// Holds a [`Lock`]; releases it when dropped. Dereferences to the value.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let lock = aio::sync::Lock::new(vec![1]);
///     let mut guard: aio::sync::LockGuard<'_, Vec<i32>> = lock.lock().await;
///     guard.push(2); // DerefMut to the value
///     drop(guard); // released
///     assert_eq!(lock.into_inner(), [1, 2]);
/// });
/// ```
pub struct LockGuard<'a, T> {
    lock: &'a Lock<T>,
    data: Option<RefMut<'a, T>>,
}

impl<'a, T> LockGuard<'a, T> {
    /// The lock this guard holds (used by [`Condition`](super::Condition)).
    pub(crate) fn lock_ref(&self) -> &'a Lock<T> {
        self.lock
    }
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.data
            .as_deref()
            .expect("guard holds its borrow until dropped")
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.data
            .as_deref_mut()
            .expect("guard holds its borrow until dropped")
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        self.data = None;
        self.lock.release();
    }
}
