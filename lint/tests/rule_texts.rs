//! Per-rule snapshots of what a finding says: for every rule, its fixture's findings with
//! position, message, labels, notes, help and suggestion, rendered as plain text, so a
//! change of wording shows up in review as a snapshot diff (`cargo insta review`).
//!
//! `unused_suppression` is raised by the command line: its snapshot goes through the
//! whole in-memory pipeline (the human format, without colour).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod common;

use aio_lint::cli::{MessageFormat, render_in_memory};
use aio_lint::{Diagnostic, FileOptions, Span, analyze_file, link};
use common::runtime;

fn at(s: &Span) -> String {
    format!(
        "{}:{}-{}:{}",
        s.start.line, s.start.column, s.end.line, s.end.column
    )
}

/// One finding as reviewed text.
fn render(d: &Diagnostic) -> String {
    let mut out = format!(
        "{} [{}] {}: {}\n",
        at(&d.primary.span),
        d.rule,
        d.level,
        d.message
    );
    if !d.primary.message.is_empty() {
        let _ = writeln!(out, "  label: {}", d.primary.message);
    }
    for l in &d.secondary {
        let _ = writeln!(out, "  secondary {}: {}", at(&l.span), l.message);
    }
    for n in &d.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  help: {h}");
    }
    if let Some(s) = &d.suggestion {
        let _ = writeln!(
            out,
            "  suggestion {} ({}): {}",
            at(&s.span),
            s.applicability.as_str(),
            s.replacement
        );
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_fixture_texts() {
    let mut seen = 0;
    for path in fixtures() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let options = FileOptions {
            runtime: runtime(&text),
            ..FileOptions::default()
        };
        let mut analyses = vec![analyze_file(Path::new("src/fixture.rs"), &text, &options)];
        link(&mut analyses);
        let mut diags = analyses.remove(0).diagnostics;
        diags.sort_by(|a, b| {
            let key = |d: &Diagnostic| (d.primary.span.byte_start, d.primary.span.byte_end, d.rule);
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        assert!(
            diags.iter().any(|d| d.rule == name),
            "{name}: its fixture has no finding of the rule"
        );
        let shown: String = diags.iter().map(render).collect();
        insta::assert_snapshot!(format!("rule_{name}"), shown);
        seen += 1;
    }
    assert!(seen >= 14, "only {seen} fixtures");
}

#[test]
fn unused_suppression_texts() {
    let files = vec![(
        PathBuf::from("src/lib.rs"),
        b"async fn f() {\n    // aio-lint: allow(blocking_sleep)\n    g().await;\n}\n\
           // aio-lint: allow(no_such_rule)\nfn h() {}\n\
           #[aio::allow(blocking_fs, no_such_rule)]\nasync fn k() {}\n\
           #[aio::coroutine(allow_blocking)]\nasync fn m() {\n    \
           std::thread::sleep(std::time::Duration::from_secs(1));\n    n();\n}\n\
           #[aio::main(allow_blocking)]\nasync fn main() {}\nasync fn n() {}\n"
            .to_vec(),
    )];
    let human = render_in_memory(&files)
        .into_iter()
        .find(|(f, color, _)| *f == MessageFormat::Human && !color)
        .map(|(_, _, out)| String::from_utf8(out).unwrap())
        .unwrap();
    assert!(human.contains("unused_suppression"), "{human}");
    // `allow_blocking` silences the blocking call, not the unawaited future; unused, it
    // is not reported (it is the macro's option first).
    assert!(!human.contains("blocking_sleep]"), "{human}");
    assert!(human.contains("unawaited_future"), "{human}");
    assert!(!human.contains("allow_blocking"), "{human}");
    insta::assert_snapshot!("rule_unused_suppression", human);
}
