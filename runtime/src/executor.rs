//! The event loop: the ready queue, the all-tasks list, the loop thread's context, and
//! the drive loop that alternates between running ready tasks and parking in the reactor.
//!
//! Ready tasks run strictly FIFO (a `VecDeque` of raw task pointers; the main future is a
//! null entry in the same queue), so asyncio's round-robin order is a guarantee. The loop
//! blocks in the OS only when the queue is empty, with the timeout of the next timer.
//! Wakes from the loop thread push straight onto the queue; wakes from other threads go
//! through [`Shared`]'s mutex-protected remote queue and unpark the poller. The same queue
//! carries closures sent from other threads (`LoopHandle`), run between two batches.
//!
//! This module does not know what a future's cell looks like (that is `task.rs`), how
//! timers are stored (`time.rs`) or how readiness is tracked (`reactor.rs`).

use std::borrow::Cow;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::future::Future;
use std::panic::Location;
use std::pin::{Pin, pin};
use std::ptr::{self, NonNull};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;

use crate::debug::{self, DebugConfig, Watchdog};
use crate::reactor::Reactor;
use crate::task::{self, COMPLETE, HANDLE_DROPPED, Header, SCHEDULED, Task, TaskInfo};
use crate::time::{Clock, Timers};

/// How many queue entries run between two looks at timers, other threads and I/O while the
/// queue stays non-empty.
const BUDGET: u32 = 128;

/// The ready queue's capacity: allocated with the loop, and given back to exactly whenever
/// the loop goes idle after a burst made it grow. So what the loop keeps does not depend on
/// how many tasks happened to be ready at once, which under load depends on timing.
const READY_QUEUE_CAPACITY: usize = 1024;

/// The same for the buffer that collects the wakers of due timers.
const WAKE_BUF_CAPACITY: usize = 256;

thread_local! {
    /// The core of the loop running on this thread, or null.
    static CURRENT: Cell<*const Core> = const { Cell::new(ptr::null()) };
}

/// The current thread's running loop, if any.
#[inline]
pub(crate) fn current_core<'a>() -> Option<&'a Core> {
    let p = CURRENT.with(Cell::get);
    // SAFETY: CURRENT is set only by `Enter`, which lives inside a borrow of the Core and
    // resets it before that borrow ends; callers use the reference within the same call.
    unsafe { p.as_ref() }
}

/// A task pointer that may cross threads inside the remote queue.
struct SendPtr(NonNull<Header>);
// SAFETY: the remote queue only carries the pointer (and the reference it owns) to the
// loop thread; only the refcount is touched on the way.
unsafe impl Send for SendPtr {}

/// A closure handed to the loop from another thread (`LoopHandle::spawn`, `call_soon`):
/// it runs on the loop thread, between two batches of tasks.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

struct Remote {
    tasks: Vec<SendPtr>,
    jobs: Vec<Job>,
    closed: bool,
}

/// The part of a loop that other threads may touch: the remote wake queue and the poller
/// (to interrupt the loop's wait). Every task holds an `Arc` of it.
pub(crate) struct Shared {
    remote: Mutex<Remote>,
    remote_pending: AtomicBool,
    main_woken: AtomicBool,
    pub(crate) poller: crate::poller::Poller,
    pub(crate) debug: Option<DebugConfig>,
    /// While non-zero, a paused clock does not auto-advance (work is running on another
    /// thread and will wake the loop).
    pub(crate) inhibit_auto_advance: AtomicUsize,
}

