//! Positions in source text: byte offsets to 1-based line and character columns, and the
//! text of the lines a span covers.
//!
//! Used for the diagnostics the command line makes itself (parse errors of unreadable
//! files, suppression findings) and for the `text` lines of the JSON format. It does not
//! parse Rust; the engine computes the positions of its own findings.

use std::path::Path;

use crate::{LineCol, Span};

/// Byte offsets of line starts in one text.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (lines end at `\n`; a `\r` before it belongs to the line ending).
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
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

    /// A [`Span`] for `start..end` in `text`.
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

/// How a path is shown: relative to `cwd` when it lies under it, else as given.
pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown.to_string_lossy();
    if s.is_empty() {
        ".".to_owned()
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes_and_skip_the_bom() {
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
        assert_eq!(idx.line_text(text, 1), "fn a() {}");
        assert_eq!(idx.line_text(text, 2), "\tlet é = x;");
        assert_eq!(idx.line_text(text, 9), "");
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "é";
        let idx = LineIndex::new(text);
        assert_eq!(idx.span(text, 1, 99).byte_end, 2);
        assert_eq!(idx.line_col(text, 1), LineCol { line: 1, column: 1 });
        let empty = LineIndex::new("");
        assert_eq!(empty.line_col("", 5), LineCol { line: 1, column: 1 });
    }
}
