//! The text of one file: what is stripped before parsing (a BOM, a shebang line), the one
//! line index that maps byte offsets to 1-based lines and character columns ([`LineIndex`],
//! used by the engine for its findings and by the command line for its own diagnostics
//! and the JSON `text` lines), how proc-macro2 spans map back to the original text, and a
//! cheap pre-scan that rejects input nested so deeply that a recursive parser would exhaust
//! the stack.
//!
//! It does not parse Rust; the pre-scan only understands comments and literals well
//! enough to count brackets.

use crate::{LineCol, Span};

/// Deepest bracket nesting accepted; deeper input is reported as a `parse_error`.
pub(crate) const MAX_BRACKET_DEPTH: usize = 256;

/// Byte offsets of the line starts of one text.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (lines end at `\n`; a `\r` before it belongs to the line ending).
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 0-based line holding `byte`.
    fn line_of(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte) - 1
    }

    /// The position of `byte` (clamped to the text and to a character boundary): 1-based
    /// line, 1-based column counted in characters. A byte-order mark at the start of the
    /// file is not counted, as rustc does not count it.
    pub(crate) fn line_col(&self, text: &str, byte: usize) -> LineCol {
        let byte = floor_char_boundary(text, byte);
        let line = self.line_of(byte);
        let mut start = self.starts[line];
        if line == 0 && text.starts_with('\u{feff}') && byte >= 3 {
            start = 3;
        }
        LineCol {
            line: line + 1,
            column: text[start..byte].chars().count() + 1,
        }
    }

    /// A [`Span`] for `start..end` in `text` (clamped like [`LineIndex::line_col`]).
    pub(crate) fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start);
        let end = floor_char_boundary(text, end.max(start));
        Span {
            byte_start: start,
            byte_end: end,
            start: self.line_col(text, start),
            end: self.line_col(text, end),
        }
    }
}

#[cfg(feature = "cli")]
impl LineIndex {
    /// The text of 1-based line `line`, without its line ending (empty past the end).
    pub(crate) fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        let start = floor_char_boundary(text, start);
        let end = floor_char_boundary(text, end);
        let mut s = &text[start..end];
        s = s.strip_suffix('\n').unwrap_or(s);
        s = s.strip_suffix('\r').unwrap_or(s);
        if line == 1 {
            s = s.strip_prefix('\u{feff}').unwrap_or(s);
        }
        s
    }
}

/// The largest character boundary of `text` that is `<= byte`.
pub(crate) fn floor_char_boundary(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// The original text, the part handed to the parser, and a line index built on first use
/// (most files have no finding and never need it).
pub(crate) struct SourceText<'a> {
    text: &'a str,
    /// Bytes before the parsed part (BOM and shebang line).
    base: usize,
    lines: std::sync::OnceLock<LineIndex>,
}

impl<'a> SourceText<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut base = 0;
        if text.starts_with('\u{feff}') {
            base = '\u{feff}'.len_utf8();
        }
        let rest = &text[base..];
        if let Some(after) = rest.strip_prefix("#!") {
            // A shebang, unless it is an inner attribute `#![...]` (as syn decides it).
            if !after.trim_start().starts_with('[') {
                base += rest.find('\n').unwrap_or(rest.len());
            }
        }
        SourceText {
            text,
            base,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The text handed to the parser.
    pub(crate) fn parsed(&self) -> &'a str {
        &self.text[self.base..]
    }

    /// The original text.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// Line and character column (both 1-based) of a byte offset of the original text.
    pub(crate) fn line_col(&self, byte: usize) -> LineCol {
        self.lines
            .get_or_init(|| LineIndex::new(self.text))
            .line_col(self.text, byte)
    }

    /// A span of the original text from byte offsets of the original text.
    pub(crate) fn span_of_bytes(&self, start: usize, end: usize) -> Span {
        Span {
            byte_start: start,
            byte_end: end,
            start: self.line_col(start),
            end: self.line_col(end),
        }
    }

    /// Converts a span of the parsed text (from this thread's proc-macro2 source map).
    pub(crate) fn span(&self, span: proc_macro2::Span) -> Span {
        let r = span.byte_range();
        self.span_of_bytes(r.start + self.base, r.end + self.base)
    }

    /// The original text under a proc-macro2 span, if it maps to one.
    pub(crate) fn snippet(&self, span: proc_macro2::Span) -> Option<&'a str> {
        let r = span.byte_range();
        self.text.get(r.start + self.base..r.end + self.base)
    }

    /// The original text from the start of `from` to the end of `to`, if both map to it.
    pub(crate) fn text_between(
        &self,
        from: proc_macro2::Span,
        to: proc_macro2::Span,
    ) -> Option<&'a str> {
        self.snippet(from)?;
        self.snippet(to)?;
        let start = from.byte_range().start + self.base;
        let end = to.byte_range().end + self.base;
        self.text.get(start..end)
    }

    /// The line (1-based) of a proc-macro2 span's start.
    pub(crate) fn line_of(&self, span: proc_macro2::Span) -> usize {
        self.line_col(span.byte_range().start + self.base).line
    }
}

