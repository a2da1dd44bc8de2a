//! The task cell and the `Task<T>` handle.
//!
//! A spawned future lives in exactly one heap allocation, a [`Cell`]: a type-erased
//! [`Header`] (reference count, state flags, links of the loop's all-tasks list, name,
//! spawn location, join waker) followed by the future and, once it finishes, its output in
//! the same slot. A thin [`Vtable`] of functions (poll, cancel, read or drop the output,
//! free) is all the executor needs to drive it. Wakers point straight at the header, so
//! waking a task allocates nothing.
//!
//! This module owns the memory protocol of a task and the handle API. It does not decide
//! *when* a task runs (that is `executor.rs`) nor what happens on timers or I/O.
//!
//! Threading protocol: the only fields touched from other threads are `refs` (atomic), the
//! immutable `vtable` and `shared`. Everything else (flags, links, stage, name) is touched
//! only on the loop thread; a waker woken elsewhere takes a reference and hands the task
//! to the loop through [`Shared`]'s remote queue, never touching the flags.

use std::any::Any;
use std::borrow::Cow;
use std::cell::{Cell as StdCell, UnsafeCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::{self, ManuallyDrop};
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering, fence};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::executor::{self, Shared};

/// The task is in the ready queue.
pub(crate) const SCHEDULED: u32 = 1 << 0;
/// The task finished (its output, or its error, is in the stage).
pub(crate) const COMPLETE: u32 = 1 << 1;
/// `cancel()` was called; the future is dropped the next time the loop reaches the task.
pub(crate) const CANCEL_REQUESTED: u32 = 1 << 2;
/// The `Task` handle is gone: nobody can retrieve the output.
pub(crate) const HANDLE_DROPPED: u32 = 1 << 3;
/// The task finished by cancellation.
pub(crate) const CANCELLED: u32 = 1 << 4;
/// The task finished by a panic.
pub(crate) const PANICKED: u32 = 1 << 5;
/// The output was moved out through the handle.
pub(crate) const OUTPUT_TAKEN: u32 = 1 << 6;

/// How a task ended without producing its value: awaiting a [`Task`] yields this as the error.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let cancelled = aio::spawn(aio::sleep(std::time::Duration::from_secs(60)));
///     cancelled.cancel();
///     assert!(matches!(cancelled.await, Err(aio::TaskError::Cancelled)));
///
///     let failed = aio::spawn(async { panic!("no luck") });
///     let err = failed.await.unwrap_err();
///     assert_eq!(err.to_string(), "task panicked: no luck");
/// });
/// ```
pub enum TaskError {
    /// The task was cancelled (its future was dropped before it finished).
    Cancelled,
    /// The task's future panicked; the payload is the value given to `panic!`.
    Panicked(Box<dyn Any + Send + 'static>),
}

impl TaskError {
    /// True for [`TaskError::Cancelled`].
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(aio::sleep(std::time::Duration::from_secs(60)));
    ///     t.cancel();
    ///     assert!(t.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// True for [`TaskError::Panicked`].
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(async { panic!("boom") });
    ///     assert!(t.await.unwrap_err().is_panic());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// The panic message when the payload is a string (what `panic!("...")` produces).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(async { panic!("disk {} is full", 2) });
    ///     assert_eq!(t.await.unwrap_err().panic_message(), Some("disk 2 is full"));
    /// });
    /// ```
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            TaskError::Cancelled => None,
            TaskError::Panicked(p) => payload_str(p.as_ref()),
        }
    }

    /// The panic payload, to re-raise it with [`std::panic::resume_unwind`].
    ///
    /// # Panics
    /// When the error is [`TaskError::Cancelled`].
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let err = aio::run(async { aio::spawn(async { panic!("boom") }).await.unwrap_err() });
    /// // Re-raise the task's panic in the caller, with its original payload:
    /// let payload = err.into_panic();
    /// let reraise = std::panic::AssertUnwindSafe(|| std::panic::resume_unwind(payload));
    /// let caught = std::panic::catch_unwind(reraise);
    /// assert_eq!(*caught.unwrap_err().downcast::<&str>().unwrap(), "boom");
    /// ```
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self {
            TaskError::Panicked(p) => p,
            TaskError::Cancelled => panic!("TaskError::into_panic called on a cancelled task"),
        }
    }
}

