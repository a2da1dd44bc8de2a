//! The notes' pitfalls, caught: every `examples/pitfalls/*_wrong.rs` has a fixed twin
//! `*_fixed.rs`, and
//!
//! - the linter (the `aio-lint` engine, and the `cargo aio-lint examples` command that
//!   runs it, which must agree) reports the wrong one with the pitfall's rule, on the
//!   line under its `// BUG:` comment, and nothing on the fixed one; over the whole of
//!   `examples/` it reports exactly the findings listed in [`EXPECTED`], which names the
//!   note examples that demonstrate a pitfall on purpose;
//! - debug mode (`AIO_DEBUG=1`) reports at run time the pitfalls that show there (a
//!   coroutine never awaited, a poll that blocks the loop), including the one no static
//!   analysis can see (`hidden_blocking_wrong`), and stays silent on the fixed twins;
//! - each pair behaves as the notes say: the wrong program is slower or out of order,
//!   the fixed one is not.

mod examples_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aio_lint::{FileOptions, Runtime};
use examples_support::{assert_between, lines, number_in, run_example, run_ok};

/// Every finding the linter may report under `examples/`, as (file, rules). A file not
/// listed must be clean.
const EXPECTED: &[(&str, &[&str])] = &[
    // The pitfalls, one rule each.
    (
        "examples/pitfalls/never_awaited_wrong.rs",
        &["unawaited_future"],
    ),
    (
        "examples/pitfalls/blocking_sleep_wrong.rs",
        &["blocking_sleep"],
    ),
    ("examples/pitfalls/sync_http_wrong.rs", &["blocking_net"]),
    (
        "examples/pitfalls/await_in_loop_wrong.rs",
        &["sequential_await_in_loop"],
    ),
    (
        "examples/pitfalls/sequential_awaits_wrong.rs",
        &["sequential_awaits"],
    ),
    (
        "examples/pitfalls/immediately_awaited_task_wrong.rs",
        &["immediately_awaited_task"],
    ),
    (
        "examples/pitfalls/nested_run_wrong.rs",
        &["nested_block_on"],
    ),
    ("examples/pitfalls/busy_loop_wrong.rs", &["busy_wait"]),
    // Beyond static analysis (a blocking call behind a trait object): debug mode
    // catches it, see `debug_mode_names_a_blocking_call_the_linter_cannot_see`.
    ("examples/pitfalls/hidden_blocking_wrong.rs", &[]),
    // A note example that demonstrates a pitfall on purpose ("No point using
    // synchronous libraries with asyncio").
    ("examples/blocking_counter.rs", &["blocking_net"]),
    // `fetch_urls.rs` fetches five URLs one by one on purpose before gathering them.
    ("examples/fetch_urls.rs", &["sequential_await_in_loop"]),
    // `make_requests.rs` ("How NOT to use await") demonstrates sequential awaiting too:
    // the coroutines are created in one loop and awaited one per iteration of a second.
    ("examples/make_requests.rs", &["sequential_await_in_loop"]),
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read examples/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// One finding: the rule and the 1-based line of its primary span.
type Finding = (&'static str, usize);

/// Lints every file under `examples/` as `cargo aio-lint examples` does (each file
/// analysed, then the workspace pass over all of them), once per test binary. Keys are
/// paths relative to the package root, with `/` separators.
fn findings() -> &'static BTreeMap<String, Vec<Finding>> {
    static FINDINGS: OnceLock<BTreeMap<String, Vec<Finding>>> = OnceLock::new();
    FINDINGS.get_or_init(|| {
        let mut files = Vec::new();
        rust_files(&manifest_dir().join("examples"), &mut files);
        files.sort();
        let options = FileOptions {
            runtime: Runtime::Aio,
            ..FileOptions::default()
        };
        let mut analyses: Vec<_> = files
            .iter()
            .map(|path| {
                let relative = path.strip_prefix(manifest_dir()).expect("under the root");
                let source = std::fs::read_to_string(path).expect("read an example");
                aio_lint::analyze_file(relative, &source, &options)
            })
            .collect();
        aio_lint::link(&mut analyses);
        analyses
            .into_iter()
            .map(|analysis| {
                let key = analysis
                    .path
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let mut found: Vec<Finding> = analysis
                    .diagnostics
                    .iter()
                    .map(|d| (d.rule, d.primary.span.start.line))
                    .collect();
                found.sort();
                (key, found)
            })
            .collect()
    })
}

fn rules_in(file: &str) -> Vec<&'static str> {
    let found = findings()
        .get(file)
        .unwrap_or_else(|| panic!("{file} was not linted: is it missing?"));
    let mut rules: Vec<&str> = found.iter().map(|(rule, _)| *rule).collect();
    rules.sort_unstable();
    rules
}

