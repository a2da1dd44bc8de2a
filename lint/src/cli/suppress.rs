//! Suppressions: `// aio-lint: allow(rule, ...)` comments (own line: covers the next line
//! of code; after code: covers its own line), `// aio-lint: allow-file(rule, ...)`
//! comments (the whole file), and the engine's `#[aio::allow(rule)]` item spans. Applies
//! them to a file's diagnostics and reports the ones that suppressed nothing, name an
//! unknown rule, or cannot be read, as `unused_suppression`.
//!
//! The comment scanner is a small lexer that skips string, raw-string and character
//! literals and block comments, so `"// aio-lint: allow(x)"` in a string is not a
//! suppression. It does not parse Rust beyond that.

use std::collections::BTreeSet;

use crate::cli::config::{closest, lookup};
use crate::cli::seam::{ItemAllow, RuleInfo, UNUSED_SUPPRESSION};
use crate::source::LineIndex;
use crate::{Diagnostic, Label, Level, Span};

/// What one suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Diagnostics whose primary span starts on this 1-based line.
    Line(usize),
    /// The whole file.
    File,
    /// Diagnostics whose primary span lies inside this byte range.
    Item(usize, usize),
}

#[derive(Debug)]
struct Suppression {
    rule: &'static str,
    scope: Scope,
    /// Where to point when it is unused.
    span: Span,
    used: bool,
    /// Whether it is reported when unused.
    report_unused: bool,
}

/// A line comment found by the scanner.
#[derive(Debug, PartialEq, Eq)]
struct Comment<'t> {
    /// Byte offset of the `//`.
    start: usize,
    /// The text after `//`.
    body: &'t str,
    /// Nothing but whitespace before it on its line.
    own_line: bool,
}

/// Every `//` comment in `text` that is not inside a literal or a block comment.
fn line_comments(text: &str) -> Vec<Comment<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_has_code = false;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line_has_code = false;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                out.push(Comment {
                    start: i,
                    body: &text[i + 2..end],
                    own_line: !line_has_code,
                });
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                line_has_code = true;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'r' if !prev_is_ident(b, i) && is_raw_string_start(b, i + 1) => {
                line_has_code = true;
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let body = i + 2 + hashes;
                i = b[body.min(b.len())..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |p| body + p + close.len());
            }
            b'\'' => {
                line_has_code = true;
                i += 1;
                if b.get(i) == Some(&b'\\') {
                    // An escaped character literal: skip to its closing quote.
                    i += 2;
                    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                } else if let Some(c) = text.get(i..).and_then(|s| s.chars().next()) {
                    // `'x'` is a character literal; `'a` (no closing quote) a lifetime or label.
                    if b.get(i + c.len_utf8()) == Some(&b'\'') {
                        i += c.len_utf8() + 1;
                    }
                }
            }
            c => {
                line_has_code |= !c.is_ascii_whitespace();
                i += 1;
            }
        }
    }
    out
}

fn prev_is_ident(b: &[u8], i: usize) -> bool {
    // `br"..."` and `cr"..."` are raw strings too; any other identifier character before
    // the `r` makes it part of a longer identifier.
    i > 0
        && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
        && !(matches!(b[i - 1], b'b' | b'c')
            && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'_')))
}

fn is_raw_string_start(b: &[u8], mut i: usize) -> bool {
    while b.get(i) == Some(&b'#') {
        i += 1;
    }
    b.get(i) == Some(&b'"')
}

