//! A bounded multi-producer, single-consumer channel between loops and threads (what
//! asyncio users reach for `janus` or `loop.call_soon_threadsafe(queue.put_nowait, x)`
//! to do).
//!
//! The items live in a lock-free bounded ring (`concurrent-queue`, the one under
//! async-channel): a send that finds room and a receive that finds an item touch no lock.
//! Only waiting takes one. The receiver, when it finds the ring empty, stores its waker
//! and raises `rx_waiting`, then looks again; a sender, after its push, looks at
//! `rx_waiting` and wakes the receiver if it is raised. A full fence on each side
//! between the write and the read (the Dekker pattern) makes sure that at least one of
//! them sees the other: either the receiver's second look finds the item or the sender
//! sees the flag. Senders that find the ring full wait the same way, in a FIFO list
//! (the loop's own wait list, under a mutex), and every receive that frees a slot wakes
//! the first of them; a woken sender that is cancelled passes the wake-up on, and one
//! that loses the freed slot to a newcomer keeps its place at the front.
//!
//! An item leaves the ring only in a receive that returns it, so dropping a `recv`
//! future loses nothing; a `send` future keeps its value until the push succeeds, so
//! dropping it either queued the item or hands nothing over. Wakers are woken after
//! every lock is released. The blocking operations (`send_blocking`, `recv_blocking`)
//! first retry for a few microseconds (spinning, then yielding), as crossbeam-channel
//! does, and then drive the async ones on a parked thread. This module has no unsafe code and makes
//! no system calls: blocking is the standard library's thread parking, waking the
//! wakers' own business.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use concurrent_queue::{ConcurrentQueue, PushError};

use crate::executor::in_runtime;
use crate::remote::{BACKOFF_ROUNDS, backoff, park_until};
use crate::sync::waitlist::{Key, WaitList};

/// Creates a bounded channel of `capacity` items between loops and threads: `send` waits
/// while `capacity` items are queued, `recv` while none is.
///
/// The [`Sender`] is `Clone + Send`, the [`Receiver`] is `Send`: move them to other loops
/// (with [`run_on_cores`](crate::run_on_cores) or a [`LoopHandle`](crate::LoopHandle))
/// or plain threads. Items arrive in the order they were sent (per sender; between
/// senders, in the order their sends completed), and none is lost when a `send` or
/// `recv` future is dropped half way.
///
/// ```
/// # use aio_runtime as aio;
/// let (tx, mut rx) = aio::channel::<u64>(16);
/// let producer = std::thread::spawn(move || {
///     for i in 0..100 {
///         tx.send_blocking(i).unwrap();
///     }
///     // Dropping the last sender ends the stream.
/// });
/// let sum = aio::run(async move {
///     let mut sum = 0;
///     while let Some(i) = rx.recv().await {
///         sum += i;
///     }
///     sum
/// });
/// producer.join().unwrap();
/// assert_eq!(sum, 4950);
/// ```
///
/// # Panics
/// When `capacity` is 0 (a rendezvous channel is not supported).
#[track_caller]
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "aio::channel: the capacity must be at least 1 (got 0)"
    );
    let chan = Arc::new(Chan {
        queue: ConcurrentQueue::bounded(capacity),
        senders: AtomicUsize::new(1),
        rx_waiting: AtomicBool::new(false),
        rx_waker: Mutex::new(None),
        tx_waiting: AtomicUsize::new(0),
        tx_waiters: Mutex::new(WaitList::new()),
    });
    (Sender { chan: chan.clone() }, Receiver { chan })
}

struct Chan<T> {
    /// The items; closed when the receiver is dropped.
    queue: ConcurrentQueue<T>,
    /// Live `Sender`s.
    senders: AtomicUsize,
    /// The receiver waits for an item (its waker is in `rx_waker`).
    rx_waiting: AtomicBool,
    rx_waker: Mutex<Option<Waker>>,
    /// Senders waiting (not yet woken) in `tx_waiters`, mirrored for the lock-free check
    /// after each receive.
    tx_waiting: AtomicUsize,
    /// Senders waiting for room, first come first served.
    tx_waiters: Mutex<WaitList>,
}

