//! The `--fix` loop, as ruff runs it: take the wanted suggestions of a file's findings,
//! apply as many as do not overlap in one pass, re-lint the new text, and repeat until no
//! wanted suggestion is left or [`MAX_PASSES`] is reached.
//!
//! A pass whose result does not parse is retried one suggestion at a time: a suggestion
//! that breaks the file is dropped and its rule named in [`Fixed::broken`] (a bug of that
//! rule's fix), so the file is never left unparseable. A file that does not parse to
//! begin with is left alone. Nothing here reads or writes files.

use crate::diagnostic::{Diagnostic, Suggestion};
use crate::source::{self, SourceText};

/// Passes before the loop gives up (each pass re-lints the file).
pub const MAX_PASSES: usize = 10;

/// What the loop did to one file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fixed {
    /// The text after the fixes (the original when nothing applied).
    pub text: String,
    /// The rule of each applied fix (a rule once per finding it fixed).
    pub fixed: Vec<&'static str>,
    /// The rule of each fix dropped because it left the file unparseable.
    pub broken: Vec<&'static str>,
}

/// One edit in byte offsets.
type Edit<'s> = (usize, usize, &'s str);

fn edits(s: &Suggestion) -> Vec<Edit<'_>> {
    let mut v: Vec<Edit<'_>> = s
        .edits()
        .map(|(span, text)| (span.byte_start, span.byte_end, text))
        .collect();
    v.sort_by_key(|e| (e.0, e.1));
    v
}

/// Whether two edits touch the same text (two insertions at one point do).
fn conflict(a: &Edit<'_>, b: &Edit<'_>) -> bool {
    (a.0 < b.1 && b.0 < a.1) || a.0 == b.0
}

