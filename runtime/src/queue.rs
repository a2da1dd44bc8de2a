//! Queues between tasks of one event loop: asyncio's `Queue`, `PriorityQueue`
//! and `LifoQueue`.
//!
//! A queue is a cloneable handle (`Rc` inside): producers wait in
//! [`Queue::put`] while a bounded queue is full, consumers in [`Queue::get`]
//! while it is empty, both first come, first served. [`Queue::close`] wakes every
//! waiter with an error without losing an item: what was queued can still be
//! taken, and a blocked `put` hands its item back inside the error.
//! `task_done`/`join` count unfinished items as asyncio does.
//!
//! Not for crossing threads (the handle is `!Send`); that is what
//! [`to_thread`](crate::to_thread) and `std::sync::mpsc` are for.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::sync::waitlist::{Key, WaitList};

/// The queue was closed: returned by `get` once it is closed and empty, and by
/// `put` (with the item that was not queued) once it is closed.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let q = aio::Queue::unbounded();
///     q.close();
///     let aio::QueueClosed(item) = q.put("late").await.unwrap_err();
///     assert_eq!(item, "late");
///     assert_eq!(q.get().await, Err(aio::QueueClosed(())));
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueClosed<T = ()>(pub T);

impl<T> QueueClosed<T> {
    /// The item that could not be queued.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let q = aio::Queue::unbounded();
    ///     q.close();
    ///     assert_eq!(q.put(String::from("kept")).await.unwrap_err().into_inner(), "kept");
    /// });
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for QueueClosed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueClosed(..)")
    }
}

impl<T> fmt::Display for QueueClosed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is closed")
    }
}

impl<T> std::error::Error for QueueClosed<T> {}

/// Why [`Queue::try_put`] did not queue its item (which it hands back).
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TryPutError;
///
/// let q = aio::Queue::bounded(1);
/// q.try_put(1).unwrap();
/// assert_eq!(q.try_put(2), Err(TryPutError::Full(2)));
/// q.close();
/// assert_eq!(q.try_put(3), Err(TryPutError::Closed(3)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is at capacity.
    Full(T),
    /// The queue is closed.
    Closed(T),
}

impl<T> TryPutError<T> {
    /// The item that was not queued.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let q = aio::Queue::bounded(1);
    /// q.try_put("a").unwrap();
    /// assert_eq!(q.try_put("b").unwrap_err().into_inner(), "b");
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(x) | TryPutError::Closed(x) => x,
        }
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("Full(..)"),
            TryPutError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("queue is full"),
            TryPutError::Closed(_) => f.write_str("queue is closed"),
        }
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// Why [`Queue::try_get`] returned no item.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TryGetError;
///
/// let q = aio::Queue::<u8>::unbounded();
/// assert_eq!(q.try_get(), Err(TryGetError::Empty));
/// q.close();
/// assert_eq!(q.try_get(), Err(TryGetError::Closed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryGetError {
    /// Nothing is queued (yet).
    Empty,
    /// Nothing is queued and the queue is closed.
    Closed,
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryGetError::Empty => f.write_str("queue is empty"),
            TryGetError::Closed => f.write_str("queue is closed"),
        }
    }
}

impl std::error::Error for TryGetError {}

/// The order in which a queue hands out its items.
trait Store {
    type Item;
    fn new() -> Self;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
}

struct Fifo<T>(VecDeque<T>);
struct Lifo<T>(Vec<T>);
struct Priority<T>(BinaryHeap<Reverse<T>>);