/// Locks `m`. No user code runs under these locks (wakers are woken and items dropped
/// after release), so a poisoned lock still holds consistent data.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<T> Chan<T> {
    /// After a push (or the last sender leaving): wakes the receiver if it waits.
    fn wake_receiver(&self) {
        // Pairs with the fence in `poll_recv` between raising `rx_waiting` and looking
        // at the ring again.
        fence(Ordering::SeqCst);
        if self.rx_waiting.load(Ordering::Relaxed) && self.rx_waiting.swap(false, Ordering::AcqRel)
        {
            let waker = lock(&self.rx_waker).take();
            wake(waker);
        }
    }

    /// After a pop freed a slot: wakes the first waiting sender, if any.
    fn wake_sender(&self) {
        // Pairs with the fence in `SendFuture::poll` between registering and pushing
        // again.
        fence(Ordering::SeqCst);
        if self.tx_waiting.load(Ordering::Relaxed) > 0 {
            let mut waiters = lock(&self.tx_waiters);
            let waker = waiters.notify_first().flatten();
            self.tx_waiting.store(waiters.waiting(), Ordering::Relaxed);
            drop(waiters);
            wake(waker);
        }
    }

    /// Takes the next item, and frees its slot for a waiting sender.
    fn pop(&self) -> Option<T> {
        let value = self.queue.pop().ok()?;
        self.wake_sender();
        Some(value)
    }

    /// Withdraws a sender's registration; a wake-up it was given and did not use goes
    /// to the next waiting sender.
    fn cancel_sender(&self, key: Key) {
        let mut waiters = lock(&self.tx_waiters);
        let waker = if waiters.cancel(key) {
            waiters.notify_first().flatten()
        } else {
            None
        };
        self.tx_waiting.store(waiters.waiting(), Ordering::Relaxed);
        drop(waiters);
        wake(waker);
    }
}

#[track_caller]
fn not_on_a_loop(what: &str, instead: &str) {
    if in_runtime() {
        panic!(
            "{what} called on an aio event loop thread (at {}): it would block the loop; \
             use {instead} instead",
            Location::caller()
        );
    }
}

