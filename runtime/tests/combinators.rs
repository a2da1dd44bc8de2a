//! gather!, gather, gather_settled, try_gather, as_completed and wait: argument
//! and completion order, concurrency, failures, and per-child wake-ups.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use aio_runtime::sync::Event;
use aio_runtime::{ReturnWhen, as_completed, gather, gather_settled, try_gather, wait};
use futures::StreamExt;

fn poll<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(Waker::noop()))
}

/// Runs `main` on an aio loop while a task sets `events` in the given order,
/// one per loop turn: the futures waiting on them complete in that order.
fn run_with_events<T>(events: Vec<Rc<Event>>, main: impl Future<Output = T>) -> T {
    aio_runtime::run(async move {
        aio_runtime::spawn(async move {
            for ev in events {
                // Let the others run up to their awaits before the next set.
                for _ in 0..3 {
                    aio_runtime::yield_now().await;
                }
                ev.set();
            }
        })
        .detach();
        main.await
    })
}

fn events(n: usize) -> Vec<Rc<Event>> {
    (0..n).map(|_| Rc::new(Event::new())).collect()
}

#[test]
fn gather_macro_runs_concurrently_and_keeps_argument_order() {
    let ev = events(3);
    let log = RefCell::new(Vec::new());
    let step = |name: &'static str, ev: Rc<Event>| {
        let log = &log;
        async move {
            log.borrow_mut().push(format!("{name} start"));
            ev.wait().await;
            log.borrow_mut().push(format!("{name} end"));
            name
        }
    };
    let fut = aio_runtime::gather!(
        step("a", ev[0].clone()),
        step("b", ev[1].clone()),
        step("c", ev[2].clone()),
    );
    let order = vec![ev[2].clone(), ev[0].clone(), ev[1].clone()];
    let out = run_with_events(order, fut);
    assert_eq!(out, ("a", "b", "c"));
    assert_eq!(
        log.take(),
        ["a start", "b start", "c start", "c end", "a end", "b end"]
    );
    let ((), one) = futures::executor::block_on(aio_runtime::gather!(async {}, async { 1 }));
    assert_eq!(one, 1);
    assert!(poll(&mut aio_runtime::gather!()).is_ready());
}

#[test]
fn gather_returns_results_in_argument_order_not_completion_order() {
    let ev = events(4);
    let futs: Vec<_> = ev
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let e = e.clone();
            async move {
                e.wait().await;
                i * 10
            }
        })
        .collect();
    let order = ev.iter().rev().cloned().collect();
    assert_eq!(run_with_events(order, gather(futs)), [0, 10, 20, 30]);
}

#[test]
fn gather_of_nothing_is_an_empty_vec_at_once() {
    let mut g = gather(Vec::<std::future::Ready<u8>>::new());
    assert_eq!(poll(&mut g), Poll::Ready(vec![]));
    let mut s = gather_settled(Vec::<std::future::Ready<u8>>::new());
    assert!(matches!(poll(&mut s), Poll::Ready(v) if v.is_empty()));
}

/// A wake-up polls only the child that was woken: N children each woken once
/// cost 2N polls in all, where polling everything on each wake would cost N².
#[test]
fn gather_polls_only_the_children_that_were_woken() {
    const N: usize = 200;
    let ev = events(N);
    let polls = Rc::new(Cell::new(0));
    let futs: Vec<_> = ev
        .iter()
        .map(|e| {
            let (e, polls) = (e.clone(), polls.clone());
            let mut wait = Box::pin(async move { e.wait().await });
            std::future::poll_fn(move |cx| {
                polls.set(polls.get() + 1);
                wait.as_mut().poll(cx)
            })
        })
        .collect();
    let mut g = gather(futs);
    assert!(poll(&mut g).is_pending());
    assert_eq!(polls.get(), N);
    for (i, e) in ev.iter().enumerate() {
        e.set();
        let r = poll(&mut g);
        assert_eq!(r.is_ready(), i == N - 1);
    }
    assert_eq!(polls.get(), 2 * N);
}

#[test]
fn gather_settled_keeps_going_past_a_panic() {
    let ev = events(2);
    let (e0, e1) = (ev[0].clone(), ev[1].clone());
    let futs: Vec<Pin<Box<dyn Future<Output = u32>>>> = vec![
        Box::pin(async move {
            e0.wait().await;
            1
        }),
        Box::pin(async { panic!("boom") }),
        Box::pin(async move {
            e1.wait().await;
            3
        }),
    ];
    let out = run_with_events(ev, gather_settled(futs));
    assert_eq!(out.len(), 3);
    assert_eq!(*out[0].as_ref().unwrap(), 1);
    assert_eq!(out[1].as_ref().unwrap_err().panic_message(), Some("boom"));
    assert_eq!(*out[2].as_ref().unwrap(), 3);
}