pub(crate) fn payload_str(p: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = p.downcast_ref::<&'static str>() {
        Some(s)
    } else {
        p.downcast_ref::<String>().map(String::as_str)
    }
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("Cancelled"),
            TaskError::Panicked(p) => match payload_str(p.as_ref()) {
                Some(msg) => f.debug_tuple("Panicked").field(&msg).finish(),
                None => f.write_str("Panicked(..)"),
            },
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("task was cancelled"),
            TaskError::Panicked(p) => match payload_str(p.as_ref()) {
                Some(msg) => write!(f, "task panicked: {msg}"),
                None => f.write_str("task panicked"),
            },
        }
    }
}

impl std::error::Error for TaskError {}

/// Returned by [`Task::try_result`] while the task is still pending (asyncio's
/// `InvalidStateError`), or when its result was already taken.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let mut t = aio::spawn(async { 1 });
///     assert!(t.try_result().is_err()); // not done yet: InvalidState
///     aio::yield_now().await;
///     assert_eq!(t.try_result().unwrap().unwrap(), 1);
///     let again = t.try_result().unwrap_err();
///     assert_eq!(again.to_string(), "the task's result was already taken");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidState {
    taken: bool,
}

impl fmt::Display for InvalidState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.taken {
            f.write_str("the task's result was already taken")
        } else {
            f.write_str("the task is not done yet")
        }
    }
}

impl std::error::Error for InvalidState {}

/// Where a task is in its life.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::TaskState;
///
/// aio::run(async {
///     let t = aio::spawn(async {});
///     assert_eq!(t.state(), TaskState::Pending);
///     aio::yield_now().await;
///     assert_eq!(t.state(), TaskState::Finished);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// Not finished yet (possibly cancel-requested but not yet reached by the loop).
    Pending,
    /// Finished by cancellation.
    Cancelled,
    /// Finished: returned a value or panicked.
    Finished,
}

/// A snapshot describing one task, from [`current_task`](crate::current_task) and
/// [`all_tasks`](crate::all_tasks).
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     aio::spawn_named("worker", aio::sleep(std::time::Duration::from_millis(1))).detach();
///     for info in aio::all_tasks() {
///         println!("{info}"); // task 'main' (id 0, spawned at src/main.rs:3), task 'worker' ...
///     }
///     assert_eq!(aio::all_tasks()[1].name(), "worker");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct TaskInfo {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) location: &'static Location<'static>,
    pub(crate) state: TaskState,
}

impl TaskInfo {
    /// The task's id, unique within its runtime. The main future (the one given to
    /// `run`/`block_on`) has id 0.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     assert_eq!(aio::current_task().unwrap().id(), 0); // the main future
    ///     let t = aio::spawn(async { aio::current_task().unwrap().id() });
    ///     assert_eq!(t.await.unwrap(), 1);
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        self.id
    }
    /// The task's name (see [`Task::name`]).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     assert_eq!(aio::current_task().unwrap().name(), "main");
    /// });
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Where the task was spawned (for the main future: where `run`/`block_on` was called).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let here = std::panic::Location::caller().line() + 1;
    ///     let t = aio::spawn(async { aio::current_task().unwrap().location().line() });
    ///     assert_eq!(t.await.unwrap(), here);
    /// });
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }
    /// The task's state when the snapshot was taken.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     assert_eq!(aio::current_task().unwrap().state(), aio::TaskState::Pending);
    /// });
    /// ```
    pub fn state(&self) -> TaskState {
        self.state
    }
}

impl fmt::Display for TaskInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task '{}' (id {}, spawned at {}:{})",
            self.name,
            self.id,
            self.location.file(),
            self.location.line()
        )
    }
}

