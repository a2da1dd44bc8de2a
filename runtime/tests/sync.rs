//! Event, Lock, Semaphore, Condition, Barrier: FIFO waiters, guards released on
//! drop, and cancelled waiters that pass their wake-up on. Futures are polled by
//! hand so the interleaving is exact.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use aio_runtime::sync::{Barrier, Condition, Event, Lock, Semaphore};

struct Flag(AtomicUsize);
impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
fn flag() -> (Arc<Flag>, Waker) {
    let f = Arc::new(Flag(AtomicUsize::new(0)));
    (f.clone(), Waker::from(f))
}
fn woken(f: &Flag) -> usize {
    f.0.load(Ordering::SeqCst)
}
fn poll<F: Future + ?Sized>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

#[test]
fn event_wakes_every_waiter_and_survives_a_cancelled_one() {
    let ev = Event::new();
    let (f1, w1) = flag();
    let (f2, w2) = flag();
    let mut a = ev.wait();
    let mut b = ev.wait();
    let mut c = ev.wait();
    assert!(poll(Pin::new(&mut a), &w1).is_pending());
    assert!(poll(Pin::new(&mut b), &w2).is_pending());
    assert!(poll(Pin::new(&mut c), &w2).is_pending());
    drop(a);
    ev.set();
    assert_eq!((woken(&f1), woken(&f2)), (0, 2));
    ev.clear();
    assert!(
        poll(Pin::new(&mut b), &w2).is_ready(),
        "woken by set: done even if cleared since"
    );
    assert!(poll(Pin::new(&mut c), &w2).is_ready());
    assert!(poll(Pin::new(&mut ev.wait()), &w2).is_pending());
}

#[test]
fn lock_is_handed_over_in_arrival_order_and_guards_release_on_drop() {
    let (_, w) = flag();
    let lock = Lock::new(Vec::new());
    let mut held = lock.try_lock().unwrap();
    held.push(0);
    let mut a = lock.lock();
    let mut b = lock.lock();
    assert!(poll(Pin::new(&mut a), &w).is_pending());
    assert!(poll(Pin::new(&mut b), &w).is_pending());
    drop(held);
    assert!(lock.locked(), "handed to a, not released");
    assert!(lock.try_lock().is_none(), "nobody may jump the line");
    assert!(poll(Pin::new(&mut b), &w).is_pending(), "b is second");
    let Poll::Ready(mut ga) = poll(Pin::new(&mut a), &w) else {
        panic!("a first")
    };
    ga.push(1);
    drop(ga);
    let Poll::Ready(mut gb) = poll(Pin::new(&mut b), &w) else {
        panic!("then b")
    };
    gb.push(2);
    drop(gb);
    drop((a, b));
    assert!(!lock.locked());
    assert_eq!(lock.into_inner(), [0, 1, 2]);
}

#[test]
fn a_cancelled_lock_waiter_passes_the_lock_on() {
    let (fa, wa) = flag();
    let (fb, wb) = flag();
    let lock = Lock::new(());
    let held = lock.try_lock().unwrap();
    let mut a = lock.lock();
    let mut b = lock.lock();
    assert!(poll(Pin::new(&mut a), &wa).is_pending());
    assert!(poll(Pin::new(&mut b), &wb).is_pending());
    drop(held);
    assert_eq!((woken(&fa), woken(&fb)), (1, 0));
    drop(a);
    assert_eq!(woken(&fb), 1, "a's turn went to b");
    assert!(poll(Pin::new(&mut b), &wb).is_ready());
    drop(b);
    // A cancelled waiter that was never picked releases nothing.
    let held = lock.try_lock().unwrap();
    let mut c = lock.lock();
    assert!(poll(Pin::new(&mut c), &wb).is_pending());
    drop(c);
    assert!(lock.locked());
    drop(held);
    assert!(!lock.locked());
}

