//! Debug mode: the exact reports, captured through `Builder::debug_output` (and, for
//! `AIO_DEBUG=1` and reports outside a runtime, from a child process's stderr).

// These tests block the loop on purpose: the slow-poll reports are what they check.
// aio-lint: allow-file(blocking_sleep)

use std::panic::Location;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aio_runtime::{self as aio, Coroutine, Runtime};

type Reports = Arc<Mutex<Vec<String>>>;

fn debug_runtime(threshold_ms: u64) -> (Runtime, Reports) {
    let reports: Reports = Arc::default();
    let r = reports.clone();
    let rt = Runtime::builder()
        .debug(true)
        .slow_poll_threshold(Duration::from_millis(threshold_ms))
        .debug_output(move |msg| r.lock().unwrap().push(msg.to_owned()))
        .build()
        .unwrap();
    (rt, reports)
}

/// The number in "... for 251 ms in one poll" / "... after 100 ms" (first line).
fn millis_in(msg: &str) -> u128 {
    let head = msg.lines().next().unwrap();
    let head = head.strip_suffix(" in one poll").unwrap_or(head);
    let before = head.strip_suffix(" ms").expect("ends with ' ms'");
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// The system call a blocking `std::thread::sleep` is sampled in, where the report
/// names it.
fn sleep_syscall() -> Option<&'static str> {
    if cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )) {
        Some("in the system call `clock_nanosleep`")
    } else {
        None
    }
}

#[test]
fn a_slow_poll_is_reported_once_with_task_location_last_aio_call_and_hint() {
    let (rt, reports) = debug_runtime(50);
    let (line, sleep_line) = rt.block_on(async {
        let line = line!() + 1;
        let hog = aio::spawn_named("hog", async {
            let sleep_line = line!() + 1;
            aio::sleep(Duration::from_millis(1)).await;
            std::thread::sleep(Duration::from_millis(300)); // deliberately blocking
            aio::yield_now().await;
            std::thread::sleep(Duration::from_millis(1)); // a fast poll: no report
            sleep_line
        });
        (line, hog.await.unwrap())
    });
    let reports = reports.lock().unwrap();
    let slow: Vec<_> = reports.iter().filter(|m| m.contains("'hog'")).collect();
    assert_eq!(slow.len(), 1, "one report per slow poll: {reports:?}");
    let report: Vec<&str> = slow[0].lines().collect();
    let head = format!(
        "task 'hog' (spawned at {}:{line}) blocked the loop for ",
        file!()
    );
    assert!(report[0].starts_with(&head), "{}", slow[0]);
    assert!(report[0].ends_with(" ms in one poll"), "{}", slow[0]);
    assert!(millis_in(slow[0]) >= 300, "{}", slow[0]);
    assert_eq!(
        report[1],
        format!(
            "  after: `aio::sleep` at {}:{sleep_line}:13 (the task's last aio call before the \
             slow code)",
            file!()
        )
    );
    assert_eq!(
        report[2],
        format!(
            "  before: `aio::yield_now` at {}:{}:13",
            file!(),
            sleep_line + 2
        )
    );
    match sleep_syscall() {
        Some(doing) => {
            assert_eq!(report[3], format!("  the loop thread was {doing}"));
            assert_eq!(
                report[4],
                "  help: a blocking sleep (std::thread::sleep?): use aio::sleep(d).await"
            );
        }
        None => assert!(report.last().unwrap().starts_with("  help: ")),
    }
}

