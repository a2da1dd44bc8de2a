//! Debug mode: asyncio's `PYTHONASYNCIODEBUG` for aio.
//!
//! On with `AIO_DEBUG=1` or `Builder::debug(true)`. It reports, with task names and source
//! locations: a poll that held the loop longer than the slow-poll threshold, a `Coroutine`
//! dropped without being awaited, and a panicked task whose error nobody retrieved.
//! Reports go to stderr, or to the sink given with `Builder::debug_output`.
//!
//! This module only formats and delivers reports; the executor decides when to call it.
//! With debug mode off none of this runs: the executor checks one `Option` per poll.
//
// How a slow poll is reported, once:
// - The executor announces each poll (`Watchdog::begin`) and its end (`PollGuard::end`).
//   The end of a poll longer than the threshold reports it, with its duration.
// - A watchdog thread looks at the poll in progress every quarter threshold. Once the
//   poll has run for the threshold it *samples* what the loop thread is doing (on Linux,
//   the system call it is blocked in, from /proc/self/task/TID/syscall; std cannot read
//   another thread's stack, and interrupting the loop thread with a signal to unwind it
//   would change what the program's own system calls return). Only a poll still running
//   after STUCK_FACTOR thresholds (an endless loop, a hung call) is reported by the
//   watchdog itself, while it happens; its end then stays silent.
// - Where in the code: aio's entry points (`sleep`, `to_thread`, `Queue::get`, `gather!`
//   and the other combinators, per argument, ...) are `#[track_caller]` and record their
//   caller as the poll's latest *mark*; a task's last mark is kept between its polls, so
//   the report names the last aio call the task made before the slow code, or the
//   `gather!` argument being polled. A blocking call in code that is not aio's cannot be
//   named by line: the mark says where the task was, the sample what it was doing.
// - While the loop thread prints a panic (a chained panic hook sets a flag), nothing is
//   reported: printing a backtrace can take longer than the threshold.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::executor::current_core;
use crate::task::Header;

/// Where debug reports go.
pub(crate) type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The default slow-poll threshold, like asyncio's `slow_callback_duration`.
pub(crate) const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

/// A poll still running after this many thresholds is reported while it runs.
const STUCK_FACTOR: u32 = 10;

/// Debug settings of one runtime (present only when debug mode is on).
#[derive(Clone)]
pub(crate) struct DebugConfig {
    pub(crate) threshold: Duration,
    pub(crate) sink: Option<Sink>,
}

impl DebugConfig {
    pub(crate) fn emit(&self, msg: &str) {
        match &self.sink {
            Some(sink) => sink(msg),
            None => eprintln!("{msg}"),
        }
    }
}

/// True when `AIO_DEBUG` is set to something other than empty or `0`.
pub(crate) fn env_debug() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("AIO_DEBUG").is_some_and(|v| !v.is_empty() && v != "0"))
}

fn short(loc: &Location<'_>) -> String {
    format!("{}:{}", loc.file(), loc.line())
}

fn full(loc: &Location<'_>) -> String {
    format!("{}:{}:{}", loc.file(), loc.line(), loc.column())
}

/// "Task exception was never retrieved": a panicked task's outcome dropped unread.
pub(crate) fn report_unretrieved(h: &Header, panic_msg: &str) {
    if let Some(cfg) = &h.shared.debug {
        cfg.emit(&format!(
            "Task exception was never retrieved: task '{}' ({}) panicked: {}",
            h.name(),
            short(h.location),
            panic_msg
        ));
    }
}

/// A `Coroutine` dropped without ever being polled.
pub(crate) fn report_never_awaited(name: &str, loc: &Location<'_>) {
    let msg = || {
        format!(
            "coroutine '{name}' created at {}:{}:{} was never awaited",
            loc.file(),
            loc.line(),
            loc.column()
        )
    };
    match current_core() {
        Some(core) => {
            if let Some(cfg) = core.debug() {
                cfg.emit(&msg());
            }
        }
        None => {
            if env_debug() {
                eprintln!("{}", msg());
            }
        }
    }
}

