//! The FIFO list of parked waiters behind every queue and lock in this crate.
//!
//! A waiter registers and gets a [`Key`]; `notify_one` marks the oldest waiter
//! *notified* (unlinking it and waking its task) and the waiter consumes the
//! notification the next time it is polled. A waiter that is dropped while
//! notified reports it through [`WaitList::cancel`], so that its owner can pass
//! the wake-up on: no notification is ever swallowed by a cancelled waiter.
//!
//! It is not thread-safe and knows nothing about what is being waited for; the
//! primitives that own one decide what a notification means (an item, a
//! permit, the lock itself).

use std::task::Waker;

/// Identifies one registration in a [`WaitList`].
pub(crate) type Key = usize;

const NIL: usize = usize::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Free,
    Waiting,
    Notified,
}

#[derive(Debug)]
struct Slot {
    state: State,
    waker: Option<Waker>,
    prev: usize,
    next: usize,
}

/// A slab of waiters threaded by an intrusive doubly-linked FIFO list: O(1)
/// register, notify and cancel, and no allocation once warmed up.
#[derive(Debug)]
pub(crate) struct WaitList {
    slots: Vec<Slot>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    waiting: usize,
    notified: usize,
}

impl Default for WaitList {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitList {
    pub(crate) const fn new() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            waiting: 0,
            notified: 0,
        }
    }

    /// Waiters registered and not yet notified.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting
    }

    /// Notifications handed out and not yet consumed or cancelled.
    pub(crate) fn notified(&self) -> usize {
        self.notified
    }

    fn alloc(&mut self, waker: Option<Waker>) -> usize {
        let slot = Slot {
            state: State::Waiting,
            waker,
            prev: NIL,
            next: NIL,
        };
        self.waiting += 1;
        match self.free.pop() {
            Some(key) => {
                self.slots[key] = slot;
                key
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        }
    }

    /// Registers a waiter at the back of the line.
    pub(crate) fn push_back(&mut self, waker: Option<Waker>) -> Key {
        let key = self.alloc(waker);
        self.slots[key].prev = self.tail;
        match self.tail {
            NIL => self.head = key,
            tail => self.slots[tail].next = key,
        }
        self.tail = key;
        key
    }

    /// Registers a waiter at the front of the line (one that was notified but
    /// found its item taken keeps its turn).
    pub(crate) fn push_front(&mut self, waker: Option<Waker>) -> Key {
        let key = self.alloc(waker);
        self.slots[key].next = self.head;
        match self.head {
            NIL => self.tail = key,
            head => self.slots[head].prev = key,
        }
        self.head = key;
        key
    }

    fn unlink(&mut self, key: usize) {
        let (prev, next) = (self.slots[key].prev, self.slots[key].next);
        match prev {
            NIL => self.head = next,
            p => self.slots[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.slots[n].prev = prev,
        }
        self.waiting -= 1;
    }

    fn release(&mut self, key: usize) {
        let slot = &mut self.slots[key];
        slot.state = State::Free;
        slot.waker = None;
        self.free.push(key);
    }

    /// Polls a registration: `true` consumes the notification (the key is no
    /// longer valid); `false` means still waiting, with the waker refreshed.
    pub(crate) fn poll_key(&mut self, key: Key, waker: &Waker) -> bool {
        match self.slots[key].state {
            State::Notified => {
                self.notified -= 1;
                self.release(key);
                true
            }
            State::Waiting => {
                let slot = &mut self.slots[key];
                match &slot.waker {
                    Some(w) if w.will_wake(waker) => {}
                    _ => slot.waker = Some(waker.clone()),
                }
                false
            }
            State::Free => unreachable!("wait-list key polled after release"),
        }
    }

    /// Withdraws a registration. Returns `true` if it had been notified and the
    /// notification was never consumed: the caller must pass it on.
    pub(crate) fn cancel(&mut self, key: Key) -> bool {
        let notified = match self.slots[key].state {
            State::Waiting => {
                self.unlink(key);
                false
            }
            State::Notified => {
                self.notified -= 1;
                true
            }
            State::Free => unreachable!("wait-list key cancelled after release"),
        };
        self.release(key);
        notified
    }

    /// Notifies the oldest waiter; `false` if nobody was waiting.
    pub(crate) fn notify_one(&mut self) -> bool {
        match self.notify_first() {
            Some(waker) => {
                if let Some(waker) = waker {
                    waker.wake();
                }
                true
            }
            None => false,
        }
    }

    /// Notifies the oldest waiter and hands back its waker (if it left one) instead of
    /// waking it, for owners that wake outside a lock; `None` if nobody was waiting.
    pub(crate) fn notify_first(&mut self) -> Option<Option<Waker>> {
        let key = self.head;
        if key == NIL {
            return None;
        }
        self.unlink(key);
        self.notified += 1;
        let slot = &mut self.slots[key];
        slot.state = State::Notified;
        Some(slot.waker.take())
    }

    /// Notifies every waiter registered now; returns how many.
    pub(crate) fn notify_all(&mut self) -> usize {
        let mut n = 0;
        while self.notify_one() {
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn fifo_order_front_insertion_and_cancel_pass_on() {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        let w = Waker::from(c.clone());
        let mut list = WaitList::new();
        let a = list.push_back(Some(w.clone()));
        let b = list.push_back(Some(w.clone()));
        let f = list.push_front(None);
        assert_eq!(list.waiting(), 3);
        assert!(list.notify_one());
        assert!(!list.poll_key(a, &w) && !list.poll_key(b, &w));
        assert!(list.poll_key(f, &w), "front insertion is served first");
        assert!(list.notify_one());
        assert_eq!(c.0.load(Ordering::SeqCst), 1, "a was woken");
        assert!(list.cancel(a), "a was notified, cancel reports it");
        assert_eq!(list.notified(), 0);
        assert!(!list.cancel(b), "b was only waiting");
        assert!(!list.notify_one());
        let d = list.push_back(None);
        assert_eq!(list.notify_all(), 1);
        assert!(list.poll_key(d, &w));
        assert_eq!((list.waiting(), list.notified()), (0, 0));
    }
}