fn expected_rules(file: &str) -> Vec<&'static str> {
    let mut rules = EXPECTED
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, rules)| rules.to_vec())
        .unwrap_or_default();
    rules.sort_unstable();
    rules
}

/// The 1-based numbers of the lines right under a `// BUG:` comment.
fn bug_lines(file: &str) -> Vec<usize> {
    let source = std::fs::read_to_string(manifest_dir().join(file)).expect("read the example");
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("// BUG:"))
        .map(|(i, _)| i + 2)
        .collect()
}

/// The linter flags `<pitfall>_wrong.rs` with `rule` on its `// BUG:` line, and says
/// nothing about `<pitfall>_fixed.rs`.
fn assert_linted_pair(pitfall: &str, rule: &str) {
    let wrong = format!("examples/pitfalls/{pitfall}_wrong.rs");
    let fixed = format!("examples/pitfalls/{pitfall}_fixed.rs");
    let found = &findings()[&wrong];
    assert_eq!(
        found.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [rule],
        "{wrong}: expected exactly one `{rule}` finding, got {found:?}"
    );
    assert_eq!(
        found.iter().map(|(_, line)| *line).collect::<Vec<_>>(),
        bug_lines(&wrong),
        "{wrong}: the finding is not on the line under `// BUG:`"
    );
    assert_eq!(
        rules_in(&fixed),
        Vec::<&str>::new(),
        "{fixed} should be clean"
    );
}

#[test]
fn linter_flags_a_coroutine_never_awaited() {
    assert_linted_pair("never_awaited", "unawaited_future");
}

#[test]
fn linter_flags_a_blocking_sleep_in_a_coroutine() {
    assert_linted_pair("blocking_sleep", "blocking_sleep");
}

#[test]
fn linter_flags_a_sync_http_client_in_a_coroutine() {
    assert_linted_pair("sync_http", "blocking_net");
}

#[test]
fn linter_flags_awaiting_one_by_one_in_a_loop() {
    assert_linted_pair("await_in_loop", "sequential_await_in_loop");
}

#[test]
fn linter_flags_the_notes_two_loop_form_at_its_await() {
    // "How NOT to use await": created in one loop, awaited one by one in a second.
    let file = "examples/make_requests.rs";
    let source = std::fs::read_to_string(manifest_dir().join(file)).expect("read the example");
    let line = source
        .lines()
        .position(|l| l.contains("response.await"))
        .expect("the second loop's await")
        + 1;
    assert_eq!(
        findings()[file],
        vec![("sequential_await_in_loop", line)],
        "{file}"
    );
}

#[test]
fn linter_flags_independent_awaits_in_a_row() {
    assert_linted_pair("sequential_awaits", "sequential_awaits");
}

#[test]
fn linter_flags_a_task_awaited_right_after_spawning() {
    assert_linted_pair("immediately_awaited_task", "immediately_awaited_task");
}

#[test]
fn linter_flags_a_nested_run() {
    assert_linted_pair("nested_run", "nested_block_on");
}

#[test]
fn linter_flags_a_loop_with_no_yield_point() {
    assert_linted_pair("busy_loop", "busy_wait");
}

#[test]
fn linter_cannot_see_blocking_behind_a_trait_object() {
    // The limit of static analysis, stated so that a change is noticed: debug mode
    // covers this one.
    assert_eq!(
        rules_in("examples/pitfalls/hidden_blocking_wrong.rs"),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules_in("examples/pitfalls/hidden_blocking_fixed.rs"),
        Vec::<&str>::new()
    );
}