pub(crate) enum TaskName {
    /// Derived on demand from the future's type name, else `Task-N`.
    Default,
    Static(&'static str),
    Owned(Box<str>),
}

impl TaskName {
    /// A task's name from the coroutine it runs, if any; else the default.
    pub(crate) fn from_coroutine(name: Option<&'static str>) -> TaskName {
        name.map_or(TaskName::Default, TaskName::Static)
    }
}

/// The type-erased part of a task. `#[repr(C)]` and first in [`Cell`], so a pointer to the
/// cell is a pointer to the header.
#[repr(C)]
pub(crate) struct Header {
    pub(crate) refs: AtomicUsize,
    pub(crate) vtable: &'static Vtable,
    pub(crate) shared: Arc<Shared>,
    pub(crate) flags: StdCell<u32>,
    pub(crate) id: u64,
    pub(crate) prev: StdCell<*const Header>,
    pub(crate) next: StdCell<*const Header>,
    pub(crate) join_waker: UnsafeCell<Option<Waker>>,
    pub(crate) name: UnsafeCell<TaskName>,
    pub(crate) type_name: &'static str,
    pub(crate) location: &'static Location<'static>,
}

impl Header {
    pub(crate) fn has(&self, flag: u32) -> bool {
        self.flags.get() & flag != 0
    }
    pub(crate) fn set(&self, flag: u32) {
        self.flags.set(self.flags.get() | flag);
    }

    pub(crate) fn state(&self) -> TaskState {
        let f = self.flags.get();
        if f & COMPLETE == 0 {
            TaskState::Pending
        } else if f & CANCELLED != 0 {
            TaskState::Cancelled
        } else {
            TaskState::Finished
        }
    }

    /// The task's current name. Loop thread only.
    pub(crate) fn name(&self) -> String {
        // SAFETY: the name is only touched on the loop thread, and no reference to it
        // outlives this call.
        match unsafe { &*self.name.get() } {
            TaskName::Static(s) => (*s).to_owned(),
            TaskName::Owned(s) => s.to_string(),
            TaskName::Default => match derive_name(self.type_name) {
                Some(n) => n.to_owned(),
                None => format!("Task-{}", self.id),
            },
        }
    }

    pub(crate) fn set_name(&self, name: TaskName) {
        // SAFETY: loop thread only; no reference into the name is alive (see `name`).
        unsafe { *self.name.get() = name };
    }

