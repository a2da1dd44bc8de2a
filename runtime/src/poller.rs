//! The loop's poller: what it blocks in when no task is ready, and what other threads
//! notify to wake it.
//!
//! Normally this is the OS poller of the `polling` crate (epoll, kqueue, ...). Miri cannot
//! run it (the epoll backend calls `timerfd_create`, and Miri has no real sockets anyway),
//! so under `cfg(miri)` the loop parks on a mutex and a condvar instead: a wait ends at
//! its timeout (the next timer's deadline) or at a `notify` (a wake from another thread),
//! and no I/O source can be registered. Everything but I/O (tasks, timers, wakes from any
//! thread, queues, locks, the blocking pool) then runs under Miri unchanged.

#[cfg(not(miri))]
pub(crate) use polling::Poller;

#[cfg(miri)]
pub(crate) use self::condvar::Poller;

#[cfg(miri)]
mod condvar {
    use std::io;
    use std::os::fd::{BorrowedFd, RawFd};
    use std::sync::{Condvar, Mutex, MutexGuard};
    use std::time::{Duration, Instant};

    use polling::{Event, Events, PollMode};

    /// A parker with `polling::Poller`'s interface, minus I/O.
    pub(crate) struct Poller {
        /// A `notify` not yet consumed by a `wait`.
        notified: Mutex<bool>,
        cond: Condvar,
    }

    fn unsupported() -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "aio under Miri: I/O sources cannot be registered (the loop parks without an OS poller)",
        )
    }

    impl Poller {
        pub(crate) fn new() -> io::Result<Poller> {
            Ok(Poller {
                notified: Mutex::new(false),
                cond: Condvar::new(),
            })
        }

        fn lock(&self) -> MutexGuard<'_, bool> {
            self.notified.lock().unwrap_or_else(|e| e.into_inner())
        }

        pub(crate) fn supports_edge(&self) -> bool {
            false
        }

        /// Blocks until `notify` is called or `timeout` passes (`None`: no timeout), and
        /// consumes the notification. Never reports an event.
        pub(crate) fn wait(
            &self,
            _events: &mut Events,
            timeout: Option<Duration>,
        ) -> io::Result<usize> {
            // A timeout beyond `Instant`'s range waits as if there were none.
            let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
            let mut notified = self.lock();
            while !*notified {
                match deadline {
                    None => notified = self.cond.wait(notified).unwrap_or_else(|e| e.into_inner()),
                    Some(d) => {
                        let now = Instant::now();
                        if now >= d {
                            break;
                        }
                        notified = self
                            .cond
                            .wait_timeout(notified, d - now)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                }
            }
            *notified = false;
            Ok(0)
        }

        /// Ends the current or next `wait`.
        pub(crate) fn notify(&self) -> io::Result<()> {
            *self.lock() = true;
            self.cond.notify_one();
            Ok(())
        }

        /// # Safety
        /// None needed: nothing is registered.
        pub(crate) unsafe fn add(&self, _fd: RawFd, _interest: Event) -> io::Result<()> {
            Err(unsupported())
        }

        /// # Safety
        /// None needed: nothing is registered.
        pub(crate) unsafe fn add_with_mode(
            &self,
            _fd: RawFd,
            _interest: Event,
            _mode: PollMode,
        ) -> io::Result<()> {
            Err(unsupported())
        }

        pub(crate) fn modify(&self, _fd: BorrowedFd<'_>, _interest: Event) -> io::Result<()> {
            Err(unsupported())
        }

        pub(crate) fn delete(&self, _fd: BorrowedFd<'_>) -> io::Result<()> {
            Err(unsupported())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Poller;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    // The same contract for the OS poller and Miri's parker.

    #[test]
    fn a_notify_before_the_wait_ends_it_at_once_and_is_consumed() {
        let p = Poller::new().unwrap();
        let mut events = polling::Events::new();
        p.notify().unwrap();
        let start = Instant::now();
        p.wait(&mut events, Some(Duration::from_secs(60))).unwrap();
        assert!(start.elapsed() < Duration::from_secs(30));
        assert!(events.is_empty());
        // Consumed: the next wait runs to its timeout.
        let start = Instant::now();
        p.wait(&mut events, Some(Duration::from_millis(20)))
            .unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn a_notify_from_another_thread_ends_an_unbounded_wait() {
        let p = Arc::new(Poller::new().unwrap());
        let p2 = p.clone();
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            p2.notify().unwrap();
        });
        let mut events = polling::Events::new();
        p.wait(&mut events, None).unwrap();
        th.join().unwrap();
    }
}