/// A place in the code that a task reached through aio: the caller of an aio entry
/// point, or the argument of a combinator being polled.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    /// The entry point: `aio::sleep`, `aio::gather!`, `Queue::get`, ...
    what: &'static str,
    at: &'static Location<'static>,
    /// For a combinator's argument: its number (from 1) and the number of arguments.
    arg: Option<(usize, usize)>,
    /// The argument future's type name, from which the report derives its fn's name.
    type_name: &'static str,
}

/// Debug-mode loops alive in the process: while there are none, a mark costs one load.
static WATCHDOGS: AtomicUsize = AtomicUsize::new(0);

/// Records that the current task called the aio entry point `what` at `at`.
#[inline]
pub(crate) fn mark(what: &'static str, at: &'static Location<'static>) {
    if WATCHDOGS.load(Ordering::Relaxed) != 0 {
        mark_slow(what, at);
    }
}

#[cold]
#[inline(never)]
fn mark_slow(what: &'static str, at: &'static Location<'static>) {
    if let Some(wd) = current_core().and_then(|c| c.watchdog()) {
        wd.mark(Mark {
            what,
            at,
            arg: None,
            type_name: "",
        });
    }
}

/// True when the loop running on this thread is in debug mode (combinators then mark
/// each argument they poll).
#[inline]
pub(crate) fn enabled() -> bool {
    WATCHDOGS.load(Ordering::Relaxed) != 0 && current_core().is_some_and(|c| c.watchdog().is_some())
}

/// Records that the combinator `what` called at `at` is polling its argument `arg`
/// (from 1) of `of`, a future of type `type_name`.
#[cold]
pub(crate) fn mark_arg(
    what: &'static str,
    at: &'static Location<'static>,
    arg: usize,
    of: usize,
    type_name: &'static str,
) {
    if let Some(wd) = current_core().and_then(|c| c.watchdog()) {
        wd.mark(Mark {
            what,
            at,
            arg: Some((arg, of)),
            type_name,
        });
    }
}

/// What the loop thread was doing when the watchdog looked, during a slow poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sample {
    /// Running on the CPU, in no system call.
    Running,
    /// Blocked in this system call (by number).
    Syscall(i64),
}

struct InPoll {
    seq: u64,
    start: Instant,
    name: String,
    location: &'static Location<'static>,
    main: bool,
    /// The latest mark (at first: where the task resumed) and when it was made.
    last: Option<Mark>,
    last_at: Instant,
    /// The stretch of the poll the latest mark started (marks so far).
    segment: u32,
    /// The longest stretch between two marks that has ended.
    slowest: Option<Gap>,
    /// What the loop thread was doing after the threshold, and in which stretch.
    sample: Option<(Sample, u32)>,
    /// The watchdog reported the poll while it ran: its end stays silent.
    reported: bool,
}

/// A stretch of a poll between two places: the slow code ran there.
#[derive(Clone, Copy)]
struct Gap {
    /// The mark before (the resume point, for the first stretch).
    from: Option<Mark>,
    /// The mark after; `None`: the end of the poll (or still running).
    to: Option<Mark>,
    len: Duration,
    /// What the watchdog saw the loop thread doing during this stretch.
    sample: Option<Sample>,
}

impl InPoll {
    /// The stretch in progress, ending now at `to`.
    fn current(&self, now: Instant, to: Option<Mark>) -> Gap {
        Gap {
            from: self.last,
            to,
            len: now.saturating_duration_since(self.last_at),
            sample: self
                .sample
                .filter(|&(_, segment)| segment == self.segment)
                .map(|(sample, _)| sample),
        }
    }

    /// The stretch that ends now, or the longest that ended before.
    fn slowest_until(&self, now: Instant, to: Option<Mark>) -> Gap {
        let current = self.current(now, to);
        match self.slowest {
            Some(g) if g.len >= current.len => g,
            _ => current,
        }
    }
}

struct WatchState {
    cfg: DebugConfig,
    current: Mutex<Option<InPoll>>,
    seq: AtomicU64,
    stop: AtomicBool,
    /// The loop thread is in the panic hook: nothing is reported for this poll.
    panicking: AtomicBool,
    /// The loop thread's id, for /proc (Linux).
    tid: Option<i64>,
}