/// What the pre-scan learned about the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Deepest nesting of `()`, `[]` and `{}` outside comments and literals (the scan
    /// stops counting past [`MAX_BRACKET_DEPTH`]).
    pub(crate) max_depth: usize,
    /// An upper bound on how deep a recursive parser can nest at any point: the tokens of
    /// the current "run" (since the last `;`, `,`, `=>`, attribute or item keyword) of
    /// every enclosing bracket, summed. An `else if` chain, `!!!!x`, `Box<Box<..>>` or
    /// `a + b + ...` all grow it; flat lists, statements and items do not.
    pub(crate) max_run: usize,
}

/// Runs deeper than this are analysed on a thread with a big stack.
const BIG_STACK_RUN: usize = 256;
/// Runs deeper than this are not analysed at all (`parse_error`).
pub(crate) const MAX_RUN: usize = 6000;

impl Shape {
    /// Whether parsing and walking this text could need more stack than a default
    /// 2 MiB thread has.
    pub(crate) fn needs_big_stack(self) -> bool {
        self.max_depth > 48 || self.max_run > BIG_STACK_RUN
    }

    /// Whether the text is too deeply nested to analyse safely at all.
    pub(crate) fn too_deep(self) -> bool {
        self.max_depth > MAX_BRACKET_DEPTH || self.max_run > MAX_RUN
    }
}

const WS: u8 = 0;
const ID: u8 = 1;
const PUNCT: u8 = 2;
const SPECIAL: u8 = 3;

/// Byte classes of the pre-scan: whitespace, identifier bytes, punctuation that is just
/// a token, and the bytes that need a closer look (comments, literals, brackets, run
/// ends).
const CLASS: [u8; 256] = {
    let mut t = [PUNCT; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b == b' ' || b == b'\t' || b == b'\n' || b == b'\r' {
            WS
        } else if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            ID
        } else {
            match b {
                b'/' | b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b';' | b','
                | b'#' | b'=' => SPECIAL,
                _ => PUNCT,
            }
        };
        c += 1;
    }
    t
};

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// At a `"` at `i`: the number of `#` of a raw string opening there (`r#"`, `br"`), if
/// it is one.
fn raw_hashes(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i;
    while k > 0 && b[k - 1] == b'#' {
        k -= 1;
    }
    let hashes = i - k;
    if k == 0 || b[k - 1] != b'r' {
        return None;
    }
    let r = k - 1;
    let prefix_ok = r == 0
        || !is_ident(b[r - 1])
        || (matches!(b[r - 1], b'b' | b'c') && (r < 2 || !is_ident(b[r - 2])));
    prefix_ok.then_some(hashes)
}

/// Keywords that start a new statement or item: a run ends before them.
fn ends_run(word: &[u8]) -> bool {
    matches!(
        word,
        b"fn"
            | b"let"
            | b"pub"
            | b"impl"
            | b"struct"
            | b"enum"
            | b"mod"
            | b"trait"
            | b"use"
            | b"const"
            | b"static"
            | b"type"
            | b"union"
            | b"extern"
            | b"macro_rules"
    )
}

