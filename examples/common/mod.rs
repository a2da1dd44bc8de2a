//! The time unit shared by the examples: the notes count in seconds; the examples count
//! in *units* so that the tests can run them fast.
//!
//! A unit is `AIO_UNIT_MS` milliseconds (default 1000, so a plain `cargo run --example`
//! takes as long as the note's program). Every duration an example sleeps is a number of
//! units, and every time it reports is elapsed time divided by the unit, printed the way
//! the note prints seconds. This module only converts and formats; it never sleeps or
//! prints, and it is not an example itself (cargo discovers only `examples/*.rs` and
//! `examples/*/main.rs`), each example includes it with `mod common;` (the pitfalls with
//! `#[path = "../common/mod.rs"]`). It also holds the Python-style formatting helpers
//! the ports share, and [`http`], the local HTTP server and blocking client of the
//! examples about synchronous libraries.
#![allow(dead_code)] // each example uses the part it needs

use std::time::Duration;

pub mod http;

/// The length of one unit: `AIO_UNIT_MS` milliseconds, 1000 when unset or unparsable.
pub fn unit() -> Duration {
    let ms = std::env::var("AIO_UNIT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .unwrap_or(1000.0);
    Duration::from_secs_f64(ms / 1000.0)
}

/// `n` units as a duration (`units(1.0)` is the notes' `1` second).
pub fn units(n: f64) -> Duration {
    unit().mul_f64(n)
}

/// An elapsed duration in units: the number the notes print as seconds.
pub fn in_units(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() / unit().as_secs_f64()
}

/// The last path segment of a type's name without its generic arguments:
/// `aio_runtime::task::Task<alloc::vec::Vec<i32>>` becomes `Task`. The analogue of the
/// class name Python prints for `type(x)`.
pub fn short_type_name<T: ?Sized>(_: &T) -> &'static str {
    let full = std::any::type_name::<T>();
    let outer = full.split('<').next().unwrap_or(full);
    outer.rsplit("::").next().unwrap_or(outer)
}

/// A Python-style list of anything displayable: `[1, 2, 3]`.
pub fn py_list<T: std::fmt::Display>(items: &[T]) -> String {
    let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
    format!("[{}]", parts.join(", "))
}

/// Python's spelling of a bool (`True` / `False`), for lines the notes print with
/// `print(f"... {t.done()}")`.
pub fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// The wall-clock time of day in UTC as `HH:MM:SS`, the shape of Python's
/// `time.strftime('%X')` (which prints local time; the examples avoid a time-zone
/// dependency).
pub fn clock_time() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}