impl<T> Store for Fifo<T> {
    type Item = T;
    fn new() -> Self {
        Fifo(VecDeque::new())
    }
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Store for Lifo<T> {
    type Item = T;
    fn new() -> Self {
        Lifo(Vec::new())
    }
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Store for Priority<T> {
    type Item = T;
    fn new() -> Self {
        Priority(BinaryHeap::new())
    }
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(x)| x)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

struct Core<S> {
    store: S,
    capacity: usize,
    closed: bool,
    unfinished: usize,
    getters: WaitList,
    putters: WaitList,
    joiners: WaitList,
}

impl<S: Store> Core<S> {
    fn space(&self) -> usize {
        self.capacity - self.store.len()
    }

    /// Queues `item` and hands one wake-up to the oldest waiting consumer.
    fn push(&mut self, item: S::Item) {
        self.store.push(item);
        self.unfinished += 1;
        self.getters.notify_one();
    }

    /// Takes an item and hands the freed slot to the oldest waiting producer.
    fn pop(&mut self) -> Option<S::Item> {
        let item = self.store.pop()?;
        self.putters.notify_one();
        Some(item)
    }
}

/// The shared machinery of the three queue kinds.
struct Chan<S>(Rc<RefCell<Core<S>>>);

impl<S> Clone for Chan<S> {
    fn clone(&self) -> Self {
        Chan(self.0.clone())
    }
}

impl<S: Store> Chan<S> {
    fn with_capacity(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a bounded queue needs a capacity of at least 1"
        );
        Chan(Rc::new(RefCell::new(Core {
            store: S::new(),
            capacity,
            closed: false,
            unfinished: 0,
            getters: WaitList::new(),
            putters: WaitList::new(),
            joiners: WaitList::new(),
        })))
    }

    fn len(&self) -> usize {
        self.0.borrow().store.len()
    }

    fn capacity(&self) -> Option<usize> {
        let cap = self.0.borrow().capacity;
        (cap != usize::MAX).then_some(cap)
    }

    fn is_full(&self) -> bool {
        self.0.borrow().space() == 0
    }

    fn is_closed(&self) -> bool {
        self.0.borrow().closed
    }

    fn close(&self) {
        let mut core = self.0.borrow_mut();
        core.closed = true;
        core.getters.notify_all();
        core.putters.notify_all();
    }

    fn try_put(&self, item: S::Item) -> Result<(), TryPutError<S::Item>> {
        let mut core = self.0.borrow_mut();
        if core.closed {
            Err(TryPutError::Closed(item))
        } else if core.space() == 0 {
            Err(TryPutError::Full(item))
        } else {
            core.push(item);
            Ok(())
        }
    }

    fn try_get(&self) -> Result<S::Item, TryGetError> {
        let mut core = self.0.borrow_mut();
        match core.pop() {
            Some(item) => Ok(item),
            None if core.closed => Err(TryGetError::Closed),
            None => Err(TryGetError::Empty),
        }
    }

    fn task_done(&self) {
        let mut core = self.0.borrow_mut();
        assert!(
            core.unfinished > 0,
            "task_done() called more times than items were put"
        );
        core.unfinished -= 1;
        if core.unfinished == 0 {
            core.joiners.notify_all();
        }
    }
}

struct Get<'a, S> {
    chan: &'a Chan<S>,
    key: Option<Key>,
}

impl<S: Store> Future for Get<'_, S> {
    type Output = Result<S::Item, QueueClosed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut core = this.chan.0.borrow_mut();
        let core = &mut *core;
        if let Some(key) = this.key {
            if !core.getters.poll_key(key, cx.waker()) {
                return Poll::Pending;
            }
            this.key = None;
            // Notified: an item was queued for us (or the queue closed).
            if let Some(item) = core.pop() {
                return Poll::Ready(Ok(item));
            }
            if core.closed {
                return Poll::Ready(Err(QueueClosed(())));
            }
            // A `try_get` took our item: keep our place at the head of the line.
            this.key = Some(core.getters.push_front(Some(cx.waker().clone())));
            return Poll::Pending;
        }
        // Items already promised to notified consumers are not up for grabs.
        let unclaimed = core.store.len() > core.getters.notified();
        if (core.getters.waiting() == 0 && unclaimed) || core.closed {
            return Poll::Ready(core.pop().ok_or(QueueClosed(())));
        }
        this.key = Some(core.getters.push_back(Some(cx.waker().clone())));
        Poll::Pending
    }
}

impl<S> Drop for Get<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut core = self.chan.0.borrow_mut();
            if core.getters.cancel(key) {
                // We were promised an item we will not take: pass it on.
                core.getters.notify_one();
            }
        }
    }
}

struct Put<'a, S: Store> {
    chan: &'a Chan<S>,
    item: Option<S::Item>,
    key: Option<Key>,
}

