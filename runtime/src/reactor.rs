//! The reactor: OS readiness (epoll/kqueue through the `polling` crate) turned into wakes.
//!
//! I/O types register their file descriptor once and then ask "wake me when you are
//! readable/writable". Where the poller supports it (epoll, kqueue) a source is registered
//! once, edge-triggered, for both directions: an event means "the fd became ready", it is
//! recorded as `ready` on the direction and wakes its waiters, and nothing is re-armed, so
//! a wait costs no system call beyond the `WouldBlock` that started it. Edge-triggering is
//! safe because a task waits only after its operation returned `WouldBlock` (the kernel
//! then owes an edge for any later readiness) and because events are only read between
//! polls of the loop's single thread, so none can slip between the `WouldBlock` and the
//! wait. Elsewhere registrations use `polling`'s oneshot mode: an interest is armed only
//! while some task waits for it and re-armed after every event. Arming is level-triggered
//! there: if the fd is already ready when a task arms it, the event comes at once.
//!
//! For the I/O types (`net.rs`) the API is [`Async<T>`]: it owns the I/O object and its
//! registration (deregistered before the object closes its fd) and offers
//! `poll_read_with`/`poll_write_with`, which run a non-blocking operation and wait for
//! readiness on `WouldBlock`. The lower level [`Async::poll_readable`] /
//! [`Async::poll_writable`] return `Ready(Ok(()))` when a readiness event arrived since the
//! last call that returned `Ready`; a spurious `Ready` is possible (retry the operation and
//! wait again on `WouldBlock`), a lost wake-up is not.
//!
//! Any number of tasks may wait on one source in one direction (several tasks accepting
//! on one listener, or receiving on one UDP socket): a readiness event wakes all of them,
//! each retries its operation, and those that get `WouldBlock` again re-arm. Level-triggered
//! arming makes that safe: whoever re-arms while the fd is still ready gets an event at
//! once. The first waiter of a direction is stored inline, so the usual single-waiter case
//! never allocates; further waiters go to a `Vec` (one entry per task: a task that polls
//! again is recognised with `Waker::will_wake`). A waiter that is cancelled cannot remove
//! itself (`poll_read` has nowhere to keep a registration), so its waker stays until the
//! next event of that direction; to bound that on a quiet socket, when the list reaches
//! a limit every waiter is woken (a spurious wake: live ones re-register, dead ones are
//! gone) and the limit doubles, so the cost stays amortized O(1) per wait.
//!
//! The reactor does not schedule tasks (it only wakes wakers) and does not know sockets.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use polling::{Event, Events, PollMode};

use crate::executor::{Shared, current_core};

#[derive(Default)]
struct Direction {
    /// The first waiting task (the common case: no allocation).
    waker: Option<Waker>,
    /// Further waiting tasks, in arrival order.
    extra: Vec<Waker>,
    /// An event arrived and was not consumed by a poll_* call yet.
    ready: bool,
    /// No readiness is known and no event came since: the next operation waits for one
    /// instead of trying and getting `WouldBlock`. Set when an operation returned
    /// `WouldBlock`, when a write took fewer bytes than offered (the send buffer is full),
    /// and, in edge mode, on the read side of a new source: an edge-triggered
    /// registration reports the fd's current readiness as its first event, so a fresh
    /// socket is not read before there is something to read.
    drained: bool,
    /// The interest is armed in the poller (oneshot mode only).
    armed: bool,
    /// Read side only, where the reactor tracks it (Linux): the peer shut down its side
    /// or the connection failed. From then on a short read no longer marks the side
    /// drained: the end of stream waits behind the data with no event to come.
    closed: bool,
    /// `extra` length at which all waiters are flushed (0: [`FLUSH_AT`]).
    flush_at: usize,
}

/// Extra waiters on one direction before they are all woken to shed cancelled ones.
const FLUSH_AT: usize = 32;

impl Direction {
    /// Records `w` as a waiter unless it (or a waker of the same task) already is one.
    /// When the list is full, the other waiters are moved to `flushed`, to be woken.
    fn add_waiter(&mut self, w: &Waker, flushed: &mut Vec<Waker>) {
        match &self.waker {
            None => self.waker = Some(w.clone()),
            Some(first) if first.will_wake(w) => {}
            Some(_) => {
                if self.extra.iter().any(|e| e.will_wake(w)) {
                    return;
                }
                let limit = self.flush_at.max(FLUSH_AT);
                if self.extra.len() + 1 >= limit {
                    self.take_waiters(flushed);
                    self.flush_at = limit * 2;
                    self.waker = Some(w.clone());
                } else {
                    self.extra.push(w.clone());
                }
            }
        }
    }

    /// Moves every waiter into `out` (an event arrived, arming failed, or a flush).
    fn take_waiters(&mut self, out: &mut Vec<Waker>) {
        out.extend(self.waker.take());
        out.append(&mut self.extra);
    }

