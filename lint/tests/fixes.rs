//! The fixes, file by file: each `tests/fixes/NAME.rs` is the "before" of a pair whose
//! "after" is the snapshot `fixes__NAME.snap`: the diff `--diff` prints, and the summary
//! line, for the safe fixes and then with `--unsafe-fixes`.
//!
//! Each fixture is linted as the `src/lib.rs` of a crate made in a temporary folder,
//! whose Cargo.toml depends on the runtime the first line names (`// runtime: tokio`);
//! `// tokio-features: rt, time` sets tokio's features (default `full`), `// deps: futures`
//! adds dependencies. Nothing is compiled here (see `fix_end_to_end.rs`).
//!
//! For every fixture it also checks that `--diff` writes nothing and prints what `--fix`
//! then does, that a second `--fix` changes nothing (idempotence), and that applying the
//! JSON suggestions with the `rustfix` crate, pass after pass as `cargo fix` does, gives
//! the same file as `--fix`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Crate {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Crate {
    fn lib(&self) -> PathBuf {
        self.root.join("src/lib.rs")
    }

    fn read(&self) -> String {
        std::fs::read_to_string(self.lib()).unwrap()
    }

    /// Runs the linter on `src/lib.rs`: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-aio-lint"))
            .args(args)
            .arg("src/lib.rs")
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

/// The value of a `// key: value` header line of a fixture.
fn header<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| l.strip_prefix(&format!("// {key}: ")))
        .map(str::trim)
}

/// A crate in a temporary folder whose `src/lib.rs` is `text`.
fn make_crate(text: &str) -> Crate {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("fixture");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let tokio_features = header(text, "tokio-features")
        .unwrap_or("full")
        .split(',')
        .map(|f| format!("\"{}\"", f.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut deps = match header(text, "runtime") {
        Some("tokio") => format!("tokio = {{ version = \"1\", features = [{tokio_features}] }}\n"),
        Some("aio") => "aio = \"0.1\"\n".to_string(),
        Some("smol") => "smol = \"2\"\n".to_string(),
        Some("async-std") => "async-std = \"1\"\n".to_string(),
        other => panic!("fixture without a known runtime line: {other:?}"),
    };
    for dep in header(text, "deps").into_iter().flat_map(|d| d.split(',')) {
        deps.push_str(&format!("{} = \"*\"\n", dep.trim()));
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n{deps}"
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), text).unwrap();
    Crate { _dir: dir, root }
}

/// The last line of stderr that is the summary.
fn summary(stderr: &str) -> &str {
    stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("aio-lint: ") && l.contains(" remaining"))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"))
}

/// Applies the JSON suggestions with rustfix (those `filter` keeps), re-linting after
/// each pass, until none applies; as `cargo fix` runs rustfix.
fn apply_with_rustfix(c: &Crate, unsafe_fixes: bool) -> String {
    let filter = if unsafe_fixes {
        rustfix::Filter::Everything
    } else {
        rustfix::Filter::MachineApplicableOnly
    };
    for _ in 0..10 {
        let (_, json, _) = c.run(&["--message-format", "json"]);
        let messages: String = json
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                format!("{}\n", v["message"])
            })
            .collect();
        let suggestions =
            rustfix::get_suggestions_from_json(&messages, &HashSet::new(), filter).unwrap();
        let text = c.read();
        let mut fix = rustfix::CodeFix::new(&text);
        let mut applied = 0;
        for s in suggestions.iter().rev() {
            // Overlapping suggestions fail here and wait for the next pass.
            if fix.apply(s).is_ok() {
                applied += 1;
            }
        }
        if applied == 0 {
            return text;
        }
        std::fs::write(c.lib(), fix.finish().unwrap()).unwrap();
    }
    panic!("rustfix did not converge");
}