/// Builds a file's suppressions from its comments and the engine's item allows;
/// malformed ones and unknown rule names become diagnostics right away.
fn collect(
    text: &str,
    idx: &LineIndex,
    item_allows: &[ItemAllow],
    rules: &[RuleInfo],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let comments = line_comments(text);
    let comment_lines: BTreeSet<usize> = comments
        .iter()
        .filter(|c| c.own_line)
        .map(|c| idx.line_col(text, c.start).line)
        .collect();
    for c in &comments {
        let trimmed = c.body.trim_start();
        let Some(directive) = trimmed.strip_prefix("aio-lint:") else {
            continue;
        };
        let directive_at = c.start + 2 + (c.body.len() - trimmed.len()) + "aio-lint:".len();
        let comment_span = idx.span(text, c.start, c.start + 2 + c.body.len());
        let d = directive.trim_start();
        let d_at = directive_at + (directive.len() - d.len());
        let (scope, args) = if let Some(rest) = d.strip_prefix("allow-file(") {
            (Scope::File, Some((rest, d_at + "allow-file(".len())))
        } else if let Some(rest) = d.strip_prefix("allow(") {
            let line = idx.line_col(text, c.start).line;
            let line = if c.own_line {
                next_code_line(line, &comment_lines, idx, text)
            } else {
                line
            };
            (Scope::Line(line), Some((rest, d_at + "allow(".len())))
        } else {
            (Scope::File, None)
        };
        let Some((args, args_at)) =
            args.and_then(|(rest, at)| rest.find(')').map(|close| (&rest[..close], at)))
        else {
            problems.push(problem(
                comment_span,
                "malformed aio-lint suppression".into(),
                Some(
                    "write `// aio-lint: allow(rule_name)` or `// aio-lint: allow-file(rule_name)`"
                        .into(),
                ),
            ));
            continue;
        };
        let mut offset = 0;
        for part in args.split(',') {
            let name = part.trim();
            let at = args_at + offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            let span = idx.span(text, at, at + name.len());
            if name.is_empty() {
                problems.push(problem(
                    comment_span,
                    "empty rule name in aio-lint suppression".into(),
                    None,
                ));
                continue;
            }
            match lookup(rules, name) {
                Some(rule) => out.push(Suppression {
                    rule,
                    scope,
                    span,
                    used: false,
                    report_unused: true,
                }),
                None => problems.push(unknown(rules, name, span)),
            }
        }
    }
    for a in item_allows {
        match lookup(rules, &a.rule) {
            Some(rule) => out.push(Suppression {
                rule,
                scope: Scope::Item(a.span.byte_start, a.span.byte_end),
                span: a.at,
                used: false,
                report_unused: a.report_unused,
            }),
            None => problems.push(unknown(rules, &a.rule, a.at)),
        }
    }
    out
}

/// The line an own-line suppression on line `line` covers: the next line that is not
/// blank and not only a comment (so several suppression lines can stack above one line of
/// code). `comment_lines` holds the lines that are only a comment.
fn next_code_line(
    line: usize,
    comment_lines: &BTreeSet<usize>,
    idx: &LineIndex,
    text: &str,
) -> usize {
    let last = idx.line_col(text, text.len()).line;
    let mut line = line + 1;
    while line < last
        && (comment_lines.contains(&line) || idx.line_text(text, line).trim().is_empty())
    {
        line += 1;
    }
    line
}

fn problem(span: Span, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic {
        rule: UNUSED_SUPPRESSION,
        level: Level::Warn,
        message,
        primary: Label {
            span,
            message: String::new(),
        },
        secondary: Vec::new(),
        notes: Vec::new(),
        help,
        suggestion: None,
    }
}

fn unknown(rules: &[RuleInfo], name: &str, span: Span) -> Diagnostic {
    let help = match closest(rules, name) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "`cargo aio-lint rules` lists the rules".into(),
    };
    let mut d = problem(
        span,
        format!("unknown rule `{name}` in aio-lint suppression"),
        Some(help),
    );
    d.primary.message = "no such rule".into();
    d
}