#[test]
fn the_watchdog_names_a_stuck_poll_while_it_runs_and_only_once() {
    // Reported live after 10 thresholds (200 ms); the end of the poll adds nothing.
    let (rt, reports) = debug_runtime(20);
    let r = reports.clone();
    let (line, seen_during_poll) = rt.block_on(async move {
        let line = line!() + 1;
        let hog = aio::spawn_named("spinner", async move {
            // An "endless" loop: spin until the watchdog has reported us (or 5 s pass).
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if r.lock()
                    .unwrap()
                    .iter()
                    .any(|m| m.contains("still inside one poll"))
                {
                    // Stuck a while longer: the watchdog does not report it again.
                    let reported = Instant::now();
                    // aio-lint: allow(busy_wait) the poll must stay stuck: that is what is tested
                    while reported.elapsed() < Duration::from_millis(100) {
                        std::hint::spin_loop();
                    }
                    return true;
                }
                std::hint::spin_loop();
            }
            false
        });
        (line, hog.await.unwrap())
    });
    assert!(
        seen_during_poll,
        "the watchdog did not report during the poll"
    );
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "one report for the poll: {reports:?}");
    let live: Vec<&str> = reports[0].lines().collect();
    let prefix = format!(
        "task 'spinner' (spawned at {}:{line}) is blocking the loop: still inside one poll after ",
        file!()
    );
    assert!(live[0].starts_with(&prefix), "{}", reports[0]);
    assert!(millis_in(&reports[0]) >= 200, "{}", reports[0]);
    if sleep_syscall().is_some() {
        assert_eq!(
            live[1..],
            [
                "  the loop thread was running, not waiting in a system call",
                "  help: a long computation or a busy loop: move it to aio::to_thread, or let \
                 other tasks run with aio::yield_now().await",
            ]
        );
    }
}

#[test]
fn under_gather_the_report_names_the_argument_being_polled() {
    let (rt, reports) = debug_runtime(50);
    async fn quick() -> u8 {
        aio::yield_now().await;
        1
    }
    async fn stalls(ms: u64) -> u8 {
        std::thread::sleep(Duration::from_millis(ms));
        2
    }
    async fn yields_then_stalls() -> u8 {
        aio::yield_now().await;
        std::thread::sleep(Duration::from_millis(120));
        3
    }
    let run_line = line!() + 1;
    let (line3, line_many) = rt.block_on(async {
        // The first argument is done after the first poll; the third stalls in the
        // second, where the first is skipped: it is still argument 3.
        let line3 = line!() + 1;
        let three = aio::gather!(async { 0 }, quick(), yields_then_stalls());
        assert_eq!(three.await, (0, 1, 3));
        aio::yield_now().await; // ends the poll: the next stalls are reported apart
        let line_many = line!() + 1;
        let many = aio::gather([stalls(60), stalls(150)]);
        assert_eq!(many.await, [2, 2]);
        (line3, line_many)
    });
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    for r in reports.iter() {
        let head = format!(
            "task 'main' (run at {}:{run_line}) blocked the loop",
            file!()
        );
        assert!(r.starts_with(&head), "{r}");
    }
    assert_eq!(
        reports[0].lines().nth(1).unwrap(),
        format!(
            "  in: `aio::gather!` argument 3 of 3 (`yields_then_stalls`), at {}:{line3}:21",
            file!()
        )
    );
    // Both arguments stall in the same poll: the report names the longer stretch.
    assert_eq!(
        reports[1].lines().nth(1).unwrap(),
        format!(
            "  in: `aio::gather` argument 2 of 2 (`stalls`), at {}:{line_many}:20",
            file!()
        )
    );
}

#[test]
fn the_sample_shown_is_the_one_taken_in_the_slowest_stretch() {
    // 100 ms asleep, an aio call, then 250 ms of computation: the report is about the
    // computation, and says the thread was running, not sleeping.
    let (rt, reports) = debug_runtime(40);
    let line = rt.block_on(async {
        std::thread::sleep(Duration::from_millis(100));
        let line = line!() + 1;
        drop(aio::yield_now());
        let start = Instant::now();
        // aio-lint: allow(busy_wait) a slow computation that never sleeps is what is tested
        while start.elapsed() < Duration::from_millis(250) {
            std::hint::spin_loop();
        }
        line
    });
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report: Vec<&str> = reports[0].lines().collect();
    assert_eq!(
        report[1],
        format!(
            "  after: `aio::yield_now` at {}:{line}:14 (the task's last aio call before the \
             slow code)",
            file!()
        )
    );
    if sleep_syscall().is_some() {
        assert_eq!(
            report[2],
            "  the loop thread was running, not waiting in a system call"
        );
    }
}