    pub(crate) fn info(&self) -> TaskInfo {
        TaskInfo {
            id: self.id,
            name: self.name(),
            location: self.location,
            state: self.state(),
        }
    }
}

/// The name a task gets from its future's type: `count` for `mycrate::count::{{closure}}`
/// (the future of `async fn count`, or an async block written directly in `fn count`,
/// such as the one a coroutine fn wraps). Async blocks nested in async code
/// (`...::{{closure}}::{{closure}}`) and other futures get no derived name.
pub(crate) fn derive_name(type_name: &'static str) -> Option<&'static str> {
    let rest = type_name.strip_suffix("::{{closure}}")?;
    if rest.ends_with("{{closure}}") {
        return None;
    }
    // Strip generic arguments of the last segment: `m::gene<u8>` -> `m::gene`.
    let mut rest = rest;
    if rest.ends_with('>') {
        let mut depth = 0usize;
        let mut cut = None;
        for (i, b) in rest.bytes().enumerate().rev() {
            match b {
                b'>' => depth += 1,
                b'<' => {
                    depth -= 1;
                    if depth == 0 {
                        cut = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[..cut?];
    }
    let seg = rest.rsplit("::").next()?;
    let ok = !seg.is_empty()
        && seg.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !seg.starts_with(|c: char| c.is_ascii_digit());
    ok.then_some(seg)
}

/// The functions that give the executor access to a type-erased cell.
pub(crate) struct Vtable {
    /// Polls the future (or drops it when cancellation was requested). Returns true when the
    /// task is now finished; the stage then holds the outcome and the flags say which.
    pub(crate) poll: unsafe fn(NonNull<Header>) -> bool,
    /// Drops the future without polling it and records cancellation. Task must be pending.
    pub(crate) cancel_now: unsafe fn(NonNull<Header>),
    /// Moves the output into `*dst`, a `*mut Option<Result<T, TaskError>>`.
    pub(crate) read_output: unsafe fn(NonNull<Header>, *mut ()),
    /// Drops an unretrieved outcome; returns the panic message when it was a panic.
    pub(crate) drop_output: unsafe fn(NonNull<Header>) -> Option<String>,
    /// Frees the cell. The stage must be empty (no future, no output).
    pub(crate) dealloc: unsafe fn(NonNull<Header>),
}

enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, TaskError>),
    Consumed,
}

#[repr(C)]
struct Cell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

struct VtableOf<F>(PhantomData<F>);

impl<F: Future> VtableOf<F> {
    const VTABLE: Vtable = Vtable {
        poll: poll::<F>,
        cancel_now: cancel_now::<F>,
        read_output: read_output::<F>,
        drop_output: drop_output::<F>,
        dealloc: dealloc::<F>,
    };
}

/// Allocates a task cell holding `fut` with two references (the loop's and the handle's).
pub(crate) fn allocate<F: Future + 'static>(
    fut: F,
    shared: Arc<Shared>,
    id: u64,
    name: TaskName,
    location: &'static Location<'static>,
) -> NonNull<Header> {
    let cell = Box::new(Cell {
        header: Header {
            refs: AtomicUsize::new(2),
            vtable: &VtableOf::<F>::VTABLE,
            shared,
            flags: StdCell::new(0),
            id,
            prev: StdCell::new(std::ptr::null()),
            next: StdCell::new(std::ptr::null()),
            join_waker: UnsafeCell::new(None),
            name: UnsafeCell::new(name),
            type_name: std::any::type_name::<F>(),
            location,
        },
        stage: UnsafeCell::new(Stage::Running(fut)),
    });
    NonNull::from(Box::leak(cell)).cast()
}

/// # Safety
/// `ptr` points to a live `Cell<F>`.
unsafe fn cell<'a, F: Future>(ptr: NonNull<Header>) -> &'a Cell<F> {
    // SAFETY: guaranteed by the caller; Header is the first field of a repr(C) Cell<F>.
    unsafe { ptr.cast::<Cell<F>>().as_ref() }
}

unsafe fn poll<F: Future>(ptr: NonNull<Header>) -> bool {
    // SAFETY: the executor only calls the vtable of a live cell of this type, on the loop
    // thread, and never re-entrantly for the same task (SCHEDULED is cleared before the
    // call and a task is polled only when popped from the queue).
    let cell = unsafe { cell::<F>(ptr) };
    let header = &cell.header;
    let stage_ptr = cell.stage.get();
    let outcome = if header.has(CANCEL_REQUESTED) {
        Err(TaskError::Cancelled)
    } else {
        // SAFETY: exclusive access to the stage (see above); no other reference exists
        // while we poll because the stage is reached only through this vtable.
        let Stage::Running(fut) = (unsafe { &mut *stage_ptr }) else {
            return true;
        };
        // A borrowed waker: it shares the loop's reference instead of taking one; clones
        // made by the future take their own.
        // SAFETY: the data pointer is a live header, and the vtable's functions uphold the
        // RawWaker contract (see `WAKER_VTABLE`). ManuallyDrop: we did not take a reference.
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(ptr)) });
        let mut cx = Context::from_waker(&waker);
        // SAFETY: the future lives in a heap cell that never moves until it is dropped.
        let fut = unsafe { Pin::new_unchecked(fut) };
        let polled = catch_unwind(AssertUnwindSafe(|| fut.poll(&mut cx)));
        match polled {
            Ok(Poll::Pending) => return false,
            Ok(Poll::Ready(v)) => Ok(v),
            Err(payload) => Err(TaskError::Panicked(payload)),
        }
    };
    // SAFETY: as above; the `fut` borrow ended.
    unsafe { finish::<F>(header, &mut *stage_ptr, outcome) };
    true
}

