//! Runs the built examples for `tests/notes.rs` and `tests/pitfalls.rs`: finds each
//! binary next to the test binary (`target/<profile>/examples/<name>`; `cargo test`
//! builds the examples before it runs the tests, and they are built here if a test
//! target runs alone), runs it with a short time unit
//! (`AIO_UNIT_MS`) and returns its output lines, its stderr and how long it took.
//!
//! It asserts nothing about the output itself; the tests do.
#![allow(dead_code)] // each test file uses the part it needs

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What one run of an example produced.
pub struct Run {
    /// Standard output, split into lines.
    pub lines: Vec<String>,
    /// Standard error, whole.
    pub stderr: String,
    /// True when the process exited with status 0.
    pub success: bool,
    /// Wall-clock time of the run, in units.
    pub units: f64,
}

/// The path of a built example. `cargo test -p aio` builds the examples before the
/// tests; when a test target is run on its own (`cargo test --test notes`), they may be
/// missing, and are built here once, with the same cargo, target dir and profile.
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test binary> -> target/<profile>/examples/<name>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        build_examples(profile_dir);
    }
    assert!(
        path.exists(),
        "example `{name}` is not built at {}: run `cargo build -p aio --examples`",
        path.display()
    );
    path
}

/// Builds every example of the package into `profile_dir` (once per test binary).
fn build_examples(profile_dir: &Path) {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target_dir = profile_dir.parent().expect("target/<profile>");
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(["build", "--quiet", "-p", "aio", "--examples"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("CARGO_TARGET_DIR", target_dir);
        if profile_dir.file_name().is_some_and(|p| p == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build --examples");
        assert!(status.success(), "cargo build -p aio --examples failed");
    });
}

/// Runs example `name` with `args`, a unit of `unit_ms` milliseconds and extra
/// environment variables. Debug mode is off unless `env` turns it on.
pub fn run_example(name: &str, args: &[&str], unit_ms: u64, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(example_path(name));
    cmd.args(args)
        .env("AIO_UNIT_MS", unit_ms.to_string())
        .env_remove("AIO_DEBUG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().expect("run the example");
    let elapsed = start.elapsed();
    Run {
        lines: String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        success: out.status.success(),
        units: elapsed.as_secs_f64() / Duration::from_millis(unit_ms).as_secs_f64(),
    }
}

/// Runs an example that must succeed.
pub fn run_ok(name: &str, args: &[&str], unit_ms: u64) -> Run {
    let run = run_example(name, args, unit_ms, &[]);
    assert!(
        run.success,
        "example `{name}` failed:\n{}\n{}",
        run.lines.join("\n"),
        run.stderr
    );
    run
}

/// The number in a line `<prefix><number><suffix>`, e.g. the `1.00` of
/// `countasync.rs exec in 1.00 seconds.`.
pub fn number_in(line: &str, prefix: &str, suffix: &str) -> f64 {
    line.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("expected `{prefix}<number>{suffix}`, got `{line}`"))
}

/// Asserts `low <= value < high`, naming what was measured.
pub fn assert_between(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..high).contains(&value),
        "{what}: {value:.3} units, expected in [{low}, {high})"
    );
}

/// Owned lines from string literals, for comparisons.
pub fn lines(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|s| (*s).to_owned()).collect()
}