    /// An event: every waiter is woken, and the flush limit starts over.
    fn on_event(&mut self, out: &mut Vec<Waker>) {
        self.ready = true;
        self.drained = false;
        self.armed = false;
        self.flush_at = 0;
        self.take_waiters(out);
        if self.extra.capacity() > FLUSH_AT {
            self.extra = Vec::new();
        }
    }
}

struct IoState {
    fd: RawFd,
    read: Direction,
    write: Direction,
}

/// Registry capacity (in sources) above which a burst's memory is returned once most
/// sources are gone (so the loop's heap goes back to its baseline after a load; see
/// `tests/reliability_load.rs`). Below it the table stays.
const SHRINK_ABOVE: usize = 64;

/// Registry capacity a shrink goes down to at least.
const SHRINK_TO: usize = 16;

/// One loop's registry of I/O sources.
pub(crate) struct Reactor {
    shared: Arc<Shared>,
    slots: RefCell<Vec<Option<IoState>>>,
    free: RefCell<Vec<usize>>,
    events: RefCell<Events>,
    count: Cell<usize>,
    /// Sources are registered edge-triggered for both directions and never re-armed.
    edge: bool,
    /// Linux, edge mode: sources live in aio's own epoll instance, registered with
    /// `EPOLLRDHUP` (see `epoll.rs`); `None` elsewhere, or when it could not be created.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    epoll: Option<RefCell<crate::epoll::Epoll>>,
    /// Interest changes made after registration (oneshot re-arms), for the tests.
    #[cfg(test)]
    modifies: Cell<usize>,
}

impl Reactor {
    pub(crate) fn new(shared: Arc<Shared>) -> Reactor {
        let edge = shared.poller.supports_edge();
        #[cfg(test)]
        let edge = edge && !tests::FORCE_ONESHOT.with(Cell::get);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let epoll = edge
            .then(|| crate::epoll::Epoll::new(shared.poller.as_raw_fd()).ok())
            .flatten()
            .map(RefCell::new);
        Reactor {
            shared,
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            events: RefCell::new(Events::new()),
            count: Cell::new(0),
            edge,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            epoll,
            #[cfg(test)]
            modifies: Cell::new(0),
        }
    }

    pub(crate) fn has_sources(&self) -> bool {
        self.count.get() != 0
    }

    /// Whether events say when a stream's peer shut down its side (`EPOLLRDHUP`), which
    /// is what lets a short read mark the read side drained.
    fn tracks_read_close(&self) -> bool {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return self.epoll.is_some();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        false
    }