// The item is only ever moved, never pinned.
impl<S: Store> Unpin for Put<'_, S> {}

impl<S: Store> Future for Put<'_, S> {
    type Output = Result<(), QueueClosed<S::Item>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut core = this.chan.0.borrow_mut();
        let core = &mut *core;
        let mut item = || this.item.take().expect("Put polled after completion");
        if core.closed {
            if let Some(key) = this.key.take() {
                core.putters.cancel(key);
            }
            return Poll::Ready(Err(QueueClosed(item())));
        }
        if let Some(key) = this.key {
            if !core.putters.poll_key(key, cx.waker()) {
                return Poll::Pending;
            }
            this.key = None;
            // Notified: a slot was freed for us.
            if core.space() > 0 {
                core.push(item());
                return Poll::Ready(Ok(()));
            }
            // A `try_put` took our slot: keep our place at the head of the line.
            this.key = Some(core.putters.push_front(Some(cx.waker().clone())));
            return Poll::Pending;
        }
        // Slots already promised to notified producers are not up for grabs.
        if core.putters.waiting() == 0 && core.space() > core.putters.notified() {
            core.push(item());
            return Poll::Ready(Ok(()));
        }
        this.key = Some(core.putters.push_back(Some(cx.waker().clone())));
        Poll::Pending
    }
}

impl<S: Store> Drop for Put<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut core = self.chan.0.borrow_mut();
            if core.putters.cancel(key) {
                // We were promised a slot we will not fill: pass it on.
                core.putters.notify_one();
            }
        }
    }
}

struct Join<'a, S> {
    chan: &'a Chan<S>,
    key: Option<Key>,
}

impl<S> Future for Join<'_, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut core = this.chan.0.borrow_mut();
        match this.key {
            Some(key) => {
                if core.joiners.poll_key(key, cx.waker()) {
                    this.key = None;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            None if core.unfinished == 0 => Poll::Ready(()),
            None => {
                this.key = Some(core.joiners.push_back(Some(cx.waker().clone())));
                Poll::Pending
            }
        }
    }
}

impl<S> Drop for Join<'_, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            // Joiners are all woken together: nothing to pass on.
            self.chan.0.borrow_mut().joiners.cancel(key);
        }
    }
}