#[test]
fn linter_reports_exactly_the_expected_findings_over_all_examples() {
    let mut unexpected = Vec::new();
    for file in findings().keys() {
        let got = rules_in(file);
        let want = expected_rules(file);
        if got != want {
            unexpected.push(format!("{file}: expected {want:?}, got {got:?}"));
        }
    }
    for (file, _) in EXPECTED {
        assert!(
            findings().contains_key(*file),
            "{file} is listed but missing"
        );
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

/// The newest modification time among the linter's sources and manifest.
fn newest_lint_source() -> std::time::SystemTime {
    fn walk(dir: &Path, newest: &mut std::time::SystemTime) {
        for entry in std::fs::read_dir(dir).expect("read lint/src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, newest);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                *newest = (*newest).max(modified);
            }
        }
    }
    let lint = manifest_dir().join("lint");
    let mut newest = std::fs::metadata(lint.join("Cargo.toml"))
        .and_then(|m| m.modified())
        .expect("lint/Cargo.toml");
    walk(&lint.join("src"), &mut newest);
    newest
}

/// The `cargo-aio-lint` binary of this test binary's target dir and profile. `cargo test
/// --workspace` has just built it; when it is missing or older than the linter's sources
/// (this test target run on its own), it is built here with the same cargo.
fn cargo_aio_lint() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("cargo-aio-lint{}", std::env::consts::EXE_SUFFIX));
    let fresh = std::fs::metadata(&bin)
        .and_then(|m| m.modified())
        .is_ok_and(|built| built >= newest_lint_source());
    if fresh {
        return bin;
    }
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.args([
        "build",
        "--quiet",
        "-p",
        "aio-lint",
        "--bin",
        "cargo-aio-lint",
    ])
    .current_dir(manifest_dir())
    .env(
        "CARGO_TARGET_DIR",
        profile_dir.parent().expect("target/<profile>"),
    );
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        cmd.arg("--release");
    }
    assert!(
        cmd.status().expect("run cargo build").success(),
        "cannot build cargo-aio-lint"
    );
    bin
}

#[test]
fn cargo_aio_lint_examples_reports_the_same_findings() {
    // The README's command, `cargo aio-lint examples`, in GitHub-annotation format:
    // `::warning file=F,line=L,...,title=aio%3A%3ARULE::MESSAGE`, one line per finding.
    let out = Command::new(cargo_aio_lint())
        .args(["aio-lint", "--message-format", "github", "examples"])
        .current_dir(manifest_dir())
        .output()
        .expect("run cargo-aio-lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: exit code 0\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let property = |line: &str, key: &str| -> String {
        let start = line.find(&format!("{key}=")).expect("a property") + key.len() + 1;
        let rest = &line[start..];
        let end = rest.find([',', ':']).unwrap_or(rest.len());
        rest[..end].replace("%3A", ":").replace("%2C", ",")
    };
    let mut from_cli: Vec<(String, String, usize)> = stdout
        .lines()
        .filter(|l| l.starts_with("::warning ") || l.starts_with("::error "))
        .map(|l| {
            let rule = property(l, "title");
            (
                property(l, "file"),
                rule.strip_prefix("aio::").unwrap_or(&rule).to_owned(),
                property(l, "line").parse().expect("a line number"),
            )
        })
        .collect();
    from_cli.sort();
    let mut from_engine: Vec<(String, String, usize)> = findings()
        .iter()
        .flat_map(|(file, found)| {
            found
                .iter()
                .map(move |(rule, line)| (file.clone(), (*rule).to_owned(), *line))
        })
        .collect();
    from_engine.sort();
    assert_eq!(from_cli, from_engine);
}

#[test]
fn every_wrong_pitfall_has_a_fixed_twin_and_an_expectation() {
    let mut wrong = 0;
    for file in findings().keys() {
        if let Some(stem) = file
            .strip_prefix("examples/pitfalls/")
            .and_then(|f| f.strip_suffix("_wrong.rs"))
        {
            wrong += 1;
            let twin = format!("examples/pitfalls/{stem}_fixed.rs");
            assert!(findings().contains_key(&twin), "{file} has no fixed twin");
            assert!(
                EXPECTED.iter().any(|(f, _)| f == file),
                "{file} is not listed in EXPECTED"
            );
        }
    }
    assert_eq!(
        wrong, 9,
        "the notes' seven pitfalls (+ sequential awaits, hidden blocking)"
    );
}