    /// Waits for I/O events (or a notification from another thread) up to `timeout`
    /// (`None`: indefinitely) and wakes the tasks waiting for them.
    pub(crate) fn poll(&self, timeout: Option<Duration>) {
        let mut wakers = Vec::new();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(epoll) = &self.epoll {
            let mut notified = false;
            {
                let mut slots = self.slots.borrow_mut();
                let waited = epoll.borrow_mut().wait(timeout, |ev| {
                    if ev.key == crate::epoll::NOTIFY_KEY {
                        notified = true;
                        return;
                    }
                    let Some(Some(st)) = slots.get_mut(ev.key) else {
                        return;
                    };
                    st.read.closed |= ev.read_closed;
                    if ev.readable {
                        st.read.on_event(&mut wakers);
                    }
                    if ev.writable {
                        st.write.on_event(&mut wakers);
                    }
                });
                if let Err(e) = waited {
                    panic!("aio reactor: polling the OS failed: {e}");
                }
            }
            if notified {
                // Another thread woke the loop through `polling`: let it consume and
                // re-arm its notification (its instance holds nothing else).
                let mut events = self.events.borrow_mut();
                events.clear();
                let _ = self.shared.poller.wait(&mut events, Some(Duration::ZERO));
            }
            for w in wakers {
                crate::executor::wake_quietly(w);
            }
            return;
        }
        {
            let mut events = self.events.borrow_mut();
            events.clear();
            match self.shared.poller.wait(&mut events, timeout) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The poller itself failing is not recoverable for any task; surface it.
                Err(e) => panic!("aio reactor: polling the OS failed: {e}"),
            }
            let mut slots = self.slots.borrow_mut();
            for ev in events.iter() {
                let Some(Some(st)) = slots.get_mut(ev.key) else {
                    continue;
                };
                if ev.readable {
                    st.read.on_event(&mut wakers);
                }
                if ev.writable {
                    st.write.on_event(&mut wakers);
                }
                // Oneshot: the event disarmed the fd; re-arm a direction still waited for.
                // Errors surface to the waiting task, which retries its operation. (In
                // edge mode nothing is ever armed.)
                if st.read.armed || st.write.armed {
                    let _ = self.modify(ev.key, st);
                }
            }
        }
        for w in wakers {
            crate::executor::wake_quietly(w);
        }
    }

    fn modify(&self, key: usize, st: &IoState) -> io::Result<()> {
        #[cfg(test)]
        self.modifies.set(self.modifies.get() + 1);
        // SAFETY: the fd is registered, so its owner has not closed it (an `Async` removes
        // the registration before dropping the I/O object).
        let fd = unsafe { BorrowedFd::borrow_raw(st.fd) };
        self.shared
            .poller
            .modify(fd, Event::new(key, st.read.armed, st.write.armed))
    }

    fn register(&self, fd: BorrowedFd<'_>) -> io::Result<usize> {
        let mut slots = self.slots.borrow_mut();
        let key = match self.free.borrow_mut().pop() {
            Some(k) => k,
            None => {
                slots.push(None);
                slots.len() - 1
            }
        };
        let fd_raw = fd.as_raw_fd();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let own = self.epoll.as_ref().map(|e| e.borrow().add(fd_raw, key));
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let own: Option<io::Result<()>> = None;
        // SAFETY: `Async` deletes the registration before its I/O object closes the fd.
        let added = own.unwrap_or_else(|| unsafe {
            if self.edge {
                self.shared
                    .poller
                    .add_with_mode(fd_raw, Event::all(key), PollMode::Edge)
            } else {
                self.shared.poller.add(fd_raw, Event::none(key))
            }
        });
        if let Err(e) = added {
            self.free.borrow_mut().push(key);
            return Err(e);
        }
        let read = Direction {
            drained: self.edge,
            ..Direction::default()
        };
        slots[key] = Some(IoState {
            fd: fd_raw,
            read,
            write: Direction::default(),
        });
        self.count.set(self.count.get() + 1);
        Ok(key)
    }

    fn deregister(&self, key: usize) {
        let st = self.slots.borrow_mut()[key].take();
        if let Some(st) = st {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            let own = self.epoll.as_ref().map(|e| e.borrow().delete(st.fd));
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            let own: Option<io::Result<()>> = None;
            if own.is_none() {
                // SAFETY: still open: called before the owner drops the I/O object.
                let fd = unsafe { BorrowedFd::borrow_raw(st.fd) };
                let _ = self.shared.poller.delete(fd);
            }
            self.free.borrow_mut().push(key);
            self.count.set(self.count.get() - 1);
            self.trim();
            drop(st); // wakers dropped after the borrow ended
        }
    }

    /// Gives a burst's registry memory back once most sources are gone: trailing free
    /// slots are cut off (keys in use stay valid). Runs when the source count falls to a
    /// power of two (or zero) below a quarter of the table, so its O(table) cost is paid
    /// O(log n) times while n sources close.
    fn trim(&self) {
        let count = self.count.get();
        let mut slots = self.slots.borrow_mut();
        if slots.capacity() <= SHRINK_ABOVE
            || count > slots.len() / 4
            || !(count == 0 || count.is_power_of_two())
        {
            return;
        }
        let before = slots.len();
        while matches!(slots.last(), Some(None)) {
            slots.pop();
        }
        let len = slots.len();
        if len == before {
            return;
        }
        slots.shrink_to(len.max(SHRINK_TO));
        let mut free = self.free.borrow_mut();
        free.retain(|&k| k < len);
        free.shrink_to_fit();
    }

    /// `drain`: the operation just returned `WouldBlock`, so the direction is marked
    /// drained as well (see `Direction::drained`).
    fn poll_ready(
        &self,
        key: usize,
        write: bool,
        drain: bool,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        // Wakers taken out are woken after the borrow (a foreign waker may run any code):
        // on a flush (they re-register if still waiting) or when arming failed (the other
        // waiters retry and see the error themselves).
        let mut to_wake = Vec::new();
        let r = self.poll_ready_inner(key, write, drain, cx, &mut to_wake);
        for w in to_wake {
            if !w.will_wake(cx.waker()) {
                crate::executor::wake_quietly(w);
            }
        }
        r
    }

    fn poll_ready_inner(
        &self,
        key: usize,
        write: bool,
        drain: bool,
        cx: &mut Context<'_>,
        to_wake: &mut Vec<Waker>,
    ) -> Poll<io::Result<()>> {
        let mut slots = self.slots.borrow_mut();
        let st = slots[key]
            .as_mut()
            .expect("I/O source used after deregistration");
        let dir = if write { &mut st.write } else { &mut st.read };
        dir.drained |= drain;
        if dir.ready {
            dir.ready = false;
            return Poll::Ready(Ok(()));
        }
        dir.add_waiter(cx.waker(), to_wake);
        if !self.edge && !dir.armed {
            dir.armed = true;
            if let Err(e) = self.modify(key, st) {
                let dir = if write { &mut st.write } else { &mut st.read };
                dir.armed = false;
                dir.take_waiters(to_wake);
                return Poll::Ready(Err(e));
            }
        }
        Poll::Pending
    }

    /// Called before an operation is tried: `true` to try it, `false` to wait for an
    /// event first (the last operation drained the direction and no event came since).
    /// Trying consumes any readiness seen so far (see `Async::poll_read_with`).
    fn begin(&self, key: usize, write: bool) -> bool {
        let mut slots = self.slots.borrow_mut();
        let Some(st) = slots[key].as_mut() else {
            return true;
        };
        let dir = if write { &mut st.write } else { &mut st.read };
        if dir.drained {
            return false;
        }
        dir.ready = false;
        true
    }

    /// Records that a stream operation took fewer bytes than offered: a write filled
    /// the send buffer, a read emptied the receive queue (unless the peer shut down).
    fn set_drained(&self, key: usize, write: bool) {
        let mut slots = self.slots.borrow_mut();
        if let Some(st) = slots[key].as_mut() {
            let dir = if write { &mut st.write } else { &mut st.read };
            dir.drained = !dir.closed;
        }
    }
}