/// Times polls and runs the watchdog thread of a debug-mode runtime.
pub(crate) struct Watchdog {
    state: Arc<WatchState>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// Each suspended task's last mark, by task id (loop thread only).
    resume: RefCell<HashMap<u64, Mark>>,
}

impl Watchdog {
    /// Starts the watchdog of a runtime built on this thread (the loop thread).
    pub(crate) fn start(cfg: &DebugConfig) -> Watchdog {
        install_panic_hook();
        let state = Arc::new(WatchState {
            cfg: cfg.clone(),
            current: Mutex::new(None),
            seq: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            panicking: AtomicBool::new(false),
            tid: thread_id(),
        });
        WATCHDOGS.fetch_add(1, Ordering::Relaxed);
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name("aio-watchdog".into())
            .spawn(move || watch(&st))
            .ok();
        Watchdog {
            state,
            thread: Mutex::new(thread),
            resume: RefCell::new(HashMap::new()),
        }
    }

    /// Announces the start of a poll of task `id` (0: the main future) named `name`.
    pub(crate) fn begin(
        &self,
        id: u64,
        name: String,
        location: &'static Location<'static>,
    ) -> PollGuard<'_> {
        let seq = self.state.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let last = self.resume.borrow_mut().remove(&id);
        self.state.panicking.store(false, Ordering::Relaxed);
        let start = Instant::now();
        *lock(&self.state.current) = Some(InPoll {
            seq,
            start,
            name,
            location,
            main: id == 0,
            last,
            last_at: start,
            segment: 0,
            slowest: None,
            sample: None,
            reported: false,
        });
        PollGuard { wd: self, id }
    }

    fn mark(&self, mark: Mark) {
        if let Some(poll) = &mut *lock(&self.state.current) {
            let now = Instant::now();
            poll.slowest = Some(poll.slowest_until(now, Some(mark)));
            poll.last = Some(mark);
            poll.last_at = now;
            poll.segment += 1;
        }
    }

    /// The task `id` finished: its last mark is no longer needed.
    pub(crate) fn forget(&self, id: u64) {
        self.resume.borrow_mut().remove(&id);
    }

    /// The loop thread started printing a panic.
    pub(crate) fn note_panic(&self) {
        self.state.panicking.store(true, Ordering::Relaxed);
    }

    pub(crate) fn stop(&self) {
        self.state.stop.store(true, Ordering::Release);
        if let Some(t) = lock(&self.thread).take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop();
        WATCHDOGS.fetch_sub(1, Ordering::Relaxed);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One poll in progress; `end` reports it when it was slow. Dropped during unwinding,
/// it clears the watchdog's view and reports nothing.
pub(crate) struct PollGuard<'a> {
    wd: &'a Watchdog,
    id: u64,
}

impl PollGuard<'_> {
    /// Ends the poll; `name` gives the task's name now (a coroutine may have renamed it).
    pub(crate) fn end(self, name: impl FnOnce() -> String) {
        let Some(poll) = lock(&self.wd.state.current).take() else {
            return;
        };
        if let Some(mark) = poll.last {
            self.wd.resume.borrow_mut().insert(self.id, mark);
        }
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(poll.start);
        let state = &self.wd.state;
        if poll.reported || elapsed < state.cfg.threshold || state.panicking.load(Ordering::Relaxed)
        {
            return;
        }
        let head = format!(
            "task '{}' ({} {}) blocked the loop for {} ms in one poll",
            name(),
            if poll.main { "run at" } else { "spawned at" },
            short(poll.location),
            elapsed.as_millis()
        );
        let gap = poll.slowest_until(now, None);
        state.cfg.emit(&report(head, &gap));
    }
}

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.wd.state.current) = None;
    }
}

