//! Every rule in `aio_lint::rules()` is documented and tested: its docs have the four
//! sections `explain` prints, it has a fixture with at least one positive (`// expect:`)
//! and a section of negatives (a comment line naming `negatives`, after which look-alikes follow that
//! `tests/fixtures.rs` checks are not flagged), and it has a row in the README's rule
//! table. `unused_suppression` is raised by the command line, not the engine: its
//! positives and negatives are in the CLI's tests, which this test checks exist.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_has_the_four_doc_sections() {
    for rule in aio_lint::rules() {
        let mut last = 0;
        for section in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
        ] {
            let at = rule
                .docs
                .find(section)
                .unwrap_or_else(|| panic!("{}: no `{section}`", rule.name));
            assert!(at >= last, "{}: `{section}` out of order", rule.name);
            last = at;
        }
        assert!(!rule.summary.is_empty(), "{}: empty summary", rule.name);
    }
}

#[test]
fn every_rule_has_a_fixture_with_positives_and_negatives() {
    for rule in aio_lint::rules() {
        if rule.name == "unused_suppression" {
            let cli_tests = std::fs::read_dir(root().join("tests"))
                .unwrap()
                .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
                .filter(|t| t.contains("unused_suppression"))
                .count();
            assert!(cli_tests > 1, "unused_suppression: no CLI test mentions it");
            continue;
        }
        let path = root()
            .join("tests/fixtures")
            .join(format!("{}.rs", rule.name));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{}: no fixture", rule.name));
        let marker = format!("// expect: {}", rule.name);
        assert!(
            text.contains(&marker),
            "{}: the fixture has no positive",
            rule.name
        );
        let negatives = text
            .lines()
            .any(|l| l.trim_start().starts_with("//") && l.contains("negatives"));
        assert!(
            negatives,
            "{}: the fixture has no `// negatives` section",
            rule.name
        );
    }
}

#[test]
fn every_rule_has_a_row_in_the_readme_table() {
    let readme = std::fs::read_to_string(root().join("../README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has no rules:start marker");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has no rules:end marker");
    let table = &readme[start..end];
    for rule in aio_lint::rules() {
        let row = format!("| `{}` | {} |", rule.name, rule.default_level);
        assert!(
            table.contains(&row),
            "README rule table has no row starting `{row}`"
        );
    }
}

#[test]
fn rules_are_sorted_unique_and_include_the_pseudo_rules() {
    let names: Vec<_> = aio_lint::rules().iter().map(|r| r.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
    for must in [
        "parse_error",
        "unused_suppression",
        "blocking_sleep",
        "unawaited_future",
        "nested_block_on",
    ] {
        assert!(names.contains(&must), "{must} missing");
    }
}