#[test]
fn a_main_future_does_not_inherit_the_last_aio_call_of_the_one_before() {
    let (rt, reports) = debug_runtime(30);
    rt.block_on(async { aio::sleep(Duration::from_millis(1)).await });
    rt.block_on(async { std::thread::sleep(Duration::from_millis(60)) });
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(!reports[0].contains("after:"), "{}", reports[0]);
}

#[test]
fn the_main_future_is_named_main_or_after_its_coroutine() {
    let (rt, reports) = debug_runtime(30);
    let line = line!() + 1;
    rt.block_on(async { std::thread::sleep(Duration::from_millis(40)) });
    let line2 = line!() + 1;
    rt.block_on(Coroutine::new("entry", async {
        std::thread::sleep(Duration::from_millis(40))
    }));
    let reports = reports.lock().unwrap();
    let slow: Vec<_> = reports
        .iter()
        .filter(|m| m.contains("blocked the loop"))
        .collect();
    assert_eq!(slow.len(), 2, "{reports:?}");
    let p1 = format!(
        "task 'main' (run at {}:{line}) blocked the loop for ",
        file!()
    );
    let p2 = format!(
        "task 'entry' (run at {}:{line2}) blocked the loop for ",
        file!()
    );
    assert!(slow[0].starts_with(&p1), "{}", slow[0]);
    assert!(slow[1].starts_with(&p2), "{}", slow[1]);
}

/// Runs in a child process (see `printing_a_panic_is_not_reported_as_a_slow_poll`); a
/// no-op when run directly.
#[test]
fn child_printing_slow_panics() {
    if std::env::var_os("AIO_CORE_DEBUG_PANIC_CHILD").is_none() {
        return;
    }
    // A panic hook as slow as printing a symbolized backtrace can be: 300 ms, past the
    // watchdog's stuck limit (10 x 20 ms).
    std::panic::set_hook(Box::new(|_| std::thread::sleep(Duration::from_millis(300))));
    let (rt, reports) = debug_runtime(20);
    rt.block_on(async {
        let t = aio::spawn_named("panics", async { panic!("boom") });
        assert!(t.await.unwrap_err().is_panic());
    });
    // A nested run panics inside the main future's poll.
    let nested = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // aio-lint: allow(nested_block_on) the panic it raises is what this test prints
        rt.block_on(async { aio::run(async {}) })
    }));
    assert!(nested.is_err());
    for r in reports.lock().unwrap().iter() {
        eprintln!("REPORT {r}");
    }
}

#[test]
fn printing_a_panic_is_not_reported_as_a_slow_poll() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_printing_slow_panics",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("AIO_CORE_DEBUG_PANIC_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(!stderr.contains("REPORT"), "{stderr}");
}

#[test]
fn a_coroutine_dropped_unawaited_is_reported() {
    let (rt, reports) = debug_runtime(100);
    let loc = rt.block_on(async {
        let c = Coroutine::new("fetch", async { 1 });
        let loc = *c.location();
        assert_eq!((loc.file(), loc.line()), (file!(), line!() - 2));
        drop(c);
        // Awaited or spawned coroutines are not reported, whatever awaits them.
        assert_eq!(Coroutine::new("used", async { 2 }).await, 2);
        aio::spawn(Coroutine::new("spawned", async {}))
            .await
            .unwrap();
        let both = aio::gather!(
            Coroutine::new("g1", async { 1 }),
            Coroutine::new("g2", async { 2 })
        );
        assert_eq!(both.await, (1, 2));
        let all = aio::gather((0..3).map(|i| Coroutine::new("many", async move { i })));
        assert_eq!(all.await, [0, 1, 2]);
        let timed = aio::wait_for(Duration::from_secs(1), Coroutine::new("timed", async { 3 }));
        assert_eq!(timed.await, Ok(3));
        let inner = std::future::IntoFuture::into_future(Coroutine::new("unwrapped", async {}));
        inner.await;
        let group = aio::TaskGroup::new();
        group.spawn(Coroutine::new("child", async { Ok::<_, ()>(()) }));
        group.join().await.unwrap();
        loc
    });
    let reports: Vec<_> = reports
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.starts_with("coroutine "))
        .cloned()
        .collect();
    assert_eq!(
        reports,
        [format!(
            "coroutine 'fetch' created at {}:{}:{} was never awaited",
            loc.file(),
            loc.line(),
            loc.column()
        )]
    );
}