/// Scans the text for bracket depth and the nesting bound described on [`Shape`],
/// skipping comments, strings and character literals. Linear, allocation-free (the
/// stack of runs is bounded by [`MAX_BRACKET_DEPTH`]).
pub(crate) fn shape(text: &str) -> Shape {
    let b = text.as_bytes();
    let n = b.len();
    // runs[d]: tokens in the current run of the d-th enclosing bracket; sum: their total.
    let mut runs = [0usize; MAX_BRACKET_DEPTH + 2];
    let (mut depth, mut max_depth, mut sum, mut max_run) = (0usize, 0usize, 0usize, 0usize);
    let mut i = 0;
    macro_rules! token {
        () => {{
            runs[depth] += 1;
            sum += 1;
            max_run = max_run.max(sum);
        }};
    }
    macro_rules! reset {
        () => {{
            sum -= runs[depth];
            runs[depth] = 0;
        }};
    }
    while i < n {
        let c = b[i];
        // Fast paths: whitespace, identifiers and plain punctuation.
        match CLASS[c as usize] {
            WS => {
                i += 1;
                continue;
            }
            ID => {
                let start = i;
                i += 1;
                while i < n && CLASS[b[i] as usize] == ID {
                    i += 1;
                }
                if i - start <= 11 && ends_run(&b[start..i]) {
                    reset!();
                }
                token!();
                continue;
            }
            PUNCT => {
                token!();
                i += 1;
                continue;
            }
            _ => {}
        }
        match c {
            b'/' if i + 1 < n && b[i + 1] == b'/' => {
                i = b[i..].iter().position(|&x| x == b'\n').map_or(n, |k| i + k);
            }
            b'/' if i + 1 < n && b[i + 1] == b'*' => {
                let mut level = 0usize;
                while i < n {
                    if b[i] == b'/' && i + 1 < n && b[i + 1] == b'*' {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && i + 1 < n && b[i + 1] == b'/' {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                if let Some(hashes) = raw_hashes(b, i) {
                    i += 1;
                    'raw: while i < n {
                        if b[i] == b'"' {
                            let mut k = 0;
                            while k < hashes && i + 1 + k < n && b[i + 1 + k] == b'#' {
                                k += 1;
                            }
                            if k == hashes {
                                i += 1 + hashes;
                                break 'raw;
                            }
                        }
                        i += 1;
                    }
                } else {
                    i += 1;
                    while i < n && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                // The prefix (`r`, `b`, `br`) was already counted as an identifier.
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{1F600}', 'é') or a lifetime ('a).
                if i + 1 < n && b[i + 1] == b'\\' {
                    let mut j = i + 2;
                    while j < n && b[j] != b'\'' && b[j] != b'\n' {
                        j += 1;
                    }
                    i = j + 1;
                } else if i + 1 < n {
                    let len = match b[i + 1] {
                        x if x < 0x80 => 1,
                        x if x >= 0xf0 => 4,
                        x if x >= 0xe0 => 3,
                        _ => 2,
                    };
                    i += if i + 1 + len < n && b[i + 1 + len] == b'\'' {
                        len + 2
                    } else {
                        1
                    };
                } else {
                    i += 1;
                }
                token!();
            }
            b'(' | b'[' | b'{' => {
                token!();
                depth += 1;
                max_depth = max_depth.max(depth);
                if depth > MAX_BRACKET_DEPTH {
                    break;
                }
                runs[depth] = 0;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if depth > 0 {
                    sum -= runs[depth];
                    runs[depth] = 0;
                    depth -= 1;
                }
                i += 1;
                // A block followed by a new statement (`if a {} if b {}`, `for .. {} x = 1;`)
                // ends the run; followed by `else`/`as`/`.`/`?`, the expression goes on.
                if c == b'}' {
                    let mut j = i;
                    while j < n && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    let k = b[j..]
                        .iter()
                        .position(|&x| !is_ident(x))
                        .map_or(n, |p| j + p);
                    if k > j && !matches!(&b[j..k], b"else" | b"as") {
                        reset!();
                    }
                }
            }
            b';' | b',' | b'#' => {
                reset!();
                i += 1;
            }
            b'=' if i + 1 < n && b[i + 1] == b'>' => {
                reset!();
                i += 2;
            }
            _ => {
                token!();
                i += 1;
            }
        }
    }
    Shape { max_depth, max_run }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_after_bom_crlf_and_tabs() {
        let text = "\u{feff}fn a() {}\r\n\tlet é = 1;\r\n";
        let src = SourceText::new(text);
        assert_eq!(src.parsed(), "fn a() {}\r\n\tlet é = 1;\r\n");
        let second_line = text.find("\tlet").unwrap();
        assert_eq!(src.line_col(second_line), LineCol { line: 2, column: 1 });
        let eq = text.find('=').unwrap();
        assert_eq!(src.line_col(eq), LineCol { line: 2, column: 8 });
        assert_eq!(src.line_col(3), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_index_columns_count_characters_not_bytes_and_skip_the_bom() {
        let text = "\u{feff}fn a() {}\r\n\tlet é = x;\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 1, column: 4 });
        let x = text.find('x').unwrap();
        // `\t` is one character; `é` is two bytes but one character.
        assert_eq!(
            idx.line_col(text, x),
            LineCol {
                line: 2,
                column: 10
            }
        );
        // Inside the BOM or inside a character: clamped to the boundary before it.
        assert_eq!(idx.line_col(text, 1), LineCol { line: 1, column: 1 });
        let e = text.find('é').unwrap();
        assert_eq!(idx.line_col(text, e + 1), idx.line_col(text, e));
        let empty = LineIndex::new("");
        assert_eq!(empty.line_col("", 5), LineCol { line: 1, column: 1 });
    }

    #[cfg(feature = "cli")]
    #[test]
    fn line_text_and_clamped_spans() {
        let text = "\u{feff}fn a() {}\r\n\tlet é = x;\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(text, 1), "fn a() {}");
        assert_eq!(idx.line_text(text, 2), "\tlet é = x;");
        assert_eq!(idx.line_text(text, 9), "");
        let one = "é";
        assert_eq!(LineIndex::new(one).span(one, 1, 99).byte_end, 2);
    }

    #[test]
    fn shebang_is_skipped_but_inner_attributes_are_not() {
        assert_eq!(
            SourceText::new("#!/usr/bin/env run\nfn main() {}").parsed(),
            "\nfn main() {}"
        );
        assert_eq!(
            SourceText::new("#![allow(unused)]\nfn main() {}").parsed(),
            "#![allow(unused)]\nfn main() {}"
        );
    }

    #[test]
    fn shape_ignores_brackets_in_comments_and_literals() {
        let s =
            shape("fn f() { g(\"((((\"); let c = '('; let r = r#\"[[[\"#; /* {{{ */ // (((\n }");
        assert_eq!(s.max_depth, 2);
        let deep = "(".repeat(1000);
        assert!(shape(&deep).too_deep());
        assert!(!shape("fn f<'a>(x: &'a str) -> char { 'x' }").needs_big_stack());
    }

    #[test]
    fn runs_grow_with_nesting_but_not_with_lists_or_statements() {
        let chain = format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(5000));
        assert!(shape(&chain).too_deep());
        let unary = format!("fn f() {{ {}x }}", "!".repeat(300));
        assert!(shape(&unary).needs_big_stack() && !shape(&unary).too_deep());
        let generic = format!("type T = {}u8{};", "Box<".repeat(4000), ">".repeat(4000));
        assert!(shape(&generic).too_deep());
        // A long flat table, many statements, many items, a big match: all shallow.
        let table = format!("static T: [i8; 20000] = [{}];", "-1, ".repeat(20000));
        let stmts = format!("fn f() {{ {} }}", "let x = a + b;".repeat(20000));
        let items = "fn a() {} pub fn b() {} #[inline] fn c() {}".repeat(5000);
        let arms = format!(
            "fn f() {{ match x {{ {} }} }}",
            "A => { b() } ".repeat(5000)
        );
        for text in [&table, &stmts, &items, &arms] {
            assert!(!shape(text).needs_big_stack(), "{:?}", shape(text));
        }
    }
}
