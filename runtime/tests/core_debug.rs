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

/// The number in "... for 251 ms" / "... after 100 ms".
fn millis_in(msg: &str) -> u128 {
    let before = msg.strip_suffix(" ms").expect("ends with ' ms'");
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_slow_poll_is_reported_once_with_task_name_and_spawn_location() {
    let (rt, reports) = debug_runtime(50);
    let line = rt.block_on(async {
        let line = line!() + 1;
        let hog = aio::spawn_named("hog", async {
            std::thread::sleep(Duration::from_millis(120)); // deliberately blocking
            aio::yield_now().await;
            std::thread::sleep(Duration::from_millis(1)); // a fast poll: no report
        });
        hog.await.unwrap();
        line
    });
    let reports = reports.lock().unwrap();
    let slow: Vec<_> = reports
        .iter()
        .filter(|m| m.starts_with("task 'hog'") && m.contains("blocked the loop"))
        .collect();
    assert_eq!(slow.len(), 1, "{reports:?}");
    let prefix = format!("task 'hog' ({}:{line}) blocked the loop for ", file!());
    assert!(slow[0].starts_with(&prefix), "{}", slow[0]);
    assert!(millis_in(slow[0]) >= 120, "{}", slow[0]);
}

#[test]
fn the_watchdog_names_a_task_while_it_is_still_blocking() {
    let (rt, reports) = debug_runtime(40);
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
    let live = reports
        .iter()
        .find(|m| m.contains("still inside one poll"))
        .unwrap();
    let prefix = format!(
        "task 'spinner' ({}:{line}) is blocking the loop: still inside one poll after ",
        file!()
    );
    assert!(live.starts_with(&prefix), "{live}");
    assert!(millis_in(live) >= 40, "{live}");
    assert_eq!(
        reports
            .iter()
            .filter(|m| m.contains("still inside"))
            .count(),
        1,
        "one watchdog report per poll: {reports:?}"
    );
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
    let p1 = format!("task 'main' ({}:{line}) blocked the loop for ", file!());
    let p2 = format!("task 'entry' ({}:{line2}) blocked the loop for ", file!());
    assert!(slow[0].starts_with(&p1), "{}", slow[0]);
    assert!(slow[1].starts_with(&p2), "{}", slow[1]);
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
        let mut group = aio::TaskGroup::new();
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
        slow.starts_with(&format!("task 'slow' ({}:", here.file())),
        "{slow}"
    );
}
