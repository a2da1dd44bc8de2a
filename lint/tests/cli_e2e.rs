//! End-to-end tests of the `cargo-aio-lint` binary on temporary folders: exit codes,
//! configuration errors, suppressions, discovery, hostile inputs, broken pipes and
//! determinism. Findings come from the rules every build has (`parse_error`,
//! `unused_suppression`), so these tests do not depend on any one lint rule.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-aio-lint");

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn lint(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const BROKEN: &str = "fn main() {\n    let x = (;\n}\n";

#[test]
fn exit_codes_follow_levels_and_deny_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "ok.rs", "fn main() {}\n");
    let o = lint(tmp.path(), &["."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "aio-lint: no findings (1 file checked)\n");

    write(tmp.path(), "bad.rs", BROKEN);
    let o = lint(tmp.path(), &["."]);
    assert_eq!(o.status.code(), Some(0), "a warning does not fail the run");
    assert!(
        stdout(&o).ends_with("aio-lint: 1 warning in 1 file (2 files checked)\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        lint(tmp.path(), &["--deny-warnings", "."]).status.code(),
        Some(1)
    );
    assert_eq!(lint(tmp.path(), &["-D", "."]).status.code(), Some(1));

    write(tmp.path(), "aio-lint.toml", "deny = [\"parse_error\"]\n");
    let o = lint(tmp.path(), &["."]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("error[aio::parse_error]"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).ends_with("aio-lint: 1 error in 1 file (2 files checked)\n"));

    write(tmp.path(), "aio-lint.toml", "allow = [\"parse_error\"]\n");
    let o = lint(tmp.path(), &["--deny-warnings", "."]);
    assert_eq!(o.status.code(), Some(0), "an allowed rule reports nothing");
    assert_eq!(stdout(&o), "aio-lint: no findings (2 files checked)\n");
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = lint(tmp.path(), &["no/such/path"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/path"), "{}", stderr(&o));
    assert_eq!(
        lint(tmp.path(), &["--message-format", "xml", "."])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(lint(tmp.path(), &["-j", "0", "."]).status.code(), Some(2));
    let o = lint(tmp.path(), &["explain", "blocking_slep"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `blocking_slep`"),
        "{}",
        stderr(&o)
    );
    // Outside a cargo workspace and without paths: cargo metadata fails, clearly.
    let o = lint(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read the cargo workspace"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_configuration_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "src/a.rs", "fn a() {}\n");
    write(
        tmp.path(),
        "aio-lint.toml",
        "warn = []\ndeny = [\"parse_error\",\n  \"nope\"]\n",
    );
    let o = lint(tmp.path(), &["src"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("aio-lint.toml:3:3: unknown rule `nope` in `deny`"),
        "{err}"
    );

    write(tmp.path(), "aio-lint.toml", "allow = [\"parse_error\"\n");
    let err = stderr(&lint(tmp.path(), &["src"]));
    assert!(
        err.contains("aio-lint.toml:1:") && err.contains("invalid configuration"),
        "{err}"
    );

    std::fs::remove_file(tmp.path().join("aio-lint.toml")).unwrap();
    write(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"p\"\n\n[package.metadata.aio-lint]\nallow = [\"parse_error\"]\nblockng = []\n",
    );
    let o = lint(tmp.path(), &["src"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Cargo.toml:6:1: invalid configuration: unknown field `blockng`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn suppressions_in_comments_and_unused_ones() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "a.rs",
        format!("// aio-lint: allow-file(parse_error)\n{BROKEN}"),
    );
    write(
        tmp.path(),
        "b.rs",
        "fn b() {\n    // aio-lint: allow(parse_error)\n    let x = 1;\n}\n",
    );
    write(
        tmp.path(),
        "c.rs",
        "fn c() {} // aio-lint: allow(blocking_slep)\n",
    );
    write(
        tmp.path(),
        "d.rs",
        "fn d() {\n    let s = \"// aio-lint: allow(nothing)\";\n}\n",
    );
    let o = lint(tmp.path(), &["--message-format", "github", "."]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("::warning file=b.rs,line=2,col=24,endLine=2,endColumn=35,title=aio%3A%3Aunused_suppression::unused suppression"), "{out}");
    assert!(
        lines[1].starts_with("::warning file=c.rs,line=1,col=30,"),
        "{out}"
    );
    assert!(
        lines[1].contains("unknown rule `blocking_slep`")
            && lines[1].contains("did you mean `blocking_sleep`?"),
        "{out}"
    );

    write(
        tmp.path(),
        "aio-lint.toml",
        "allow = [\"unused_suppression\"]\n",
    );
    assert_eq!(
        lint(tmp.path(), &["--message-format", "github", "."]).stdout,
        b""
    );
}

#[test]
fn discovery_honours_gitignore_hidden_and_target_unless_no_ignore() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
    );
    write(root, "src/lib.rs", BROKEN);
    write(root, "src/notes.txt", BROKEN);
    write(root, ".gitignore", "generated/\n");
    write(root, "generated/x.rs", BROKEN);
    write(root, ".hidden/y.rs", BROKEN);
    write(root, "target/debug/build/z.rs", BROKEN);
    write(root, "vendor/keep.rs", BROKEN);
    let files = |args: &[&str]| {
        let o = lint(root, args);
        let mut v: Vec<String> = stdout(&o)
            .lines()
            .filter_map(|l| l.strip_prefix("::warning file="))
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        files(&["--message-format", "github", "."]),
        ["src/lib.rs", "vendor/keep.rs"]
    );
    assert_eq!(
        files(&["--message-format", "github", "--no-ignore", "."]),
        [
            ".gitignore",
            ".hidden/y.rs",
            "generated/x.rs",
            "src/lib.rs",
            "target/debug/build/z.rs",
            "vendor/keep.rs"
        ]
        .into_iter()
        .filter(|f| f.ends_with(".rs"))
        .collect::<Vec<_>>()
    );
    // A file named on the command line is linted even if ignored or not `.rs`.
    assert_eq!(
        files(&[
            "--message-format",
            "github",
            "generated/x.rs",
            "src/notes.txt"
        ]),
        ["generated/x.rs", "src/notes.txt"]
    );
    // `exclude` globs are relative to the configuration's folder.
    write(root, "aio-lint.toml", "exclude = [\"vendor\"]\n");
    assert_eq!(files(&["--message-format", "github", "."]), ["src/lib.rs"]);
    // Duplicate and overlapping paths lint each file once.
    assert_eq!(
        files(&[
            "--message-format",
            "github",
            "src",
            "./src/lib.rs",
            "src/../src"
        ]),
        ["src/lib.rs"]
    );
}

#[test]
fn no_path_lints_the_cargo_workspace_members() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.metadata.aio-lint]\ndeny = [\"parse_error\"]\n",
    );
    write(
        root,
        "a/Cargo.toml",
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "a/src/lib.rs", BROKEN);
    write(
        root,
        "b/Cargo.toml",
        "[package]\nname = \"b\"\nversion = \"0.2.0\"\nedition = \"2021\"\n",
    );
    write(root, "b/src/main.rs", "fn main() {}\n");
    write(root, "not_a_member/x.rs", BROKEN);
    // As cargo runs it (`cargo aio-lint` passes `aio-lint` first), from a member's folder.
    let o = lint(&root.join("b"), &["aio-lint", "--message-format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["message"]["level"], "error");
    assert!(
        v["package_id"].as_str().unwrap().ends_with("/a#0.1.0"),
        "{v}"
    );
    assert_eq!(v["target"]["kind"][0], "lib");
    assert_eq!(v["target"]["name"], "a");
    // Relative to the workspace root, not to the current folder `b/`.
    assert_eq!(v["message"]["spans"][0]["file_name"], "a/src/lib.rs");
    // `--manifest-path` picks the workspace from elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = root.join("Cargo.toml");
    let o = lint(
        elsewhere.path(),
        &[
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--message-format",
            "github",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn paths_are_relative_to_the_workspace_root_from_any_folder_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "app/src/lib.rs",
        "pub fn pace() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    );
    write(
        root,
        "app/src/bin/m1.rs",
        "async fn tick() {\n    app::pace();\n}\nfn main() {}\n",
    );
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "far.rs", BROKEN);
    let far = outside.path().join("far.rs");
    let src = root.join("app/src");
    let file = "app/src/bin/m1.rs";
    let expect = |format: &str, needle: &str, args: &[&str]| {
        let mut all = vec!["--message-format", format];
        all.extend_from_slice(args);
        let out = stdout(&lint(&src, &all));
        assert!(
            out.contains(needle),
            "{format} {args:?}: no `{needle}` in\n{out}"
        );
        assert!(!out.contains("\"bin/m1.rs"), "{format}: {out}");
        out
    };
    // The workspace (no path) and given paths (`.` is `app/src`), from `app/src`.
    for args in [&[][..], &["."][..]] {
        let json = expect("json", &format!("\"file_name\":\"{file}\""), args);
        assert!(
            json.contains("(app/src/lib.rs:2)"),
            "the note's path: {json}"
        );
        expect("human", &format!("┌─ {file}:2:5"), args);
        expect("github", &format!("file={file},line=2"), args);
        expect("sarif", &format!("\"uri\": \"{file}\""), args);
    }
    // A file outside the workspace is shown with its absolute path.
    let far_shown = far.to_str().unwrap();
    expect(
        "json",
        &format!("\"file_name\":\"{far_shown}\""),
        &[far_shown],
    );
    expect("github", &format!("file={far_shown},"), &[far_shown]);
}

#[test]
fn explain_and_rules_subcommands() {
    let tmp = tempfile::tempdir().unwrap();
    let o = lint(tmp.path(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for rule in ["parse_error", "unused_suppression"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(rule) && l.contains(" warn ")),
            "{out}"
        );
    }
    let o = lint(
        tmp.path(),
        &["aio-lint", "explain", "aio::unused_suppression"],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("# aio::unused_suppression\n"), "{out}");
    for section in [
        "## What it does",
        "## Why is this bad",
        "## Example",
        "## Use instead",
    ] {
        assert!(out.contains(section), "{out}");
    }
}

#[test]
fn broken_pipe_exits_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..300 {
        write(tmp.path(), &format!("f{i:03}.rs"), BROKEN);
    }
    let mut child = Command::new(BIN)
        .arg(".")
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "no crash, no signal: {status:?} {err}"
    );
    assert_eq!(err, "", "nothing on stderr");
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let body = match i % 3 {
            0 => BROKEN.to_owned(),
            1 => format!("fn f{i}() {{}} // aio-lint: allow(parse_error)\n"),
            _ => "// aio-lint: allow(nope)\nfn g() {}\n".to_owned(),
        };
        write(tmp.path(), &format!("d{}/f{i}.rs", i % 7), body);
    }
    // Rule findings too, the workspace pass's among them (a chain across files, futures of
    // workspace async fns dropped), whose order comes out of hash maps before sorting.
    for i in 0..8 {
        write(
            tmp.path(),
            &format!("w/src/m{i}.rs"),
            format!(
                "pub fn pace{i}() {{ std::thread::sleep(std::time::Duration::from_millis(1)); }}\n\
                 pub async fn fetch{i}() {{}}\n\
                 pub async fn run{i}() {{\n    crate::m{j}::pace{j}();\n    crate::m{j}::fetch{j}();\n    \
                 let a = fetch{i}().await;\n    let b = crate::m{j}::fetch{j}().await;\n}}\n",
                j = (i + 1) % 8
            ),
        );
    }
    for format in ["human", "json", "sarif", "github"] {
        let one = lint(
            tmp.path(),
            &["-j1", "--color", "always", "--message-format", format, "."],
        );
        let all = lint(
            tmp.path(),
            &["--color", "always", "--message-format", format, "."],
        );
        let again = lint(
            tmp.path(),
            &[
                "-j",
                "4",
                "--color",
                "always",
                "--message-format",
                format,
                ".",
            ],
        );
        assert!(!one.stdout.is_empty());
        let text = String::from_utf8_lossy(&one.stdout);
        assert!(
            text.contains("blocking_sleep") && text.contains("unawaited_future"),
            "{format}: {text}"
        );
        assert!(
            one.stdout == all.stdout && all.stdout == again.stdout,
            "{format} differs between thread counts"
        );
    }
}

#[test]
fn hostile_files_are_reported_and_the_rest_still_linted() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "empty.rs", "");
    write(root, "latin1.rs", b"fn main() {}\n// caf\xe9\n");
    write(root, "bom.rs", "\u{feff}fn main() {}\n");
    write(root, "my dir/ünïcode name.rs", BROKEN);
    write(root, "z_last.rs", BROKEN);
    std::fs::create_dir_all(root.join("folder.rs")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop_b.rs", root.join("loop_a.rs")).unwrap();
        std::os::unix::fs::symlink("loop_a.rs", root.join("loop_b.rs")).unwrap();
        std::os::unix::fs::symlink("deleted.rs", root.join("dangling.rs")).unwrap();
    }
    let o = lint(root, &["--message-format", "github", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let find = |file: &str| {
        out.lines()
            .find(|l| l.contains(&format!("file={file},")))
            .unwrap_or_else(|| panic!("{file} not reported: {out}"))
    };
    assert!(
        find("latin1.rs").contains("line=2,col=7,")
            && find("latin1.rs").contains("not valid UTF-8"),
        "{out}"
    );
    assert!(find("my dir/ünïcode name.rs").contains("title=aio%3A%3Aparse_error"));
    assert!(find("z_last.rs").contains("parse_error"));
    #[cfg(unix)]
    {
        assert!(find("loop_a.rs").contains("cannot read"), "{out}");
        assert!(find("dangling.rs").contains("cannot read"), "{out}");
    }
    assert!(
        !out.contains("file=empty.rs,") && !out.contains("file=bom.rs,"),
        "{out}"
    );
    assert!(
        !out.contains("folder.rs"),
        "a folder named *.rs is walked, not read: {out}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_finding_not_a_crash() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "secret.rs", BROKEN);
    write(tmp.path(), "other.rs", BROKEN);
    let secret = tmp.path().join("secret.rs");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything; then the file is simply linted.
    let readable = std::fs::read(&secret).is_ok();
    let o = lint(tmp.path(), &["--message-format", "github", "."]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("file=secret.rs,")).unwrap();
    if readable {
        assert!(line.contains("does not parse"), "{line}");
    } else {
        assert!(
            line.contains("cannot read") && line.contains("ermission denied"),
            "{line}"
        );
    }
    assert!(out.contains("file=other.rs,"));
}

#[test]
fn pathological_files_are_findings_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let n = 100_000;
    write(
        root,
        "parens.rs",
        format!(
            "fn main() {{ let x = {}1{}; }}\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    write(
        root,
        "blocks.rs",
        format!("fn main() {}{}\n", "{".repeat(n), "}".repeat(n)),
    );
    // A 10 MB single line (valid Rust: 20k statements and a 9.8 MB string literal): linted,
    // its finding ten million characters to the right.
    let prefix = format!(
        "async fn f() {{ {}let _s = \"{}\"; ",
        "let _a = 1; ".repeat(20_000),
        "x".repeat(9_800_000)
    );
    let line = format!("{prefix}std::thread::sleep(D); }}");
    assert!(line.len() >= 10_000_000 && !line.contains('\n'));
    write(root, "one_line.rs", line);
    write(root, "z.rs", BROKEN);
    let o = lint(root, &["--message-format", "github", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let long = format!("file=one_line.rs,line=1,col={},", prefix.len() + 1);
    assert!(
        out.lines()
            .any(|l| l.contains(&long) && l.contains("blocking_sleep")),
        "{out}"
    );
    for f in ["blocks.rs", "parens.rs", "z.rs"] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("file={f},")) && l.contains("parse_error")),
            "{f}: {out}"
        );
    }
}

#[test]
fn stats_and_parse_only_report_counts_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.rs", "fn a() {}\n\nfn b() {}\n");
    write(tmp.path(), "b.rs", BROKEN);
    let o = lint(tmp.path(), &["--stats", "."]);
    let err = stderr(&o);
    assert!(
        err.starts_with("aio-lint stats: 2 files, 6 lines, "),
        "{err}"
    );
    assert!(
        err.contains(" 0 panics, 1 parse errors, 1 findings"),
        "{err}"
    );
    let o = lint(tmp.path(), &["--stats", "--parse-only", "."]);
    assert_eq!(stdout(&o), "", "parse-only prints no findings");
    let err = stderr(&o);
    assert!(
        err.starts_with("aio-lint stats (parse only): 2 files, 6 lines, ")
            && err.contains("1 parse errors"),
        "{err}"
    );
}

/// Two unrelated packages linted in one run: a method name defined in one never resolves
/// to a call in the other; within one package it does, and the chain's note names the
/// blocking call's file relative to the current folder.
#[test]
fn call_graph_names_stay_in_their_package_and_notes_are_relative() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let manifest = |name: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    };
    let blocker = "pub struct Store;\nimpl Store {\n    pub fn load_all(&self) {\n        std::thread::sleep(std::time::Duration::from_millis(1));\n    }\n}\n";
    write(root, "one/Cargo.toml", manifest("one"));
    write(root, "one/src/lib.rs", blocker);
    write(
        root,
        "one/src/main.rs",
        "async fn f(s: S) {\n    s.load_all();\n}\nfn main() {}\n",
    );
    write(root, "two/Cargo.toml", manifest("two"));
    write(
        root,
        "two/src/lib.rs",
        "pub async fn g(s: S) {\n    s.load_all();\n}\n",
    );
    let o = lint(root, &["--message-format", "json", "."]);
    let out = stdout(&o);
    let findings: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(findings.len(), 1, "{out}");
    let m = &findings[0]["message"];
    assert_eq!(m["code"]["code"], "aio::blocking_sleep");
    assert_eq!(m["spans"][0]["file_name"], "one/src/main.rs");
    let note = m["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["level"] == "note")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        note.ends_with("calls `load_all`, which calls `std::thread::sleep` (one/src/lib.rs:4)"),
        "{note}"
    );
}