macro_rules! queue_api {
    ($name:ident, $order:literal, [$($bound:tt)*]) => {
        impl<T $($bound)*> $name<T> {
            #[doc = concat!("A queue holding at most `capacity` items; `put` waits while it is full. Items come out ", $order, ".")]
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::bounded(1);")]
            /// q.try_put(1).unwrap();
            /// assert!(q.try_put(2).is_err()); // full
            /// assert_eq!(q.capacity(), Some(1));
            /// ```
            ///
            /// # Panics
            /// If `capacity` is zero.
            pub fn bounded(capacity: usize) -> Self {
                Self { chan: Chan::with_capacity(capacity) }
            }

            #[doc = concat!("A queue without a limit; `put` never waits. Items come out ", $order, ".")]
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::unbounded();")]
            /// for i in 0..1000 {
            ///     q.try_put(i).unwrap();
            /// }
            /// assert_eq!(q.capacity(), None);
            /// ```
            pub fn unbounded() -> Self {
                Self { chan: Chan::with_capacity(usize::MAX) }
            }

            /// Waits while the queue is full, then queues `item`. Fails, handing
            /// `item` back, if the queue is (or gets) closed first.
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// aio::run(async {
            #[doc = concat!("    let q = aio::", stringify!($name), "::bounded(1);")]
            ///     q.put(1).await.unwrap();
            ///     let consumer = aio::spawn({
            ///         let q = q.clone();
            ///         async move { q.get().await.unwrap() }
            ///     });
            ///     q.put(2).await.unwrap(); // waits until the consumer took 1
            ///     assert_eq!(consumer.await.unwrap(), 1);
            ///     q.close();
            ///     assert_eq!(q.put(3).await.unwrap_err().into_inner(), 3);
            /// });
            /// ```
            #[track_caller]
            pub fn put(&self, item: T) -> impl Future<Output = Result<(), QueueClosed<T>>> + Unpin + '_ {
                crate::debug::mark(concat!(stringify!($name), "::put"), std::panic::Location::caller());
                Put { chan: &self.chan, item: Some(item), key: None }
            }

            /// Waits while the queue is empty, then takes an item. Fails once the
            /// queue is closed and empty; items queued before `close` are still
            /// handed out.
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// aio::run(async {
            #[doc = concat!("    let q = aio::", stringify!($name), "::unbounded();")]
            ///     let producer = aio::spawn({
            ///         let q = q.clone();
            ///         async move {
            ///             q.put(7).await.unwrap();
            ///             q.close(); // no more items
            ///         }
            ///     });
            ///     assert_eq!(q.get().await, Ok(7)); // waits for the producer
            ///     assert!(q.get().await.is_err()); // closed and empty
            ///     producer.await.unwrap();
            /// });
            /// ```
            #[track_caller]
            pub fn get(&self) -> impl Future<Output = Result<T, QueueClosed>> + Unpin + '_ {
                crate::debug::mark(concat!(stringify!($name), "::get"), std::panic::Location::caller());
                Get { chan: &self.chan, key: None }
            }

            /// Queues `item` now if there is room (asyncio's `put_nowait`).
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// use aio::TryPutError;
            ///
            #[doc = concat!("let q = aio::", stringify!($name), "::bounded(1);")]
            /// assert!(q.try_put(1).is_ok());
            /// assert_eq!(q.try_put(2), Err(TryPutError::Full(2)));
            /// ```
            pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
                self.chan.try_put(item)
            }

            /// Takes an item now if there is one (asyncio's `get_nowait`).
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// use aio::TryGetError;
            ///
            #[doc = concat!("let q = aio::", stringify!($name), "::unbounded();")]
            /// assert_eq!(q.try_get(), Err(TryGetError::Empty));
            /// q.try_put(5).unwrap();
            /// assert_eq!(q.try_get(), Ok(5));
            /// q.close();
            /// assert_eq!(q.try_get(), Err(TryGetError::Closed));
            /// ```
            pub fn try_get(&self) -> Result<T, TryGetError> {
                self.chan.try_get()
            }

            /// Items queued now (asyncio's `qsize()`).
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::unbounded();")]
            /// q.try_put(1).unwrap();
            /// q.try_put(2).unwrap();
            /// assert_eq!(q.len(), 2);
            /// ```
            pub fn len(&self) -> usize {
                self.chan.len()
            }

            /// Whether no item is queued.
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::<u8>::unbounded();")]
            /// assert!(q.is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Whether a `put` would wait now.
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::bounded(1);")]
            /// assert!(!q.is_full());
            /// q.try_put(1).unwrap();
            /// assert!(q.is_full());
            /// ```
            pub fn is_full(&self) -> bool {
                self.chan.is_full()
            }

            /// The bound given to `bounded`, `None` if unbounded (asyncio's `maxsize`).
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("assert_eq!(aio::", stringify!($name), "::<u8>::bounded(8).capacity(), Some(8));")]
            #[doc = concat!("assert_eq!(aio::", stringify!($name), "::<u8>::unbounded().capacity(), None);")]
            /// ```
            pub fn capacity(&self) -> Option<usize> {
                self.chan.capacity()
            }

            /// Closes the queue: waiting and later `put`s fail with their item
            /// handed back; `get`s drain what is queued, then fail.
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// aio::run(async {
            #[doc = concat!("    let q = aio::", stringify!($name), "::unbounded();")]
            ///     q.put(1).await.unwrap();
            ///     q.close();
            ///     assert!(q.put(2).await.is_err());
            ///     assert_eq!(q.get().await, Ok(1)); // what was queued is still handed out
            ///     assert!(q.get().await.is_err());
            /// });
            /// ```
            pub fn close(&self) {
                self.chan.close()
            }

            /// Whether [`close`](Self::close) was called.
            ///
            /// ```
            /// # use aio_runtime as aio;
            #[doc = concat!("let q = aio::", stringify!($name), "::<u8>::unbounded();")]
            /// q.close();
            /// assert!(q.is_closed());
            /// ```
            pub fn is_closed(&self) -> bool {
                self.chan.is_closed()
            }

            /// Marks one item taken by a consumer as processed; when every item
            /// put so far is processed, [`join`](Self::join) returns.
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// aio::run(async {
            #[doc = concat!("    let q = aio::", stringify!($name), "::unbounded();")]
            ///     q.put(1).await.unwrap();
            ///     let item = q.get().await.unwrap();
            ///     assert_eq!(item, 1); // ... process it, then:
            ///     q.task_done();
            ///     q.join().await; // nothing unfinished: returns at once
            /// });
            /// ```
            ///
            /// # Panics
            /// If called more times than items were put (asyncio's `ValueError`).
            pub fn task_done(&self) {
                self.chan.task_done()
            }

            /// Waits until every item put so far has been marked with
            /// [`task_done`](Self::task_done).
            ///
            /// ```
            /// # use aio_runtime as aio;
            /// aio::run(async {
            #[doc = concat!("    let q = aio::", stringify!($name), "::unbounded();")]
            ///     for job in 0..3 {
            ///         q.put(job).await.unwrap();
            ///     }
            ///     let worker = aio::spawn({
            ///         let q = q.clone();
            ///         async move {
            ///             while let Ok(_job) = q.get().await {
            ///                 q.task_done();
            ///             }
            ///         }
            ///     });
            ///     q.join().await; // every job was processed
            ///     worker.cancel();
            /// });
            /// ```
            #[track_caller]
            pub fn join(&self) -> impl Future<Output = ()> + Unpin + '_ {
                crate::debug::mark(concat!(stringify!($name), "::join"), std::panic::Location::caller());
                Join { chan: &self.chan, key: None }
            }
        }

        impl<T $($bound)*> Clone for $name<T> {
            /// Another handle to the same queue.
            fn clone(&self) -> Self {
                Self { chan: self.chan.clone() }
            }
        }

        impl<T $($bound)*> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let core = self.chan.0.borrow();
                f.debug_struct(stringify!($name))
                    .field("len", &core.store.len())
                    .field("closed", &core.closed)
                    .finish_non_exhaustive()
            }
        }
    };
}