#[test]
fn semaphore_limits_holders_and_passes_cancelled_permits_on() {
    let (fa, wa) = flag();
    let (fb, wb) = flag();
    let sem = Semaphore::new(2);
    let p1 = sem.try_acquire().unwrap();
    let p2 = pin!(sem.acquire());
    let Poll::Ready(p2) = poll(p2, &wa) else {
        panic!("second permit")
    };
    assert_eq!(sem.available_permits(), 0);
    let mut a = sem.acquire();
    let mut b = sem.acquire();
    assert!(poll(Pin::new(&mut a), &wa).is_pending());
    assert!(poll(Pin::new(&mut b), &wb).is_pending());
    drop(p1);
    assert_eq!(sem.available_permits(), 0, "the permit went straight to a");
    assert_eq!((woken(&fa), woken(&fb)), (1, 0));
    drop(a);
    assert_eq!(woken(&fb), 1, "a's permit went to b");
    let Poll::Ready(pb) = poll(Pin::new(&mut b), &wb) else {
        panic!("b holds a permit")
    };
    drop((p2, pb));
    assert_eq!(sem.available_permits(), 2);
    sem.try_acquire().unwrap().forget();
    assert_eq!(sem.available_permits(), 1);
    sem.add_permits(2);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn condition_notifies_oldest_first_and_a_cancelled_waiter_passes_it_on() {
    let (fa, wa) = flag();
    let (fb, wb) = flag();
    let lock = Lock::new(0);
    let cond = Condition::new();
    let mut a = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll(a.as_mut(), &wa).is_pending());
    assert!(!lock.locked(), "wait released the lock");
    let mut b = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll(b.as_mut(), &wb).is_pending());
    {
        let mut g = lock.try_lock().unwrap();
        *g = 1;
        assert_eq!(cond.notify(1), 1);
    }
    assert_eq!((woken(&fa), woken(&fb)), (1, 0));
    drop(a);
    assert_eq!(woken(&fb), 1, "a's notification went to b");
    let Poll::Ready(g) = poll(b.as_mut(), &wb) else {
        panic!("b re-acquired the lock")
    };
    assert_eq!(*g, 1);
    drop(g);
    assert_eq!(cond.notify_all(), 0);
}

#[test]
fn condition_wait_for_rechecks_the_predicate() {
    let (_, w) = flag();
    let lock = Lock::new(0);
    let cond = Condition::new();
    let mut waiter = Box::pin(cond.wait_for(lock.try_lock().unwrap(), |n| *n >= 2));
    for n in 1..=2 {
        assert!(poll(waiter.as_mut(), &w).is_pending());
        *lock.try_lock().unwrap() = n;
        cond.notify_all();
    }
    let Poll::Ready(g) = poll(waiter.as_mut(), &w) else {
        panic!("predicate holds")
    };
    assert_eq!(*g, 2);
}

#[test]
fn barrier_releases_a_full_round_and_cancelled_waiters_leave_it() {
    let (f, w) = flag();
    let barrier = Barrier::new(3);
    let mut a = barrier.wait();
    let mut b = barrier.wait();
    assert!(poll(Pin::new(&mut a), &w).is_pending());
    assert!(poll(Pin::new(&mut b), &w).is_pending());
    drop(b);
    assert_eq!(barrier.n_waiting(), 1, "b left the round");
    let mut c = barrier.wait();
    assert!(poll(Pin::new(&mut c), &w).is_pending());
    let Poll::Ready(last) = poll(Pin::new(&mut barrier.wait()), &w) else {
        panic!("the third party completes the round")
    };
    assert!(last.is_leader());
    assert_eq!(last.index(), 2);
    assert_eq!(woken(&f), 2);
    let Poll::Ready(ra) = poll(Pin::new(&mut a), &w) else {
        panic!("a released")
    };
    let Poll::Ready(rc) = poll(Pin::new(&mut c), &w) else {
        panic!("c released")
    };
    assert_eq!((ra.index(), rc.index()), (0, 1));
    assert!(!ra.is_leader());
    assert_eq!(barrier.n_waiting(), 0, "reset for the next round");
}
