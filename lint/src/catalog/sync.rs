//! Locks and their guards: which methods acquire a guard (and of what kind), which lock
//! types are synchronous (a guard held across an `.await` blocks or deadlocks) and which
//! are async, the guard types by path (for bindings typed with them), and `RefCell`'s
//! borrow guards (a `Ref`/`RefMut` alive across an `.await` panics the next borrower on
//! the same thread). And the spin hints a busy-waiting loop calls.

/// What kind of guard an acquisition returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GuardKind {
    /// `m.lock()` of a mutex.
    Mutex,
    /// `l.read()` / `l.write()` of a read-write lock.
    RwLock,
    /// `c.borrow()` / `c.borrow_mut()` of a `RefCell`.
    RefCell,
}

/// The guard kind a lock method acquires, by name: `lock` (a mutex), `read`/`write` (a
/// read-write lock). Whether the lock is synchronous is decided from the call's shape by
/// `crate::flow::guards` (an async lock's method returns a future to await).
pub(crate) fn lock_method(name: &str) -> Option<GuardKind> {
    match name {
        "lock" => Some(GuardKind::Mutex),
        "read" | "write" => Some(GuardKind::RwLock),
        _ => None,
    }
}

/// `RefCell`'s methods that return a borrow guard.
pub(crate) const BORROW_METHODS: &[&str] = &["borrow", "borrow_mut"];

/// `RefCell`'s methods that return a borrow guard in a `Result`.
pub(crate) const FALLIBLE_BORROW_METHODS: &[&str] = &["try_borrow", "try_borrow_mut"];

/// The guard kind a bare `Result` of method `name` holds: `try_borrow`/`try_borrow_mut`
/// of a `RefCell` (`if let Ok(r) = c.try_borrow_mut()`).
pub(crate) fn fallible_borrow_method(name: &str) -> Option<GuardKind> {
    FALLIBLE_BORROW_METHODS
        .contains(&name)
        .then_some(GuardKind::RefCell)
}

/// Synchronous lock types, by path: their guards must not live across an `.await`.
#[cfg_attr(not(test), expect(dead_code, reason = "queried by the guard rules"))]
pub(crate) const SYNC_LOCKS: &[(&str, GuardKind)] = &[
    ("std::sync::Mutex", GuardKind::Mutex),
    ("std::sync::RwLock", GuardKind::RwLock),
    ("parking_lot::Mutex", GuardKind::Mutex),
    ("parking_lot::RwLock", GuardKind::RwLock),
    ("parking_lot::ReentrantMutex", GuardKind::Mutex),
    ("parking_lot::FairMutex", GuardKind::Mutex),
    ("spin::Mutex", GuardKind::Mutex),
    ("spin::RwLock", GuardKind::RwLock),
    ("std::cell::RefCell", GuardKind::RefCell),
];

/// Async lock types, by path: their guards may be held across an `.await`.
#[cfg_attr(not(test), expect(dead_code, reason = "queried by the guard rules"))]
pub(crate) const ASYNC_LOCKS: &[&str] = &[
    "aio::Lock",
    "aio::sync::Lock",
    "tokio::sync::Mutex",
    "tokio::sync::RwLock",
    "async_std::sync::Mutex",
    "async_std::sync::RwLock",
    "async_lock::Mutex",
    "async_lock::RwLock",
    "futures::lock::Mutex",
];

/// Guard types of synchronous locks and of `RefCell`, by path (a binding typed with one
/// holds a guard).
pub(crate) const GUARD_TYPES: &[(&str, GuardKind)] = &[
    ("std::sync::MutexGuard", GuardKind::Mutex),
    ("std::sync::RwLockReadGuard", GuardKind::RwLock),
    ("std::sync::RwLockWriteGuard", GuardKind::RwLock),
    ("parking_lot::MutexGuard", GuardKind::Mutex),
    ("parking_lot::RwLockReadGuard", GuardKind::RwLock),
    ("parking_lot::RwLockWriteGuard", GuardKind::RwLock),
    ("parking_lot::ReentrantMutexGuard", GuardKind::Mutex),
    ("std::cell::Ref", GuardKind::RefCell),
    ("std::cell::RefMut", GuardKind::RefCell),
];

/// The guard kind of a guard type at a resolved path.
pub(crate) fn guard_type(path: &str) -> Option<GuardKind> {
    GUARD_TYPES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|&(_, k)| k)
}

/// Spin hints, by path: calls that only tell the processor or the scheduler the thread
/// is waiting (a loop of them and reads still spins).
const SPIN_HINTS: &[&str] = &[
    "std::hint::spin_loop",
    "core::hint::spin_loop",
    "std::thread::yield_now",
    "std::sync::atomic::spin_loop_hint",
    "core::sync::atomic::spin_loop_hint",
];

/// Whether the function at `path` is a spin hint.
pub(crate) fn is_spin_hint(path: &str) -> bool {
    SPIN_HINTS.contains(&path)
}

#[cfg(test)]
pub(crate) fn spin_hint_paths() -> impl Iterator<Item = &'static str> {
    SPIN_HINTS.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_by_method_and_type() {
        assert_eq!(lock_method("lock"), Some(GuardKind::Mutex));
        assert_eq!(lock_method("write"), Some(GuardKind::RwLock));
        assert_eq!(lock_method("borrow"), None);
        assert!(BORROW_METHODS.contains(&"borrow_mut"));
        assert_eq!(guard_type("std::cell::RefMut"), Some(GuardKind::RefCell));
        assert_eq!(guard_type("tokio::sync::MutexGuard"), None);
        let sync: Vec<_> = SYNC_LOCKS.iter().map(|(p, _)| *p).collect();
        assert!(ASYNC_LOCKS.iter().all(|a| !sync.contains(a)));
        assert!(is_spin_hint("std::hint::spin_loop") && is_spin_hint("std::thread::yield_now"));
        assert!(!is_spin_hint("tokio::task::yield_now"));
    }
}