/// An I/O object registered with the current loop's reactor.
///
/// `T` must be in non-blocking mode (`set_nonblocking(true)` on std sockets) before it is
/// wrapped. The registration is removed before `T` is dropped, so the fd is never closed
/// while the poller watches it. `Async` is `!Send`: it belongs to its loop.
pub(crate) struct Async<T: AsFd> {
    // Field order matters: the registration is dropped (deregistered) before `io`.
    source: Source,
    io: T,
}

struct Source {
    reactor: Rc<Reactor>,
    key: usize,
}

impl Drop for Source {
    fn drop(&mut self) {
        self.reactor.deregister(self.key);
    }
}

#[allow(dead_code)] // the API for net.rs; not every item is used by every I/O type
impl<T: AsFd> Async<T> {
    /// Registers `io` with the reactor of the loop running on this thread.
    ///
    /// # Errors
    /// Outside an aio runtime (`ErrorKind::Other`), or when the OS refuses the registration.
    pub(crate) fn new(io: T) -> io::Result<Async<T>> {
        let core = current_core().ok_or_else(|| {
            io::Error::other("aio I/O objects must be created inside an aio runtime")
        })?;
        let reactor = core.reactor.clone();
        let key = reactor.register(io.as_fd())?;
        Ok(Async {
            source: Source { reactor, key },
            io,
        })
    }

    /// The I/O object.
    pub(crate) fn get_ref(&self) -> &T {
        &self.io
    }

    /// The I/O object, mutably. Do not replace or close its fd.
    pub(crate) fn get_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Deregisters and returns the I/O object (still in non-blocking mode).
    pub(crate) fn into_inner(self) -> T {
        let Async { source, io } = self;
        drop(source);
        io
    }