/// Drops the future (a panic in its Drop is caught and ignored: the outcome stands) and
/// stores the outcome.
///
/// # Safety
/// Called on the loop thread with exclusive access to the stage.
unsafe fn finish<F: Future>(
    header: &Header,
    stage: &mut Stage<F>,
    outcome: Result<F::Output, TaskError>,
) {
    let stage: *mut Stage<F> = stage;
    // Drop the future where it lies: it is pinned, and a self-referential future (one that
    // borrows from its own state, like a queue `get` on a queue the future owns) must not be
    // moved before its destructor runs. A panic in its Drop is caught; unwinding still drops
    // the remaining fields, so the old stage counts as dropped either way.
    // SAFETY: exclusive access to the stage (caller); the value is valid and dropped once.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe { ptr::drop_in_place(stage) }));
    match &outcome {
        Err(TaskError::Cancelled) => header.set(CANCELLED),
        Err(TaskError::Panicked(_)) => header.set(PANICKED),
        Ok(_) => {}
    }
    // SAFETY: the old stage was dropped in place above, so it is overwritten without a
    // second drop.
    unsafe { ptr::write(stage, Stage::Finished(outcome)) };
}

unsafe fn cancel_now<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: live cell of this type, loop thread, not being polled (the executor calls
    // this only at shutdown, outside any poll of this task).
    let cell = unsafe { cell::<F>(ptr) };
    // SAFETY: exclusive access to the stage, as in `poll`.
    unsafe {
        finish::<F>(
            &cell.header,
            &mut *cell.stage.get(),
            Err(TaskError::Cancelled),
        )
    };
}

unsafe fn read_output<F: Future>(ptr: NonNull<Header>, dst: *mut ()) {
    // SAFETY: live cell; called by `Task<F::Output>` on the loop thread, so `dst` really is
    // an `Option<Result<F::Output, TaskError>>`.
    let cell = unsafe { cell::<F>(ptr) };
    // SAFETY: exclusive access to the stage: the task is complete, so nobody polls it.
    let stage = unsafe { &mut *cell.stage.get() };
    if let Stage::Finished(_) = stage {
        let Stage::Finished(out) = mem::replace(stage, Stage::Consumed) else {
            unreachable!()
        };
        // SAFETY: see above: `dst` has the right type and is valid for writes.
        unsafe { *dst.cast::<Option<Result<F::Output, TaskError>>>() = Some(out) };
    }
}

unsafe fn drop_output<F: Future>(ptr: NonNull<Header>) -> Option<String> {
    // SAFETY: live cell, loop thread, complete task: exclusive access to the stage.
    let cell = unsafe { cell::<F>(ptr) };
    // SAFETY: as above.
    let stage = unsafe { &mut *cell.stage.get() };
    let old = mem::replace(stage, Stage::Consumed);
    let msg = match &old {
        Stage::Finished(Err(TaskError::Panicked(p))) => {
            Some(payload_str(p.as_ref()).unwrap_or("Box<dyn Any>").to_owned())
        }
        _ => None,
    };
    let _ = catch_unwind(AssertUnwindSafe(move || drop(old)));
    msg
}

unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the last reference is gone, so nobody else can reach the cell; it was made by
    // `Box::new` in `allocate`. The stage is empty by the protocol (future dropped and output
    // moved or dropped on the loop thread), so freeing it here, possibly on another thread,
    // runs no code of a non-Send type.
    let cell = unsafe { Box::from_raw(ptr.cast::<Cell<F>>().as_ptr()) };
    debug_assert!(matches!(
        // SAFETY: we own the cell.
        unsafe { &*cell.stage.get() },
        Stage::Consumed
    ));
    drop(cell);
}

