//! `aio::channel`: the bounded MPSC channel between loops and threads. Order, capacity,
//! the two ends going away, cancellation at the awkward moments (a sender woken for a
//! slot, then dropped or overtaken), the blocking forms on plain threads, and every item
//! dropped exactly once. The long randomized run is in `cores_stress.rs`.

use std::future::poll_fn;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use aio_runtime::{self as aio, TryRecvError, TrySendError};
use futures::StreamExt as _;

/// Fails the test instead of hanging it when a wake-up is lost.
async fn soon<F: Future>(what: &str, fut: F) -> F::Output {
    match aio::wait_for(Duration::from_secs(10), fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: still pending after 10 s (a lost wake-up)"),
    }
}

/// Polls `fut` once: `Some` if it completed.
async fn poll_once<F: Future + Unpin>(fut: &mut F) -> Option<F::Output> {
    poll_fn(|cx| {
        Poll::Ready(match std::pin::Pin::new(&mut *fut).poll(cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        })
    })
    .await
}

#[test]
fn try_ops_respect_capacity_and_report_why() {
    let (tx, mut rx) = aio::channel::<u32>(2);
    assert_eq!((tx.capacity(), rx.capacity()), (2, 2));
    assert!(tx.is_empty() && rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!((tx.len(), rx.len()), (2, 2));
    match tx.try_send(3) {
        Err(TrySendError::Full(3)) => {}
        other => panic!("expected Full(3), got {other:?}"),
    }
    assert_eq!(rx.try_recv(), Ok(1));
    tx.try_send(3).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Ok(3));
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        TryRecvError::Closed.to_string(),
        "the channel is empty and every sender is gone"
    );
}

#[test]
#[should_panic(expected = "the capacity must be at least 1")]
fn capacity_zero_is_refused() {
    let _ = aio::channel::<()>(0);
}

#[test]
fn the_value_comes_back_once_the_receiver_is_gone() {
    let (tx, rx) = aio::channel::<String>(1);
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    match tx.try_send("a".into()) {
        Err(TrySendError::Closed(v)) => assert_eq!(v, "a"),
        other => panic!("expected Closed, got {other:?}"),
    }
    assert_eq!(tx.send_blocking("b".into()).unwrap_err().into_inner(), "b");
    aio::run(async {
        let err = tx.send("c".into()).await.unwrap_err();
        assert_eq!(err.to_string(), "the channel's receiver is gone");
        assert_eq!(err.0, "c");
    });
}

#[test]
fn a_sender_waiting_for_room_gets_its_value_back_when_the_receiver_goes() {
    aio::run(async {
        let (tx, rx) = aio::channel::<u8>(1);
        tx.try_send(0).unwrap();
        let tx2 = tx.clone();
        let waiting = aio::spawn(async move { tx2.send(7).await });
        aio::yield_now().await;
        assert!(!waiting.done(), "the channel is full: the send waits");
        drop(rx);
        let err = soon("waiting sender", waiting).await.unwrap().unwrap_err();
        assert_eq!(err.into_inner(), 7);
    });
}

#[test]
fn recv_ends_with_none_only_after_every_sender_is_gone_and_the_queue_is_drained() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(4);
        let tx2 = tx.clone();
        tx.send(1).await.unwrap();
        drop(tx);
        tx2.send(2).await.unwrap();
        let waiter = aio::spawn(async move {
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            got
        });
        aio::yield_now().await;
        assert!(!waiter.done(), "one sender is still alive: recv waits");
        drop(tx2);
        assert_eq!(soon("receiver", waiter).await.unwrap(), [1, 2]);
    });
}

#[test]
fn waiting_senders_are_served_in_the_order_they_started_waiting() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(1);
        tx.send(0).await.unwrap();
        let mut senders = Vec::new();
        for i in 1..=5 {
            let tx = tx.clone();
            senders.push(aio::spawn(async move { tx.send(i).await.unwrap() }));
            aio::yield_now().await; // each starts waiting before the next is spawned
        }
        drop(tx);
        let mut got = Vec::new();
        while let Some(v) = soon("recv", rx.recv()).await {
            got.push(v);
        }
        assert_eq!(got, [0, 1, 2, 3, 4, 5]);
    });
}

#[test]
fn a_woken_sender_that_is_cancelled_passes_the_slot_on() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(1);
        tx.try_send(0).unwrap();
        let (b_tx, c_tx) = (tx.clone(), tx.clone());
        let b = aio::spawn(async move { b_tx.send(1).await });
        let c = aio::spawn(async move { c_tx.send(2).await });
        aio::yield_now().await; // both wait for room
        assert_eq!(rx.try_recv(), Ok(0)); // frees the slot: B is woken for it...
        b.cancel(); // ...and cancelled before it runs
        assert_eq!(
            soon("C", rx.recv()).await,
            Some(2),
            "C got the slot B gave up"
        );
        assert!(b.cancelled());
        assert!(c.await.unwrap().is_ok());
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    });
}

