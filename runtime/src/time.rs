//! Time: sleeping, timeouts, and the loop's clock.
//!
//! [`sleep`] and [`sleep_until`] wait, [`wait_for`] and [`timeout_at`] put a time limit
//! on any awaitable, [`yield_now`] lets the other ready tasks run. Timers with the same
//! deadline fire in the order they were created, never early.
//!
//! For tests the clock can be paused ([`pause`], [`advance`], `Builder::start_paused`):
//! while paused, a loop with nothing to run jumps straight to the next timer, so a
//! program that sleeps for hours of simulated time finishes at once.
//!
//! ```
//! # use aio_runtime as aio;
//! use std::time::Duration;
//!
//! aio::run(async {
//!     aio::time::pause();
//!     let start = aio::time::now();
//!     let slow = aio::sleep(Duration::from_secs(3600));
//!     assert!(aio::wait_for(Duration::from_secs(5), slow).await.is_err()); // timed out
//!     assert_eq!(aio::time::now() - start, Duration::from_secs(5)); // simulated time
//! });
//! ```
//
// Timers live in a binary min-heap of `(deadline, sequence, slot)` entries with lazy
// deletion: cancelling a timer (dropping its `Sleep`) frees its slot at once and leaves
// a stale heap entry that is skipped when it reaches the top; when stale entries outnumber
// live ones the heap is compacted, so cancelled timers cost nothing later beyond amortized
// O(1). The sequence number keeps timers with equal deadlines in creation order.
//
// Timers due more than `HORIZON` after their registration (timeouts, mostly: hyper's
// header read timeout is armed for every request and cancelled a millisecond later) go
// to an unsorted `far` list instead, at the cost of a push; a cancelled one is dropped
// by the next pass over the list instead of being sifted through the heap twice. A pass
// moves the timers whose time is near into the heap; it runs when the earliest far
// deadline comes within `HORIZON` of the clock, when the loop is about to block (so the
// deadline it blocks until is exact) after a far timer was cancelled, and when cancelled
// ones make up more than half of the list.
//
// This module does not decide when the loop blocks (that is `executor.rs`); it only says
// when the next timer is due and wakes the timers that are.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

pub use std::time::Instant;

use crate::executor::{Core, current_core};

/// The loop's clock: real time, or a paused virtual time for tests.
pub(crate) struct Clock {
    paused: Cell<Option<Instant>>,
}

impl Clock {
    pub(crate) fn new(start_paused: bool) -> Clock {
        Clock {
            paused: Cell::new(start_paused.then(Instant::now)),
        }
    }
    pub(crate) fn now(&self) -> Instant {
        self.paused.get().unwrap_or_else(Instant::now)
    }
    pub(crate) fn is_paused(&self) -> bool {
        self.paused.get().is_some()
    }
    pub(crate) fn advance_to(&self, t: Instant) {
        if let Some(now) = self.paused.get()
            && t > now
        {
            self.paused.set(Some(t));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Entry {
    deadline: Instant,
    seq: u64,
    slot: u32,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest deadline on top.
        (other.deadline, other.seq).cmp(&(self.deadline, self.seq))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

struct Slot {
    /// Sequence number of the registration using this slot; 0 when free.
    seq: u64,
    fired: bool,
    /// The registration's entry is in the `far` list, not in the heap.
    far: bool,
    waker: Option<Waker>,
}

/// How far ahead a timer's deadline must be for it to wait in the `far` list.
const HORIZON: Duration = Duration::from_secs(1);

/// Slot capacity kept when the last timer goes away; above it the tables are freed.
const SHRINK_ABOVE: usize = 1024;

/// The timer heap of one loop.
pub(crate) struct Timers {
    heap: BinaryHeap<Entry>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    next_seq: u64,
    /// Heap entries whose timer was cancelled.
    stale: usize,
    /// Timers due more than `HORIZON` after they were registered, in no order.
    far: Vec<Entry>,
    /// No deadline in `far` is earlier (exact after a pass, a lower bound after a
    /// cancellation); `None` when `far` is empty.
    far_min: Option<Instant>,
    /// Entries of `far` whose timer was cancelled.
    far_stale: usize,
}

impl Timers {
    pub(crate) fn new() -> Timers {
        Timers {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 1,
            stale: 0,
            far: Vec::new(),
            far_min: None,
            far_stale: 0,
        }
    }

    /// Registers a timer due at `deadline`, `now` being the loop's time.
    fn insert(&mut self, deadline: Instant, now: Instant, waker: Waker) -> (u32, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    seq: 0,
                    fired: false,
                    far: false,
                    waker: None,
                });
                u32::try_from(self.slots.len() - 1).expect("more than 4 billion timers")
            }
        };
        let s = &mut self.slots[slot as usize];
        s.seq = seq;
        s.fired = false;
        s.waker = Some(waker);
        let entry = Entry {
            deadline,
            seq,
            slot,
        };
        s.far = now.checked_add(HORIZON).is_some_and(|near| deadline > near);
        if s.far {
            self.far.push(entry);
            self.far_min = Some(self.far_min.map_or(deadline, |m| m.min(deadline)));
        } else {
            self.heap.push(entry);
        }
        (slot, seq)
    }