/// The sending half of a [`channel`]: cloneable, and `Send` when `T` is.
///
/// ```
/// # use aio_runtime as aio;
/// let (tx, mut rx) = aio::channel(8);
/// let threads: Vec<_> = ["a", "b"]
///     .into_iter()
///     .map(|name| {
///         let tx = tx.clone(); // one sender per thread
///         std::thread::spawn(move || tx.send_blocking(name).unwrap())
///     })
///     .collect();
/// drop(tx); // the channel ends when the clones are gone too
/// let mut got: Vec<&str> = std::iter::from_fn(|| rx.recv_blocking()).collect();
/// got.sort();
/// assert_eq!(got, ["a", "b"]);
/// threads.into_iter().for_each(|t| t.join().unwrap());
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half of a [`channel`]: `Send` when `T` is. There is one receiver. It is
/// also a [`Stream`](crate::Stream) of the items, ending when every sender is gone.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::StreamExt;
///
/// let (tx, rx) = aio::channel(4);
/// // The receiver moves to another thread's loop, and is read there as a stream.
/// let consumer = std::thread::spawn(move || aio::run(rx.collect::<Vec<u32>>()));
/// for i in 1..=3 {
///     tx.send_blocking(i).unwrap();
/// }
/// drop(tx);
/// assert_eq!(consumer.join().unwrap(), [1, 2, 3]);
/// ```
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waiting while the channel is full. Waiting senders are woken in the
    /// order they started waiting (a sender that finds room does not wait, even if
    /// others do).
    ///
    /// Cancel-safe: if the future is dropped before it completes, the value was not
    /// queued (it is dropped with the future).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let (tx, mut rx) = aio::channel(1);
    ///     tx.send("a").await.unwrap();
    ///     drop(rx.recv().await);
    ///     drop(rx);
    ///     // The receiver is gone: the value comes back.
    ///     assert_eq!(tx.send("b").await.unwrap_err().into_inner(), "b");
    /// });
    /// ```
    ///
    /// # Errors
    /// [`SendError`], holding the value, once the receiver is gone.
    pub fn send(&self, value: T) -> SendFuture<'_, T> {
        SendFuture {
            chan: &self.chan,
            value: Some(value),
            key: None,
        }
    }

    /// Queues `value` if there is room now.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, _rx) = aio::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert!(matches!(tx.try_send(2), Err(aio::TrySendError::Full(2))));
    /// ```
    ///
    /// # Errors
    /// [`TrySendError::Full`] when `capacity` items are queued, [`TrySendError::Closed`]
    /// once the receiver is gone; both hold the value.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.chan.queue.push(value) {
            Ok(()) => {
                self.chan.wake_receiver();
                Ok(())
            }
            Err(PushError::Full(v)) => Err(TrySendError::Full(v)),
            Err(PushError::Closed(v)) => Err(TrySendError::Closed(v)),
        }
    }

    /// Sends `value` from a plain thread, blocking it while the channel is full.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(1);
    /// let consumer = std::thread::spawn(move || {
    ///     aio::run(async move {
    ///         let mut got = Vec::new();
    ///         while let Some(i) = rx.recv().await {
    ///             got.push(i);
    ///         }
    ///         got
    ///     })
    /// });
    /// // Capacity 1: each send waits until the loop has taken the item before.
    /// for i in 0..3 {
    ///     tx.send_blocking(i).unwrap();
    /// }
    /// drop(tx);
    /// assert_eq!(consumer.join().unwrap(), [0, 1, 2]);
    /// ```
    ///
    /// # Errors
    /// [`SendError`], holding the value, once the receiver is gone.
    ///
    /// # Panics
    /// On a thread running an aio loop (it would block the loop): use
    /// [`send`](Self::send) there.
    #[track_caller]
    pub fn send_blocking(&self, value: T) -> Result<(), SendError<T>> {
        not_on_a_loop("Sender::send_blocking", "send(value).await");
        // Without a waker while there is room, or room comes within a few microseconds.
        let mut value = value;
        for round in 0..BACKOFF_ROUNDS {
            value = match self.try_send(value) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Closed(value)) => return Err(SendError(value)),
                Err(TrySendError::Full(value)) => value,
            };
            backoff(round);
        }
        park_until(self.send(value))
    }

    /// True once the receiver is gone: every send fails.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, rx) = aio::channel(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// assert!(matches!(tx.try_send(1), Err(aio::TrySendError::Closed(1))));
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.queue.is_closed()
    }

    /// Items queued now.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(4);
    /// tx.try_send('a').unwrap();
    /// tx.try_send('b').unwrap();
    /// assert_eq!(tx.len(), 2);
    /// assert_eq!(rx.try_recv(), Ok('a'));
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.queue.len()
    }

    /// True when no item is queued.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(4);
    /// assert!(tx.is_empty());
    /// tx.try_send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.chan.queue.is_empty()
    }

    /// The most items the channel holds.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, _rx) = aio::channel(3);
    /// assert_eq!(tx.capacity(), 3);
    /// for i in 0..3 {
    ///     tx.try_send(i).unwrap();
    /// }
    /// assert_eq!(tx.len(), tx.capacity()); // full: the next send must wait
    /// assert!(matches!(tx.try_send(3), Err(aio::TrySendError::Full(3))));
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.queue.capacity().expect("the queue is bounded")
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.senders.fetch_add(1, Ordering::Relaxed);
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // AcqRel: the receiver that sees the count reach 0 sees every push before it.
        if self.chan.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.chan.wake_receiver();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// The future of [`Sender::send`]: it waits while the channel is full, and dropping it