// ---- debug mode -------------------------------------------------------------------

const DEBUG: &[(&str, &str)] = &[("AIO_DEBUG", "1")];

/// Runs the wrong and the fixed program with `AIO_DEBUG=1`; returns their stderr.
fn debug_pair(pitfall: &str, unit_ms: u64) -> (String, String) {
    let wrong = run_example(&format!("{pitfall}_wrong"), &[], unit_ms, DEBUG);
    let fixed = run_example(&format!("{pitfall}_fixed"), &[], unit_ms, DEBUG);
    assert!(wrong.success, "{pitfall}_wrong failed: {}", wrong.stderr);
    assert!(fixed.success, "{pitfall}_fixed failed: {}", fixed.stderr);
    (wrong.stderr, fixed.stderr)
}

#[test]
fn debug_mode_reports_the_coroutine_never_awaited() {
    let (wrong, fixed) = debug_pair("never_awaited", 50);
    let file = "examples/pitfalls/never_awaited_wrong.rs";
    // the location is the call `sleep(1.0)`, on the line under `// BUG:`, column 13
    let warning = format!(
        "coroutine 'sleep' created at {file}:{}:13 was never awaited",
        bug_lines(file)[0]
    );
    // once per greeting
    assert_eq!(wrong.matches(&warning).count(), 3, "stderr:\n{wrong}");
    assert!(!fixed.contains("never awaited"), "stderr:\n{fixed}");
}

#[test]
fn debug_mode_does_not_report_never_awaited_without_aio_debug() {
    let run = run_ok("never_awaited_wrong", &[], 100);
    assert!(
        !run.stderr.contains("never awaited"),
        "stderr:\n{}",
        run.stderr
    );
}

/// The slow-poll report of a wrong program: the main task, named with its location,
/// where the slow code ran, and a hint; and, where /proc tells (Linux on x86_64 or
/// aarch64), what the loop thread was doing (`doing`) and the hint for it (`fix`).
fn assert_blocked_the_loop(pitfall: &str, stderr: &str, place: &str, doing: &str, fix: &str) {
    let file = format!("examples/pitfalls/{pitfall}_wrong.rs");
    let prefix = format!("task 'main' (run at {file}:");
    let Some(start) = stderr
        .lines()
        .position(|l| l.starts_with(&prefix) && l.contains("blocked the loop for"))
    else {
        panic!("no slow-poll report naming the main task in:\n{stderr}")
    };
    // The head line, then its indented lines.
    let report: Vec<&str> = stderr
        .lines()
        .skip(start)
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with("  "))
        .map(|(_, l)| l)
        .collect();
    assert!(
        report[1].starts_with(place) && report[1].contains(&file),
        "{report:#?}"
    );
    let sampled = cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ));
    let help = report.last().unwrap();
    if sampled {
        let was = format!("  the loop thread was {doing}");
        assert_eq!(report[report.len() - 2], was, "{report:#?}");
        assert_eq!(*help, format!("  help: {fix}"), "{report:#?}");
    } else {
        assert!(help.starts_with("  help: "), "{report:#?}");
    }
}

const SLEEP_SYSCALL: &str = "in the system call `clock_nanosleep`";
const SLEEP_FIX: &str = "a blocking sleep (std::thread::sleep?): use aio::sleep(d).await";

#[test]
fn debug_mode_reports_a_blocking_sleep() {
    // 150 ms units: each blocking sleep outlasts the 100 ms threshold
    let (wrong, fixed) = debug_pair("blocking_sleep", 150);
    // The three greetings block in one poll of main, inside the gather of say_hello.
    let place = "  in: `aio::gather` argument ";
    assert_blocked_the_loop("blocking_sleep", &wrong, place, SLEEP_SYSCALL, SLEEP_FIX);
    assert!(wrong.contains(" of 3 (`say_hello`), at "), "{wrong}");
    assert_eq!(wrong.matches("blocked the loop").count(), 1, "{wrong}");
    assert!(!fixed.contains("blocked the loop"), "stderr:\n{fixed}");
}