#[test]
fn a_woken_sender_overtaken_by_a_newcomer_keeps_its_place_at_the_front() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(1);
        tx.try_send(0).unwrap();
        let (b_tx, c_tx) = (tx.clone(), tx.clone());
        let b = aio::spawn(async move { b_tx.send(1).await.unwrap() });
        aio::yield_now().await;
        let c = aio::spawn(async move { c_tx.send(2).await.unwrap() });
        aio::yield_now().await; // B then C wait
        assert_eq!(rx.try_recv(), Ok(0)); // B is woken...
        tx.try_send(9).unwrap(); // ...but a newcomer takes the slot first
        aio::yield_now().await; // B runs, finds no room, waits again at the front
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(soon("recv", rx.recv()).await.unwrap());
        }
        assert_eq!(got, [9, 1, 2], "B stays ahead of C");
        b.await.unwrap();
        c.await.unwrap();
    });
}

#[test]
fn a_dropped_recv_future_loses_no_item() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(2);
        {
            let mut recv = pin!(rx.recv());
            assert_eq!(poll_once(&mut recv).await, None, "empty: pending");
            tx.send(1).await.unwrap();
            // Woken, then dropped without being polled again.
        }
        assert_eq!(rx.recv().await, Some(1));
    });
}

#[test]
fn a_dropped_send_future_queues_nothing_and_keeps_nothing() {
    aio::run(async {
        let (tx, mut rx) = aio::channel::<u32>(1);
        tx.send(1).await.unwrap();
        {
            let mut send = pin!(tx.send(2));
            assert_eq!(poll_once(&mut send).await, None, "full: pending");
        }
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(
            rx.try_recv(),
            Err(TryRecvError::Empty),
            "the dropped send queued nothing"
        );
        tx.send(3).await.unwrap();
        assert_eq!(rx.recv().await, Some(3));
    });
}

#[test]
fn a_receiver_is_a_stream() {
    aio::run(async {
        let (tx, rx) = aio::channel(8);
        for i in 0..5 {
            tx.send(i).await.unwrap();
        }
        drop(tx);
        assert_eq!(rx.collect::<Vec<_>>().await, [0, 1, 2, 3, 4]);
    });
}

/// Counts drops of the items that went through (or into) a channel.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn every_item_is_dropped_exactly_once_whoever_ends_first() {
    let drops = Arc::new(AtomicUsize::new(0));
    let item = || Counted(drops.clone());
    let (tx, mut rx) = aio::channel::<Counted>(4);
    tx.try_send(item()).unwrap();
    tx.try_send(item()).unwrap();
    tx.try_send(item()).unwrap();
    drop(rx.try_recv().unwrap()); // received, dropped by the receiver's owner
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(rx); // two still queued: dropped with the receiver
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    drop(tx.try_send(item()).unwrap_err().into_inner()); // handed back, then dropped
    assert_eq!(drops.load(Ordering::SeqCst), 4);
    let (tx, rx) = aio::channel::<Counted>(4);
    tx.try_send(item()).unwrap();
    drop(rx);
    drop(tx);
    assert_eq!(drops.load(Ordering::SeqCst), 5);
}

#[test]
fn a_loop_and_a_plain_thread_exchange_items_in_order_both_ways() {
    const N: u32 = 20_000;
    let (to_loop, mut from_thread) = aio::channel::<u32>(16);
    let (to_thread, mut from_loop) = aio::channel::<u32>(16);
    let thread = std::thread::spawn(move || {
        for i in 0..N {
            to_loop.send_blocking(i).unwrap();
        }
        drop(to_loop);
        let mut expect = 0;
        while let Some(v) = from_loop.recv_blocking() {
            assert_eq!(v, expect);
            expect += 1;
        }
        expect
    });
    aio::run(async move {
        let mut expect = 0;
        while let Some(v) = soon("from thread", from_thread.recv()).await {
            assert_eq!(v, expect);
            expect += 1;
        }
        assert_eq!(expect, N);
        for i in 0..N {
            soon("to thread", to_thread.send(i)).await.unwrap();
        }
    });
    assert_eq!(thread.join().unwrap(), N);
}

#[test]
fn the_blocking_forms_refuse_to_run_on_a_loop_thread() {
    let (tx, mut rx) = aio::channel::<u8>(1);
    aio::run(async move {
        let send = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tx.send_blocking(1)));
        let msg = send.unwrap_err();
        let msg = msg.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains("Sender::send_blocking called on an aio event loop thread"),
            "{msg}"
        );
        assert!(msg.contains("send(value).await"), "{msg}");
        let recv = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.recv_blocking()));
        let msg = recv.unwrap_err();
        let msg = msg.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains("Receiver::recv_blocking called on an aio event loop thread"),
            "{msg}"
        );
    });
}