/// Takes one more reference to a task.
///
/// # Safety
/// `ptr` is a live header and the caller already holds a reference.
pub(crate) unsafe fn retain(ptr: NonNull<Header>) {
    // SAFETY: live header (caller).
    let old = unsafe { ptr.as_ref() }.refs.fetch_add(1, Ordering::Relaxed);
    if old > isize::MAX as usize {
        std::process::abort();
    }
}

/// Drops one reference to a task, freeing it with the last one.
///
/// # Safety
/// The caller owns one reference and gives it up.
pub(crate) unsafe fn release(ptr: NonNull<Header>) {
    // SAFETY: live header: the caller still owns a reference.
    let header = unsafe { ptr.as_ref() };
    if header.refs.fetch_sub(1, Ordering::Release) == 1 {
        fence(Ordering::Acquire);
        // SAFETY: that was the last reference.
        unsafe { (header.vtable.dealloc)(ptr) };
    }
}

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

pub(crate) fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
    RawWaker::new(ptr.as_ptr() as *const (), &WAKER_VTABLE)
}

unsafe fn waker_clone(data: *const ()) -> RawWaker {
    let ptr = NonNull::new(data as *mut Header).expect("null task waker");
    // SAFETY: a waker holds (or borrows from the loop) a reference to a live task.
    unsafe { retain(ptr) };
    raw_waker(ptr)
}

unsafe fn waker_wake(data: *const ()) {
    let ptr = NonNull::new(data as *mut Header).expect("null task waker");
    // SAFETY: this waker owns a reference, which `wake` consumes.
    unsafe { executor::wake_task(ptr, true) };
}

unsafe fn waker_wake_by_ref(data: *const ()) {
    let ptr = NonNull::new(data as *mut Header).expect("null task waker");
    // SAFETY: the waker's reference keeps the task alive during the call.
    unsafe { executor::wake_task(ptr, false) };
}

unsafe fn waker_drop(data: *const ()) {
    let ptr = NonNull::new(data as *mut Header).expect("null task waker");
    // SAFETY: the waker owns one reference.
    unsafe { release(ptr) };
}

/// A handle to a spawned task: asyncio's `Task`.
///
/// The loop owns the task, so dropping the handle does **not** cancel it (use
/// [`cancel`](Task::cancel)); [`detach`](Task::detach) says so explicitly. Awaiting the
/// handle gives the task's value, or [`TaskError`] when it was cancelled or panicked.
///
/// ```
/// # use aio_runtime as aio;
/// use std::time::Duration;
///
/// aio::run(async {
///     let task = aio::spawn(async {
///         aio::sleep(Duration::from_millis(10)).await;
///         "done"
///     });
///     // The task runs while this one waits; awaiting it gives its value.
///     assert_eq!(task.await.unwrap(), "done");
/// });
/// ```
pub struct Task<T> {
    raw: NonNull<Header>,
    // !Send + !Sync: the handle touches loop-thread-only fields.
    _marker: PhantomData<(T, *const ())>,
}

impl<T> Task<T> {
    pub(crate) fn from_raw(raw: NonNull<Header>) -> Self {
        Task {
            raw,
            _marker: PhantomData,
        }
    }

    fn header(&self) -> &Header {
        // SAFETY: the handle owns a reference, so the header is alive.
        unsafe { self.raw.as_ref() }
    }

    /// True when the task finished: returned, panicked or was cancelled.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(async {});
    ///     assert!(!t.done()); // spawned, not run yet
    ///     aio::yield_now().await;
    ///     assert!(t.done());
    /// });
    /// ```
    pub fn done(&self) -> bool {
        self.header().has(COMPLETE)
    }

    /// True when the task finished by cancellation.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(aio::sleep(std::time::Duration::from_secs(60)));
    ///     t.cancel();
    ///     aio::yield_now().await;
    ///     assert!(t.cancelled());
    /// });
    /// ```
    pub fn cancelled(&self) -> bool {
        self.header().has(CANCELLED)
    }