/// Removes suppressed diagnostics from `diagnostics` and appends an `unused_suppression`
/// diagnostic for each suppression that is unused, unknown or malformed. Suppressions of
/// rules for which `is_enabled` is false are not reported as unused (the configuration
/// turned the rule off). With `report_unused` false (the file did not parse, so nothing
/// could be found in it) only unknown and malformed ones are reported.
pub(crate) fn apply(
    text: &str,
    item_allows: &[ItemAllow],
    rules: &[RuleInfo],
    diagnostics: &mut Vec<Diagnostic>,
    is_enabled: impl Fn(&str) -> bool,
    report_unused: bool,
) {
    if item_allows.is_empty() && !text.contains("aio-lint:") {
        return;
    }
    let idx = LineIndex::new(text);
    let mut problems = Vec::new();
    let mut sups = collect(text, &idx, item_allows, rules, &mut problems);
    diagnostics.retain(|d| {
        let mut suppressed = false;
        for s in sups.iter_mut().filter(|s| s.rule == d.rule) {
            let hit = match s.scope {
                Scope::File => true,
                Scope::Line(line) => d.primary.span.start.line == line,
                Scope::Item(start, end) => {
                    start <= d.primary.span.byte_start && d.primary.span.byte_end <= end
                }
            };
            s.used |= hit;
            suppressed |= hit;
        }
        !suppressed
    });
    if report_unused {
        for s in sups
            .iter()
            .filter(|s| !s.used && s.report_unused && is_enabled(s.rule))
        {
            let kind = match s.scope {
                Scope::File => "allow-file",
                _ => "allow",
            };
            let mut d = problem(
                s.span,
                format!(
                    "unused suppression: `{kind}({})` suppresses no finding",
                    s.rule
                ),
                Some("remove it".into()),
            );
            d.primary.message = "nothing to suppress".into();
            problems.push(d);
        }
    }
    diagnostics.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::seam::{PARSE_ERROR, rules};

    fn diag_at(text: &str, rule: &'static str, needle: &str) -> Diagnostic {
        let idx = LineIndex::new(text);
        let at = text.find(needle).unwrap();
        let mut d = problem(idx.span(text, at, at + needle.len()), "x".into(), None);
        d.rule = rule;
        d
    }

    fn run(text: &str, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut diags = diags;
        apply(text, &[], rules(), &mut diags, |_| true, true);
        diags
    }

    #[test]
    fn comments_inside_literals_are_not_comments() {
        let text = "let a = \"// no\"; let b = r#\"// no \"# ; let c = '\"'; let l: &'a str = x; // yes\n/* // no /* nested */ */ let d = b\"//\"; // yes2\nlet e = '\\''; // yes3";
        let found: Vec<&str> = line_comments(text).iter().map(|c| c.body).collect();
        assert_eq!(found, [" yes", " yes2", " yes3"]);
        assert!(!line_comments(text)[0].own_line);
        assert!(line_comments("  // own\n")[0].own_line);
    }

    #[test]
    fn own_line_comment_covers_the_next_code_line_and_trailing_covers_its_own() {
        let text = "// aio-lint: allow(parse_error)\n// aio-lint: allow(unused_suppression)\n\nA\nB // aio-lint: allow(parse_error)\nC\n";
        let out = run(
            text,
            vec![
                diag_at(text, PARSE_ERROR, "A"),
                diag_at(text, PARSE_ERROR, "B"),
                diag_at(text, PARSE_ERROR, "C"),
            ],
        );
        let msgs: Vec<(&str, usize, &str)> = out
            .iter()
            .map(|d| (d.rule, d.primary.span.start.line, d.message.as_str()))
            .collect();
        assert_eq!(
            msgs,
            [
                (PARSE_ERROR, 6, "x"),
                (
                    UNUSED_SUPPRESSION,
                    2,
                    "unused suppression: `allow(unused_suppression)` suppresses no finding"
                ),
            ]
        );
    }

    #[test]
    fn file_level_and_item_suppressions() {
        let text =
            "// aio-lint: allow-file(parse_error, aio::unused_suppression)\nfn a() {}\nfn b() {}\n";
        assert!(
            run(text, vec![diag_at(text, PARSE_ERROR, "b")])
                .iter()
                .all(|d| d.rule == UNUSED_SUPPRESSION && d.message.contains("unused_suppression"))
        );
        let t = "x\nfn a() {}\nfn b() {}\n";
        let idx = LineIndex::new(t);
        let allow = ItemAllow {
            rule: "parse_error".into(),
            span: idx.span(t, t.find("fn a").unwrap(), t.find("fn b").unwrap() - 1),
            at: idx.span(t, 0, 1),
            report_unused: true,
        };
        let mut diags = vec![diag_at(t, PARSE_ERROR, "a()")];
        apply(
            t,
            std::slice::from_ref(&allow),
            rules(),
            &mut diags,
            |_| true,
            true,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let mut diags = vec![diag_at(t, PARSE_ERROR, "b()")];
        apply(t, &[allow], rules(), &mut diags, |_| true, true);
        assert_eq!(
            diags.len(),
            2,
            "outside the item: not suppressed, and the allow is unused"
        );
    }

    #[test]
    fn unknown_and_malformed_suppressions_are_findings_with_precise_spans() {
        let text = "x // aio-lint: allow(parse_eror)\n// aio-lint: alow(x)\n";
        let out = run(text, vec![]);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].message,
            "unknown rule `parse_eror` in aio-lint suppression"
        );
        assert_eq!(out[0].help.as_deref(), Some("did you mean `parse_error`?"));
        assert_eq!(
            &text[out[0].primary.span.byte_start..out[0].primary.span.byte_end],
            "parse_eror"
        );
        assert_eq!(out[1].message, "malformed aio-lint suppression");
        assert_eq!(out[1].primary.span.start.line, 2);
    }

    #[test]
    fn disabled_rules_and_unparsed_files_do_not_report_unused() {
        let text = "// aio-lint: allow(parse_error)\nA\n";
        let mut diags = vec![];
        apply(text, &[], rules(), &mut diags, |r| r != PARSE_ERROR, true);
        assert!(diags.is_empty());
        apply(text, &[], rules(), &mut diags, |_| true, false);
        assert!(diags.is_empty());
    }
}