    /// `Ready(Ok(()))` when the fd became readable since the last `Ready`; else arms the
    /// interest, adds the task to the direction's waiters and returns `Pending`. Any
    /// number of tasks may wait; an event wakes them all.
    pub(crate) fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.source
            .reactor
            .poll_ready(self.source.key, false, false, cx)
    }

    /// Like [`poll_readable`](Self::poll_readable) for writability.
    pub(crate) fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.source
            .reactor
            .poll_ready(self.source.key, true, false, cx)
    }

    /// Waits until the fd is (probably) readable.
    pub(crate) async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_readable(cx)).await
    }

    /// Waits until the fd is (probably) writable.
    pub(crate) async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_writable(cx)).await
    }

    /// Runs the non-blocking read-side operation `op` until it does not return
    /// `WouldBlock`, waiting for readability in between.
    pub(crate) fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_op(cx, false, op, |_| false)
    }

    /// Like [`poll_read_with`](Self::poll_read_with) for the write side.
    pub(crate) fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_op(cx, true, op, |_| false)
    }

    /// [`poll_write_with`](Self::poll_write_with) for a stream write of `len` bytes: a
    /// write that takes fewer (but some) bytes filled the send buffer, so the next write
    /// waits for writability instead of trying a write that would return `WouldBlock`.
    /// (There is no read-side twin: a short read does not prove the queue empty, an
    /// end of stream may wait behind the data and would bring no new event.)
    pub(crate) fn poll_write_some(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        self.poll_op(cx, true, op, |&n| n > 0 && n < len)
    }

    /// [`poll_read_with`](Self::poll_read_with) for a stream read into `len` bytes.
    /// Where events report a peer's shutdown (see `epoll.rs`), a read that returns fewer
    /// (but some) bytes emptied the receive queue, so the next read waits for an event
    /// instead of trying a read that would return `WouldBlock`; an end of stream that
    /// came with the data is known from the event, and then the next read is tried.
    pub(crate) fn poll_read_some(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let short_drains = self.source.reactor.tracks_read_close();
        self.poll_op(cx, false, op, |&n| short_drains && n > 0 && n < len)
    }

    fn poll_op<R>(
        &self,
        cx: &mut Context<'_>,
        write: bool,
        mut op: impl FnMut(&T) -> io::Result<R>,
        drained: impl Fn(&R) -> bool,
    ) -> Poll<io::Result<R>> {
        let (reactor, key) = (&self.source.reactor, self.source.key);
        // Trying the operation consumes any readiness seen so far: without this, the
        // `WouldBlock` after the event's data is gone would return at once from
        // `poll_ready` and cost a second attempt. Safe in both modes: edge-triggered, any
        // readiness after the `WouldBlock` (or after the short write that filled the send
        // buffer) brings a new edge; oneshot, arming is level-triggered.
        if !reactor.begin(key, write) {
            std::task::ready!(reactor.poll_ready(key, write, false, cx))?;
        }
        loop {
            match op(&self.io) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Drained until an event: a task polled again before one (woken for
                    // something else, as an HTTP connection is after writing its answer)
                    // waits without another attempt that must fail.
                    std::task::ready!(reactor.poll_ready(key, write, true, cx))?;
                }
                Ok(r) => {
                    if drained(&r) {
                        reactor.set_drained(key, write);
                    }
                    return Poll::Ready(Ok(r));
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Async form of [`poll_read_with`](Self::poll_read_with).
    pub(crate) async fn read_with<R>(
        &self,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// Async form of [`poll_write_with`](Self::poll_write_with).
    pub(crate) async fn write_with<R>(
        &self,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
    }
}

#[cfg(test)]
mod tests {
    use super::Async;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    use std::cell::Cell;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Wake, Waker};

    thread_local! {
        /// Loops created on this thread register their sources in oneshot mode, as on a
        /// poller without edge-triggering, so both modes are tested on every platform.
        pub(super) static FORCE_ONESHOT: Cell<bool> = const { Cell::new(false) };
    }

    /// Runs `test` with the platform's mode (edge-triggered where supported), then again
    /// in oneshot mode.
    fn in_both_modes(test: impl Fn()) {
        for oneshot in [false, true] {
            FORCE_ONESHOT.with(|f| f.set(oneshot));
            test();
        }
        FORCE_ONESHOT.with(|f| f.set(false));
    }

    /// A connected socket pair in non-blocking mode.
    fn nonblocking_pair() -> (UnixStream, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        b.set_nonblocking(true).unwrap();
        (a, b)
    }

    /// A waker that counts its wakes.
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn socket_pair_read_waits_for_data() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                let b = Async::new(b).unwrap();
                let reader = crate::spawn(async move {
                    let mut buf = [0u8; 16];
                    let n = a.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                    buf[..n].to_vec()
                });
                crate::sleep(Duration::from_millis(20)).await;
                assert!(!reader.done(), "the reader must wait for data");
                b.write_with(|mut s| s.write(b"ping")).await.unwrap();
                assert_eq!(reader.await.unwrap(), b"ping");
            });
        });
    }

    #[test]
    fn readable_and_writable_together_and_eof() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                let b = Async::new(b).unwrap();
                // A writer on the same source as a waiting reader: both directions armed.
                let a2 = a.clone();
                let reader = crate::spawn(async move {
                    let mut got = Vec::new();
                    let mut buf = [0u8; 4];
                    loop {
                        let n = a2.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                        if n == 0 {
                            break got;
                        }
                        got.extend_from_slice(&buf[..n]);
                    }
                });
                crate::yield_now().await;
                a.write_with(|mut s| s.write(b"hello")).await.unwrap();
                let mut buf = [0u8; 5];
                let mut read = 0;
                while read < 5 {
                    read += b.read_with(|mut s| s.read(&mut buf[read..])).await.unwrap();
                }
                assert_eq!(&buf, b"hello");
                b.write_with(|mut s| s.write(b"0123456789")).await.unwrap();
                drop(b.into_inner()); // EOF for the reader
                assert_eq!(reader.await.unwrap(), b"0123456789");
            });
        });
    }

    #[test]
    fn a_consumed_event_costs_no_extra_attempt() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                let b = Async::new(b).unwrap();
                let attempts = std::rc::Rc::new(std::cell::Cell::new(0));
                let (a2, n2) = (a.clone(), attempts.clone());
                let reader = crate::spawn(async move {
                    let mut buf = [0u8; 16];
                    for _ in 0..2 {
                        a2.read_with(|mut s| {
                            n2.set(n2.get() + 1);
                            s.read(&mut buf)
                        })
                        .await
                        .unwrap();
                    }
                });
                // A fresh source: edge mode waits for its first event, oneshot mode tries
                // (WouldBlock) and then waits.
                let first = usize::from(FORCE_ONESHOT.with(Cell::get));
                crate::sleep(Duration::from_millis(10)).await;
                assert_eq!(attempts.get(), first);
                b.write_with(|mut s| s.write(b"x")).await.unwrap();
                crate::sleep(Duration::from_millis(10)).await;
                // The event: one successful read; then the second read: one WouldBlock and a
                // wait, not a second attempt on the stale readiness of the first event.
                assert_eq!(attempts.get(), first + 2);
                b.write_with(|mut s| s.write(b"y")).await.unwrap();
                reader.await.unwrap();
                assert_eq!(attempts.get(), first + 3);
            });
        });
    }

    #[test]
    fn waits_change_no_interest_in_edge_mode_and_rearm_in_oneshot_mode() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                let b = Async::new(b).unwrap();
                let reactor = a.source.reactor.clone();
                let forced = FORCE_ONESHOT.with(Cell::get);
                if cfg!(any(
                    target_os = "linux",
                    target_os = "android",
                    target_os = "macos"
                )) {
                    assert_eq!(reactor.edge, !forced, "epoll and kqueue support edge mode");
                }
                let a2 = a.clone();
                let reader = crate::spawn(async move {
                    let mut buf = [0u8; 1];
                    for _ in 0..20 {
                        a2.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                    }
                });
                for _ in 0..20 {
                    // The reader is waiting (WouldBlock) when each byte arrives.
                    crate::sleep(Duration::from_millis(1)).await;
                    b.write_with(|mut s| s.write(b"x")).await.unwrap();
                }
                reader.await.unwrap();
                let modifies = reactor.modifies.get();
                if reactor.edge {
                    assert_eq!(modifies, 0, "edge mode never re-arms");
                } else {
                    assert!(modifies >= 20, "one arming per wait, got {modifies}");
                }
            });
        });
    }

    #[test]
    fn a_short_write_waits_for_room_without_trying_again() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                let b = Async::new(b).unwrap();
                let attempts = Cell::new(0);
                let chunk = vec![1u8; 1 << 16];
                let write_once = |cx: &mut Context<'_>| {
                    a.poll_write_some(cx, chunk.len(), |mut s| {
                        attempts.set(attempts.get() + 1);
                        s.write(&chunk)
                    })
                };
                // Fill the send buffer until a write is short.
                let mut sent = 0;
                let short = std::future::poll_fn(|cx| {
                    std::task::Poll::Ready(loop {
                        match write_once(cx) {
                            std::task::Poll::Ready(n) => {
                                let n = n.unwrap();
                                sent += n;
                                if n < chunk.len() {
                                    break true;
                                }
                            }
                            std::task::Poll::Pending => break false,
                        }
                    })
                })
                .await;
                if !short {
                    return; // the buffer filled exactly (WouldBlock): nothing to check
                }
                let before = attempts.get();
                let pending =
                    std::future::poll_fn(|cx| std::task::Poll::Ready(write_once(cx).is_pending()))
                        .await;
                assert!(pending, "the buffer is full");
                assert_eq!(attempts.get(), before, "no attempt that must fail");
                // Drain from the other side: room again, the writer writes at once.
                let mut buf = vec![0u8; 1 << 16];
                let mut got = 0;
                while got < sent {
                    got += b.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                }
                let n = std::future::poll_fn(write_once).await.unwrap();
                assert!(n > 0);
                assert_eq!(attempts.get(), before + 1);
            });
        });
    }

    #[test]
    fn a_read_polled_again_before_an_event_makes_no_attempt() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                (&b).write_all(b"x").unwrap();
                let attempts = Cell::new(0);
                let mut buf = [0u8; 16];
                let mut read_once = |cx: &mut Context<'_>| {
                    a.poll_read_with(cx, |mut s| {
                        attempts.set(attempts.get() + 1);
                        s.read(&mut buf)
                    })
                };
                let n = std::future::poll_fn(&mut read_once).await.unwrap();
                assert_eq!(n, 1);
                let tried = attempts.get();
                // Nothing left: one attempt (WouldBlock), then the task waits.
                let mut poll_once =
                    |cx: &mut Context<'_>| std::task::Poll::Ready(read_once(cx).is_pending());
                assert!(std::future::poll_fn(&mut poll_once).await);
                assert_eq!(attempts.get(), tried + 1);
                // Polled again with no event since (the task was woken by something
                // else): it waits without trying.
                assert!(std::future::poll_fn(&mut poll_once).await);
                assert_eq!(attempts.get(), tried + 1);
                // The next data is read at its event, in one attempt.
                (&b).write_all(b"y").unwrap();
                let n = std::future::poll_fn(&mut read_once).await.unwrap();
                assert_eq!(n, 1);
                assert_eq!(attempts.get(), tried + 2);
            });
        });
    }

    /// Where the reactor sees peer shutdowns (Linux, edge mode), a short stream read
    /// empties the queue: the next read waits for an event instead of trying. Elsewhere
    /// it is tried (and returns `WouldBlock`).
    #[test]
    fn a_short_stream_read_waits_for_the_next_event_where_shutdowns_are_seen() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                let tracked = a.source.reactor.tracks_read_close();
                if cfg!(any(target_os = "linux", target_os = "android")) {
                    assert_eq!(tracked, !FORCE_ONESHOT.with(Cell::get));
                }
                (&b).write_all(b"first").unwrap();
                let attempts = Cell::new(0);
                let mut buf = [0u8; 16];
                let mut read_once = |cx: &mut Context<'_>| {
                    a.poll_read_some(cx, 16, |mut s| {
                        attempts.set(attempts.get() + 1);
                        s.read(&mut buf)
                    })
                };
                let n = std::future::poll_fn(&mut read_once).await.unwrap();
                assert_eq!(n, 5, "a short read");
                let tried = attempts.get();
                let mut poll_once =
                    |cx: &mut Context<'_>| std::task::Poll::Ready(read_once(cx).is_pending());
                assert!(std::future::poll_fn(&mut poll_once).await);
                assert_eq!(attempts.get(), tried + usize::from(!tracked));
                (&b).write_all(b"second").unwrap();
                let n = std::future::poll_fn(&mut read_once).await.unwrap();
                assert_eq!(n, 6);
                assert_eq!(attempts.get(), tried + 1 + usize::from(!tracked));
            });
        });
    }

    /// The end of stream right behind the data, in the same event: the short read does
    /// not make the next read wait (it returns 0 at once); and a peer shutting down
    /// while a reader waits wakes it.
    #[test]
    fn a_short_stream_read_does_not_hide_an_end_of_stream() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                (&b).write_all(b"last words").unwrap();
                b.shutdown(std::net::Shutdown::Write).unwrap();
                let mut buf = [0u8; 64];
                let n =
                    std::future::poll_fn(|cx| a.poll_read_some(cx, 64, |mut s| s.read(&mut buf)))
                        .await
                        .unwrap();
                assert_eq!(&buf[..n], b"last words");
                let eof = crate::wait_for(
                    Duration::from_secs(5),
                    std::future::poll_fn(|cx| a.poll_read_some(cx, 64, |mut s| s.read(&mut buf))),
                )
                .await
                .expect("the end of stream must not wait for an event that never comes");
                assert_eq!(eof.unwrap(), 0);

                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                (&b).write_all(b"data").unwrap();
                let a2 = a.clone();
                let reader = crate::spawn(async move {
                    let mut buf = [0u8; 64];
                    let mut reads = Vec::new();
                    loop {
                        let n = std::future::poll_fn(|cx| {
                            a2.poll_read_some(cx, 64, |mut s| s.read(&mut buf))
                        })
                        .await
                        .unwrap();
                        reads.push(n);
                        if n == 0 {
                            break reads;
                        }
                    }
                });
                crate::sleep(Duration::from_millis(10)).await;
                b.shutdown(std::net::Shutdown::Write).unwrap();
                let reads = crate::wait_for(Duration::from_secs(5), reader)
                    .await
                    .expect("the shutdown woke the reader")
                    .unwrap();
                assert_eq!(reads, [4, 0]);
            });
        });
    }

    /// A task waiting for room to write is not woken when the socket becomes readable.
    #[test]
    fn a_readable_event_does_not_wake_a_task_waiting_to_write() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                let attempts = std::rc::Rc::new(Cell::new(0));
                let (a2, n2) = (a.clone(), attempts.clone());
                let writer = crate::spawn(async move {
                    let chunk = vec![1u8; 1 << 16];
                    loop {
                        std::future::poll_fn(|cx| {
                            a2.poll_write_some(cx, chunk.len(), |mut s| {
                                n2.set(n2.get() + 1);
                                s.write(&chunk)
                            })
                        })
                        .await
                        .unwrap();
                    }
                });
                // The writer fills the send buffer and waits for room.
                crate::sleep(Duration::from_millis(20)).await;
                let before = attempts.get();
                assert!(before > 0);
                (&b).write_all(b"news for the reader").unwrap();
                crate::sleep(Duration::from_millis(20)).await;
                assert_eq!(attempts.get(), before, "the writer was not woken");
                writer.cancel();
            });
        });
    }

    /// Reads once from `a`, counting the read attempts in `attempts`.
    async fn counted_read(a: &Async<UnixStream>, attempts: &Cell<usize>) -> usize {
        let mut buf = [0u8; 16];
        a.read_with(|mut s| {
            attempts.set(attempts.get() + 1);
            s.read(&mut buf)
        })
        .await
        .unwrap()
    }

    #[test]
    fn a_fresh_source_is_read_once_there_is_something_to_read() {
        in_both_modes(|| {
            crate::run(async {
                let edge = !FORCE_ONESHOT.with(Cell::get);
                // Data queued before the registration: the first event brings it.
                let (a, b) = nonblocking_pair();
                (&b).write_all(b"early").unwrap();
                let a = Async::new(a).unwrap();
                let attempts = Cell::new(0);
                assert_eq!(counted_read(&a, &attempts).await, 5);
                assert_eq!(attempts.get(), 1);
                // Nothing queued: in edge mode no read is tried before the data comes.
                let (a, b) = nonblocking_pair();
                let a = std::rc::Rc::new(Async::new(a).unwrap());
                let attempts = std::rc::Rc::new(Cell::new(0));
                let (a2, n2) = (a.clone(), attempts.clone());
                let reader = crate::spawn(async move { counted_read(&a2, &n2).await });
                crate::sleep(Duration::from_millis(10)).await;
                assert_eq!(attempts.get(), usize::from(!edge));
                (&b).write_all(b"late").unwrap();
                assert_eq!(reader.await.unwrap(), 4);
                assert_eq!(attempts.get(), 1 + usize::from(!edge));
            });
        });
    }

    #[test]
    fn a_short_read_before_the_end_of_stream_does_not_wait_for_an_event() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                // Data and the end of stream arrive together: one event for both.
                (&b).write_all(b"last words").unwrap();
                drop(b);
                let mut buf = [0u8; 64];
                let n = a.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                assert_eq!(&buf[..n], b"last words");
                let eof = crate::wait_for(
                    Duration::from_secs(5),
                    a.read_with(|mut s| s.read(&mut buf)),
                )
                .await
                .expect("the end of stream must not wait for an event that never comes");
                assert_eq!(eof.unwrap(), 0);
            });
        });
    }

    #[test]
    fn the_registry_keeps_a_small_table_and_returns_a_large_one() {
        crate::run(async {
            let probe = Async::new(nonblocking_pair().0).unwrap();
            let reactor = probe.source.reactor.clone();
            let open = |n: usize| -> Vec<_> {
                (0..n)
                    .map(|_| Async::new(nonblocking_pair().0).unwrap())
                    .collect()
            };
            let few = open(40);
            let cap = reactor.slots.borrow().capacity();
            drop(few);
            assert_eq!(
                reactor.slots.borrow().capacity(),
                cap,
                "a table of {cap} sources is reused, not reallocated"
            );
            let many = open(2 * super::SHRINK_ABOVE);
            drop(many);
            assert!(
                reactor.slots.borrow().capacity() <= super::SHRINK_TO.max(2),
                "the burst's table is returned: {}",
                reactor.slots.borrow().capacity()
            );
        });
    }

    #[test]
    fn every_waiter_is_woken_once_and_a_repolling_task_is_recorded_once() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                let counts: Vec<_> = (0..3)
                    .map(|_| Arc::new(Count(AtomicUsize::new(0))))
                    .collect();
                let wakers: Vec<Waker> = counts.iter().map(|c| Waker::from(c.clone())).collect();
                // The first waiter polls again and again (as a task woken by a timer would).
                for w in [
                    &wakers[0], &wakers[0], &wakers[1], &wakers[0], &wakers[2], &wakers[1],
                ] {
                    assert!(a.poll_readable(&mut Context::from_waker(w)).is_pending());
                }
                {
                    let slots = a.source.reactor.slots.borrow();
                    let dir = &slots[a.source.key].as_ref().unwrap().read;
                    assert!(dir.waker.as_ref().unwrap().will_wake(&wakers[0]));
                    assert_eq!(dir.extra.len(), 2, "one entry per waiting task");
                }
                (&b).write_all(b"!").unwrap();
                crate::sleep(Duration::from_millis(10)).await;
                let woken: Vec<_> = counts.iter().map(|c| c.0.load(Ordering::SeqCst)).collect();
                assert_eq!(woken, [1, 1, 1]);
            });
        });
    }

    #[test]
    fn cancelled_waiters_are_shed_by_flushes_and_every_waiter_is_woken_once() {
        in_both_modes(|| {
            crate::run(async {
                let (a, b) = nonblocking_pair();
                let a = Async::new(a).unwrap();
                // 1000 tasks wait once and never come back (cancelled, say).
                let counts: Vec<_> = (0..1000)
                    .map(|_| Arc::new(Count(AtomicUsize::new(0))))
                    .collect();
                for c in &counts {
                    let w = Waker::from(c.clone());
                    assert!(a.poll_readable(&mut Context::from_waker(&w)).is_pending());
                }
                let registered = {
                    let slots = a.source.reactor.slots.borrow();
                    let dir = &slots[a.source.key].as_ref().unwrap().read;
                    1 + dir.extra.len()
                };
                let woken: usize = counts.iter().map(|c| c.0.load(Ordering::SeqCst)).sum();
                assert_eq!(woken + registered, 1000);
                assert!(registered < 1000 / 2, "{registered} dead waiters kept");
                (&b).write_all(b"!").unwrap();
                crate::sleep(Duration::from_millis(10)).await;
                assert!(counts.iter().all(|c| c.0.load(Ordering::SeqCst) == 1));
            });
        });
    }

    #[test]
    fn outside_a_runtime_is_an_error() {
        let (a, _b) = UnixStream::pair().unwrap();
        assert!(Async::new(a).is_err());
    }
}