/// before it completes leaves the value unsent.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let (tx, mut rx) = aio::channel(1);
///     tx.send(1).await.unwrap();
///     // Full: this send waits, until the timeout drops it; 2 was never queued.
///     let waiting: aio::SendFuture<'_, i32> = tx.send(2);
///     assert!(aio::wait_for(Duration::from_millis(1), waiting).await.is_err());
///     assert_eq!(rx.try_recv(), Ok(1));
///     assert_eq!(rx.try_recv(), Err(aio::TryRecvError::Empty));
/// });
/// ```
#[must_use = "a send does nothing unless awaited"]
pub struct SendFuture<'a, T> {
    chan: &'a Chan<T>,
    value: Option<T>,
    /// The registration in the wait list while waiting for room.
    key: Option<Key>,
}

// The value is moved, never pinned.
impl<T> Unpin for SendFuture<'_, T> {}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let chan = this.chan;
        assert!(this.value.is_some(), "SendFuture polled after completion");
        let mut woken = false;
        if let Some(key) = this.key {
            if !lock(&chan.tx_waiters).poll_key(key, cx.waker()) {
                return Poll::Pending; // still waiting; the waker is refreshed
            }
            // Woken: a slot was freed for us. Try it below.
            this.key = None;
            woken = true;
        }
        let mut value = this.value.take().expect("checked above");
        loop {
            value = match chan.queue.push(value) {
                Ok(()) => {
                    if let Some(key) = this.key.take() {
                        chan.cancel_sender(key);
                    }
                    chan.wake_receiver();
                    return Poll::Ready(Ok(()));
                }
                Err(PushError::Closed(v)) => {
                    if let Some(key) = this.key.take() {
                        chan.cancel_sender(key);
                    }
                    return Poll::Ready(Err(SendError(v)));
                }
                Err(PushError::Full(v)) => v,
            };
            if this.key.is_some() {
                this.value = Some(value);
                return Poll::Pending;
            }
            // Full: register, then look once more (a receive may have freed a slot
            // before it could see this sender waiting). A sender that was woken and
            // lost the slot to a newcomer keeps its place at the front.
            let mut waiters = lock(&chan.tx_waiters);
            let waker = Some(cx.waker().clone());
            let key = if woken {
                waiters.push_front(waker)
            } else {
                waiters.push_back(waker)
            };
            chan.tx_waiting.store(waiters.waiting(), Ordering::Relaxed);
            drop(waiters);
            this.key = Some(key);
            // Pairs with the fence in `wake_sender`.
            fence(Ordering::SeqCst);
        }
    }
}

impl<T> Drop for SendFuture<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.chan.cancel_sender(key);
        }
    }
}