/// The report of a slow poll: the head line, where the slow stretch of the poll was
/// (between which aio calls), what the loop thread was doing there, and a hint.
fn report(head: String, gap: &Gap) -> String {
    let mut out = head;
    match gap.from {
        Some(m) if m.arg.is_some() => {
            let _ = write!(out, "\n  in: {}", describe_mark(&m));
        }
        Some(m) => {
            let _ = write!(
                out,
                "\n  after: {} (the task's last aio call before the slow code)",
                describe_mark(&m)
            );
        }
        None => {}
    }
    if let Some(m) = gap.to {
        let _ = write!(out, "\n  before: {}", describe_mark(&m));
    }
    let (doing, hint) = describe(gap.sample);
    if let Some(doing) = doing {
        let _ = write!(out, "\n  the loop thread was {doing}");
    }
    let _ = write!(out, "\n  help: {hint}");
    out
}

/// "`aio::sleep` at f:l:c", or "`aio::gather!` argument 2 of 3 (`count`), at f:l:c".
fn describe_mark(m: &Mark) -> String {
    let mut out = format!("`{}`", m.what);
    if let Some((arg, of)) = m.arg {
        let _ = write!(out, " argument {arg} of {of}");
        if let Some(name) = crate::task::derive_name(m.type_name) {
            let _ = write!(out, " (`{name}`)");
        }
        out.push(',');
    }
    let _ = write!(out, " at {}", full(m.at));
    out
}

/// What a sample says the loop thread was doing, and the fix for it.
fn describe(sample: Option<Sample>) -> (Option<String>, &'static str) {
    const BLOCKING: &str = "a blocking call: use aio::to_thread(move || ...).await, or the \
                            call's async version";
    let Some(sample) = sample else {
        return (
            None,
            "a blocking call or a long computation: use aio::to_thread(move || ...).await",
        );
    };
    let nr = match sample {
        Sample::Running => {
            return (
                Some("running, not waiting in a system call".to_owned()),
                "a long computation or a busy loop: move it to aio::to_thread, or let \
                 other tasks run with aio::yield_now().await",
            );
        }
        Sample::Syscall(nr) => nr,
    };
    let Some((name, kind)) = syscall(nr) else {
        return (Some(format!("in system call {nr}")), BLOCKING);
    };
    let hint = match kind {
        Kind::Sleep => "a blocking sleep (std::thread::sleep?): use aio::sleep(d).await",
        Kind::Net => "blocking network I/O: use aio::net, or aio::to_thread for a blocking client",
        Kind::Io => {
            "a blocking read or write (a file, pipe, terminal or std::net socket): use \
             aio::to_thread, or aio::net for sockets"
        }
        Kind::Fs => "file-system access: use aio::to_thread(move || ...).await",
        Kind::Wait => {
            "waiting for another thread (a std lock, channel, condition variable or join): \
             use aio's Lock, Queue or Event, or aio::to_thread"
        }
        Kind::Process => "waiting for a child process: use aio::to_thread",
        Kind::Poll => {
            "waiting in another event loop or poll (a nested block_on?): .await the \
             future instead"
        }
    };
    (Some(format!("in the system call `{name}`")), hint)
}

#[derive(Clone, Copy)]
enum Kind {
    Sleep,
    Net,
    Io,
    Fs,
    Wait,
    Process,
    Poll,
}