#[test]
fn debug_mode_reports_a_blocking_http_request() {
    // 1 s units: the server answers after 200 ms
    let (wrong, fixed) = debug_pair("sync_http", 1000);
    let (doing, fix) = (
        "in the system call `recvfrom`",
        "blocking network I/O: use aio::net, or aio::to_thread for a blocking client",
    );
    assert_blocked_the_loop(
        "sync_http",
        &wrong,
        "  after: `aio::yield_now` at",
        doing,
        fix,
    );
    assert!(!fixed.contains("blocked the loop"), "stderr:\n{fixed}");
}

#[test]
fn debug_mode_reports_a_busy_loop() {
    // 400 ms units: the spin lasts 220 ms
    let (wrong, fixed) = debug_pair("busy_loop", 400);
    let (doing, fix) = (
        "running, not waiting in a system call",
        "a long computation or a busy loop: move it to aio::to_thread, or let other tasks \
         run with aio::yield_now().await",
    );
    assert_blocked_the_loop("busy_loop", &wrong, "  after: `aio::spawn` at", doing, fix);
    assert!(!fixed.contains("blocked the loop"), "stderr:\n{fixed}");
}

#[test]
fn debug_mode_names_a_blocking_call_the_linter_cannot_see() {
    // 600 ms units: the callback blocks for 300 ms, so the watchdog (a look every 25 ms)
    // has 200 ms past the 100 ms threshold to see the sleep even on a loaded machine
    // (with 150 ms, a load average of 14 once left it no look in the window)
    let (wrong, fixed) = debug_pair("hidden_blocking", 600);
    let place = "  after: `aio::yield_now` at";
    assert_blocked_the_loop("hidden_blocking", &wrong, place, SLEEP_SYSCALL, SLEEP_FIX);
    assert!(!fixed.contains("blocked the loop"), "stderr:\n{fixed}");
}

#[test]
fn a_nested_run_panics_with_the_fix_in_the_message() {
    let wrong = run_example("nested_run_wrong", &[], 50, &[]);
    assert!(!wrong.success, "a nested aio::run must fail");
    assert!(
        wrong
            .stderr
            .contains("aio::run() cannot be called from a running event loop"),
        "stderr:\n{}",
        wrong.stderr
    );
    assert_eq!(run_ok("nested_run_fixed", &[], 50).lines, ["got 42"]);
}

// ---- behaviour of each pair --------------------------------------------------------

fn exec_units(run: &examples_support::Run) -> f64 {
    number_in(run.lines.last().expect("output"), "exec in ", " seconds.")
}

#[test]
fn never_awaited_skips_the_sleep_and_the_fix_sleeps_once() {
    let greetings = lines(&["Hello, John", "Hello, Jane", "Hello, Alice"]);
    let wrong = run_ok("never_awaited_wrong", &[], 100);
    let fixed = run_ok("never_awaited_fixed", &[], 100);
    assert_eq!(wrong.lines[..3], greetings);
    assert_eq!(fixed.lines[..3], greetings);
    assert_between("never_awaited_wrong", exec_units(&wrong), 0.0, 0.5);
    assert_between("never_awaited_fixed", exec_units(&fixed), 1.0, 1.5);
}

#[test]
fn blocking_sleep_serialises_the_greetings_and_the_fix_overlaps_them() {
    let wrong = run_ok("blocking_sleep_wrong", &[], 100);
    let fixed = run_ok("blocking_sleep_fixed", &[], 100);
    assert_between("blocking_sleep_wrong", exec_units(&wrong), 3.0, 4.5);
    assert_between("blocking_sleep_fixed", exec_units(&fixed), 1.0, 1.5);
}

#[test]
fn sync_http_freezes_the_counter_and_the_fix_keeps_it_ticking() {
    // 500 ms units: the request takes 100 ms, the ten ticks about 1 ms each
    let wrong = run_ok("sync_http_wrong", &[], 500);
    let fixed = run_ok("sync_http_fixed", &[], 500);
    let response = "Got HTTP response with status 200";
    let at = |run: &examples_support::Run| {
        run.lines
            .iter()
            .position(|l| l == response)
            .expect("a response line")
    };
    // wrong: every tick after the response; fixed: every tick before it
    assert_eq!(at(&wrong), 1, "{:?}", wrong.lines);
    assert_eq!(at(&fixed), 11, "{:?}", fixed.lines);
    let first = number_in(&wrong.lines[2], "0: Was asleep for ", "s");
    assert!(first >= 0.2, "the first tick waited {first:.3} units");
}