/// `text` with `edits` (sorted, none overlapping) applied.
pub(crate) fn apply_edits(text: &str, edits: &[Edit<'_>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e, r) in edits {
        out.push_str(&text[at..s]);
        out.push_str(r);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// Every edit of `set`, sorted.
fn all<'s>(set: &[(&'static str, Vec<Edit<'s>>)]) -> Vec<Edit<'s>> {
    let mut v: Vec<Edit<'s>> = set.iter().flat_map(|(_, e)| e.iter().copied()).collect();
    v.sort_by_key(|e| (e.0, e.1));
    v
}

/// Whether `text` parses as a Rust file (after a BOM and shebang, as the linter reads it).
pub fn parses(text: &str) -> bool {
    let src = SourceText::new(text);
    if source::shape(src.parsed()).too_deep() {
        return false;
    }
    let ok = syn::parse_file(src.parsed()).is_ok();
    proc_macro2::extra::invalidate_current_thread_spans();
    ok
}

/// Applies the suggestions `wanted` selects, pass after pass. `first` are the findings
/// of `original` (with their suggestions); `relint` gives the findings of a later text.
pub fn fix_text(
    original: &str,
    first: Vec<Diagnostic>,
    mut relint: impl FnMut(&str) -> Vec<Diagnostic>,
    wanted: impl Fn(&Diagnostic) -> bool,
) -> Fixed {
    let mut out = Fixed {
        text: original.to_owned(),
        ..Fixed::default()
    };
    let mut findings = first;
    for pass in 0..MAX_PASSES {
        if pass > 0 {
            findings = relint(&out.text);
        }
        if findings.iter().any(|d| d.rule == "parse_error") {
            break;
        }
        let text = &out.text;
        let mut candidates: Vec<(&'static str, Vec<Edit<'_>>)> = findings
            .iter()
            .filter(|d| wanted(d))
            .filter_map(|d| Some((d.rule, edits(d.suggestion.as_ref()?))))
            .filter(|(_, e)| {
                e.iter().all(|&(s, end, _)| {
                    s <= end && text.is_char_boundary(s) && text.is_char_boundary(end)
                })
            })
            .collect();
        candidates.sort_by(|a, b| a.1.cmp(&b.1));
        // Greedy: a suggestion goes in when none of its edits touches a chosen one; one
        // identical to a chosen one (the same fix for several findings) counts as applied.
        let mut chosen: Vec<(&'static str, Vec<Edit<'_>>)> = Vec::new();
        let mut also = Vec::new();
        for (rule, e) in candidates {
            if chosen.iter().any(|(_, c)| *c == e) {
                also.push(rule);
            } else if !chosen
                .iter()
                .any(|(_, c)| c.iter().any(|x| e.iter().any(|y| conflict(x, y))))
            {
                chosen.push((rule, e));
            }
        }
        if chosen.is_empty() {
            break;
        }
        let mut next = apply_edits(text, &all(&chosen));
        if !parses(&next) {
            // Find the culprits: keep each suggestion only if the file still parses.
            let mut kept: Vec<(&'static str, Vec<Edit<'_>>)> = Vec::new();
            for c in chosen {
                kept.push(c);
                if !parses(&apply_edits(text, &all(&kept))) {
                    let (rule, _) = kept.pop().expect("just pushed");
                    out.broken.push(rule);
                }
            }
            also.clear();
            if kept.is_empty() {
                break;
            }
            next = apply_edits(text, &all(&kept));
            chosen = kept;
        }
        out.fixed.extend(chosen.iter().map(|(rule, _)| *rule));
        out.fixed.extend(also);
        if next == out.text {
            break;
        }
        out.text = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit as More, Label, Level, LineCol, Span};

    fn span(s: usize, e: usize) -> Span {
        let p = LineCol { line: 1, column: 1 };
        Span {
            byte_start: s,
            byte_end: e,
            start: p,
            end: p,
        }
    }

    fn finding(rule: &'static str, edits: &[(usize, usize, &str)]) -> Diagnostic {
        let (first, rest) = edits.split_first().unwrap();
        Diagnostic {
            rule,
            level: Level::Warn,
            message: String::new(),
            primary: Label {
                span: span(first.0, first.1),
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: Some(Suggestion {
                span: span(first.0, first.1),
                replacement: first.2.into(),
                applicability: Applicability::MachineApplicable,
                more: rest
                    .iter()
                    .map(|&(s, e, r)| More {
                        span: span(s, e),
                        replacement: r.into(),
                    })
                    .collect(),
            }),
        }
    }

    #[test]
    fn edits_apply_in_order_and_keep_the_rest() {
        assert_eq!(
            apply_edits("abcdef", &[(0, 1, "X"), (2, 2, "+"), (4, 6, "")]),
            "Xb+cd"
        );
    }

    #[test]
    fn overlapping_edits_conflict_and_adjacent_ones_do_not() {
        assert!(conflict(&(0, 3, ""), &(2, 4, "")));
        assert!(conflict(&(2, 4, ""), &(0, 3, "")));
        assert!(conflict(&(2, 2, "a"), &(2, 2, "b")));
        assert!(conflict(&(2, 2, "a"), &(2, 5, "b")));
        assert!(!conflict(&(0, 2, ""), &(2, 4, "")));
        assert!(!conflict(&(0, 2, ""), &(3, 4, "")));
        assert!(!conflict(&(3, 4, ""), &(0, 2, "")));
        assert!(!conflict(&(2, 4, ""), &(0, 2, "")));
    }

    #[test]
    fn overlapping_fixes_take_two_passes() {
        // Pass 1 applies the first of two overlapping fixes; the re-lint offers the
        // second again on the new text.
        let text = "fn f() { a; }";
        let first = vec![
            finding("one", &[(9, 10, "b")]),
            finding("two", &[(9, 11, "c;")]),
        ];
        let mut calls = 0;
        let out = fix_text(
            text,
            first,
            |t| {
                calls += 1;
                if t.contains("b;") {
                    vec![finding("two", &[(9, 11, "c;")])]
                } else {
                    Vec::new()
                }
            },
            |_| true,
        );
        assert_eq!(out.text, "fn f() { c; }");
        assert_eq!(out.fixed, ["one", "two"]);
        assert!(out.broken.is_empty());
        assert_eq!(calls, 2);
    }

    #[test]
    fn a_fix_that_breaks_the_file_is_dropped_and_named() {
        let text = "fn f() { a; b; }";
        let first = vec![
            finding("good", &[(9, 10, "x")]),
            finding("bad", &[(12, 14, "b(")]),
        ];
        let out = fix_text(text, first, |_| Vec::new(), |_| true);
        assert_eq!(out.text, "fn f() { x; b; }");
        assert_eq!(out.fixed, ["good"]);
        assert_eq!(out.broken, ["bad"]);
    }

    #[test]
    fn only_broken_fixes_leave_the_text_alone() {
        let text = "fn f() { a; }";
        let out = fix_text(
            text,
            vec![finding("bad", &[(9, 10, "(")])],
            |_| Vec::new(),
            |_| true,
        );
        assert_eq!(out.text, text);
        assert!(out.fixed.is_empty());
        assert_eq!(out.broken, ["bad"]);
    }

    #[test]
    fn edits_backwards_or_inside_a_character_are_skipped() {
        let text = "fn f() { \"é\"; }";
        let inside = text.find('é').unwrap() + 1;
        for bad in [(inside, inside + 1, "x"), (12, 10, "x")] {
            let out = fix_text(text, vec![finding("odd", &[bad])], |_| Vec::new(), |_| true);
            assert_eq!(out.text, text);
            assert!(out.fixed.is_empty() && out.broken.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn identical_fixes_apply_once_and_count_for_each_finding() {
        let text = "fn f() { a; }";
        let first = vec![
            finding("same", &[(9, 11, "")]),
            finding("same", &[(9, 11, "")]),
        ];
        let out = fix_text(text, first, |_| Vec::new(), |_| true);
        assert_eq!(out.text, "fn f() {  }");
        assert_eq!(out.fixed, ["same", "same"]);
    }

    #[test]
    fn unwanted_fixes_and_unparseable_files_are_left_alone() {
        let text = "fn f() { a; }";
        let out = fix_text(
            text,
            vec![finding("x", &[(9, 10, "b")])],
            |_| Vec::new(),
            |d| d.rule != "x",
        );
        assert_eq!(out.text, text);
        let mut broken = finding("parse_error", &[(0, 0, "")]);
        broken.suggestion = None;
        let out = fix_text(
            text,
            vec![finding("x", &[(9, 10, "b")]), broken],
            |_| Vec::new(),
            |_| true,
        );
        assert_eq!(out.text, text);
        assert!(out.fixed.is_empty());
    }

    #[test]
    fn a_fix_that_never_converges_stops_after_the_last_pass() {
        let mut passes = 0;
        let out = fix_text(
            "fn f() {}",
            vec![finding("grow", &[(8, 8, " ")])],
            |_| {
                passes += 1;
                vec![finding("grow", &[(8, 8, " ")])]
            },
            |_| true,
        );
        assert_eq!(passes, MAX_PASSES - 1);
        assert_eq!(out.fixed.len(), MAX_PASSES);
        assert_eq!(out.text, format!("fn f() {{{}}}", " ".repeat(MAX_PASSES)));
    }
}