impl Shared {
    pub(crate) fn new(debug: Option<DebugConfig>) -> std::io::Result<Shared> {
        Ok(Shared {
            remote: Mutex::new(Remote {
                tasks: Vec::new(),
                jobs: Vec::new(),
                closed: false,
            }),
            remote_pending: AtomicBool::new(false),
            main_woken: AtomicBool::new(false),
            poller: crate::poller::Poller::new()?,
            debug,
            inhibit_auto_advance: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Remote> {
        self.remote.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands a task to the loop from another thread (or from outside the loop's run).
    ///
    /// # Safety
    /// The caller gives up one reference to `ptr`, which the queue now owns.
    unsafe fn push_remote(&self, ptr: NonNull<Header>) {
        let mut q = self.lock();
        if q.closed {
            drop(q);
            // SAFETY: the loop is closed, so the task is complete and its stage is empty:
            // releasing (even freeing) it here runs no loop-thread-only code.
            unsafe { task::release(ptr) };
            return;
        }
        q.tasks.push(SendPtr(ptr));
        drop(q);
        self.unpark();
    }

    /// Queues `job` to run on the loop thread; hands it back once the loop has closed
    /// (the caller drops it, which is how a remote task learns that its loop ended).
    pub(crate) fn push_job(&self, job: Job) -> Result<(), Job> {
        let mut q = self.lock();
        if q.closed {
            return Err(job);
        }
        q.jobs.push(job);
        drop(q);
        self.unpark();
        Ok(())
    }

    /// True once the loop has closed: it runs nothing more.
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }

    pub(crate) fn unpark(&self) {
        if !self.remote_pending.swap(true, Ordering::AcqRel) {
            // An error here means the poller is gone; the loop will see the flag anyway.
            let _ = self.poller.notify();
        }
    }
}

/// Wakes a task from any thread.
///
/// # Safety
/// `ptr` is a live task; when `owned`, the caller gives up one reference.
pub(crate) unsafe fn wake_task(ptr: NonNull<Header>, owned: bool) {
    // SAFETY: live header (caller).
    let h = unsafe { ptr.as_ref() };
    let core = CURRENT.with(Cell::get);
    // The task's loop is the one running on this thread iff their Shared is the same
    // allocation (the task keeps its Shared alive, so the address cannot be reused).
    // SAFETY: a non-null CURRENT points to the running core (see `current_core`).
    if !core.is_null() && ptr::eq(unsafe { &*core }.shared_ptr, Arc::as_ptr(&h.shared)) {
        // SAFETY: as above.
        unsafe { (*core).schedule(ptr) };
        if owned {
            // SAFETY: the caller's reference.
            unsafe { task::release(ptr) };
        }
    } else {
        if !owned {
            // SAFETY: the caller holds a reference during the call.
            unsafe { task::retain(ptr) };
        }
        // Our own count on the shared state: the reference we hand over may be released
        // before `push_remote` returns (by the loop, or by `push_remote` itself once the
        // loop is closed), and with the task's header goes its `Arc<Shared>`, perhaps the
        // last one (Miri caught the borrow from the header being freed under `&self`).
        let shared = h.shared.clone();
        // SAFETY: we pass on one owned reference.
        unsafe { shared.push_remote(ptr) };
    }
}

static MAIN_WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(main_clone, main_wake, main_wake_by_ref, main_drop);

unsafe fn main_clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Arc::into_raw` and the waker holds a count.
    unsafe { Arc::increment_strong_count(data as *const Shared) };
    RawWaker::new(data, &MAIN_WAKER_VTABLE)
}

unsafe fn main_wake(data: *const ()) {
    // SAFETY: same contract as wake_by_ref, then drop this waker's count.
    unsafe {
        main_wake_by_ref(data);
        main_drop(data);
    }
}

unsafe fn main_wake_by_ref(data: *const ()) {
    let core = CURRENT.with(Cell::get);
    // SAFETY: non-null CURRENT is the running core.
    if !core.is_null() && ptr::eq(unsafe { &*core }.shared_ptr, data as *const Shared) {
        // SAFETY: as above.
        unsafe { (*core).schedule_main() };
    } else {
        // SAFETY: the waker holds a count on the Shared.
        let shared = unsafe { &*(data as *const Shared) };
        shared.main_woken.store(true, Ordering::Release);
        shared.unpark();
    }
}

unsafe fn main_drop(data: *const ()) {
    // SAFETY: the waker owns one count.
    unsafe { Arc::decrement_strong_count(data as *const Shared) };
}

fn main_waker(shared: &Arc<Shared>) -> Waker {
    let data = Arc::into_raw(shared.clone()) as *const ();
    // SAFETY: the vtable above implements the RawWaker contract over an Arc<Shared> count.
    unsafe { Waker::from_raw(RawWaker::new(data, &MAIN_WAKER_VTABLE)) }
}

struct MainInfo {
    name: RefCell<Cow<'static, str>>,
    location: Cell<&'static Location<'static>>,
}

/// The loop-thread-only state of a runtime. Lives in a `Box` owned by `Runtime`.
pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    shared_ptr: *const Shared,
    /// FIFO of ready tasks; null stands for the main future. Touched only in `schedule`,
    /// `schedule_main`, `pop` and `queue_len`, none of which runs user code.
    queue: UnsafeCell<VecDeque<*const Header>>,
    main_scheduled: Cell<bool>,
    in_main: Cell<bool>,
    main: MainInfo,
    /// Doubly linked list of pending tasks, in spawn order.
    head: Cell<*const Header>,
    tail: Cell<*const Header>,
    next_id: Cell<u64>,
    /// The task being polled, or null.
    current: Cell<*const Header>,
    pub(crate) timers: RefCell<Timers>,
    pub(crate) clock: Clock,
    pub(crate) reactor: Rc<Reactor>,
    watchdog: Option<Watchdog>,
    wake_buf: RefCell<Vec<Waker>>,
    /// Calls of `park`, for the tests.
    #[cfg(test)]
    parks: Cell<usize>,
}

impl Core {
    pub(crate) fn new(shared: Arc<Shared>, start_paused: bool) -> Core {
        let watchdog = shared.debug.as_ref().map(Watchdog::start);
        Core {
            shared_ptr: Arc::as_ptr(&shared),
            reactor: Rc::new(Reactor::new(shared.clone())),
            shared,
            queue: UnsafeCell::new(VecDeque::with_capacity(READY_QUEUE_CAPACITY)),
            main_scheduled: Cell::new(false),
            in_main: Cell::new(false),
            main: MainInfo {
                name: RefCell::new(Cow::Borrowed("main")),
                location: Cell::new(Location::caller()),
            },
            head: Cell::new(ptr::null()),
            tail: Cell::new(ptr::null()),
            next_id: Cell::new(1),
            current: Cell::new(ptr::null()),
            timers: RefCell::new(Timers::new()),
            clock: Clock::new(start_paused),
            watchdog,
            wake_buf: RefCell::new(Vec::with_capacity(WAKE_BUF_CAPACITY)),
            #[cfg(test)]
            parks: Cell::new(0),
        }
    }

    /// A token identifying this loop, stable for its life (used by timers to check that a
    /// `Sleep` is dropped on the loop it registered with).
    pub(crate) fn id(&self) -> usize {
        self.shared_ptr as usize
    }

    pub(crate) fn debug(&self) -> Option<&DebugConfig> {
        self.shared.debug.as_ref()
    }

    /// The watchdog of a debug-mode loop.
    pub(crate) fn watchdog(&self) -> Option<&Watchdog> {
        self.watchdog.as_ref()
    }

    /// # Safety
    /// `ptr` is a live task of this loop; loop thread.
    unsafe fn schedule(&self, ptr: NonNull<Header>) {
        // SAFETY: live header (caller).
        let h = unsafe { ptr.as_ref() };
        let f = h.flags.get();
        if f & (SCHEDULED | COMPLETE) != 0 {
            return;
        }
        h.flags.set(f | SCHEDULED);
        // SAFETY: loop thread; no other borrow of the queue is alive (see field doc).
        unsafe { &mut *self.queue.get() }.push_back(ptr.as_ptr());
    }

    fn schedule_main(&self) {
        if !self.main_scheduled.replace(true) {
            // SAFETY: loop thread; no other borrow of the queue is alive.
            unsafe { &mut *self.queue.get() }.push_back(ptr::null());
        }
    }

    fn pop(&self) -> Option<*const Header> {
        // SAFETY: loop thread; no other borrow of the queue is alive.
        unsafe { &mut *self.queue.get() }.pop_front()
    }

    fn queue_is_empty(&self) -> bool {
        // SAFETY: loop thread; no other borrow of the queue is alive.
        unsafe { &*self.queue.get() }.is_empty()
    }

    fn link(&self, p: NonNull<Header>) {
        // SAFETY: `p` is a live task of this loop and the list only holds live tasks.
        let h = unsafe { p.as_ref() };
        let tail = self.tail.get();
        h.prev.set(tail);
        h.next.set(ptr::null());
        if tail.is_null() {
            self.head.set(p.as_ptr());
        } else {
            // SAFETY: list members are live.
            unsafe { &*tail }.next.set(p.as_ptr());
        }
        self.tail.set(p.as_ptr());
    }

    fn unlink(&self, h: &Header) {
        let (prev, next) = (h.prev.get(), h.next.get());
        if prev.is_null() {
            self.head.set(next);
        } else {
            // SAFETY: list members are live.
            unsafe { &*prev }.next.set(next);
        }
        if next.is_null() {
            self.tail.set(prev);
        } else {
            // SAFETY: list members are live.
            unsafe { &*next }.prev.set(prev);
        }
        h.prev.set(ptr::null());
        h.next.set(ptr::null());
    }

    pub(crate) fn spawn<F>(
        &self,
        fut: F,
        name: task::TaskName,
        location: &'static Location<'static>,
    ) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let p = task::allocate(fut, self.shared.clone(), id, name, location);
        self.link(p);
        // SAFETY: fresh live task of this loop.
        unsafe { self.schedule(p) };
        Task::from_raw(p)
    }

    /// Runs one popped task.
    ///
    /// # Safety
    /// `p` was popped from this loop's queue (so the loop's reference keeps it alive).
    unsafe fn run_task(&self, p: NonNull<Header>) {
        // SAFETY: see above.
        let h = unsafe { p.as_ref() };
        let f = h.flags.get() & !SCHEDULED;
        h.flags.set(f);
        if f & COMPLETE != 0 {
            // Completed while queued: the loop's reference was kept for this entry.
            // SAFETY: the loop's reference.
            unsafe { task::release(p) };
            return;
        }
        self.current.set(p.as_ptr());
        let done = match &self.watchdog {
            // SAFETY: live pending task of this loop, popped, so not being polled.
            None => unsafe { (h.vtable.poll)(p) },
            Some(wd) => {
                let guard = wd.begin(h.id, h.name(), h.location);
                // SAFETY: as above.
                let done = unsafe { (h.vtable.poll)(p) };
                guard.end(|| h.name());
                done
            }
        };
        self.current.set(ptr::null());
        if done {
            // SAFETY: the task just finished on this loop.
            unsafe { self.complete(p) };
        }
    }

    /// Bookkeeping after a task finished (its outcome is in the stage).
    ///
    /// # Safety
    /// `p` is a live task of this loop that just finished; the loop still holds its reference.
    unsafe fn complete(&self, p: NonNull<Header>) {
        // SAFETY: see above.
        let h = unsafe { p.as_ref() };
        h.set(COMPLETE);
        self.unlink(h);
        if let Some(wd) = &self.watchdog {
            wd.forget(h.id);
        }
        if h.has(HANDLE_DROPPED) {
            // SAFETY: complete task, loop thread: exclusive access to the stage.
            if let Some(msg) = unsafe { (h.vtable.drop_output)(p) } {
                debug::report_unretrieved(h, &msg);
            }
        }
        // SAFETY: the join waker is touched only on the loop thread, not borrowed now.
        if let Some(w) = unsafe { (*h.join_waker.get()).take() } {
            wake_quietly(w);
        }
        if !h.has(SCHEDULED) {
            // SAFETY: the loop's reference; a queued entry would keep it until popped.
            unsafe { task::release(p) };
        }
    }

    /// Moves wakes that arrived from other threads onto the ready queue.
    fn drain_remote(&self) {
        if !self.shared.remote_pending.swap(false, Ordering::AcqRel) {
            return;
        }
        if self.shared.main_woken.swap(false, Ordering::AcqRel) {
            self.schedule_main();
        }
        let (tasks, jobs) = {
            let mut q = self.shared.lock();
            (std::mem::take(&mut q.tasks), std::mem::take(&mut q.jobs))
        };
        for SendPtr(p) in tasks {
            // SAFETY: each entry owns a reference to a task of this loop.
            unsafe {
                self.schedule(p);
                task::release(p);
            }
        }
        for job in jobs {
            // A panic in a `call_soon` closure is reported by the panic hook and goes no
            // further: it cannot take the loop down.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }

    fn fire_timers(&self) {
        let now = self.clock.now();
        let mut buf = std::mem::take(&mut *self.wake_buf.borrow_mut());
        self.timers.borrow_mut().fire(now, &mut buf);
        for w in buf.drain(..) {
            wake_quietly(w);
        }
        *self.wake_buf.borrow_mut() = buf;
    }

    /// With nothing ready, gives back what a burst of wakes made the ready queue and the
    /// timer wake buffer grow to: both return to their initial capacity, whatever the
    /// burst was (so the loop's memory returns to its baseline, the same after any load).
    fn shrink_after_burst(&self) {
        // SAFETY: loop thread; no other borrow of the queue is alive.
        let q = unsafe { &mut *self.queue.get() };
        if q.capacity() > READY_QUEUE_CAPACITY {
            *q = VecDeque::with_capacity(READY_QUEUE_CAPACITY);
        }
        let mut buf = self.wake_buf.borrow_mut();
        if buf.capacity() > WAKE_BUF_CAPACITY {
            *buf = Vec::with_capacity(WAKE_BUF_CAPACITY);
        }
    }

    /// Between batches: take in remote wakes, due timers and I/O; block when nothing is ready.
    fn park(&self) {
        #[cfg(test)]
        self.parks.set(self.parks.get() + 1);
        self.drain_remote();
        self.fire_timers();
        if !self.queue_is_empty() {
            if self.reactor.has_sources() {
                self.reactor.poll(Some(Duration::ZERO));
            }
            return;
        }
        self.shrink_after_burst();
        let next = self.timers.borrow_mut().next_deadline();
        if self.clock.is_paused() {
            // Let I/O and other threads have their say without blocking, then jump the
            // clock to the next timer.
            self.reactor.poll(Some(Duration::ZERO));
            self.drain_remote();
            if !self.queue_is_empty() {
                return;
            }
            if let Some(deadline) = next
                && self.shared.inhibit_auto_advance.load(Ordering::Acquire) == 0
            {
                self.clock.advance_to(deadline);
                self.fire_timers();
                return;
            }
            self.reactor.poll(None);
        } else {
            let timeout = next.map(|d| d.saturating_duration_since(self.clock.now()));
            self.reactor.poll(timeout);
        }
        self.drain_remote();
        self.fire_timers();
    }

    pub(crate) fn block_on<F: Future>(
        &self,
        fut: F,
        name: Option<&'static str>,
        location: &'static Location<'static>,
    ) -> F::Output {
        let _enter = Enter::new(self);
        self.main.location.set(location);
        *self.main.name.borrow_mut() = Cow::Borrowed(name.unwrap_or("main"));
        let waker = main_waker(&self.shared);
        let mut cx = Context::from_waker(&waker);
        let mut fut = pin!(fut);
        self.schedule_main();
        loop {
            let mut budget = BUDGET;
            while let Some(p) = self.pop() {
                match NonNull::new(p as *mut Header) {
                    None => {
                        self.main_scheduled.set(false);
                        if let Poll::Ready(v) = self.poll_main(fut.as_mut(), &mut cx) {
                            return v;
                        }
                    }
                    // SAFETY: popped from our queue.
                    Some(p) => unsafe { self.run_task(p) },
                }
                budget -= 1;
                if budget == 0 {
                    break;
                }
            }
            self.park();
        }
    }

    fn poll_main<F: Future>(&self, fut: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
        struct InMain<'a>(&'a Cell<bool>);
        impl Drop for InMain<'_> {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        self.in_main.set(true);
        let _in_main = InMain(&self.in_main);
        match &self.watchdog {
            None => fut.poll(cx),
            Some(wd) => {
                let guard = wd.begin(
                    0,
                    self.main.name.borrow().to_string(),
                    self.main.location.get(),
                );
                let r = fut.poll(cx);
                guard.end(|| self.main.name.borrow().to_string());
                if r.is_ready() {
                    wd.forget(0);
                }
                r
            }
        }
    }

    fn main_info(&self) -> TaskInfo {
        TaskInfo {
            id: 0,
            name: self.main.name.borrow().to_string(),
            location: self.main.location.get(),
            state: crate::TaskState::Pending,
        }
    }

    pub(crate) fn current_task(&self) -> Option<TaskInfo> {
        let cur = self.current.get();
        if !cur.is_null() {
            // SAFETY: the task being polled is alive.
            Some(unsafe { &*cur }.info())
        } else if self.in_main.get() {
            Some(self.main_info())
        } else {
            None
        }
    }

    pub(crate) fn all_tasks(&self, running: bool) -> Vec<TaskInfo> {
        let mut out = Vec::new();
        if running {
            out.push(self.main_info());
        }
        let mut p = self.head.get();
        while !p.is_null() {
            // SAFETY: list members are live.
            let h = unsafe { &*p };
            out.push(h.info());
            p = h.next.get();
        }
        out
    }

    /// Closes the loop: drops the futures of all pending tasks (so their destructors run
    /// here, on the loop thread, inside this runtime's context), then releases everything
    /// the loop still references.
    pub(crate) fn close(&self) {
        let _enter = Enter::swap(self);
        // Dropping a future may spawn or wake; loop until no task is left.
        loop {
            let head = self.head.get();
            let Some(p) = NonNull::new(head as *mut Header) else {
                break;
            };
            // SAFETY: a pending task of this loop, not being polled (we are not in a poll
            // of it: close runs outside block_on).
            unsafe {
                (p.as_ref().vtable.cancel_now)(p);
                self.complete(p);
            }
        }
        while let Some(p) = self.pop() {
            if let Some(p) = NonNull::new(p as *mut Header) {
                // SAFETY: queued entry: the loop's reference; every task is complete now.
                unsafe { self.run_task(p) };
            }
        }
        self.main_scheduled.set(false);
        let (leftovers, jobs) = {
            let mut q = self.shared.lock();
            q.closed = true;
            (std::mem::take(&mut q.tasks), std::mem::take(&mut q.jobs))
        };
        for SendPtr(p) in leftovers {
            // SAFETY: each entry owns a reference; all tasks are complete.
            unsafe { task::release(p) };
        }
        // Jobs that never ran are dropped here, outside the lock (dropping one resolves
        // its remote task as cancelled, which may run any waker).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(jobs)));
        let timers = std::mem::replace(&mut *self.timers.borrow_mut(), Timers::new());
        drop(timers);
        if let Some(wd) = &self.watchdog {
            wd.stop();
        }
    }
}

/// Marks the loop as running on this thread for the guard's life.
struct Enter {
    prev: *const Core,
}

impl Enter {
    fn new(core: &Core) -> Enter {
        let prev = CURRENT.with(Cell::get);
        if !prev.is_null() {
            panic!(
                "aio::run() cannot be called from a running event loop: \
                 use .await or aio::spawn instead of nesting aio::run"
            );
        }
        CURRENT.with(|c| c.set(core));
        Enter { prev }
    }

    /// Enters even when another loop is current (to close a runtime from inside one).
    fn swap(core: &Core) -> Enter {
        let prev = CURRENT.with(|c| c.replace(core));
        Enter { prev }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.prev));
    }
}

/// Wakes `w`, containing a panic of a foreign waker's `wake` so it cannot take the loop
/// down (the task behind that waker may then never be woken: its waker is broken).
pub(crate) fn wake_quietly(w: Waker) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.wake()));
}

/// True when an aio loop is running on this thread.
pub(crate) fn in_runtime() -> bool {
    !CURRENT.with(Cell::get).is_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capacities of the current loop's ready queue and timer wake buffer.
    fn buffers() -> (usize, usize) {
        let core = current_core().expect("inside a loop");
        // SAFETY: loop thread, between polls of the queue's users.
        let queue = unsafe { &*core.queue.get() }.capacity();
        (queue, core.wake_buf.borrow().capacity())
    }

    #[test]
    fn ready_tasks_run_in_batches_of_the_budget_between_two_parks() {
        // A task that yields again and again keeps the queue non-empty: the loop looks at
        // timers, other threads and I/O once per BUDGET entries, not after every one.
        let yields = if cfg!(miri) { 400 } else { 12_800 };
        crate::run(async move {
            let spinner = crate::spawn(async move {
                for _ in 0..yields {
                    crate::yield_now().await;
                }
            });
            let core = current_core().unwrap();
            let before = core.parks.get();
            spinner.await.unwrap();
            let parks = core.parks.get() - before;
            // Each batch: up to BUDGET entries of the spinner and the main future.
            let batches = yields / BUDGET as usize;
            assert!(
                (batches..=batches + 2).contains(&parks),
                "{parks} parks for {yields} yields"
            );
        });
    }

    #[test]
    fn the_loop_keeps_the_same_buffers_however_many_tasks_were_ready_at_once() {
        // Under load more events arrive per turn, so more tasks are ready at once; the
        // buffers' size once the loop is idle again must not depend on it. (It did: a
        // queue grown to 1024 entries was kept, a larger one given back.)
        // (Under Miri, a burst just past the wake buffer's capacity only.)
        let bursts: &[usize] = if cfg!(miri) {
            &[3, WAKE_BUF_CAPACITY + 4]
        } else {
            &[3, 300, 700, 1000, 1500, 5000]
        };
        // A paused clock: the timers of a burst are due together, however slow the machine.
        let rt = crate::Runtime::builder()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let idle = buffers();
            assert_eq!(idle, (READY_QUEUE_CAPACITY, WAKE_BUF_CAPACITY));
            for &n in bursts {
                // `n` timers due at the same instant: `n` wakers collected at once, then
                // `n` tasks ready at once.
                let at = crate::time::now() + Duration::from_millis(5);
                let tasks: Vec<_> = (0..n)
                    .map(|_| crate::spawn(crate::sleep_until(at)))
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
                // Let the loop go idle (park with nothing ready), then look.
                crate::sleep(Duration::from_millis(5)).await;
                assert_eq!(buffers(), idle, "after a burst of {n}");
            }
        });
    }
}
