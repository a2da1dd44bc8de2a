//! The text of one file as the engine sees it: what is stripped before parsing (a BOM, a
//! shebang line), how proc-macro2 spans map back to byte offsets and 1-based
//! line/character columns of the original text, and a cheap pre-scan that rejects input
//! nested so deeply that a recursive parser would exhaust the stack.
//!
//! It does not parse Rust; the pre-scan only understands comments and literals well
//! enough to count brackets.

use crate::{LineCol, Span};

/// Deepest bracket nesting accepted; deeper input is reported as a `parse_error`.
pub(crate) const MAX_BRACKET_DEPTH: usize = 256;

/// The original text, the part handed to the parser, and a lazily built line table.
pub(crate) struct SourceText<'a> {
    text: &'a str,
    /// Bytes before the parsed part (BOM and shebang line).
    base: usize,
    line_starts: std::sync::OnceLock<Vec<usize>>,
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
            line_starts: std::sync::OnceLock::new(),
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

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut v = Vec::with_capacity(self.text.len() / 32 + 1);
            v.push(0);
            v.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            v
        })
    }

    /// Line and character column (both 1-based) of a byte offset of the original text.
    pub(crate) fn line_col(&self, byte: usize) -> LineCol {
        let byte = byte.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= byte).max(1);
        let start = starts[line - 1];
        // Like rustc, columns of the first line do not count a BOM.
        let from = if line == 1 && self.text.starts_with('\u{feff}') {
            3.min(byte)
        } else {
            start
        };
        let column = self
            .text
            .get(from..byte)
            .map_or(byte - from, |s| s.chars().count())
            + 1;
        LineCol { line, column }
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

    /// The line (1-based) of a proc-macro2 span's start.
    pub(crate) fn line_of(&self, span: proc_macro2::Span) -> usize {
        self.line_col(span.byte_range().start + self.base).line
    }
}

/// What the pre-scan learned about the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Deepest nesting of `()`, `[]` and `{}` outside comments and literals.
    pub(crate) max_depth: usize,
    /// Longest stretch of text (comments and literals included) between `;`, `{` and `}`:
    /// long expressions make deep syntax trees even without brackets.
    pub(crate) max_segment: usize,
}

impl Shape {
    /// Whether parsing and walking this text could need more stack than a default
    /// 2 MiB thread has.
    pub(crate) fn needs_big_stack(self) -> bool {
        self.max_depth > 48 || self.max_segment > 4096
    }
}

/// Bytes the pre-scan stops at; everything else is skipped in a tight loop.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    let bytes = b"/\"'()[]{};";
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
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

/// Scans the text for its bracket depth and expression length, skipping comments,
/// strings and character literals. Linear, allocation-free; ordinary bytes are skipped
/// with one table lookup each.
pub(crate) fn shape(text: &str) -> Shape {
    let b = text.as_bytes();
    let n = b.len();
    let (mut i, mut depth, mut max_depth, mut seg_start, mut max_segment) =
        (0, 0usize, 0, 0usize, 0);
    loop {
        while i < n && !SPECIAL[b[i] as usize] {
            i += 1;
        }
        if i >= n {
            break;
        }
        match b[i] {
            b'/' if i + 1 < n && b[i + 1] == b'/' => {
                let from = i;
                i = b[i..].iter().position(|&x| x == b'\n').map_or(n, |k| i + k);
                // Comments do not make expressions longer.
                seg_start = (seg_start + (i - from)).min(i);
                continue;
            }
            b'/' if i + 1 < n && b[i + 1] == b'*' => {
                let from = i;
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
                seg_start = (seg_start + (i - from)).min(i);
                continue;
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
                continue;
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
                continue;
            }
            b'(' | b'[' => {
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                max_segment = max_segment.max(i - seg_start);
                seg_start = i;
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            b'}' => {
                depth = depth.saturating_sub(1);
                max_segment = max_segment.max(i - seg_start);
                seg_start = i;
            }
            b';' => {
                max_segment = max_segment.max(i - seg_start);
                seg_start = i;
            }
            _ => {}
        }
        i += 1;
    }
    max_segment = max_segment.max(n.saturating_sub(seg_start));
    Shape {
        max_depth,
        max_segment,
    }
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
        assert_eq!(shape(&deep).max_depth, 1000);
        let long = format!("fn f() {{ {} }}", "a + ".repeat(5000));
        assert!(shape(&long).needs_big_stack());
        assert!(!shape("fn f<'a>(x: &'a str) -> char { 'x' }").needs_big_stack());
    }
}
