//! TaskGroup and shield on the real executor, plus gather over spawned tasks
//! and the notes' `gather(count(), count(), count())` order.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aio_runtime::{GroupError, TaskGroup, gather, shield, sleep, spawn, wait_for};

/// `n` milliseconds; 50 times longer under Miri, whose clock advances 5 µs per interpreted
/// basic block (so running a task takes milliseconds there), while its waits cost nothing
/// (the clock jumps when every thread sleeps).
fn millis(n: u64) -> Duration {
    Duration::from_millis(if cfg!(miri) { 50 * n } else { n })
}

#[test]
fn notes_gather_of_three_counts_prints_one_one_one_two_two_two() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let count = |log: Rc<RefCell<Vec<&'static str>>>| async move {
        log.borrow_mut().push("One");
        sleep(millis(20)).await;
        log.borrow_mut().push("Two");
    };
    let start = std::time::Instant::now();
    aio_runtime::run(aio_runtime::gather!(
        count(log.clone()),
        count(log.clone()),
        count(log.clone())
    ));
    assert_eq!(*log.borrow(), ["One", "One", "One", "Two", "Two", "Two"]);
    assert!(start.elapsed() < millis(55), "concurrent, not 3 x 20 ms");
}

#[test]
fn gather_of_spawned_tasks_keeps_argument_order() {
    let out = aio_runtime::run(async {
        let tasks: Vec<_> = [30u64, 10, 20]
            .into_iter()
            .map(|ms| {
                spawn(async move {
                    sleep(millis(ms)).await;
                    ms
                })
            })
            .collect();
        gather(tasks).await
    });
    let out: Vec<u64> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(out, [30, 10, 20]);
}

#[test]
fn task_group_children_of_different_types_are_awaited_through_their_handles() {
    let (n, s, order) = aio_runtime::run(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let group = TaskGroup::<String>::new();
        let log = order.clone();
        let n = group.spawn(async move {
            sleep(millis(15)).await;
            log.borrow_mut().push("n");
            Ok(15u64)
        });
        let log = order.clone();
        let s = group.spawn(async move {
            sleep(millis(5)).await;
            log.borrow_mut().push("s");
            Ok("five")
        });
        assert_eq!(group.len(), 2);
        assert!(!group.is_empty());
        // A handle can be awaited inside the scope...
        assert_eq!(s.await.unwrap(), "five");
        group.join().await.unwrap();
        // ...or after it: every child is done once join returns.
        assert!(n.done());
        (n.await.unwrap(), "five", order.take())
    });
    assert_eq!((n, s), (15, "five"));
    assert_eq!(order, ["s", "n"]);
}

#[test]
fn the_first_failure_cancels_the_others_and_is_returned() {
    let finished = Rc::new(Cell::new(0));
    let stopped = Rc::new(Cell::new(0));
    let err = aio_runtime::run({
        let (finished, stopped) = (finished.clone(), stopped.clone());
        async move {
            struct CountDrop(Rc<Cell<u32>>);
            impl Drop for CountDrop {
                fn drop(&mut self) {
                    self.0.set(self.0.get() + 1);
                }
            }
            let group = TaskGroup::<&'static str>::new();
            let mut slow = Vec::new();
            for ms in [5u64, 200, 300] {
                let (finished, stopped) = (finished.clone(), stopped.clone());
                slow.push(group.spawn(async move {
                    let _count = CountDrop(stopped);
                    sleep(millis(ms)).await;
                    finished.set(finished.get() + 1);
                    Ok(ms)
                }));
            }
            let failing = group.spawn(async {
                sleep(millis(20)).await;
                Err::<(), _>("boom")
            });
            let second = group.spawn(async {
                sleep(millis(30)).await;
                Err::<(), _>("second")
            });
            let start = std::time::Instant::now();
            let r = group.join().await;
            assert!(
                start.elapsed() < millis(150),
                "did not wait for the slow ones"
            );
            // Every child's future was dropped before join returned.
            assert_eq!(stopped.get(), 3);
            let [fast, a, b] = <[_; 3]>::try_from(slow).unwrap();
            assert_eq!(fast.await.unwrap(), 5);
            assert!(a.await.unwrap_err().is_cancelled());
            assert!(b.await.unwrap_err().is_cancelled());
            // The failing child's error went to the group; its handle says cancelled.
            assert!(failing.await.unwrap_err().is_cancelled());
            assert!(second.await.unwrap_err().is_cancelled());
            r
        }
    })
    .unwrap_err();
    assert!(matches!(err, GroupError::Failed("boom")), "{err:?}");
    assert_eq!(finished.get(), 1, "only the 5 ms child finished");
}

