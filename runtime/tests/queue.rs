//! Queue, PriorityQueue and LifoQueue: order, waiting, fairness, cancellation,
//! close and join. Most tests poll futures by hand so the interleaving is exact.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use aio_runtime::{LifoQueue, PriorityQueue, Queue, QueueClosed, TryGetError, TryPutError};

/// A waker that counts its wake-ups.
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
fn poll<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

#[test]
fn fifo_lifo_and_priority_orders() {
    let q = Queue::unbounded();
    let l = LifoQueue::unbounded();
    let p = PriorityQueue::unbounded();
    for x in [3, 1, 2] {
        q.try_put(x).unwrap();
        l.try_put(x).unwrap();
        p.try_put((x, "job")).unwrap();
    }
    let drain = |f: &dyn Fn() -> Option<i32>| std::iter::from_fn(f).collect::<Vec<_>>();
    assert_eq!(drain(&|| q.try_get().ok()), [3, 1, 2]);
    assert_eq!(drain(&|| l.try_get().ok()), [2, 1, 3]);
    assert_eq!(drain(&|| p.try_get().ok().map(|(x, _)| x)), [1, 2, 3]);
}

#[test]
fn try_put_and_try_get_report_full_empty_and_closed() {
    let q = Queue::bounded(1);
    assert_eq!(q.capacity(), Some(1));
    assert_eq!(q.try_get(), Err(TryGetError::Empty));
    q.try_put(1).unwrap();
    assert!(q.is_full());
    assert_eq!(q.try_put(2).map_err(TryPutError::into_inner), Err(2));
    assert!(matches!(q.try_put(2), Err(TryPutError::Full(2))));
    q.close();
    assert!(matches!(q.try_put(3), Err(TryPutError::Closed(3))));
    assert_eq!(q.try_get(), Ok(1), "items queued before close are kept");
    assert_eq!(q.try_get(), Err(TryGetError::Closed));
    assert_eq!(Queue::<u8>::unbounded().capacity(), None);
}

#[test]
fn put_waits_while_full_and_get_while_empty() {
    let (f, w) = flag();
    let q = Queue::bounded(1);
    let mut get = q.get();
    assert!(poll(&mut get, &w).is_pending());
    assert!(poll(&mut q.put(1), &w).is_ready());
    assert_eq!(woken(&f), 1);
    assert_eq!(poll(&mut get, &w), Poll::Ready(Ok(1)));

    q.try_put(2).unwrap();
    let mut put = q.put(3);
    assert!(poll(&mut put, &w).is_pending(), "full: put waits");
    assert_eq!(q.try_get(), Ok(2));
    assert_eq!(woken(&f), 2, "the freed slot wakes the producer");
    assert_eq!(poll(&mut put, &w), Poll::Ready(Ok(())));
    assert_eq!(q.len(), 1);
}

#[test]
fn waiting_consumers_are_served_in_arrival_order_and_newcomers_do_not_jump_the_line() {
    let (_, w) = flag();
    let q = Queue::unbounded();
    let mut g1 = q.get();
    let mut g2 = q.get();
    assert!(poll(&mut g1, &w).is_pending());
    assert!(poll(&mut g2, &w).is_pending());
    q.try_put("a").unwrap();
    let mut late = q.get();
    assert!(
        poll(&mut late, &w).is_pending(),
        "the item is promised to g1, a newcomer must queue"
    );
    q.try_put("b").unwrap();
    // g2 is polled before g1, yet each gets the item of its turn.
    assert_eq!(poll(&mut g2, &w), Poll::Ready(Ok("a")));
    assert_eq!(poll(&mut g1, &w), Poll::Ready(Ok("b")));
    q.try_put("c").unwrap();
    assert_eq!(poll(&mut late, &w), Poll::Ready(Ok("c")));
}

#[test]
fn a_cancelled_consumer_passes_its_wake_up_on() {
    let (f1, w1) = flag();
    let (f2, w2) = flag();
    let q = Queue::unbounded();
    let mut g1 = q.get();
    let mut g2 = q.get();
    assert!(poll(&mut g1, &w1).is_pending());
    assert!(poll(&mut g2, &w2).is_pending());
    q.try_put(7).unwrap();
    assert_eq!((woken(&f1), woken(&f2)), (1, 0));
    drop(g1);
    assert_eq!(woken(&f2), 1, "g1's wake-up went to g2");
    assert_eq!(poll(&mut g2, &w2), Poll::Ready(Ok(7)));
}