    /// Requests cancellation, like asyncio's `Task.cancel()`: the task is scheduled and,
    /// when the loop reaches it, its future is dropped instead of polled (a task that never
    /// started never runs). Returns false when the task is already done.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let t = aio::spawn(aio::sleep(Duration::from_secs(60)));
    ///     assert!(t.cancel());
    ///     assert!(t.await.unwrap_err().is_cancelled());
    ///     let finished = aio::spawn(async {});
    ///     aio::yield_now().await;
    ///     assert!(!finished.cancel()); // already done
    /// });
    /// ```
    pub fn cancel(&self) -> bool {
        // SAFETY: the handle holds a reference during the call.
        unsafe { cancel_raw(self.raw) }
    }

    /// The task's name: set by `spawn_named`/`set_name`, else a `Coroutine`'s name, else the
    /// name of the async fn whose future it runs (`count` for `async fn count`), else
    /// `Task-N` with N its id.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// async fn count() {}
    ///
    /// aio::run(async {
    ///     assert_eq!(aio::spawn(count()).name(), "count");
    ///     assert_eq!(aio::spawn_named("ticker", count()).name(), "ticker");
    ///     let t = aio::spawn(async {});
    ///     assert_eq!(t.name(), format!("Task-{}", t.id()));
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.header().name()
    }

    /// Renames the task (asyncio's `set_name`).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(async {});
    ///     t.set_name(format!("job #{}", 7));
    ///     assert_eq!(t.name(), "job #7");
    /// });
    /// ```
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        let h = self.header();
        h.set_name(match name.into() {
            Cow::Borrowed(s) => TaskName::Static(s),
            Cow::Owned(s) => TaskName::Owned(s.into_boxed_str()),
        });
    }

    /// The task's id, unique within its runtime (1, 2, ... in spawn order).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let (a, b) = (aio::spawn(async {}), aio::spawn(async {}));
    ///     assert_eq!((a.id(), b.id()), (1, 2));
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        self.header().id
    }

    /// Where the task was spawned.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let line = std::panic::Location::caller().line() + 1;
    ///     let t = aio::spawn(async {});
    ///     assert_eq!((t.location().file(), t.location().line()), (file!(), line));
    /// });
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.header().location
    }

    /// Pending, Cancelled or Finished.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn(aio::sleep(std::time::Duration::from_secs(60)));
    ///     t.cancel();
    ///     aio::yield_now().await;
    ///     assert_eq!(t.state(), aio::TaskState::Cancelled);
    /// });
    /// ```
    pub fn state(&self) -> TaskState {
        self.header().state()
    }

    /// A snapshot of the task's id, name, spawn location and state.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let t = aio::spawn_named("fetch", async {});
    ///     let info = t.info();
    ///     assert_eq!((info.id(), info.name()), (1, "fetch"));
    /// });
    /// ```
    pub fn info(&self) -> TaskInfo {
        self.header().info()
    }

    /// The task's outcome if it is done, moving it out of the task (asyncio's `result()`):
    /// `Err(InvalidState)` while the task is pending, or when the outcome was already taken.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let mut t = aio::spawn(async { 6 * 7 });
    ///     assert!(t.try_result().is_err()); // pending
    ///     aio::yield_now().await;
    ///     assert_eq!(t.try_result().unwrap().unwrap(), 42);
    /// });
    /// ```
    pub fn try_result(&mut self) -> Result<Result<T, TaskError>, InvalidState> {
        let h = self.header();
        if !h.has(COMPLETE) {
            return Err(InvalidState { taken: false });
        }
        self.take_output().ok_or(InvalidState { taken: true })
    }

    fn take_output(&mut self) -> Option<Result<T, TaskError>> {
        let mut out: Option<Result<T, TaskError>> = None;
        let h = self.header();
        // SAFETY: the task is complete, we are on the loop thread (the handle is !Send), and
        // `out` has the type the cell's `read_output` writes (`T` is the future's output).
        unsafe { (h.vtable.read_output)(self.raw, (&raw mut out).cast()) };
        if out.is_some() {
            h.set(OUTPUT_TAKEN);
        }
        out
    }

    /// Lets the task run on without its handle. The same as dropping the handle; it says
    /// in the code that the result is not wanted.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    ///
    /// aio::run(async {
    ///     let ran = Rc::new(Cell::new(false));
    ///     let flag = ran.clone();
    ///     aio::spawn(async move { flag.set(true) }).detach(); // fire and forget
    ///     aio::yield_now().await;
    ///     assert!(ran.get());
    /// });
    /// ```
    pub fn detach(self) {
        drop(self);
    }

    /// Another reference to the task, without its output type: to cancel it or see
    /// whether it is done (what a `TaskGroup` keeps of each child).
    pub(crate) fn task_ref(&self) -> TaskRef {
        // SAFETY: the handle holds a reference, so the task is alive.
        unsafe { retain(self.raw) };
        TaskRef { raw: self.raw }
    }
}

