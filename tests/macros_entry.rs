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