#[test]
fn a_blocked_plain_thread_is_woken_by_a_loop() {
    // The thread parks (nothing to receive, then no room) and a loop's operation wakes it.
    let (tx, mut rx) = aio::channel::<u32>(1);
    let (back_tx, mut back_rx) = aio::channel::<u32>(1);
    let thread = std::thread::spawn(move || {
        let v = rx.recv_blocking().unwrap();
        back_tx.send_blocking(v + 1).unwrap();
        back_tx.send_blocking(v + 2).unwrap(); // waits for room
        rx.recv_blocking()
    });
    aio::run(async move {
        aio::sleep(Duration::from_millis(20)).await; // let the thread park
        tx.send(10).await.unwrap();
        aio::sleep(Duration::from_millis(20)).await; // its second send waits for room
        assert_eq!(soon("back", back_rx.recv()).await, Some(11));
        assert_eq!(soon("back", back_rx.recv()).await, Some(12));
        drop(tx);
    });
    assert_eq!(thread.join().unwrap(), None, "no sender left");
}

#[test]
fn the_halves_are_send_and_the_sender_is_clone() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<aio::Sender<String>>();
    sync::<aio::Sender<String>>();
    send::<aio::Receiver<String>>();
    send::<aio::SendFuture<'static, String>>();
    send::<aio::RecvFuture<'static, String>>();
    let (tx, _rx) = aio::channel::<String>(1);
    let _ = tx.clone();
    assert!(format!("{tx:?}").contains("capacity: 1"));
}

#[test]
fn one_receiver_polled_by_two_tasks_in_turn_wakes_the_last_one() {
    // The receiver's waker slot must follow the task that polls it now.
    aio::run(async {
        let (tx, rx) = aio::channel::<u32>(1);
        let first = aio::spawn(async move {
            // Polls once (registering this task), then hands the receiver on.
            let mut rx = rx;
            assert_eq!(poll_once(&mut rx.recv()).await, None);
            rx
        });
        let rx = first.await.unwrap();
        let second = aio::spawn(async move {
            let mut rx = rx;
            rx.recv().await
        });
        aio::yield_now().await;
        assert!(!second.done(), "empty: the second task waits");
        tx.send(8).await.unwrap();
        // A wake on the same loop schedules the task at once: it runs during the yield.
        aio::yield_now().await;
        assert!(second.done(), "the send woke the task that waits now");
        assert_eq!(second.await.unwrap(), Some(8));
    });
}

#[test]
fn errors_and_halves_describe_themselves() {
    let (tx, mut rx) = aio::channel::<u8>(3);
    assert_eq!(format!("{tx:?}"), "Sender { capacity: 3, .. }");
    assert_eq!(format!("{rx:?}"), "Receiver { capacity: 3, .. }");
    assert_eq!(format!("{:?}", rx.recv()), "RecvFuture { .. }");
    assert_eq!(
        format!("{:?}", tx.send(1)),
        "SendFuture { waiting: false, .. }"
    );
    assert_eq!(format!("{:?}", aio::SendError(1)), "SendError(..)");
    assert_eq!(format!("{:?}", aio::TrySendError::Full(1)), "Full(..)");
    assert_eq!(format!("{:?}", aio::TrySendError::Closed(1)), "Closed(..)");
    assert_eq!(
        aio::TrySendError::Full(1).to_string(),
        "the channel is full"
    );
    assert_eq!(
        aio::TrySendError::Closed(1).to_string(),
        "the channel's receiver is gone"
    );
    assert_eq!(aio::TrySendError::Closed(4).into_inner(), 4);
    assert_eq!(TryRecvError::Empty.to_string(), "the channel is empty");
    tx.try_send(1).unwrap();
    assert!(!tx.is_empty() && !rx.is_empty());
    assert_eq!((tx.len(), rx.len()), (1, 1));
    tx.try_send(2).unwrap();
    assert_eq!((tx.len(), rx.len()), (2, 2));
    aio::run(async {
        let mut waiting = pin!(tx.send(9));
        tx.try_send(3).unwrap();
        assert_eq!(poll_once(&mut waiting).await, None);
        assert_eq!(format!("{waiting:?}"), "SendFuture { waiting: true, .. }");
    });
}

/// Plain threads only (no loop, so it also runs under Miri): several producers, one
/// consumer, a small capacity so that both sides park and wake each other often.
#[test]
fn plain_threads_exchange_items_in_order_through_a_small_channel() {
    let per_sender: u32 = if cfg!(miri) { 50 } else { 10_000 };
    let (tx, mut rx) = aio::channel::<(u32, u32)>(2);
    let producers: Vec<_> = (0..3)
        .map(|id| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for seq in 0..per_sender {
                    tx.send_blocking((id, seq)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut next = [0u32; 3];
    while let Some((id, seq)) = rx.recv_blocking() {
        assert_eq!(
            seq, next[id as usize],
            "sender {id}: out of order, lost or twice"
        );
        next[id as usize] += 1;
    }
    assert_eq!(next, [per_sender; 3]);
    for p in producers {
        p.join().unwrap();
    }
}
