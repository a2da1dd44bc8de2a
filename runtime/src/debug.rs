//! Debug mode: asyncio's `PYTHONASYNCIODEBUG` for aio.
//!
//! On with `AIO_DEBUG=1` or `Builder::debug(true)`. It reports, with task names and source
//! locations: a poll that held the loop longer than the slow-poll threshold (after the
//! poll), a poll still running after the threshold (from a watchdog thread, so an endless
//! loop is named while it happens), a `Coroutine` dropped without being awaited, and a
//! panicked task whose error nobody retrieved. Reports go to stderr, or to the sink given
//! with `Builder::debug_output` (tests capture them there).
//!
//! This module only formats and delivers reports; the executor decides when to call it.
//! With debug mode off none of this runs: the executor checks one `Option` per poll.

use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::executor::current_core;
use crate::task::Header;

/// Where debug reports go.
pub(crate) type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// The default slow-poll threshold, like asyncio's `slow_callback_duration`.
pub(crate) const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

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

struct InPoll {
    seq: u64,
    start: Instant,
    name: String,
    location: &'static Location<'static>,
}

struct WatchState {
    cfg: DebugConfig,
    current: Mutex<Option<InPoll>>,
    seq: AtomicU64,
    stop: AtomicBool,
}

/// Times polls and runs the watchdog thread of a debug-mode runtime.
pub(crate) struct Watchdog {
    state: Arc<WatchState>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Watchdog {
    pub(crate) fn start(cfg: &DebugConfig) -> Watchdog {
        let state = Arc::new(WatchState {
            cfg: cfg.clone(),
            current: Mutex::new(None),
            seq: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name("aio-watchdog".into())
            .spawn(move || watch(&st))
            .ok();
        Watchdog {
            state,
            thread: Mutex::new(thread),
        }
    }

    /// Announces the start of a poll of task `name`.
    pub(crate) fn begin(
        &self,
        name: String,
        location: &'static Location<'static>,
    ) -> PollGuard<'_> {
        let seq = self.state.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let start = Instant::now();
        *lock(&self.state.current) = Some(InPoll {
            seq,
            start,
            name,
            location,
        });
        PollGuard {
            wd: self,
            start,
            location,
        }
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
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One poll in progress; `end` reports it when it was slow. Dropped during unwinding, it
/// still clears the watchdog's view.
pub(crate) struct PollGuard<'a> {
    wd: &'a Watchdog,
    start: Instant,
    location: &'static Location<'static>,
}

impl PollGuard<'_> {
    /// Ends the poll; `name` gives the task's name now (a coroutine may have renamed it).
    pub(crate) fn end(self, name: impl FnOnce() -> String) {
        let elapsed = self.start.elapsed();
        let cfg = &self.wd.state.cfg;
        if elapsed >= cfg.threshold {
            cfg.emit(&format!(
                "task '{}' ({}) blocked the loop for {} ms",
                name(),
                short(self.location),
                elapsed.as_millis()
            ));
        }
    }
}

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.wd.state.current) = None;
    }
}

fn watch(st: &WatchState) {
    let threshold = st.cfg.threshold;
    let tick = (threshold / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
    let mut reported = 0u64;
    while !st.stop.load(Ordering::Acquire) {
        std::thread::park_timeout(tick);
        let msg = {
            let cur = lock(&st.current);
            match &*cur {
                Some(p) if p.seq != reported && p.start.elapsed() >= threshold => {
                    reported = p.seq;
                    Some(format!(
                        "task '{}' ({}) is blocking the loop: still inside one poll after {} ms",
                        p.name,
                        short(p.location),
                        p.start.elapsed().as_millis()
                    ))
                }
                _ => None,
            }
        };
        if let Some(msg) = msg {
            st.cfg.emit(&msg);
        }
    }
}