/// A first-in, first-out queue between tasks (asyncio's `Queue`).
///
/// A producer and a consumer (asyncio's `queue.put` / `queue.get`):
///
/// ```
/// # use aio_runtime as aio;
/// use aio::Queue;
///
/// async fn produce(q: Queue<u32>) {
///     for i in 0..5 {
///         q.put(i).await.unwrap(); // waits while the queue is full
///     }
///     q.close(); // the consumer stops once it has drained the queue
/// }
///
/// async fn consume(q: Queue<u32>) -> u32 {
///     let mut sum = 0;
///     while let Ok(i) = q.get().await {
///         sum += i;
///     }
///     sum
/// }
///
/// let q = Queue::bounded(2);
/// let ((), sum) = aio::run(aio::gather!(produce(q.clone()), consume(q)));
/// assert_eq!(sum, 10);
/// ```
pub struct Queue<T> {
    chan: Chan<Fifo<T>>,
}
queue_api!(Queue, "in the order they were put", []);

/// A last-in, first-out queue between tasks (asyncio's `LifoQueue`).
///
/// ```
/// # use aio_runtime as aio;
/// let stack = aio::LifoQueue::unbounded();
/// for i in 1..=3 {
///     stack.try_put(i).unwrap();
/// }
/// assert_eq!(stack.try_get(), Ok(3)); // last in, first out
/// ```
pub struct LifoQueue<T> {
    chan: Chan<Lifo<T>>,
}
queue_api!(LifoQueue, "most recent first", []);

/// A queue that hands out its smallest item first (asyncio's `PriorityQueue`);
/// put `(priority, value)` tuples to order by priority. Equal items come out
/// in no particular order.
///
/// ```
/// # use aio_runtime as aio;
/// let jobs = aio::PriorityQueue::unbounded();
/// jobs.try_put((2, "later")).unwrap();
/// jobs.try_put((1, "urgent")).unwrap();
/// assert_eq!(jobs.try_get(), Ok((1, "urgent")));
/// ```
pub struct PriorityQueue<T: Ord> {
    chan: Chan<Priority<T>>,
}
queue_api!(PriorityQueue, "smallest first", [: Ord]);