/// The blocking system calls worth naming, by number on this architecture.
fn syscall(nr: i64) -> Option<(&'static str, Kind)> {
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        target_arch = "x86_64"
    ))]
    const TABLE: &[(i64, &str, Kind)] = &[
        (0, "read", Kind::Io),
        (1, "write", Kind::Io),
        (2, "open", Kind::Fs),
        (4, "stat", Kind::Fs),
        (7, "poll", Kind::Poll),
        (17, "pread64", Kind::Io),
        (18, "pwrite64", Kind::Io),
        (19, "readv", Kind::Io),
        (20, "writev", Kind::Io),
        (23, "select", Kind::Poll),
        (35, "nanosleep", Kind::Sleep),
        (42, "connect", Kind::Net),
        (43, "accept", Kind::Net),
        (44, "sendto", Kind::Net),
        (45, "recvfrom", Kind::Net),
        (46, "sendmsg", Kind::Net),
        (47, "recvmsg", Kind::Net),
        (61, "wait4", Kind::Process),
        (73, "flock", Kind::Fs),
        (74, "fsync", Kind::Fs),
        (75, "fdatasync", Kind::Fs),
        (202, "futex", Kind::Wait),
        (230, "clock_nanosleep", Kind::Sleep),
        (232, "epoll_wait", Kind::Poll),
        (247, "waitid", Kind::Process),
        (257, "openat", Kind::Fs),
        (262, "newfstatat", Kind::Fs),
        (270, "pselect6", Kind::Poll),
        (271, "ppoll", Kind::Poll),
        (281, "epoll_pwait", Kind::Poll),
        (288, "accept4", Kind::Net),
        (332, "statx", Kind::Fs),
        (441, "epoll_pwait2", Kind::Poll),
    ];
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        target_arch = "aarch64"
    ))]
    const TABLE: &[(i64, &str, Kind)] = &[
        (22, "epoll_pwait", Kind::Poll),
        (32, "flock", Kind::Fs),
        (56, "openat", Kind::Fs),
        (63, "read", Kind::Io),
        (64, "write", Kind::Io),
        (65, "readv", Kind::Io),
        (66, "writev", Kind::Io),
        (67, "pread64", Kind::Io),
        (68, "pwrite64", Kind::Io),
        (72, "pselect6", Kind::Poll),
        (73, "ppoll", Kind::Poll),
        (79, "newfstatat", Kind::Fs),
        (82, "fsync", Kind::Fs),
        (83, "fdatasync", Kind::Fs),
        (95, "waitid", Kind::Process),
        (98, "futex", Kind::Wait),
        (101, "nanosleep", Kind::Sleep),
        (115, "clock_nanosleep", Kind::Sleep),
        (202, "accept", Kind::Net),
        (203, "connect", Kind::Net),
        (206, "sendto", Kind::Net),
        (207, "recvfrom", Kind::Net),
        (211, "sendmsg", Kind::Net),
        (212, "recvmsg", Kind::Net),
        (242, "accept4", Kind::Net),
        (260, "wait4", Kind::Process),
        (291, "statx", Kind::Fs),
        (441, "epoll_pwait2", Kind::Poll),
    ];
    #[cfg(not(all(
        any(target_os = "linux", target_os = "android"),
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    const TABLE: &[(i64, &str, Kind)] = &[];
    TABLE
        .iter()
        .find(|(n, _, _)| *n == nr)
        .map(|&(_, name, kind)| (name, kind))
}

/// The calling thread's id, where /proc can describe a thread by it.
fn thread_id() -> Option<i64> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // SAFETY: gettid has no preconditions and cannot fail.
        Some(i64::from(unsafe { libc::gettid() }))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        None
    }
}

/// What thread `tid` of this process is doing now, from /proc (Linux only).
fn sample(tid: Option<i64>) -> Option<Sample> {
    let text = std::fs::read_to_string(format!("/proc/self/task/{}/syscall", tid?)).ok()?;
    parse_syscall(&text)
}

/// `/proc/.../syscall`: "running", or the number of the system call the thread is
/// blocked in followed by its arguments ("-1 ..." when blocked outside a system call).
fn parse_syscall(text: &str) -> Option<Sample> {
    let first = text.split_whitespace().next()?;
    if first == "running" {
        return Some(Sample::Running);
    }
    match first.parse::<i64>() {
        Ok(nr) if nr >= 0 => Some(Sample::Syscall(nr)),
        _ => None,
    }
}

/// Chains a panic hook (once per process) that tells the panicking thread's debug-mode
/// loop, if any, that the poll in progress is printing a panic, not blocking.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    if std::thread::panicking() {
        return; // set_hook cannot be called while panicking; a later runtime will
    }
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(wd) = current_core().and_then(|c| c.watchdog()) {
                wd.note_panic();
            }
            previous(info);
        }));
    });
}