#[test]
fn a_panicking_child_fails_the_group() {
    let err = aio_runtime::run(async {
        let group = TaskGroup::<()>::new();
        let panicking = group.spawn(async {
            if true {
                panic!("child panic");
            }
            Ok(())
        });
        let other = group.spawn(async {
            sleep(millis(100)).await;
            Ok(1)
        });
        let r = group.join().await;
        assert!(panicking.await.unwrap_err().is_cancelled());
        assert!(other.await.unwrap_err().is_cancelled());
        r
    })
    .unwrap_err();
    let GroupError::Task(e) = err else {
        panic!("a task error")
    };
    assert_eq!(e.panic_message(), Some("child panic"));
}

#[test]
fn cancelling_one_child_is_not_a_failure_of_the_group() {
    aio_runtime::run(async {
        let group = TaskGroup::<()>::new();
        let forever = group.spawn(async {
            sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
        let quick = group.spawn(async { Ok(3) });
        assert!(forever.cancel());
        group.join().await.unwrap();
        assert!(forever.cancelled());
        assert_eq!(quick.await.unwrap(), 3);
    });
}

#[test]
fn a_child_spawned_after_the_failure_never_runs() {
    let ran = Rc::new(Cell::new(false));
    let err = aio_runtime::run({
        let ran = ran.clone();
        async move {
            let group = TaskGroup::new();
            group.spawn(async { Err::<(), _>(7) });
            aio_runtime::yield_now().await; // the failing child runs
            let late = group.spawn(async move {
                ran.set(true);
                Ok(())
            });
            let r = group.join().await;
            assert!(late.await.unwrap_err().is_cancelled());
            r
        }
    });
    assert!(matches!(err, Err(GroupError::Failed(7))));
    assert!(!ran.get());
}

#[test]
fn dropping_the_group_cancels_its_children() {
    let finished = Rc::new(Cell::new(0));
    aio_runtime::run({
        let finished = finished.clone();
        async move {
            for join in [true, false] {
                let group = TaskGroup::<()>::new();
                let f = finished.clone();
                let child = group.spawn(async move {
                    sleep(millis(20)).await;
                    f.set(f.get() + 1);
                    Ok(())
                });
                if join {
                    // Cancelling the join (a timeout here) cancels the children too.
                    assert!(
                        wait_for(Duration::from_millis(5), group.join())
                            .await
                            .is_err()
                    );
                } else {
                    drop(group);
                }
                assert!(child.await.unwrap_err().is_cancelled());
            }
            sleep(millis(40)).await;
        }
    });
    assert_eq!(finished.get(), 0);
}

#[test]
fn group_children_are_named_like_spawned_tasks() {
    async fn fetch() -> Result<String, ()> {
        Ok(aio_runtime::current_task().unwrap().name().to_owned())
    }
    aio_runtime::run(async {
        let group = TaskGroup::new();
        let a = group.spawn(fetch());
        let b = group.spawn(async { Ok(aio_runtime::current_task().unwrap().name().to_owned()) });
        assert_eq!(a.name(), "fetch");
        assert_eq!(b.name(), format!("Task-{}", b.id()));
        let here = std::panic::Location::caller().line() - 3;
        assert_eq!(b.location().line(), here);
        group.join().await.unwrap();
        assert_eq!(a.await.unwrap(), "fetch");
        assert!(b.await.unwrap().starts_with("Task-"));
    });
}

#[test]
fn shield_lets_the_task_outlive_a_timeout() {
    aio_runtime::run(async {
        let task = spawn(async {
            sleep(millis(30)).await;
            7
        });
        let mut shielded = shield(task);
        assert!(wait_for(millis(5), &mut shielded).await.is_err());
        assert!(!shielded.done());
        assert_eq!(
            shielded.await.unwrap(),
            7,
            "still running after the timeout"
        );
    });
}