#[test]
fn a_cancelled_producer_passes_the_free_slot_on() {
    let (f1, w1) = flag();
    let (f2, w2) = flag();
    let q = Queue::bounded(1);
    q.try_put(0).unwrap();
    let mut p1 = q.put(1);
    let mut p2 = q.put(2);
    assert!(poll(&mut p1, &w1).is_pending());
    assert!(poll(&mut p2, &w2).is_pending());
    assert_eq!(q.try_get(), Ok(0));
    assert_eq!((woken(&f1), woken(&f2)), (1, 0));
    drop(p1);
    assert_eq!(woken(&f2), 1);
    assert_eq!(poll(&mut p2, &w2), Poll::Ready(Ok(())));
    assert_eq!(q.try_get(), Ok(2));
}

#[test]
fn close_wakes_waiters_with_errors_and_loses_no_item() {
    let (f, w) = flag();
    let (fg, wg) = flag();
    let q = Queue::bounded(1);
    let empty = Queue::<i32>::unbounded();
    let mut get = empty.get();
    assert!(poll(&mut get, &wg).is_pending());
    q.try_put(1).unwrap();
    let mut put = q.put(2);
    assert!(poll(&mut put, &w).is_pending());
    q.close();
    empty.close();
    assert_eq!(woken(&f), 1, "the blocked put is woken");
    assert_eq!(poll(&mut put, &w), Poll::Ready(Err(QueueClosed(2))));
    assert_eq!(woken(&fg), 1, "the blocked get is woken");
    assert_eq!(poll(&mut get, &wg), Poll::Ready(Err(QueueClosed(()))));
    assert_eq!(poll(&mut q.get(), &w), Poll::Ready(Ok(1)));
    assert_eq!(poll(&mut q.get(), &w), Poll::Ready(Err(QueueClosed(()))));
    assert!(poll(&mut q.put(9), &w).is_ready());
}

#[test]
fn join_waits_for_task_done_of_every_item() {
    let (f, w) = flag();
    let q = Queue::unbounded();
    assert!(
        poll(&mut q.join(), &w).is_ready(),
        "nothing put: join is ready"
    );
    q.try_put(1).unwrap();
    q.try_put(2).unwrap();
    let mut join = q.join();
    assert!(poll(&mut join, &w).is_pending());
    q.try_get().unwrap();
    q.task_done();
    assert!(poll(&mut join, &w).is_pending());
    q.try_get().unwrap();
    q.task_done();
    assert_eq!(woken(&f), 1);
    assert!(poll(&mut join, &w).is_ready());
}

#[test]
#[should_panic(expected = "task_done() called more times than items were put")]
fn task_done_too_often_panics() {
    Queue::<()>::unbounded().task_done();
}

/// The notes' pattern: consumers block on `get`, producers on `put` when full.
#[test]
fn producers_and_consumers() {
    use aio_runtime::{gather, spawn};
    use std::cell::Cell;
    use std::rc::Rc;

    // Items per producer (fewer under Miri, which interprets every step).
    const ITEMS: i32 = if cfg!(miri) { 12 } else { 50 };
    let (seen, max_len) = aio_runtime::run(async {
        let q = Queue::bounded(2);
        let max_len = Rc::new(Cell::new(0));
        let producers: Vec<_> = (0..3)
            .map(|p| {
                let (q, max_len) = (q.clone(), max_len.clone());
                spawn(async move {
                    for i in 0..ITEMS {
                        q.put(p * 100 + i).await.unwrap();
                        max_len.set(max_len.get().max(q.len()));
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..4)
            .map(|_| {
                let q = q.clone();
                spawn(async move {
                    let mut got = Vec::new();
                    while let Ok(x) = q.get().await {
                        got.push(x);
                        q.task_done();
                    }
                    got
                })
            })
            .collect();
        gather(producers).await;
        q.join().await;
        q.close();
        let seen: Vec<i32> = gather(consumers)
            .await
            .into_iter()
            .flat_map(Result::unwrap)
            .collect();
        (seen, max_len.get())
    });
    assert_eq!(seen.len(), 3 * ITEMS as usize);
    // Every item of every producer, exactly once.
    for p in 0..3 {
        let mut mine: Vec<_> = seen.iter().filter(|x| **x / 100 == p).copied().collect();
        mine.sort();
        assert_eq!(mine, (0..ITEMS).map(|i| p * 100 + i).collect::<Vec<_>>());
    }
    assert!(max_len <= 2, "the bound held");
}
