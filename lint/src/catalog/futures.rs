//! Async APIs: functions that return a future that does nothing until awaited (the index
//! also adds the async twins of `std::fs` from `runtimes.rs`), and the timer constructors
//! with the kind of timer each makes.

/// Functions (by resolved path) whose result is a future that does nothing until awaited.
pub(crate) const ASYNC_APIS: &[&str] = &[
    "aio::sleep",
    "aio::yield_now",
    "aio::to_thread",
    "aio::wait_for",
    "aio::timeout_at",
    "aio::gather",
    "aio::gather_settled",
    "aio::shield",
    "aio::wait",
    "aio::net::TcpStream::connect",
    "aio::net::TcpListener::bind",
    "tokio::time::sleep",
    "tokio::time::sleep_until",
    "tokio::time::timeout",
    "tokio::time::timeout_at",
    "tokio::task::yield_now",
    "tokio::fs::File::open",
    "tokio::fs::File::create",
    "tokio::net::TcpStream::connect",
    "tokio::net::TcpListener::bind",
    "tokio::net::UdpSocket::bind",
    "tokio::net::lookup_host",
    "smol::net::resolve",
    "async_net::resolve",
    "tokio::signal::ctrl_c",
    "async_std::task::sleep",
    "async_std::task::yield_now",
    "async_std::future::timeout",
    "async_std::fs::File::open",
    "async_std::fs::File::create",
    "async_std::net::TcpStream::connect",
    "async_std::net::TcpListener::bind",
    "smol::Timer::after",
    "smol::Timer::at",
    "smol::future::yield_now",
    "smol::fs::File::open",
    "smol::fs::File::create",
    "smol::net::TcpStream::connect",
    "smol::net::TcpListener::bind",
    "futures::future::join",
    "futures::future::join_all",
    "futures::future::try_join",
    "futures::future::try_join_all",
    "futures::future::select",
    "futures::future::select_all",
    "futures::future::try_select",
    "futures_lite::future::yield_now",
];
/// What kind of timer a constructor makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// A delay measured from its creation (`sleep(d)`, `Timer::after(d)`): created again,
    /// it starts over.
    Delay,
    /// A fixed instant (`sleep_until(t)`, `Timer::at(t)`): created again, it still fires at
    /// the same time.
    Deadline,
    /// A periodic timer (`interval(d)`); its `tick()` is awaited.
    Interval,
    /// A delay that bounds another operation (`timeout(d, op)`), created per operation.
    Timeout,
    /// A deadline that bounds another operation (`timeout_at(t, op)`).
    TimeoutAt,
}

/// Timer constructors, by resolved path.
const TIMERS: &[(&str, TimerKind)] = &[
    ("aio::sleep", TimerKind::Delay),
    ("aio::sleep_until", TimerKind::Deadline),
    ("aio::wait_for", TimerKind::Timeout),
    ("aio::timeout_at", TimerKind::TimeoutAt),
    ("tokio::time::sleep", TimerKind::Delay),
    ("tokio::time::sleep_until", TimerKind::Deadline),
    ("tokio::time::interval", TimerKind::Interval),
    ("tokio::time::interval_at", TimerKind::Interval),
    ("tokio::time::timeout", TimerKind::Timeout),
    ("tokio::time::timeout_at", TimerKind::TimeoutAt),
    ("async_std::task::sleep", TimerKind::Delay),
    ("async_std::future::timeout", TimerKind::Timeout),
    ("async_std::io::timeout", TimerKind::Timeout),
    ("async_std::stream::interval", TimerKind::Interval),
    ("smol::Timer::after", TimerKind::Delay),
    ("smol::Timer::at", TimerKind::Deadline),
    ("smol::Timer::interval", TimerKind::Interval),
    ("async_io::Timer::after", TimerKind::Delay),
    ("async_io::Timer::at", TimerKind::Deadline),
    ("async_io::Timer::interval", TimerKind::Interval),
    ("futures_timer::Delay::new", TimerKind::Delay),
];

/// The timer a constructor at a resolved path makes.
pub(crate) fn timer(path: &str) -> Option<TimerKind> {
    TIMERS.iter().find(|(p, _)| *p == path).map(|&(_, k)| k)
}

/// Every timer constructor's path.
#[cfg(test)]
pub(crate) fn timer_paths() -> impl Iterator<Item = &'static str> {
    TIMERS.iter().map(|(p, _)| *p)
}

/// Last path segments of functions that order things in time wherever they are defined:
/// timers, yields, deadlines, and the ready/pending futures (a crate's own `sleep`
/// wrapper, older tokio's `delay_for`).
const TIMER_NAMES: &[&str] = &[
    "sleep",
    "sleep_ms",
    "sleep_until",
    "delay_for",
    "delay_until",
    "delay",
    "yield_now",
    "timeout",
    "timeout_at",
    "wait_for",
    "interval",
    "after",
    "at",
    "pending",
    "ready",
];

/// Whether a function's last path segment names a timer, a yield or a ready/pending future.
pub(crate) fn is_timer_name(last: &str) -> bool {
    TIMER_NAMES.contains(&last)
}

/// The paths of std's `Future` trait, as written or re-exported: an `impl` of it makes a
/// workspace type a future.
const FUTURE_TRAITS: &[&str] = &[
    "std::future::Future",
    "core::future::Future",
    "futures::Future",
    "futures::future::Future",
    "futures_core::Future",
    "futures_core::future::Future",
    "futures_util::future::Future",
];

/// Whether `path` is std's `Future` trait (or a re-export of it).
pub(crate) fn is_future_trait(path: &str) -> bool {
    FUTURE_TRAITS.contains(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_by_kind() {
        assert_eq!(timer("tokio::time::sleep"), Some(TimerKind::Delay));
        assert_eq!(timer("smol::Timer::after"), Some(TimerKind::Delay));
        assert_eq!(timer("tokio::time::sleep_until"), Some(TimerKind::Deadline));
        assert_eq!(timer("tokio::time::interval"), Some(TimerKind::Interval));
        assert_eq!(timer("tokio::time::timeout"), Some(TimerKind::Timeout));
        assert_eq!(timer("aio::timeout_at"), Some(TimerKind::TimeoutAt));
        assert_eq!(timer("std::thread::sleep"), None);
        assert!(is_timer_name("delay_for") && !is_timer_name("fetch"));
        assert!(is_future_trait("core::future::Future"));
        assert!(!is_future_trait("std::future::IntoFuture") && !is_future_trait("futures::Stream"));
    }
}