#[test]
fn awaiting_in_a_loop_takes_five_units_and_gathering_one() {
    let wrong = run_ok("await_in_loop_wrong", &[], 100);
    let fixed = run_ok("await_in_loop_fixed", &[], 100);
    let results = lines(&["1", "2", "3", "4", "5"]);
    assert_eq!(wrong.lines[..5], results);
    assert_eq!(fixed.lines[..5], results);
    assert_between("await_in_loop_wrong", exec_units(&wrong), 5.0, 7.0);
    assert_between("await_in_loop_fixed", exec_units(&fixed), 1.0, 1.5);
}

#[test]
fn sequential_awaits_take_two_units_and_gather_one() {
    let wrong = run_ok("sequential_awaits_wrong", &[], 100);
    let fixed = run_ok("sequential_awaits_fixed", &[], 100);
    assert_eq!(wrong.lines[0], "1 2");
    assert_eq!(fixed.lines[0], "1 2");
    assert_between("sequential_awaits_wrong", exec_units(&wrong), 2.0, 3.0);
    assert_between("sequential_awaits_fixed", exec_units(&fixed), 1.0, 1.5);
}

#[test]
fn a_task_awaited_at_once_runs_alone_and_the_fix_overlaps() {
    let wrong = run_ok("immediately_awaited_task_wrong", &[], 20);
    let fixed = run_ok("immediately_awaited_task_fixed", &[], 20);
    assert_eq!(
        wrong.lines[..4],
        lines(&[
            "Before sleeping... 1",
            "After sleeping... 1",
            "Before sleeping... 2",
            "After sleeping... 2",
        ])
    );
    assert_eq!(
        fixed.lines[..4],
        lines(&[
            "Before sleeping... 2",
            "Before sleeping... 1",
            "After sleeping... 2",
            "After sleeping... 1",
        ])
    );
    assert_between(
        "immediately_awaited_task_wrong",
        exec_units(&wrong),
        10.0,
        13.0,
    );
    assert_between(
        "immediately_awaited_task_fixed",
        exec_units(&fixed),
        5.0,
        7.0,
    );
}

#[test]
fn a_busy_loop_starves_the_ticker_and_the_fix_lets_it_tick() {
    let wrong = run_ok("busy_loop_wrong", &[], 50);
    let fixed = run_ok("busy_loop_fixed", &[], 50);
    let done = |run: &examples_support::Run| {
        run.lines
            .iter()
            .position(|l| l == "done waiting")
            .expect("a done line")
    };
    assert_eq!(wrong.lines[0], "waiting");
    assert_eq!(
        done(&wrong),
        1,
        "no tick can come during the spin: {:?}",
        wrong.lines
    );
    // the ticks are due at 0.1 ... 0.5 units and the wait ends at 0.55: on a loaded
    // machine some may come late, but not all of them
    assert!(
        done(&fixed) >= 2,
        "no tick during the wait: {:?}",
        fixed.lines
    );
    assert_eq!(wrong.lines.len(), 7);
    assert_eq!(fixed.lines.len(), 7);
}

#[test]
fn a_hidden_blocking_call_freezes_the_counter_and_the_fix_keeps_it_ticking() {
    let wrong = run_ok("hidden_blocking_wrong", &[], 50);
    let fixed = run_ok("hidden_blocking_fixed", &[], 50);
    assert_eq!(
        wrong.lines[..2],
        lines(&["calling the callback", "callback done"])
    );
    let first = number_in(&wrong.lines[2], "0: Was asleep for ", "");
    assert!(first >= 0.5, "the first tick waited {first:.2} units");
    assert_eq!(fixed.lines[0], "calling the callback");
    assert_eq!(fixed.lines[4], "callback done", "{:?}", fixed.lines);
}