/// The findings of a run as (rule, file, line), sorted.
fn finding_set(o: &Output) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = stdout(o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|j| j["reason"] == "compiler-message")
        .map(|j| {
            let m = &j["message"];
            let file = m["spans"][0]["file_name"].as_str().unwrap().to_owned();
            // Shown relative to where the run started: compare by the path inside `root`.
            let file = file
                .rsplit_once("crates/")
                .map_or(file.clone(), |(_, f)| f.to_owned());
            (
                m["code"]["code"].as_str().unwrap().to_owned(),
                file,
                m["spans"][0]["line_start"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_package_s_findings_do_not_depend_on_the_other_crates_of_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let manifest = |name: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
    };
    // mini-redis awaits its own async `client::connect`; `redis` has a sync one that
    // blocks, and `dotenv` a sync `var` that reads a file, which `app` calls by path.
    write(root, "crates/mini-redis/Cargo.toml", manifest("mini-redis"));
    write(
        root,
        "crates/mini-redis/src/client.rs",
        "pub async fn connect(_a: &str) {}\n",
    );
    write(
        root,
        "crates/mini-redis/examples/hello.rs",
        "async fn main() {\n    mini_redis::client::connect(\"a\").await;\n}\n",
    );
    write(root, "crates/redis/Cargo.toml", manifest("redis"));
    write(
        root,
        "crates/redis/src/client.rs",
        "pub fn connect(a: &str) {\n    std::net::TcpStream::connect(a).unwrap();\n}\n",
    );
    write(root, "crates/dotenv/Cargo.toml", manifest("dotenv"));
    write(
        root,
        "crates/dotenv/src/lib.rs",
        "pub fn var(k: &str) -> String {\n    std::fs::read_to_string(k).unwrap()\n}\n",
    );
    write(root, "crates/app/Cargo.toml", manifest("app"));
    write(
        root,
        "crates/app/src/lib.rs",
        "pub async fn start() {\n    dotenv::var(\"URL\");\n}\n",
    );
    let json = ["--message-format", "json"];
    let run = |dirs: &[&str]| {
        let mut args = json.to_vec();
        args.extend_from_slice(dirs);
        let o = lint(&root.join("crates"), &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        finding_set(&o)
    };
    let apart: Vec<_> = ["mini-redis", "redis", "dotenv", "app"]
        .iter()
        .flat_map(|c| run(&[c]))
        .collect();
    assert_eq!(apart, vec![]);
    assert_eq!(run(&["mini-redis", "redis", "dotenv", "app"]), apart);

    // Members of one cargo workspace are one program: a path into a sibling is followed.
    write(
        root,
        "crates/Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"dot*\"]\nexclude = [\"redis\"]\n",
    );
    assert_eq!(
        run(&["app", "dotenv"]),
        vec![("aio::blocking_fs".into(), "app/src/lib.rs".into(), 2)]
    );
    // ...and not into a crate the workspace excludes or does not list.
    assert_eq!(run(&["mini-redis", "redis"]), vec![]);
}

#[test]
fn edition_2015_syntax_parses_in_2015_crates_only() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let old = "pub type Action = Fn(&u8) + Send + Sync;\npub trait Handler {\n    fn handle(&self, u8, &str) -> Box<Fn(u8)>;\n}\npub fn pause() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    // No `edition` key: 2015, as cargo reads it.
    write(
        root,
        "old/Cargo.toml",
        "[package]\nname = \"old\"\nversion = \"0.1.0\"\n",
    );
    write(root, "old/src/lib.rs", old);
    write(
        root,
        "new/Cargo.toml",
        "[package]\nname = \"new\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "new/src/lib.rs", old);
    let o = lint(root, &["--message-format", "json", "old", "new"]);
    assert_eq!(
        finding_set(&o),
        vec![("aio::parse_error".into(), "new/src/lib.rs".into(), 1)],
        "{}",
        stdout(&o)
    );
}

#[test]
fn rustc_s_opt_out_silences_unawaited_future_on_its_item() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "lib.rs",
        "async fn work() {}\n\
         #[allow(unused_must_use)]\n\
         fn a() { work(); }\n\
         #[expect(unused_must_use, reason = \"on purpose\")]\n\
         fn b() { let _ = work(); }\n\
         #[allow(dead_code, clippy::let_underscore_future)]\n\
         fn c() { let _ = work(); }\n\
         #[allow(unused_must_use)]\n\
         async fn d() { std::thread::sleep(std::time::Duration::from_millis(1)); }\n\
         struct Tk;\n\
         impl std::future::Future for Tk { type Output = (); fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> { std::task::Poll::Ready(()) } }\n\
         fn tk() -> Tk { Tk }\n\
         #[allow(unused_must_use)]\n\
         fn e() { tk(); Tk; }\n\
         fn g() { tk(); }\n",
    );
    let o = lint(tmp.path(), &["--message-format", "json", "lib.rs"]);
    let found: Vec<_> = finding_set(&o)
        .into_iter()
        .map(|(rule, _, line)| (rule, line))
        .collect();
    // Only the dropped future of the item without rustc's opt-out (clippy's is not one),
    // and the other rule.
    assert_eq!(
        found,
        vec![
            ("aio::blocking_sleep".into(), 9),
            ("aio::unawaited_future".into(), 7),
            ("aio::unawaited_future".into(), 15),
        ],
        "{}",
        stdout(&o)
    );
}