fn watch(st: &WatchState) {
    let threshold = st.cfg.threshold;
    let stuck = threshold.saturating_mul(STUCK_FACTOR);
    let tick = (threshold / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
    while !st.stop.load(Ordering::Acquire) {
        std::thread::park_timeout(tick);
        let (seq, elapsed, sampled) = match &*lock(&st.current) {
            Some(p) if !p.reported => (
                p.seq,
                p.start.elapsed(),
                p.sample.is_some_and(|(_, segment)| segment == p.segment),
            ),
            _ => continue,
        };
        if elapsed < threshold || st.panicking.load(Ordering::Relaxed) {
            continue;
        }
        // Outside the lock: the loop thread may end the poll meanwhile.
        let fresh = if sampled { None } else { sample(st.tid) };
        let msg = {
            let mut cur = lock(&st.current);
            let Some(p) = cur.as_mut().filter(|p| p.seq == seq) else {
                continue;
            };
            if let Some(fresh) = fresh {
                p.sample = Some((fresh, p.segment));
            }
            if elapsed < stuck || st.panicking.load(Ordering::Relaxed) {
                continue;
            }
            p.reported = true;
            let head = format!(
                "task '{}' ({} {}) is blocking the loop: still inside one poll after {} ms",
                p.name,
                if p.main { "run at" } else { "spawned at" },
                short(p.location),
                elapsed.as_millis()
            );
            // Still running: the stretch in progress, from the latest mark.
            report(head, &p.current(Instant::now(), None))
        };
        st.cfg.emit(&msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_loops_are_counted_and_finished_tasks_forgotten() {
        // The only unit test that builds debug-mode runtimes, so the count is not raced.
        let before = WATCHDOGS.load(Ordering::Relaxed);
        let rt = crate::Runtime::builder().debug(true).build().unwrap();
        let other = crate::Runtime::builder().debug(true).build().unwrap();
        assert_eq!(WATCHDOGS.load(Ordering::Relaxed), before + 2);
        assert!(!enabled(), "outside any loop");
        rt.block_on(async {
            assert!(enabled());
            // Each task marks (calls aio::sleep) inside its own poll, then finishes.
            let tasks: Vec<_> = (0..10)
                .map(|_| crate::spawn(async { crate::sleep(Duration::from_millis(1)).await }))
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            let wd = current_core().unwrap().watchdog().unwrap();
            // Only the main future's last mark is kept; the tasks' went with them.
            assert!(wd.resume.borrow().keys().all(|&id| id == 0));
        });
        drop((rt, other));
        assert_eq!(WATCHDOGS.load(Ordering::Relaxed), before);
    }

    #[test]
    fn proc_syscall_lines_are_read() {
        assert_eq!(parse_syscall("running\n"), Some(Sample::Running));
        assert_eq!(
            parse_syscall("230 0x1 0x0 0x7ffd 0x0 0x0 0x0 0x7ffd 0x7f12\n"),
            Some(Sample::Syscall(230))
        );
        assert_eq!(parse_syscall("-1 0x7ffd 0x7f12\n"), None);
        assert_eq!(parse_syscall(""), None);
    }

    #[test]
    fn each_sample_has_its_own_hint() {
        let (doing, hint) = describe(Some(Sample::Running));
        assert_eq!(
            doing.as_deref(),
            Some("running, not waiting in a system call")
        );
        assert!(hint.contains("yield_now"), "{hint}");
        let (doing, hint) = describe(None);
        assert_eq!(doing, None);
        assert!(hint.starts_with("a blocking call"), "{hint}");
        let (doing, hint) = describe(Some(Sample::Syscall(-5)));
        assert_eq!(doing.as_deref(), Some("in system call -5"));
        assert!(
            hint.starts_with("a blocking call: use aio::to_thread"),
            "{hint}"
        );
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        {
            let (doing, hint) = describe(Some(Sample::Syscall(230)));
            assert_eq!(
                doing.as_deref(),
                Some("in the system call `clock_nanosleep`")
            );
            assert!(hint.contains("aio::sleep(d).await"), "{hint}");
            assert!(describe(Some(Sample::Syscall(202))).1.contains("Lock"));
            assert!(describe(Some(Sample::Syscall(45))).1.contains("aio::net"));
            assert!(
                describe(Some(Sample::Syscall(0)))
                    .1
                    .contains("read or write")
            );
            assert!(
                describe(Some(Sample::Syscall(257)))
                    .1
                    .starts_with("file-system")
            );
            assert!(
                describe(Some(Sample::Syscall(61)))
                    .1
                    .contains("child process")
            );
            assert!(
                describe(Some(Sample::Syscall(232)))
                    .1
                    .contains("nested block_on")
            );
        }
    }

    #[test]
    fn the_report_names_the_stretch_the_sample_and_the_fix() {
        let at = Location::caller();
        let sleep = Mark {
            what: "aio::sleep",
            at,
            arg: None,
            type_name: "",
        };
        let yield_now = Mark {
            what: "aio::yield_now",
            ..sleep
        };
        let gap = |from, to, sample| Gap {
            from,
            to,
            len: Duration::ZERO,
            sample,
        };
        let text = report("head".into(), &gap(Some(sleep), Some(yield_now), None));
        let f = full(at);
        assert_eq!(
            text,
            format!(
                "head\n  after: `aio::sleep` at {f} (the task's last aio call before the slow \
                 code)\n  before: `aio::yield_now` at {f}\n  help: a blocking call or a long \
                 computation: use aio::to_thread(move || ...).await"
            )
        );
        let arg = Mark {
            what: "aio::gather!",
            at,
            arg: Some((2, 3)),
            type_name: "app::count::{{closure}}",
        };
        let text = report("head".into(), &gap(Some(arg), None, Some(Sample::Running)));
        assert!(
            text.starts_with(&format!(
                "head\n  in: `aio::gather!` argument 2 of 3 (`count`), at {f}\n  the loop \
                 thread was running"
            )),
            "{text}"
        );
        let unnamed = Mark {
            type_name: "core::future::Ready<u8>",
            ..arg
        };
        let text = report("head".into(), &gap(None, Some(unnamed), None));
        assert!(
            text.starts_with(&format!(
                "head\n  before: `aio::gather!` argument 2 of 3, at {f}\n"
            )),
            "{text}"
        );
    }

    #[test]
    fn the_slowest_stretch_is_kept_with_its_own_sample() {
        let at = Location::caller();
        let mark = |what| Mark {
            what,
            at,
            arg: None,
            type_name: "",
        };
        let t0 = Instant::now();
        let mut poll = InPoll {
            seq: 1,
            start: t0,
            name: "t".into(),
            location: at,
            main: false,
            last: Some(mark("resumed")),
            last_at: t0,
            segment: 0,
            slowest: None,
            sample: None,
            reported: false,
        };
        let ms = Duration::from_millis;
        // 5 ms, then 50 ms (sampled as sleeping), then 10 ms (sampled as running):
        // the second stretch is the slowest, and keeps its sample.
        for (at_ms, what, sample) in [(5, "a", None), (55, "b", Some(Sample::Syscall(35)))] {
            poll.sample = sample.map(|s| (s, poll.segment));
            let now = t0 + ms(at_ms);
            poll.slowest = Some(poll.slowest_until(now, Some(mark(what))));
            poll.last = Some(mark(what));
            poll.last_at = now;
            poll.segment += 1;
        }
        poll.sample = Some((Sample::Running, poll.segment - 1)); // an old segment's
        let gap = poll.slowest_until(t0 + ms(65), None);
        assert_eq!(gap.from.unwrap().what, "a");
        assert_eq!(gap.to.unwrap().what, "b");
        assert_eq!(gap.len, ms(50));
        assert_eq!(gap.sample, Some(Sample::Syscall(35)));
        // A longer stretch still running at the end wins, with no sample of its own.
        let gap = poll.slowest_until(t0 + ms(200), None);
        assert_eq!(gap.from.unwrap().what, "b");
        assert!(gap.to.is_none());
        assert_eq!(gap.sample, None);
        poll.sample = Some((Sample::Running, poll.segment));
        assert_eq!(
            poll.current(t0 + ms(200), None).sample,
            Some(Sample::Running)
        );
    }
}