/// Requests cancellation of the task at `raw` (see [`Task::cancel`]).
///
/// # Safety
/// The caller holds a reference to the task during the call; loop thread.
unsafe fn cancel_raw(raw: NonNull<Header>) -> bool {
    // SAFETY: live header (caller).
    let h = unsafe { raw.as_ref() };
    if h.has(COMPLETE) {
        return false;
    }
    if !h.has(CANCEL_REQUESTED) {
        h.set(CANCEL_REQUESTED);
        // SAFETY: the caller's reference keeps the task alive during the call.
        unsafe { executor::wake_task(raw, false) };
    }
    true
}

/// A counted reference to a task that can cancel it and see whether it is done, but
/// not take its output. `!Send`, like `Task`: it touches loop-thread-only flags.
pub(crate) struct TaskRef {
    raw: NonNull<Header>,
}

impl TaskRef {
    pub(crate) fn done(&self) -> bool {
        // SAFETY: we own a reference, so the header is alive.
        unsafe { self.raw.as_ref() }.has(COMPLETE)
    }

    pub(crate) fn cancel(&self) -> bool {
        // SAFETY: we own a reference; a TaskRef never leaves the loop thread (!Send).
        unsafe { cancel_raw(self.raw) }
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: we own one reference, which we give up.
        unsafe { release(self.raw) };
    }
}

// The handle holds only a pointer; the output is never pinned.
impl<T> Unpin for Task<T> {}

impl<T> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let h = self.header();
        if h.has(COMPLETE) {
            return match self.take_output() {
                Some(out) => Poll::Ready(out),
                None => panic!("Task polled after its result was taken"),
            };
        }
        // SAFETY: the join waker is only touched on the loop thread, by the handle and by
        // the executor when the task completes; neither is running now.
        let slot = unsafe { &mut *h.join_waker.get() };
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        let h = self.header();
        h.set(HANDLE_DROPPED);
        if h.has(COMPLETE) {
            if !h.has(OUTPUT_TAKEN) {
                // SAFETY: complete task, loop thread: exclusive access to the stage.
                let msg = unsafe { (h.vtable.drop_output)(self.raw) };
                if let Some(msg) = msg {
                    crate::debug::report_unretrieved(h, &msg);
                }
            }
        } else {
            // SAFETY: loop-thread-only field, not borrowed now.
            let w = unsafe { (*h.join_waker.get()).take() };
            drop(w);
        }
        // SAFETY: the handle owned one reference.
        unsafe { release(self.raw) };
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.header();
        f.debug_struct("Task")
            .field("id", &h.id)
            .field("name", &h.name())
            .field("state", &h.state())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::derive_name;

    #[test]
    fn names_from_type_names() {
        assert_eq!(derive_name("mycrate::count::{{closure}}"), Some("count"));
        assert_eq!(derive_name("m::gene<u8>::{{closure}}"), Some("gene"));
        assert_eq!(derive_name("m::S::meth::{{closure}}"), Some("meth"));
        assert_eq!(derive_name("m::main::{{closure}}::{{closure}}"), None);
        assert_eq!(derive_name("core::future::ready::Ready<u8>"), None);
    }
}
