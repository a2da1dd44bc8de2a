//! Fixes: the edits that turn a finding into the code its help names, and the loop that
//! applies them.
//!
//! Rules do not know about fixes. [`suggest`] reads a file's findings after suppressions
//! and levels, re-parses the file once, finds the syntax under each finding's spans
//! (`locate`) and asks the rule's fix (one file per rule here) for a
//! [`Suggestion`]: the edits, in rustc's applicability vocabulary. Every fix writes full
//! paths (`tokio::time::sleep`, `tokio::join!`), so none needs an import. Rules without a
//! fix here carry no suggestion. [`apply`] is the `--fix` loop.
//!
//! What a fix may assume: the finding's primary span is the syntax the rule reported
//! (the call, the awaited expression, the suppression's rule name); a fix that cannot
//! find the shape it rewrites returns `None` and the finding keeps only its help.

pub mod apply;
mod blocking_fs;
mod blocking_sleep;
mod cx;
mod immediately_awaited_task;
mod locate;
mod nested_block_on;
mod select_timeout_reset;
mod sequential_await_in_loop;
mod sequential_awaits;
mod unawaited_future;
mod unused_suppression;

pub use cx::RuntimeFeatures;

use crate::diagnostic::{Diagnostic, Suggestion};
use crate::options::Runtime;
use crate::source::{LineIndex, SourceText};
use cx::FixCx;

/// The rules that have a fix, for `rules` and the docs' consistency test.
pub const FIXABLE_RULES: &[&str] = &[
    "blocking_fs",
    "blocking_sleep",
    "immediately_awaited_task",
    "nested_block_on",
    "select_timeout_reset",
    "sequential_await_in_loop",
    "sequential_awaits",
    "unawaited_future",
    "unused_suppression",
];

/// Replaces each finding's suggestion with the one its rule's fix computes for `text`
/// (or none). Parses `text` only if some finding's rule has a fix. Findings of a file
/// that did not parse get none.
pub fn suggest(
    text: &str,
    runtime: Runtime,
    features: RuntimeFeatures,
    diagnostics: &mut [Diagnostic],
) {
    for d in diagnostics.iter_mut() {
        d.suggestion = None;
    }
    if diagnostics.iter().any(|d| d.rule == "parse_error")
        || !diagnostics.iter().any(|d| FIXABLE_RULES.contains(&d.rule))
    {
        return;
    }
    let src = SourceText::new(text);
    let shape = crate::source::shape(src.parsed());
    if shape.too_deep() || shape.needs_big_stack() {
        return;
    }
    let parsed = syn::parse_file(src.parsed());
    if let Ok(file) = &parsed {
        let cx = FixCx {
            text,
            base: text.len() - src.parsed().len(),
            file,
            runtime,
            features,
            lines: LineIndex::new(text),
        };
        let fixes: Vec<Option<Suggestion>> = diagnostics
            .iter()
            .map(|d| fix_one(&cx, d, diagnostics))
            .collect();
        for (d, s) in diagnostics.iter_mut().zip(fixes) {
            d.suggestion = s;
        }
    }
    drop(parsed);
    proc_macro2::extra::invalidate_current_thread_spans();
}

/// The fix of one finding.
fn fix_one(cx: &FixCx<'_>, d: &Diagnostic, all: &[Diagnostic]) -> Option<Suggestion> {
    match d.rule {
        "blocking_fs" => blocking_fs::fix(cx, d),
        "blocking_sleep" => blocking_sleep::fix(cx, d),
        "immediately_awaited_task" => immediately_awaited_task::fix(cx, d),
        "nested_block_on" => nested_block_on::fix(cx, d),
        "select_timeout_reset" => select_timeout_reset::fix(cx, d),
        "sequential_await_in_loop" => sequential_await_in_loop::fix(cx, d),
        "sequential_awaits" => sequential_awaits::fix(cx, d),
        "unawaited_future" => unawaited_future::fix(cx, d),
        "unused_suppression" => unused_suppression::fix(cx, d, all),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Level};

    /// A finding of `rule` whose primary span is the first `needle` of `text`.
    fn finding(rule: &'static str, text: &str, needle: &str) -> Diagnostic {
        let at = text.find(needle).unwrap();
        Diagnostic {
            rule,
            level: Level::Warn,
            message: String::new(),
            primary: Label {
                span: LineIndex::new(text).span(text, at, at + needle.len()),
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    /// Spans index the whole text, BOM or shebang included, while the parse starts after
    /// them; a statement's fix sees the statement.
    #[test]
    fn fixes_find_their_syntax_after_a_bom_or_a_shebang() {
        for prefix in ["", "\u{feff}", "#!/usr/bin/env run\n"] {
            let text = format!("{prefix}async fn f() {{ block_on(g()); h(); }}");
            let mut d = [
                finding("nested_block_on", &text, "block_on(g())"),
                finding("unawaited_future", &text, "h()"),
                finding("blocking_net", &text, "h()"),
            ];
            suggest(&text, Runtime::Tokio, RuntimeFeatures::ALL, &mut d);
            let s = d[0].suggestion.as_ref().expect("a fix");
            assert_eq!(s.replacement, "g().await");
            assert_eq!(s.span, d[0].primary.span);
            let s = d[1].suggestion.as_ref().expect("a fix");
            assert_eq!(s.replacement, "h().await");
            // A rule without a fix has none.
            assert!(d[2].suggestion.is_none());
        }
    }

    #[test]
    fn findings_of_a_file_that_does_not_parse_get_no_fix() {
        let text = "async fn f() { block_on(g()); ";
        let mut d = [finding("nested_block_on", text, "block_on(g())")];
        suggest(text, Runtime::Tokio, RuntimeFeatures::ALL, &mut d);
        assert!(d[0].suggestion.is_none());
    }
}