    /// Polls a registration: true (and the slot is freed) when it fired; else the waker
    /// is updated.
    ///
    /// A replaced waker is returned, to be dropped after the timers' borrow ends (a
    /// foreign waker's Drop may run arbitrary code).
    fn poll_slot(&mut self, slot: u32, seq: u64, waker: &Waker) -> (bool, Option<Waker>) {
        let s = &mut self.slots[slot as usize];
        debug_assert_eq!(s.seq, seq);
        if s.fired {
            return (true, self.free_slot(slot));
        }
        match &s.waker {
            Some(w) if w.will_wake(waker) => (false, None),
            _ => (false, s.waker.replace(waker.clone())),
        }
    }

    fn free_slot(&mut self, slot: u32) -> Option<Waker> {
        let s = &mut self.slots[slot as usize];
        s.seq = 0;
        s.fired = false;
        let waker = s.waker.take();
        self.free.push(slot);
        if self.free.len() == self.slots.len()
            && (self.slots.capacity() > SHRINK_ABOVE || self.heap.capacity() > SHRINK_ABOVE)
        {
            // No timer is registered: every heap entry is stale and no `Sleep` holds a
            // slot, so a burst's memory goes back to the allocator. Sequence numbers keep
            // counting, so an old (slot, seq) pair can never match a new registration.
            self.slots = Vec::new();
            self.free = Vec::new();
            self.heap = BinaryHeap::new();
            self.stale = 0;
            self.far = Vec::new();
            self.far_min = None;
            self.far_stale = 0;
        }
        waker
    }

    /// Cancels a registration (its heap entry goes stale) and returns its waker, to be
    /// dropped after the borrow ends.
    fn remove(&mut self, slot: u32, seq: u64) -> Option<Waker> {
        let s = self.slots.get(slot as usize)?;
        if s.seq != seq {
            return None;
        }
        if s.far {
            self.far_stale += 1;
        } else if !s.fired {
            self.stale += 1;
        }
        let waker = self.free_slot(slot);
        if self.far_stale > 64 && self.far_stale * 2 > self.far.len() {
            self.pass_over_far(None);
        }
        if self.stale > 64 && self.stale * 2 > self.heap.len() {
            let slots = &self.slots;
            self.heap
                .retain(|e| slots[e.slot as usize].seq == e.seq && !slots[e.slot as usize].fired);
            self.stale = 0;
        }
        waker
    }

    fn is_live(&self, e: &Entry) -> bool {
        let s = &self.slots[e.slot as usize];
        s.seq == e.seq && !s.fired
    }

