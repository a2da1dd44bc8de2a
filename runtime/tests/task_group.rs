//! TaskGroup and shield on the real executor, plus gather over spawned tasks
//! and the notes' `gather(count(), count(), count())` order.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aio_runtime::{GroupError, TaskGroup, gather, shield, sleep, spawn, wait_for};

#[test]
fn notes_gather_of_three_counts_prints_one_one_one_two_two_two() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let count = |log: Rc<RefCell<Vec<&'static str>>>| async move {
        log.borrow_mut().push("One");
        sleep(Duration::from_millis(20)).await;
        log.borrow_mut().push("Two");
    };
    let start = std::time::Instant::now();
    aio_runtime::run(aio_runtime::gather!(
        count(log.clone()),
        count(log.clone()),
        count(log.clone())
    ));
    assert_eq!(*log.borrow(), ["One", "One", "One", "Two", "Two", "Two"]);
    assert!(
        start.elapsed() < Duration::from_millis(55),
        "concurrent, not 3 x 20 ms"
    );
}

#[test]
fn gather_of_spawned_tasks_keeps_argument_order() {
    let out = aio_runtime::run(async {
        let tasks: Vec<_> = [30u64, 10, 20]
            .into_iter()
            .map(|ms| {
                spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
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
fn task_group_returns_values_in_spawn_order() {
    let out = aio_runtime::run(async {
        let mut group = TaskGroup::<u64, String>::new();
        for ms in [15u64, 5, 10] {
            group.spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                Ok(ms)
            });
        }
        assert_eq!(group.len(), 3);
        group.join().await
    });
    assert_eq!(out.unwrap(), [15, 5, 10]);
}

#[test]
fn the_first_failure_cancels_the_others_and_is_returned() {
    let finished = Rc::new(Cell::new(0));
    let err = aio_runtime::run({
        let finished = finished.clone();
        async move {
            let mut group = TaskGroup::<(), &'static str>::new();
            for ms in [5u64, 200, 300] {
                let finished = finished.clone();
                group.spawn(async move {
                    sleep(Duration::from_millis(ms)).await;
                    finished.set(finished.get() + 1);
                    Ok(())
                });
            }
            group.spawn(async {
                sleep(Duration::from_millis(20)).await;
                Err("boom")
            });
            group.spawn(async {
                sleep(Duration::from_millis(30)).await;
                Err("second")
            });
            let start = std::time::Instant::now();
            let r = group.join().await;
            assert!(
                start.elapsed() < Duration::from_millis(150),
                "did not wait for the slow ones"
            );
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
        let mut group = TaskGroup::<u8, ()>::new();
        group.spawn(async { panic!("child panic") });
        group.spawn(async {
            sleep(Duration::from_millis(100)).await;
            Ok(1)
        });
        group.join().await
    })
    .unwrap_err();
    let GroupError::Task(e) = err else {
        panic!("a task error")
    };
    assert_eq!(e.panic_message(), Some("child panic"));
}

#[test]
fn dropping_the_group_cancels_its_children() {
    let finished = Rc::new(Cell::new(false));
    aio_runtime::run({
        let finished = finished.clone();
        async move {
            let mut group = TaskGroup::<(), ()>::new();
            group.spawn(async move {
                sleep(Duration::from_millis(20)).await;
                finished.set(true);
                Ok(())
            });
            // Cancelling the join (a timeout here) cancels the children too.
            assert!(
                wait_for(Duration::from_millis(5), group.join())
                    .await
                    .is_err()
            );
            sleep(Duration::from_millis(40)).await;
        }
    });
    assert!(!finished.get());
}

#[test]
fn shield_lets_the_task_outlive_a_timeout() {
    aio_runtime::run(async {
        let task = spawn(async {
            sleep(Duration::from_millis(30)).await;
            7
        });
        let mut shielded = shield(task);
        assert!(
            wait_for(Duration::from_millis(5), &mut shielded)
                .await
                .is_err()
        );
        assert!(!shielded.done());
        assert_eq!(
            shielded.await.unwrap(),
            7,
            "still running after the timeout"
        );
    });
}
