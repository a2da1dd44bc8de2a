//! `#[aio::test]` and `#[aio::main]` as users write them: each test body runs on its own
//! fresh event loop (tasks left pending in one test never show up in another), tests
//! may return `Result`, `#[should_panic]` passes through, and the options reach the
//! runtime. The compile errors of these attributes are in `ui-tests/fail/`.

use std::future::pending;
use std::time::Duration;

#[aio::test]
async fn body_runs_on_a_loop_as_the_main_task() {
    let me = aio::current_task().expect("inside a loop");
    assert_eq!(me.id(), 0);
    let task = aio::spawn(async { 7 });
    aio::sleep(Duration::from_millis(1)).await;
    assert_eq!(task.await.unwrap(), 7);
}

// The two tests below each leave a task pending; if they shared a loop, one of them
// would see the other's task.
#[aio::test]
async fn each_test_has_its_own_loop_a() {
    aio::spawn(pending::<()>()).detach();
    aio::yield_now().await;
    assert_eq!(aio::all_tasks().len(), 2);
}

#[aio::test]
async fn each_test_has_its_own_loop_b() {
    aio::spawn(pending::<()>()).detach();
    aio::yield_now().await;
    assert_eq!(aio::all_tasks().len(), 2);
}

#[aio::test]
async fn returns_result() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "12".parse()?;
    aio::yield_now().await;
    assert_eq!(n, 12);
    Ok(())
}

#[aio::test]
#[should_panic(expected = "raised inside the loop")]
async fn should_panic_passes_through() {
    aio::yield_now().await;
    panic!("raised inside the loop");
}

#[aio::test(debug, slow_poll_ms = 1000)]
async fn accepts_options() {
    aio::sleep(Duration::from_millis(1)).await;
}

/// `#[aio::main]` on a fn that is not the binary's `main` runs the body in place.
#[aio::main(debug = false)]
async fn answer() -> u32 {
    aio::yield_now().await;
    42
}

#[test]
fn main_attribute_runs_the_body_to_completion() {
    assert_eq!(answer(), 42);
    // Outside any loop again afterwards.
    assert!(aio::current_task().is_none());
}

/// A stand-in for a renamed `aio` dependency that records the options it is given.
mod spy {
    pub mod __private {
        pub use aio::__private::RunOptions;
        use std::cell::RefCell;

        thread_local! {
            pub static SEEN: RefCell<Vec<RunOptions>> = const { RefCell::new(Vec::new()) };
        }

        pub fn run_with<F: aio::IntoTask>(options: RunOptions, fut: F) -> F::Output {
            SEEN.with(|seen| seen.borrow_mut().push(options.clone()));
            aio::__private::run_with(options, fut)
        }
    }
}

#[aio::main(crate = "crate::spy", debug, slow_poll_ms = 25)]
async fn with_options() {}

#[aio::main(crate = "crate::spy", debug = false)]
async fn debug_off() {}

#[aio::main(crate = "crate::spy")]
async fn defaults() {}

#[test]
fn options_reach_run_with_through_the_crate_path() {
    with_options();
    debug_off();
    defaults();
    let seen = spy::__private::SEEN.with(|seen| seen.borrow().clone());
    let options = |debug, slow_poll_ms| aio::RunOptions {
        debug,
        slow_poll_ms,
    };
    assert_eq!(
        seen,
        [
            options(Some(true), Some(25)),
            options(Some(false), None),
            options(None, None),
        ]
    );
}

/// `#[aio::main(cores = N)]`: the body runs once on each of N loops, each on its own
/// thread, all at the same time.
mod cores {
    use std::collections::BTreeSet;
    use std::process::ExitCode;
    use std::sync::{Barrier, Mutex};

    static THREADS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    static MEET: Barrier = Barrier::new(3);

    #[aio::main(cores = 3)]
    async fn three_loops() -> Result<(), String> {
        let name = std::thread::current().name().unwrap().to_owned();
        THREADS.lock().unwrap().insert(name);
        assert_eq!(
            aio::current_task().unwrap().id(),
            0,
            "the body is each loop's main"
        );
        // Every loop reaches this point before any leaves it: they run concurrently.
        aio::to_thread(|| MEET.wait()).await.unwrap();
        Ok(())
    }

    #[test]
    fn the_body_runs_on_every_loop_at_once() {
        assert_eq!(three_loops(), ExitCode::SUCCESS);
        let threads = THREADS.lock().unwrap().clone();
        assert_eq!(
            threads.into_iter().collect::<Vec<_>>(),
            ["aio-loop-0", "aio-loop-1", "aio-loop-2"]
        );
    }

    /// The error type need not be `Send`: each loop reports its own.
    #[aio::main(cores = 2)]
    async fn one_loop_fails() -> Result<(), Box<dyn std::error::Error>> {
        if std::thread::current().name() == Some("aio-loop-1") {
            return Err("loop 1 could not start".into());
        }
        Ok(())
    }

    #[test]
    fn a_failing_loop_makes_the_exit_code_a_failure() {
        assert_eq!(one_loop_fails(), ExitCode::FAILURE);
    }

    static FINISHED: Mutex<usize> = Mutex::new(0);

    #[aio::main(cores = 2, debug = false)]
    async fn one_loop_panics() {
        if std::thread::current().name() == Some("aio-loop-0") {
            panic!("loop 0 panics");
        }
        aio::sleep(std::time::Duration::from_millis(20)).await;
        *FINISHED.lock().unwrap() += 1;
    }

    #[test]
    fn a_panic_on_one_loop_is_raised_once_every_loop_has_ended() {
        let panic = std::panic::catch_unwind(one_loop_panics).unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"loop 0 panics"));
        assert_eq!(*FINISHED.lock().unwrap(), 1, "loop 1 ran to its end first");
    }

    static LOOPS: Mutex<usize> = Mutex::new(0);

    #[aio::main(cores = 0)]
    async fn per_core() -> ExitCode {
        *LOOPS.lock().unwrap() += 1;
        ExitCode::from(3)
    }

    #[test]
    fn zero_cores_means_one_loop_per_core_and_the_exit_code_is_the_bodys() {
        assert_eq!(per_core(), ExitCode::from(3));
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(*LOOPS.lock().unwrap(), cores);
    }
}