    /// Drops the cancelled entries of `far` and makes `far_min` exact; with `Some(now)`,
    /// also moves the timers due within `HORIZON` of `now` into the heap.
    fn pass_over_far(&mut self, now: Option<Instant>) {
        let near = now.map(|now| now.checked_add(HORIZON).unwrap_or(now));
        let (slots, heap) = (&mut self.slots, &mut self.heap);
        let mut min: Option<Instant> = None;
        self.far.retain(|e| {
            let s = &mut slots[e.slot as usize];
            if s.seq != e.seq {
                return false;
            }
            if near.is_some_and(|near| e.deadline <= near) {
                s.far = false;
                heap.push(*e);
                return false;
            }
            min = Some(min.map_or(e.deadline, |m| m.min(e.deadline)));
            true
        });
        self.far_min = min;
        self.far_stale = 0;
    }

    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        if self.far_stale > 0 {
            // The earliest far timer may be one that was cancelled.
            self.pass_over_far(None);
        }
        while let Some(top) = self.heap.peek() {
            if self.is_live(top) {
                return Some(top.deadline.min(self.far_min.unwrap_or(top.deadline)));
            }
            self.heap.pop();
            self.stale = self.stale.saturating_sub(1);
        }
        self.far_min
    }

    /// Marks every timer due at `now` as fired and collects their wakers, in deadline order.
    pub(crate) fn fire(&mut self, now: Instant, out: &mut Vec<Waker>) {
        if self
            .far_min
            .is_some_and(|m| now.checked_add(HORIZON).is_none_or(|near| m <= near))
        {
            self.pass_over_far(Some(now));
        }
        while let Some(top) = self.heap.peek() {
            if top.deadline > now {
                break;
            }
            let e = self.heap.pop().expect("peeked");
            if self.is_live(&e) {
                let s = &mut self.slots[e.slot as usize];
                s.fired = true;
                out.extend(s.waker.take());
            } else {
                self.stale = self.stale.saturating_sub(1);
            }
        }
    }

    /// Entries held, live or stale, in the heap and the far list.
    #[cfg(test)]
    fn entries(&self) -> usize {
        self.heap.len() + self.far.len()
    }
}

/// The loop's current time: [`Instant::now`], or the virtual time while the clock is
/// paused. Outside a runtime, `Instant::now()`.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     aio::time::pause();
///     let t0 = aio::time::now();
///     aio::sleep(Duration::from_millis(250)).await;
///     assert_eq!(aio::time::now() - t0, Duration::from_millis(250));
/// });
/// ```
pub fn now() -> Instant {
    match current_core() {
        Some(core) => core.clock.now(),
        None => Instant::now(),
    }
}

