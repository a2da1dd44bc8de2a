//! The rule docs are tested, as clippy's are: every rule's "## Example" code block must
//! make the rule fire, and every "## Use instead" code block must lint clean (no finding
//! of any rule). Both go through the whole in-memory pipeline (analysis, the workspace
//! pass, suppressions), so the command line's own rules are covered too.

use std::path::PathBuf;

use aio_lint::cli::{MessageFormat, render_in_memory};

/// The fenced `rust` code blocks of the section that starts with `heading`.
fn code_blocks(docs: &str, heading: &str) -> Vec<String> {
    let Some(start) = docs.find(heading) else {
        return Vec::new();
    };
    let rest = &docs[start + heading.len()..];
    let section = match rest.find("\n## ") {
        Some(end) => &rest[..end],
        None => rest,
    };
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(lang)) => {
                assert!(
                    lang.is_empty() || lang == "rust",
                    "a `{lang}` block under {heading}"
                );
                current = Some(String::new());
            }
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some(code), None) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(
        current.is_none(),
        "an unterminated code block under {heading}"
    );
    blocks
}

/// The rule codes (`aio::blocking_sleep`) the pipeline reports on `code`.
fn findings(code: &str) -> Vec<String> {
    let files = vec![(PathBuf::from("src/lib.rs"), code.as_bytes().to_vec())];
    let json = render_in_memory(&files)
        .into_iter()
        .find(|(f, _, _)| *f == MessageFormat::Json)
        .map(|(_, _, out)| String::from_utf8(out).unwrap())
        .unwrap();
    json.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-message")
        .filter_map(|v| v["message"]["code"]["code"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_example_fires_its_rule() {
    for rule in aio_lint::rules() {
        let examples = code_blocks(rule.docs, "## Example");
        assert!(!examples.is_empty(), "{}: no Example code block", rule.name);
        let code = format!("aio::{}", rule.name);
        for example in examples {
            let found = findings(&example);
            assert!(
                found.contains(&code),
                "{}: its Example does not fire it (found {found:?}):\n{example}",
                rule.name
            );
        }
    }
}

#[test]
fn every_use_instead_is_clean() {
    let mut checked = 0;
    for rule in aio_lint::rules() {
        for fixed in code_blocks(rule.docs, "## Use instead") {
            let found = findings(&fixed);
            assert!(
                found.is_empty(),
                "{}: its Use instead is not clean (found {found:?}):\n{fixed}",
                rule.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} Use instead blocks");
}

#[test]
fn code_blocks_are_found_per_section() {
    let docs = "## Example\n\n```rust\nfn a() {}\n```\n\ntext\n```\nfn b() {}\n```\n## Use instead\n\n```rust\nfn c() {}\n```\n";
    assert_eq!(
        code_blocks(docs, "## Example"),
        vec!["fn a() {}\n".to_string(), "fn b() {}\n".to_string()]
    );
    assert_eq!(
        code_blocks(docs, "## Use instead"),
        vec!["fn c() {}\n".to_string()]
    );
    assert!(code_blocks(docs, "## Why is this bad").is_empty());
}

/// What `explain RULE` shows is written to compile: every `rust` code block of every
/// rule's docs parses as a file (except `parse_error`'s Example), and each aio variant given in a `// aio: CODE` comment
/// parses as a statement and keeps the error handling of the code it replaces (a `?`
/// stays a `?`, so `try_gather!` where the awaits propagate errors).
#[test]
fn explain_code_parses_and_aio_variants_keep_the_question_mark() {
    let mut variants = 0;
    for rule in aio_lint::rules() {
        for heading in ["## What it does", "## Example", "## Use instead"] {
            for block in code_blocks(rule.docs, heading) {
                // `parse_error`'s Example is broken on purpose.
                let broken_on_purpose = rule.name == "parse_error" && heading == "## Example";
                if let Err(e) = syn::parse_file(&block)
                    && !broken_on_purpose
                {
                    panic!(
                        "{}: a block under {heading} does not parse: {e}\n{block}",
                        rule.name
                    );
                }
                let lines: Vec<&str> = block.lines().collect();
                for (i, line) in lines.iter().enumerate() {
                    let Some(code) = line.trim_start().strip_prefix("// aio: ") else {
                        continue;
                    };
                    variants += 1;
                    if let Err(e) = syn::parse_str::<syn::Stmt>(code) {
                        panic!("{}: `{code}` does not parse: {e}", rule.name);
                    }
                    // The line it replaces is the code line just above.
                    let replaced = lines[..i]
                        .iter()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap();
                    assert_eq!(
                        replaced.trim_end().ends_with("?;"),
                        code.trim_end().ends_with("?;"),
                        "{}: `{code}` does not handle errors as `{replaced}` does",
                        rule.name
                    );
                }
            }
        }
    }
    assert!(variants >= 1, "no `// aio:` variant found");
}

/// A rule with a fix says how safe it is, under "## Fix safety", starting with "Safe" or
/// "Unsafe"; a rule without one has no such section.
#[test]
fn fixable_rules_and_only_they_document_fix_safety() {
    for rule in aio_lint::rules() {
        let fixable = aio_lint::fix::FIXABLE_RULES.contains(&rule.name);
        let section = rule
            .docs
            .split("\n## Fix safety\n\n")
            .nth(1)
            .map(|s| s.split("\n## ").next().unwrap_or(s));
        match section {
            Some(text) => {
                assert!(fixable, "{}: documents a fix it does not have", rule.name);
                assert!(
                    text.starts_with("Safe") || text.starts_with("Unsafe"),
                    "{}: its Fix safety section does not start with Safe/Unsafe",
                    rule.name
                );
            }
            None => assert!(!fixable, "{}: no Fix safety section", rule.name),
        }
    }
}