impl<T> fmt::Debug for SendFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendFuture")
            .field("waiting", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T> Receiver<T> {
    /// Receives the next item, waiting while the channel is empty; `None` once every
    /// sender is gone and the queue is empty.
    ///
    /// Cancel-safe: an item leaves the channel only when this future returns it.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let (tx, mut rx) = aio::channel(4);
    ///     tx.send(1).await.unwrap();
    ///     drop(tx);
    ///     assert_eq!(rx.recv().await, Some(1)); // what was sent is still delivered
    ///     assert_eq!(rx.recv().await, None);
    /// });
    /// ```
    pub fn recv(&mut self) -> RecvFuture<'_, T> {
        RecvFuture { rx: self }
    }

    /// The poll behind [`recv`](Self::recv), for hand-written futures.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::future::poll_fn;
    /// use std::task::Poll;
    ///
    /// aio::run(async {
    ///     let (tx, mut rx) = aio::channel(4);
    ///     tx.send(1).await.unwrap();
    ///     tx.send(2).await.unwrap();
    ///     drop(tx);
    ///     // Sums the items until the channel ends.
    ///     let mut sum = 0;
    ///     let total = poll_fn(|cx| loop {
    ///         match rx.poll_recv(cx) {
    ///             Poll::Ready(Some(i)) => sum += i,
    ///             Poll::Ready(None) => return Poll::Ready(sum),
    ///             Poll::Pending => return Poll::Pending,
    ///         }
    ///     })
    ///     .await;
    ///     assert_eq!(total, 3);
    /// });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let chan = &*self.chan;
        if let Some(value) = chan.pop() {
            return Poll::Ready(Some(value));
        }
        if chan.senders.load(Ordering::Acquire) == 0 {
            // Every push happened before the last sender left: one more look is final.
            return Poll::Ready(chan.pop());
        }
        {
            let mut slot = lock(&chan.rx_waker);
            match &*slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        // Release: a sender that sees the flag finds the waker stored.
        chan.rx_waiting.store(true, Ordering::Release);
        // Pairs with the fence in `wake_receiver`: either that sender sees the flag, or
        // this second look sees its item (or the sender count's drop).
        fence(Ordering::SeqCst);
        if let Some(value) = chan.pop() {
            chan.rx_waiting.store(false, Ordering::Relaxed);
            return Poll::Ready(Some(value));
        }
        if chan.senders.load(Ordering::Acquire) == 0 {
            chan.rx_waiting.store(false, Ordering::Relaxed);
            return Poll::Ready(chan.pop());
        }
        Poll::Pending
    }

    /// Takes the next item if one is queued.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(2);
    /// assert_eq!(rx.try_recv(), Err(aio::TryRecvError::Empty));
    /// tx.try_send(5).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Ok(5)); // queued items outlive the senders
    /// assert_eq!(rx.try_recv(), Err(aio::TryRecvError::Closed));
    /// ```
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] when nothing is queued, [`TryRecvError::Closed`] when
    /// nothing is queued and every sender is gone.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let chan = &*self.chan;
        if let Some(value) = chan.pop() {
            return Ok(value);
        }
        if chan.senders.load(Ordering::Acquire) == 0 {
            return chan.pop().ok_or(TryRecvError::Closed);
        }
        Err(TryRecvError::Empty)
    }

    /// Receives from a plain thread, blocking it while the channel is empty; `None` once
    /// every sender is gone and the queue is empty.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(1);
    /// std::thread::spawn(move || aio::run(async move { tx.send(7).await.unwrap() }));
    /// assert_eq!(rx.recv_blocking(), Some(7));
    /// assert_eq!(rx.recv_blocking(), None);
    /// ```
    ///
    /// # Panics
    /// On a thread running an aio loop (it would block the loop): use
    /// [`recv`](Self::recv) there.
    #[track_caller]
    pub fn recv_blocking(&mut self) -> Option<T> {
        not_on_a_loop("Receiver::recv_blocking", "recv().await");
        // Without a waker while items are queued, or one comes within a few microseconds.
        for round in 0..BACKOFF_ROUNDS {
            match self.try_recv() {
                Ok(value) => return Some(value),
                Err(TryRecvError::Closed) => return None,
                Err(TryRecvError::Empty) => backoff(round),
            }
        }
        park_until(self.recv())
    }

    /// Items queued now.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(4);
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.queue.len()
    }

    /// True when no item is queued.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, mut rx) = aio::channel(4);
    /// assert!(rx.is_empty());
    /// tx.try_send("x").unwrap();
    /// assert!(!rx.is_empty());
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Ok("x"));
    /// assert!(rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.chan.queue.is_empty()
    }

    /// The most items the channel holds.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, rx) = aio::channel::<u8>(2);
    /// assert_eq!(rx.capacity(), 2);
    /// assert_eq!(rx.capacity(), tx.capacity());
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.queue.capacity().expect("the queue is bounded")
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let chan = &*self.chan;
        // From now on every push fails and hands its value back.
        chan.queue.close();
        let mut wakers = Vec::new();
        {
            let mut waiters = lock(&chan.tx_waiters);
            while let Some(waker) = waiters.notify_first() {
                wakers.extend(waker);
            }
            chan.tx_waiting.store(0, Ordering::Relaxed);
        }
        chan.rx_waiting.store(false, Ordering::Relaxed);
        let own = lock(&chan.rx_waker).take();
        drop(own);
        // The items still queued are dropped here, on the receiver's thread.
        while let Ok(item) = chan.queue.pop() {
            drop(item);
        }
        wakers.into_iter().for_each(Waker::wake);
    }
}