#[test]
fn gather_lets_a_panic_escape() {
    let futs: Vec<Pin<Box<dyn Future<Output = u32>>>> =
        vec![Box::pin(async { 1 }), Box::pin(async { panic!("boom") })];
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(gather(futs))
    }));
    assert!(caught.is_err());
}

struct DropFlag(Rc<Cell<bool>>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn try_gather_stops_at_the_first_error_and_drops_the_rest() {
    let ev = events(1);
    let dropped = Rc::new(Cell::new(false));
    let (e, d) = (ev[0].clone(), dropped.clone());
    type Child = Pin<Box<dyn Future<Output = Result<u32, &'static str>>>>;
    let futs: Vec<Child> = vec![
        Box::pin(async move {
            let _guard = DropFlag(d);
            e.wait().await;
            Ok(1)
        }),
        Box::pin(async { Err("bad") }),
    ];
    let mut g = try_gather(futs);
    assert_eq!(poll(&mut g), Poll::Ready(Err("bad")));
    assert!(dropped.get(), "the unfinished child was cancelled");
    let ok: Vec<std::future::Ready<Result<u8, ()>>> =
        vec![std::future::ready(Ok(1)), std::future::ready(Ok(2))];
    assert_eq!(poll(&mut try_gather(ok)), Poll::Ready(Ok(vec![1, 2])));
}

#[test]
fn try_gather_macro_gives_a_tuple_or_the_first_error_and_cancels_the_rest() {
    // All Ok: the values in argument order, whatever the completion order.
    let ev = events(2);
    let wait_then = |ev: Rc<Event>, v: u8| async move {
        ev.wait().await;
        Ok::<_, String>(v)
    };
    let fut = aio_runtime::try_gather!(wait_then(ev[0].clone(), 1), async { Ok("two") });
    let out = run_with_events(vec![ev[0].clone()], fut);
    assert_eq!(out, Ok((1, "two")));

    // The first Err comes out at once; the unfinished futures are dropped.
    let ev = events(2);
    let dropped = Rc::new(Cell::new(false));
    let (e0, d) = (ev[0].clone(), dropped.clone());
    let never = async move {
        let _guard = DropFlag(d);
        e0.wait().await;
        Ok::<u8, &str>(0)
    };
    let e1 = ev[1].clone();
    let failing = async move {
        e1.wait().await;
        Err::<(), _>("second failed")
    };
    let later = async { Err::<u8, _>("never reached") };
    let mut fut = Box::pin(aio_runtime::try_gather!(never, failing));
    assert_eq!(poll(&mut fut), Poll::Pending);
    ev[1].set();
    assert_eq!(poll(&mut fut), Poll::Ready(Err("second failed")));
    assert!(dropped.get(), "the unfinished future was cancelled");
    drop(fut);
    // An Err that is ready at once wins even when an earlier argument is still pending.
    let pending = std::future::pending::<Result<u8, &str>>();
    assert_eq!(
        poll(&mut Box::pin(aio_runtime::try_gather!(pending, later))),
        Poll::Ready(Err("never reached"))
    );
    assert_eq!(
        poll(&mut Box::pin(aio_runtime::try_gather!())),
        Poll::Ready(Ok::<(), ()>(()))
    );
}

#[test]
fn as_completed_yields_in_completion_order() {
    let ev = events(3);
    let futs: Vec<_> = ev
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let e = e.clone();
            async move {
                e.wait().await;
                i
            }
        })
        .collect();
    let order = vec![ev[1].clone(), ev[2].clone(), ev[0].clone()];
    let got = run_with_events(order, as_completed(futs).collect::<Vec<_>>());
    assert_eq!(got, [1, 2, 0]);
}

#[test]
fn wait_first_completed_returns_the_done_and_the_pending() {
    let ev = events(3);
    let mk = |i: usize| {
        let e = ev[i].clone();
        async move {
            e.wait().await;
            if i == 2 { Err(i) } else { Ok(i) }
        }
    };
    let w = aio_runtime::run(async {
        ev[1].set();
        wait((0..3).map(mk), ReturnWhen::FirstCompleted).await
    });
    assert_eq!(w.done, [(1, Ok(1))]);
    let idx: Vec<usize> = w.pending.iter().map(|(i, _)| *i).collect();
    assert_eq!(idx, [0, 2]);

    // The pending ones can be waited on again: the Err ends FirstException.
    ev[2].set();
    let rest = w.pending.into_iter().map(|(_, f)| f);
    let w2 = aio_runtime::run(wait(rest, ReturnWhen::FirstException));
    assert_eq!(w2.done, [(1, Err(2))]);
    assert_eq!(w2.pending.len(), 1);

    ev[0].set();
    let all = aio_runtime::run(wait((0..3).map(mk), ReturnWhen::AllCompleted));
    let mut done = all.done;
    done.sort();
    assert_eq!(done, [(0, Ok(0)), (1, Ok(1)), (2, Err(2))]);
    assert!(all.pending.is_empty());
}
