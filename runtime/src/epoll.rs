//! Linux: the reactor's own epoll instance, for what the `polling` crate does not offer.
//!
//! Sources are registered edge-triggered with `EPOLLRDHUP`, so an event says whether the
//! peer closed its side: that is what lets a short read of a stream mark the read side
//! drained (see `reactor.rs`) without missing an end of stream that arrived with the
//! data. The wait takes its timeout in milliseconds (rounded up: never early) and costs
//! one system call, where `polling` also re-arms a timer and its notifier on every wait.
//!
//! Wake-ups from other threads still go through `polling` (`Poller::notify`): its
//! instance is registered here, level-triggered, under [`NOTIFY_KEY`], and when it is
//! readable the reactor lets `polling` consume the notification with a zero-timeout
//! wait of its own.
//!
//! This module only wraps the system calls; it does not know sources or wakers.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// The key of the nested `polling` instance's readiness (never a source's key: keys
/// index the reactor's table).
pub(crate) const NOTIFY_KEY: usize = usize::MAX;

/// What an event says about one source.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Readiness {
    pub(crate) key: usize,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
    /// The peer shut down its side (`EPOLLRDHUP`), or the connection hung up or failed:
    /// a read will not wait forever.
    pub(crate) read_closed: bool,
}

/// An epoll instance with an event buffer.
pub(crate) struct Epoll {
    fd: OwnedFd,
    events: Vec<libc::epoll_event>,
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

impl Epoll {
    /// A new instance with `nested` (the `polling` poller's fd) registered under
    /// [`NOTIFY_KEY`].
    pub(crate) fn new(nested: RawFd) -> io::Result<Epoll> {
        // SAFETY: plain system call; the result is checked before use.
        let raw = check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: `raw` is a new descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let epoll = Epoll {
            fd,
            events: Vec::with_capacity(1024),
        };
        epoll.ctl(
            libc::EPOLL_CTL_ADD,
            nested,
            libc::EPOLLIN as u32,
            NOTIFY_KEY,
        )?;
        Ok(epoll)
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, events: u32, key: usize) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events,
            u64: key as u64,
        };
        // SAFETY: `ev` is a valid event for the call's duration; the kernel checks `fd`.
        check(unsafe { libc::epoll_ctl(self.fd.as_raw_fd(), op, fd, &mut ev) })?;
        Ok(())
    }

    /// Registers `fd` for both directions, edge-triggered, with peer-shutdown events.
    pub(crate) fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        let events = libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET;
        self.ctl(libc::EPOLL_CTL_ADD, fd, events as u32, key)
    }

    /// Removes `fd`'s registration.
    pub(crate) fn delete(&self, fd: RawFd) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Waits up to `timeout` (`None`: indefinitely; rounded up to whole milliseconds)
    /// and calls `each` for every event. An interrupted wait reports nothing.
    pub(crate) fn wait(
        &mut self,
        timeout: Option<Duration>,
        mut each: impl FnMut(Readiness),
    ) -> io::Result<()> {
        let ms = match timeout {
            None => -1,
            Some(t) => {
                let ms = t.as_nanos().div_ceil(1_000_000);
                libc::c_int::try_from(ms).unwrap_or(libc::c_int::MAX)
            }
        };
        let cap = libc::c_int::try_from(self.events.capacity()).unwrap_or(libc::c_int::MAX);
        // SAFETY: the kernel writes at most `cap` events into the buffer's spare capacity.
        let n = unsafe { libc::epoll_wait(self.fd.as_raw_fd(), self.events.as_mut_ptr(), cap, ms) };
        let n = match check(n) {
            Ok(n) => n as usize,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        // SAFETY: the kernel initialised the first `n <= cap` events.
        unsafe { self.events.set_len(n) };
        const FAILED: u32 = (libc::EPOLLHUP | libc::EPOLLERR) as u32;
        const READ: u32 = (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLRDHUP) as u32 | FAILED;
        const WRITE: u32 = libc::EPOLLOUT as u32 | FAILED;
        const CLOSED: u32 = libc::EPOLLRDHUP as u32 | FAILED;
        for ev in self.events.drain(..) {
            let flags = ev.events;
            each(Readiness {
                key: ev.u64 as usize,
                readable: flags & READ != 0,
                writable: flags & WRITE != 0,
                read_closed: flags & CLOSED != 0,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use std::time::Instant;

    fn pair() -> (UnixStream, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        b.set_nonblocking(true).unwrap();
        (a, b)
    }

    /// The events of one zero-timeout wait, as (key, readable, writable, read_closed).
    fn events_now(ep: &mut Epoll) -> Vec<(usize, bool, bool, bool)> {
        let mut got = Vec::new();
        ep.wait(Some(Duration::ZERO), |e| {
            got.push((e.key, e.readable, e.writable, e.read_closed))
        })
        .unwrap();
        got
    }

    #[test]
    fn registrations_are_edge_triggered_with_peer_shutdowns() {
        let poller = polling::Poller::new().unwrap();
        let mut ep = Epoll::new(poller.as_raw_fd()).unwrap();
        let (a, b) = pair();
        ep.add(a.as_raw_fd(), 7).unwrap();
        // The registration reports the current state once: writable.
        assert_eq!(events_now(&mut ep), [(7, false, true, false)]);
        // Still writable, nothing new: no event (level-triggered would repeat it).
        assert_eq!(events_now(&mut ep), []);
        // New data: an event that says readable (with everything else that holds).
        (&b).write_all(b"x").unwrap();
        let data = events_now(&mut ep);
        assert!(matches!(data[..], [(7, true, _, false)]), "{data:?}");
        // The peer's shutdown: readable, and the read side closed.
        b.shutdown(std::net::Shutdown::Write).unwrap();
        let shutdown = events_now(&mut ep);
        assert!(matches!(shutdown[..], [(7, true, _, true)]), "{shutdown:?}");
        assert_eq!(events_now(&mut ep), []);
    }

    #[test]
    fn a_deleted_registration_can_be_made_again() {
        let poller = polling::Poller::new().unwrap();
        let mut ep = Epoll::new(poller.as_raw_fd()).unwrap();
        let (a, _b) = pair();
        ep.add(a.as_raw_fd(), 1).unwrap();
        ep.delete(a.as_raw_fd()).unwrap();
        ep.add(a.as_raw_fd(), 2).unwrap();
        assert_eq!(events_now(&mut ep), [(2, false, true, false)]);
        let err = ep.add(a.as_raw_fd(), 3).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EEXIST));
    }

    /// An indefinite wait ends with an event, here a notification through the nested
    /// `polling` instance from another thread.
    #[test]
    fn an_indefinite_wait_ends_with_a_notification() {
        let poller = std::sync::Arc::new(polling::Poller::new().unwrap());
        let mut ep = Epoll::new(poller.as_raw_fd()).unwrap();
        let p = poller.clone();
        let notifier = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            p.notify().unwrap();
        });
        let mut keys = Vec::new();
        ep.wait(None, |e| keys.push(e.key)).unwrap();
        assert_eq!(keys, [NOTIFY_KEY]);
        notifier.join().unwrap();
        // Consumed through `polling`, the notification is gone.
        let mut events = polling::Events::new();
        poller.wait(&mut events, Some(Duration::ZERO)).unwrap();
        assert_eq!(events_now(&mut ep), []);
    }

    /// A signal handled during the wait (EINTR) ends it early with no events and no
    /// error; a wait that fails is an error.
    #[test]
    fn a_signal_interrupts_the_wait_harmlessly_and_failures_are_errors() {
        extern "C" fn ignore(_: libc::c_int) {}
        // SAFETY: a handler that does nothing, installed for SIGUSR1 (unused otherwise);
        // the struct is zeroed, then its handler and empty mask set as sigaction expects.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            assert_eq!(
                libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
                0
            );
        }
        let poller = polling::Poller::new().unwrap();
        let mut ep = Epoll::new(poller.as_raw_fd()).unwrap();
        // SAFETY: plain call.
        let me = unsafe { libc::pthread_self() };
        let signaller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            // SAFETY: `me` is the test thread, alive until it joins this thread.
            unsafe { libc::pthread_kill(me, libc::SIGUSR1) };
        });
        let start = Instant::now();
        let mut n = 0;
        ep.wait(Some(Duration::from_secs(10)), |_| n += 1).unwrap();
        assert_eq!(n, 0);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the signal ended the wait"
        );
        signaller.join().unwrap();

        // The instance's descriptor replaced by one that is not an epoll instance.
        let null = std::fs::File::open("/dev/null").unwrap();
        // SAFETY: both descriptors are open; the epoll one is closed and replaced by a
        // duplicate of /dev/null, which `ep` then owns (and closes).
        assert!(unsafe { libc::dup2(null.as_raw_fd(), ep.fd.as_raw_fd()) } >= 0);
        let err = ep.wait(Some(Duration::ZERO), |_| ()).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
    }
}