fn check(path: &Path) {
    let name = path.file_stem().unwrap().to_str().unwrap();
    let before = std::fs::read_to_string(path).unwrap();
    let c = make_crate(&before);
    let mut snapshot = String::new();
    let mut afters = Vec::new();
    for unsafe_fixes in [false, true] {
        let mut args = vec!["--diff"];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        let (code, diff, stderr) = c.run(&args);
        assert_eq!(c.read(), before, "{name}: --diff wrote the file");
        assert_eq!(
            code,
            i32::from(!diff.is_empty()),
            "{name}: --diff exit code"
        );
        snapshot.push_str(&format!(
            "$ {}\n{diff}{}\n\n",
            args.join(" "),
            summary(&stderr)
        ));

        // --fix does what --diff showed.
        let mut fix_args = vec!["--fix"];
        fix_args.extend(&args[1..]);
        let (_, _, stderr) = c.run(&fix_args);
        let after = c.read();
        assert!(
            !stderr.contains("internal error"),
            "{name}: a fix broke the file:\n{stderr}"
        );
        let expected = similar::TextDiff::from_lines(&before, &after)
            .unified_diff()
            .context_radius(3)
            .header("a/src/lib.rs", "b/src/lib.rs")
            .to_string();
        assert_eq!(diff, expected, "{name}: --diff and --fix disagree");
        assert!(
            syn::parse_file(&after).is_ok(),
            "{name}: the fixed file does not parse"
        );
        // Idempotence: a second run fixes nothing.
        let (_, _, again) = c.run(&fix_args);
        assert_eq!(c.read(), after, "{name}: a second --fix changed the file");
        assert!(
            summary(&again).starts_with("aio-lint: 0 fixed"),
            "{name}: {again}"
        );

        // rustfix on the JSON gives the same file.
        std::fs::write(c.lib(), &before).unwrap();
        let by_rustfix = apply_with_rustfix(&c, unsafe_fixes);
        assert_eq!(
            by_rustfix, after,
            "{name}: rustfix (unsafe: {unsafe_fixes}) and --fix disagree"
        );
        std::fs::write(c.lib(), &before).unwrap();
        afters.push(after);
    }
    insta::assert_snapshot!(name, snapshot);
}

#[test]
fn each_fixture_is_fixed_as_its_snapshot_says() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8);
    for path in &paths {
        check(path);
    }
    // Every rule with a fix has at least one pair.
    for rule in aio_lint::fix::FIXABLE_RULES {
        assert!(
            paths
                .iter()
                .any(|p| p.file_stem().unwrap().to_str().unwrap().starts_with(rule)),
            "no fixture for {rule}"
        );
    }
}

/// A file that does not parse is left alone, and says so.
#[test]
fn a_file_with_a_parse_error_is_left_alone() {
    let text = "// runtime: tokio\nasync fn f() { std::thread::sleep(d); \n";
    let c = make_crate(text);
    let (_, _, stderr) = c.run(&["--fix", "--unsafe-fixes"]);
    assert_eq!(c.read(), text);
    assert!(
        summary(&stderr).starts_with("aio-lint: 0 fixed, 1 remaining"),
        "{stderr}"
    );
}

/// `fixable`, `unfixable` and `extend-safe-fixes` in the configuration.
#[test]
fn configuration_chooses_what_is_fixed() {
    let text = "// runtime: tokio\nasync fn f() {}\npub async fn g() {\n    std::thread::sleep(std::time::Duration::ZERO);\n    f();\n}\n";
    let c = make_crate(text);
    let config = c.root.join("aio-lint.toml");

    std::fs::write(&config, "unfixable = [\"blocking_sleep\"]\n").unwrap();
    let (_, _, stderr) = c.run(&["--diff"]);
    assert_eq!(
        summary(&stderr),
        "aio-lint: 0 would be fixed, 2 remaining (1 more with --unsafe-fixes)"
    );

    std::fs::write(&config, "fixable = [\"unawaited_future\"]\n").unwrap();
    let (_, diff, _) = c.run(&["--diff", "--unsafe-fixes"]);
    assert!(
        diff.contains("+    f().await;") && !diff.contains("tokio::time"),
        "{diff}"
    );

    std::fs::write(&config, "extend-safe-fixes = [\"unawaited_future\"]\n").unwrap();
    let (_, diff, stderr) = c.run(&["--diff"]);
    assert!(
        diff.contains("+    f().await;") && diff.contains("tokio::time"),
        "{diff}"
    );
    assert_eq!(summary(&stderr), "aio-lint: 2 would be fixed, 0 remaining");

    std::fs::write(&config, "unfixable = [\"blocking_slep\"]\n").unwrap();
    let (code, _, stderr) = c.run(&["--diff"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "unknown rule `blocking_slep` in `unfixable` (did you mean `blocking_sleep`?)"
        ),
        "{stderr}"
    );
    assert_eq!(c.read(), text);
}

#[test]
fn unsafe_fixes_needs_fix_or_diff_and_version_is_printed() {
    let c = make_crate("// runtime: tokio\n");
    let (code, _, stderr) = c.run(&["--unsafe-fixes"]);
    assert_eq!(code, 2, "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-aio-lint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("cargo-aio-lint {}\n", env!("CARGO_PKG_VERSION"))
    );
}