/// A deadline `d` from `now`, saturating far in the future for huge durations
/// (`Duration::MAX` means "never", in practice).
fn deadline_after(now: Instant, d: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(86_400 * 365 * 30);
    now.checked_add(d)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

enum SleepState {
    /// Not registered with any loop yet.
    Idle,
    /// `sleep(Duration::ZERO)`: yields once.
    Yield {
        yielded: bool,
    },
    Registered {
        core: usize,
        slot: u32,
        seq: u64,
    },
    Done,
}

/// The future of [`sleep`] and [`sleep_until`]: ready at its deadline, no earlier.
///
/// Dropping it before then cancels the timer (it costs nothing afterwards).
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     aio::time::pause(); // a test clock: no time passes unless the loop waits
///     let mut nap = aio::sleep(Duration::from_millis(5));
///     assert!(!nap.is_elapsed());
///     (&mut nap).await; // a Sleep is Unpin: await it by reference, then look again
///     assert!(nap.is_elapsed());
/// });
/// ```
#[must_use = "futures do nothing unless you .await them"]
pub struct Sleep {
    deadline: Instant,
    state: SleepState,
}

impl Sleep {
    /// When the sleep ends.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let nap = aio::sleep(Duration::from_secs(2));
    ///     assert!(nap.deadline() >= aio::time::now() + Duration::from_secs(1));
    /// });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed on the loop's clock.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     aio::time::pause(); // a test clock: no time passes unless the loop waits
    ///     let nap = aio::sleep(Duration::from_millis(1));
    ///     assert!(!nap.is_elapsed());
    ///     aio::sleep(Duration::from_millis(2)).await;
    ///     assert!(nap.is_elapsed());
    /// });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        matches!(self.state, SleepState::Done) || now() >= self.deadline
    }

    /// Moves the deadline (cancelling the pending timer, if any).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     aio::time::pause();
    ///     let start = aio::time::now();
    ///     let mut idle = aio::sleep(Duration::from_secs(10));
    ///     // Activity: push the idle timeout back.
    ///     idle.reset(aio::time::now() + Duration::from_secs(30));
    ///     idle.await;
    ///     assert_eq!(aio::time::now() - start, Duration::from_secs(30));
    /// });
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.cancel_timer();
        self.deadline = deadline;
        self.state = SleepState::Idle;
    }

    fn cancel_timer(&mut self) {
        if let SleepState::Registered { core, slot, seq } = self.state
            && let Some(c) = current_core()
            && c.id() == core
        {
            let waker = c.timers.borrow_mut().remove(slot, seq);
            drop(waker);
        }
        // Dropped outside its loop: the stale entry is skipped when it comes due.
    }

    fn poll_in(&mut self, core: &Core, cx: &mut Context<'_>) -> Poll<()> {
        match self.state {
            SleepState::Done => return Poll::Ready(()),
            SleepState::Yield { yielded } => {
                if yielded {
                    self.state = SleepState::Done;
                    return Poll::Ready(());
                }
                self.state = SleepState::Yield { yielded: true };
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            SleepState::Registered {
                core: owner,
                slot,
                seq,
            } if owner == core.id() => {
                let (fired, old_waker) = core.timers.borrow_mut().poll_slot(slot, seq, cx.waker());
                drop(old_waker);
                return if fired {
                    self.state = SleepState::Done;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                };
            }
            // Moved to another loop, or fresh: (re)register below.
            SleepState::Registered { .. } | SleepState::Idle => {}
        }
        let now = core.clock.now();
        if self.deadline <= now {
            self.state = SleepState::Done;
            return Poll::Ready(());
        }
        let (slot, seq) = core
            .timers
            .borrow_mut()
            .insert(self.deadline, now, cx.waker().clone());
        self.state = SleepState::Registered {
            core: core.id(),
            slot,
            seq,
        };
        Poll::Pending
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let core = current_core().expect("aio::sleep polled outside an aio runtime");
        self.poll_in(core, cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel_timer();
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// Waits for `duration` (asyncio's `sleep`). `Duration::ZERO` is a plain yield to the other
/// ready tasks, not a timer. Fires no earlier than asked; `Duration::MAX` sleeps "forever".
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::{Duration, Instant};
///
/// aio::run(async {
///     let start = Instant::now();
///     aio::gather!(
///         aio::sleep(Duration::from_millis(20)),
///         aio::sleep(Duration::from_millis(20)),
///     )
///     .await;
///     assert!(start.elapsed() >= Duration::from_millis(20)); // together, not one by one
/// });
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    crate::debug::mark("aio::sleep", std::panic::Location::caller());
    if duration.is_zero() {
        return Sleep {
            deadline: now(),
            state: SleepState::Yield { yielded: false },
        };
    }
    Sleep {
        deadline: deadline_after(now(), duration),
        state: SleepState::Idle,
    }
}

/// Waits until `deadline` on the loop's clock; a deadline in the past completes at once.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let deadline = aio::time::now() + Duration::from_millis(5);
///     aio::sleep_until(deadline).await;
///     assert!(aio::time::now() >= deadline);
///     aio::sleep_until(deadline).await; // in the past: ready at once
/// });
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    crate::debug::mark("aio::sleep_until", std::panic::Location::caller());
    Sleep {
        deadline,
        state: SleepState::Idle,
    }
}

/// The future of [`yield_now`].
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let step: aio::time::YieldNow = aio::yield_now();
///     step.await;
/// });
/// ```
#[must_use = "futures do nothing unless you .await them"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Lets the other ready tasks run, then continues (asyncio's `await asyncio.sleep(0)`).
/// The task goes to the back of the ready queue.
///
/// ```
/// # use aio_runtime as aio;
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// aio::run({
///     let log = log.clone();
///     async move {
///         let other = log.clone();
///         aio::spawn(async move { other.borrow_mut().push("task") }).detach();
///         log.borrow_mut().push("main before");
///         aio::yield_now().await; // the spawned task runs here
///         log.borrow_mut().push("main after");
///     }
/// });
/// assert_eq!(*log.borrow(), ["main before", "task", "main after"]);
/// ```
#[inline]
#[track_caller]
pub fn yield_now() -> YieldNow {
    crate::debug::mark("aio::yield_now", std::panic::Location::caller());
    YieldNow { yielded: false }
}

/// The error of [`wait_for`] and [`timeout_at`]: the deadline passed first.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let slow = aio::sleep(Duration::from_secs(60));
///     let err: aio::Elapsed = aio::wait_for(Duration::from_millis(1), slow).await.unwrap_err();
///     assert_eq!(err.to_string(), "deadline has elapsed");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// The future of [`wait_for`] and [`timeout_at`].
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let limited: aio::time::Timeout<_> = aio::wait_for(Duration::from_secs(1), async { 5 });
///     assert_eq!(limited.await, Ok(5));
/// });
/// ```
#[must_use = "futures do nothing unless you .await them"]
pub struct Timeout<F> {
    fut: Option<F>,
    sleep: Sleep,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `fut` is structurally pinned: it is never moved out (only dropped in
        // place through `Pin::set`), and `Timeout` has no Drop impl or Unpin impl that
        // would move it. `sleep` is Unpin and not treated as pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above.
        let mut fut = unsafe { Pin::new_unchecked(&mut this.fut) };
        let Some(inner) = fut.as_mut().as_pin_mut() else {
            panic!("Timeout polled after completion");
        };
        if let Poll::Ready(v) = inner.poll(cx) {
            fut.set(None);
            return Poll::Ready(Ok(v));
        }
        let core = current_core().expect("aio::wait_for polled outside an aio runtime");
        match this.sleep.poll_in(core, cx) {
            Poll::Ready(()) => {
                // Cancel the inner future now, as asyncio's wait_for does.
                fut.set(None);
                Poll::Ready(Err(Elapsed(())))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("deadline", &self.sleep.deadline)
            .finish()
    }
}

/// Runs `fut` with a time limit (asyncio's `wait_for`): `Err(Elapsed)` when `duration`
/// passes first, and then the inner future is dropped (cancelled).
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// async fn fetch() -> &'static str {
///     aio::sleep(Duration::from_millis(1)).await;
///     "page"
/// }
///
/// aio::run(async {
///     assert_eq!(aio::wait_for(Duration::from_secs(5), fetch()).await, Ok("page"));
///     let forever = aio::sleep(Duration::MAX);
///     assert!(aio::wait_for(Duration::from_millis(5), forever).await.is_err());
/// });
/// ```
#[track_caller]
pub fn wait_for<F: IntoFuture>(duration: Duration, fut: F) -> Timeout<F::IntoFuture> {
    crate::debug::mark("aio::wait_for", std::panic::Location::caller());
    timeout(deadline_after(now(), duration), fut)
}

/// Like [`wait_for`] with an absolute deadline (asyncio's `timeout_at`). A deadline in the
/// past still gives the future one poll.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let deadline = aio::time::now() + Duration::from_millis(20);
///     // Several steps under one deadline.
///     let first = aio::timeout_at(deadline, aio::sleep(Duration::from_millis(1))).await;
///     let second = aio::timeout_at(deadline, aio::sleep(Duration::from_secs(60))).await;
///     assert!(first.is_ok() && second.is_err());
/// });
/// ```
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, fut: F) -> Timeout<F::IntoFuture> {
    crate::debug::mark("aio::timeout_at", std::panic::Location::caller());
    timeout(deadline, fut)
}

fn timeout<F: IntoFuture>(deadline: Instant, fut: F) -> Timeout<F::IntoFuture> {
    Timeout {
        fut: Some(fut.into_future()),
        sleep: Sleep {
            deadline,
            state: SleepState::Idle,
        },
    }
}

fn core_or_panic<'a>(what: &str) -> &'a Core {
    match current_core() {
        Some(c) => c,
        None => panic!("aio::time::{what} must be called inside an aio runtime"),
    }
}

/// Pauses the current runtime's clock (for tests). While paused, time moves only through
/// [`advance`], or by jumping to the next timer when every task is waiting.
///
/// # Panics
/// Outside an aio runtime.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::{Duration, Instant};
///
/// aio::run(async {
///     aio::time::pause();
///     let wall = Instant::now();
///     aio::sleep(Duration::from_secs(3600)).await; // jumps: nothing else to run
///     assert!(wall.elapsed() < Duration::from_secs(1));
/// });
/// ```
pub fn pause() {
    let core = core_or_panic("pause");
    if !core.clock.is_paused() {
        core.clock.paused.set(Some(Instant::now()));
    }
}

/// Resumes real time after [`pause`]. The clock does not go back: timers due at the paused
/// time stay due.
///
/// # Panics
/// Outside an aio runtime.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     aio::time::pause();
///     aio::sleep(Duration::from_secs(60)).await; // simulated
///     aio::time::resume();
///     aio::sleep(Duration::from_millis(1)).await; // real again
/// });
/// ```
pub fn resume() {
    core_or_panic("resume").clock.paused.set(None);
}

/// Moves a paused clock forward by `duration`, wakes the timers that became due, and
/// yields so that they run.
///
/// # Panics
/// Outside an aio runtime, or when the clock is not paused.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     aio::time::pause();
///     let timer = aio::spawn(aio::sleep(Duration::from_secs(10)));
///     aio::time::advance(Duration::from_secs(5)).await;
///     assert!(!timer.done());
///     aio::time::advance(Duration::from_secs(5)).await;
///     assert!(timer.done());
/// });
/// ```
pub async fn advance(duration: Duration) {
    {
        let core = core_or_panic("advance");
        let now = core
            .clock
            .paused
            .get()
            .expect("aio::time::advance needs a paused clock: call aio::time::pause() first");
        core.clock.advance_to(deadline_after(now, duration));
        let mut buf = Vec::new();
        core.timers.borrow_mut().fire(core.clock.now(), &mut buf);
        for w in buf {
            crate::executor::wake_quietly(w);
        }
    }
    yield_now().await;
}

/// Keeps a paused clock from auto-advancing while work runs on another thread (the
/// to_thread pool takes one per job): the loop then waits for that work's wake instead of
/// jumping to the next timer. `None` outside a runtime.
pub(crate) fn inhibit_auto_advance() -> Option<AutoAdvanceGuard> {
    let core = current_core()?;
    core.shared
        .inhibit_auto_advance
        .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    Some(AutoAdvanceGuard {
        shared: core.shared.clone(),
    })
}

/// See [`inhibit_auto_advance`]; re-enables auto-advance when dropped (on any thread).
pub(crate) struct AutoAdvanceGuard {
    shared: std::sync::Arc<crate::executor::Shared>,
}

impl Drop for AutoAdvanceGuard {
    fn drop(&mut self) {
        let prev = self
            .shared
            .inhibit_auto_advance
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        if prev == 1 {
            // The loop may be blocked waiting for this work: let it look at its timers.
            self.shared.unpark();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn auto_advance_waits_for_work_on_other_threads_while_inhibited() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let rt = crate::Runtime::builder()
            .start_paused(true)
            .build()
            .unwrap();
        for inhibit in [false, true] {
            let done = Arc::new(AtomicBool::new(false));
            let thread_first = rt.block_on(async {
                let guard = if inhibit {
                    inhibit_auto_advance()
                } else {
                    None
                };
                let waker: Arc<Mutex<Option<Waker>>> = Arc::default();
                let (d, w) = (done.clone(), waker.clone());
                // The guard travels with the work and ends on the other thread.
                let th = std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(30));
                    d.store(true, Ordering::SeqCst);
                    if let Some(w) = w.lock().unwrap().take() {
                        w.wake();
                    }
                    drop(guard);
                });
                let d = done.clone();
                let watcher = crate::spawn(std::future::poll_fn(move |cx| {
                    *waker.lock().unwrap() = Some(cx.waker().clone());
                    if d.load(Ordering::SeqCst) {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                }));
                crate::sleep(Duration::from_secs(3600)).await;
                let first = done.load(Ordering::SeqCst);
                watcher.await.unwrap();
                // The thread has finished by now (`done` was set); the join cannot block.
                // aio-lint: allow(blocking_wait)
                th.join().unwrap();
                first
            });
            assert_eq!(thread_first, inhibit);
        }
    }

    #[test]
    fn far_timers_skip_the_heap_and_fire_in_order_with_near_ones() {
        let mut t = Timers::new();
        let base = Instant::now();
        let secs = |n| base + Duration::from_secs(n);
        // Timeouts armed and cancelled, as an HTTP server's per request: none reaches
        // the heap, and the far list does not grow with them.
        for _ in 0..1000 {
            let (slot, seq) = t.insert(secs(30), base, Waker::noop().clone());
            assert!(t.remove(slot, seq).is_some());
        }
        assert_eq!(t.heap.len(), 0);
        assert!(t.far.len() <= 130, "far list kept {}", t.far.len());
        assert_eq!(t.next_deadline(), None);
        // A cancelled far timer never stands for the next deadline (a paused clock would
        // jump to it).
        let early = t.insert(secs(10), base, Waker::noop().clone());
        let late = t.insert(secs(20), base, Waker::noop().clone());
        assert_eq!(t.next_deadline(), Some(secs(10)));
        assert!(t.remove(early.0, early.1).is_some());
        assert_eq!(t.next_deadline(), Some(secs(20)));
        // Registered 19.5 s later for the same instant, a near timer: the far one,
        // created first, fires first.
        let near = t.insert(
            secs(20),
            base + Duration::from_millis(19_500),
            Waker::noop().clone(),
        );
        assert!(!t.slots[near.0 as usize].far && t.slots[late.0 as usize].far);
        let mut out = Vec::new();
        t.fire(secs(19), &mut out);
        assert!(out.is_empty());
        // Within the horizon: moved into the heap, not fired early.
        assert!(!t.slots[late.0 as usize].far);
        assert_eq!(t.next_deadline(), Some(secs(20)));
        t.fire(secs(20), &mut out);
        assert_eq!(out.len(), 2);
        assert!(t.slots[late.0 as usize].fired && t.slots[near.0 as usize].fired);
        assert!(t.heap.peek().is_none() && t.far.is_empty());
    }

    #[test]
    fn the_far_list_is_compacted_once_cancelled_entries_are_more_than_half_and_64() {
        let mut t = Timers::new();
        let base = Instant::now();
        // A deadline exactly `HORIZON` ahead is near: it goes to the heap.
        let edge = t.insert(base + HORIZON, base, Waker::noop().clone());
        assert!(!t.slots[edge.0 as usize].far);
        assert!(t.remove(edge.0, edge.1).is_some());
        let far = |t: &mut Timers, n| -> Vec<(u32, u64)> {
            (0..n)
                .map(|i| {
                    t.insert(
                        base + Duration::from_secs(60 + i),
                        base,
                        Waker::noop().clone(),
                    )
                })
                .collect()
        };
        let cancel = |t: &mut Timers, regs: &[(u32, u64)]| {
            for &(slot, seq) in regs {
                assert!(t.remove(slot, seq).is_some());
            }
        };
        // More than half cancelled, but not more than 64: kept.
        let regs = far(&mut t, 10);
        cancel(&mut t, &regs[..6]);
        assert_eq!(t.far.len(), 10);
        cancel(&mut t, &regs[6..]);
        assert_eq!(t.next_deadline(), None);
        assert!(t.far.is_empty());
        // 64 cancelled of 70: kept; the 65th cancellation compacts.
        let regs = far(&mut t, 70);
        cancel(&mut t, &regs[..64]);
        assert_eq!(t.far.len(), 70);
        cancel(&mut t, &regs[64..65]);
        assert_eq!(t.far.len(), 5);
        cancel(&mut t, &regs[65..]);
        t.next_deadline();
        // 65 cancelled of 130, exactly half: kept; one more compacts.
        let regs = far(&mut t, 130);
        cancel(&mut t, &regs[..65]);
        assert_eq!(t.far.len(), 130);
        cancel(&mut t, &regs[65..66]);
        assert_eq!(t.far.len(), 64);
        assert_eq!(t.heap.len(), 0);
    }

    #[test]
    fn a_far_timer_fires_when_the_loop_jumps_straight_to_it() {
        let mut t = Timers::new();
        let base = Instant::now();
        let (slot, seq) = t.insert(
            base + Duration::from_secs(3600),
            base,
            Waker::noop().clone(),
        );
        let next = t.next_deadline().unwrap();
        assert_eq!(next, base + Duration::from_secs(3600));
        let mut out = Vec::new();
        t.fire(next, &mut out);
        assert_eq!(out.len(), 1);
        assert!(t.poll_slot(slot, seq, Waker::noop()).0);
    }

    #[test]
    fn cancelled_timers_are_compacted() {
        for far in [false, true] {
            cancelled_timers_are_compacted_in(far);
        }
    }

    /// In the heap (timers registered near their deadlines) or in the far list.
    fn cancelled_timers_are_compacted_in(far: bool) {
        // 1000 timers (300 under Miri); 90% cancelled.
        let n: u64 = if cfg!(miri) { 300 } else { 1000 };
        let mut t = Timers::new();
        let base = Instant::now();
        let registered = if far {
            base
        } else {
            base + Duration::from_secs(n)
        };
        let regs: Vec<_> = (0..n)
            .map(|i| {
                let deadline = base + Duration::from_secs(i + 1);
                t.insert(deadline, registered, Waker::noop().clone())
            })
            .collect();
        assert_eq!(t.heap.len() as u64, if far { 1 } else { n });
        for (slot, seq) in &regs[..(n * 9 / 10) as usize] {
            assert!(t.remove(*slot, *seq).is_some());
        }
        assert!(
            (t.entries() as u64) < n * 4 / 10,
            "kept {} entries",
            t.entries()
        );
        assert_eq!(
            t.next_deadline(),
            Some(base + Duration::from_secs(n * 9 / 10 + 1))
        );
        let mut out = Vec::new();
        t.fire(base + Duration::from_secs(n * 95 / 100), &mut out);
        assert_eq!(out.len() as u64, n * 5 / 100);
    }
}