impl<T> futures_core::Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().poll_recv(cx)
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// The future of [`Receiver::recv`]: it waits while the channel is empty, and takes an
/// item only when it returns it.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let (tx, mut rx) = aio::channel(1);
///     // Nothing sent yet: the recv waits, until the timeout drops it.
///     let waiting: aio::RecvFuture<'_, u8> = rx.recv();
///     assert!(aio::wait_for(Duration::from_millis(1), waiting).await.is_err());
///     tx.try_send(9).unwrap();
///     assert_eq!(rx.recv().await, Some(9));
/// });
/// ```
#[must_use = "a recv does nothing unless awaited"]
pub struct RecvFuture<'a, T> {
    rx: &'a mut Receiver<T>,
}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().rx.poll_recv(cx)
    }
}

impl<T> fmt::Debug for RecvFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvFuture").finish_non_exhaustive()
    }
}

/// The receiver is gone: returned by [`Sender::send`] with the value that was not sent.
///
/// ```
/// # use aio_runtime as aio;
/// let (tx, rx) = aio::channel(1);
/// drop(rx);
/// let err: aio::SendError<String> = tx.send_blocking("lost".to_string()).unwrap_err();
/// assert_eq!(err.to_string(), "the channel's receiver is gone");
/// assert_eq!(err.0, "lost");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// The value that was not sent.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let (tx, rx) = aio::channel(1);
    ///     drop(rx);
    ///     let back: Vec<u8> = tx.send(vec![1, 2]).await.unwrap_err().into_inner();
    ///     assert_eq!(back, [1, 2]);
    /// });
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the channel's receiver is gone")
    }
}

impl<T> std::error::Error for SendError<T> {}

/// Why [`Sender::try_send`] did not queue its value (which it hands back).
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TrySendError;
///
/// let (tx, rx) = aio::channel(1);
/// tx.try_send(1).unwrap();
/// assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
/// drop(rx);
/// let err = tx.try_send(3).unwrap_err();
/// assert_eq!(err, TrySendError::Closed(3));
/// assert_eq!(err.to_string(), "the channel's receiver is gone");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TrySendError<T> {
    /// The channel is full.
    Full(T),
    /// The receiver is gone.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// The value that was not sent.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let (tx, _rx) = aio::channel(1);
    /// tx.try_send("first").unwrap();
    /// assert_eq!(tx.try_send("second").unwrap_err().into_inner(), "second");
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(v) | TrySendError::Closed(v) => v,
        }
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("the channel is full"),
            TrySendError::Closed(_) => f.write_str("the channel's receiver is gone"),
        }
    }
}

impl<T> std::error::Error for TrySendError<T> {}

/// Why [`Receiver::try_recv`] returned no item.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TryRecvError;
///
/// let (tx, mut rx) = aio::channel::<u8>(1);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty)); // a sender may still send
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed)); // none ever will
/// assert_eq!(
///     TryRecvError::Closed.to_string(),
///     "the channel is empty and every sender is gone"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing is queued now.
    Empty,
    /// Nothing is queued and every sender is gone.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("the channel is empty"),
            TryRecvError::Closed => f.write_str("the channel is empty and every sender is gone"),
        }
    }
}

impl std::error::Error for TryRecvError {}