#[test]
fn an_unretrieved_task_panic_is_reported_when_the_task_is_dropped() {
    // A long threshold: printing a panic's backtrace can be slow on a loaded machine.
    let (rt, reports) = debug_runtime(60_000);
    let line = rt.block_on(async {
        let line = line!() + 1;
        aio::spawn_named("worker", async { panic!("boom") }).detach();
        // Retrieved panics are not reported.
        let t = aio::spawn(async { panic!("seen") });
        assert!(t.await.unwrap_err().is_panic());
        // A handle dropped after the panic, without looking: reported at the drop.
        let t2 = aio::spawn_named("late", async { panic!("ignored") });
        aio::yield_now().await;
        assert!(t2.done());
        assert!(reports_len(&reports) == 1);
        drop(t2);
        line
    });
    let reports = reports.lock().unwrap();
    assert_eq!(
        reports[0],
        format!(
            "Task exception was never retrieved: task 'worker' ({}:{line}) panicked: boom",
            file!()
        )
    );
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(
        reports[1].starts_with("Task exception was never retrieved: task 'late' (")
            && reports[1].ends_with(") panicked: ignored"),
        "{}",
        reports[1]
    );
}

fn reports_len(r: &Reports) -> usize {
    r.lock().unwrap().len()
}

#[test]
fn debug_off_reports_nothing() {
    let reports: Reports = Arc::default();
    let r = reports.clone();
    let rt = Runtime::builder()
        .debug(false)
        .debug_output(move |m| r.lock().unwrap().push(m.to_owned()))
        .build()
        .unwrap();
    rt.block_on(async {
        drop(Coroutine::new("fetch", async {}));
        aio::spawn(async { panic!("x") }).detach();
        aio::spawn(async { std::thread::sleep(Duration::from_millis(120)) })
            .await
            .unwrap();
    });
    assert!(reports.lock().unwrap().is_empty());
}

/// Runs in a child process with `AIO_DEBUG=1` (see `aio_debug_env_turns_debug_mode_on`);
/// a no-op when run directly.
#[test]
fn child_with_aio_debug_env() {
    if std::env::var_os("AIO_CORE_DEBUG_CHILD").is_none() {
        return;
    }
    let outside = Coroutine::new("outside", async {});
    eprintln!("LOC {}", outside.location());
    drop(outside);
    aio::run(async {
        aio::spawn_named("slow", async {
            std::thread::sleep(Duration::from_millis(130))
        })
        .await
        .unwrap();
    });
}

#[test]
#[cfg_attr(
    miri,
    ignore = "runs this test binary as a child process, which Miri cannot do"
)]
fn aio_debug_env_turns_debug_mode_on() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_with_aio_debug_env",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("AIO_DEBUG", "1")
        .env("AIO_CORE_DEBUG_CHILD", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let loc = stderr
        .lines()
        .find_map(|l| l.strip_prefix("LOC "))
        .expect("child printed the location");
    assert!(
        stderr
            .lines()
            .any(|l| l == format!("coroutine 'outside' created at {loc} was never awaited")),
        "{stderr}"
    );
    let here = Location::caller();
    let slow = stderr
        .lines()
        .find(|l| l.contains("blocked the loop"))
        .unwrap_or_else(|| panic!("no slow-poll report in {stderr}"));
    assert!(
        slow.starts_with(&format!("task 'slow' (spawned at {}:", here.file())),
        "{slow}"
    );
}
