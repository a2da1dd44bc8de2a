//! Runs every fixture in `tests/fixtures/`: each line marked `// expect: RULE` (several
//! rules separated by commas) must get a finding of that rule, and nothing else in the
//! file may be flagged. A fixture may start with `// runtime: aio|tokio|async-std|smol`.
//! The fixture is analysed alone and linked alone, so the call graph sees its own fns.

use std::collections::BTreeSet;
use std::path::Path;

mod common;

use aio_lint::{FileOptions, analyze_file, link};
use common::runtime;

fn expected(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, rules)) = line.split_once("// expect: ") {
            for rule in rules.split(',') {
                out.insert((i + 1, rule.trim().to_string()));
            }
        }
    }
    out
}

/// Lints one fixture and returns the (line, rule) pairs found.
pub fn found(path: &Path, text: &str) -> BTreeSet<(usize, String)> {
    let options = FileOptions {
        runtime: runtime(text),
        ..FileOptions::default()
    };
    let mut analyses = vec![analyze_file(Path::new("src/fixture.rs"), text, &options)];
    link(&mut analyses);
    let _ = path;
    analyses[0]
        .diagnostics
        .iter()
        .map(|d| (d.primary.span.start.line, d.rule.to_string()))
        .collect()
}

#[test]
fn every_fixture_matches_its_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        // `AIO_FIXTURE=name` runs only the fixtures whose file name contains `name`.
        if let Ok(only) = std::env::var("AIO_FIXTURE")
            && !path.to_string_lossy().contains(&only)
        {
            continue;
        }
        count += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let want = expected(&text);
        let got = found(&path, &text);
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        if !missing.is_empty() || !extra.is_empty() {
            failures.push(format!(
                "{}:\n  missing (line, rule): {missing:?}\n  unexpected (line, rule): {extra:?}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
