//! The text of an open document and LSP positions: line and UTF-16 code unit, 0-based, as
//! the protocol counts them by default. Positions past the end of a line or of the text
//! are clamped, never rejected, so a confused client cannot make the server fail.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Byte offsets of the line starts of one text (lines end at `\n`).
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The byte offset of `pos`: a line past the last is the end of the text, a character
    /// past the end of its line is the end of the line (before `\r\n` or `\n`), and a
    /// character inside a surrogate pair is the start of that character.
    pub(crate) fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += c.len_utf16() as u32;
            if units > pos.character {
                return start + i;
            }
        }
        start + line.len()
    }

    /// The position of byte offset `at` (clamped to the text and to a character boundary).
    pub(crate) fn position(&self, text: &str, at: usize) -> Position {
        let at = crate::source::floor_char_boundary(text, at);
        let line = self.starts.partition_point(|&s| s <= at) - 1;
        let character = text[self.starts[line]..at]
            .chars()
            .map(|c| c.len_utf16() as u32)
            .sum();
        Position::new(line as u32, character)
    }

    /// The range of bytes `start..end`.
    pub(crate) fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(
            self.position(text, start),
            self.position(text, end.max(start)),
        )
    }
}

/// Applies one change of `textDocument/didChange`: the whole text (no range) or the text
/// of a range (incremental sync); a range whose end comes before its start replaces nothing.
pub(crate) fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = Lines::new(text);
            let start = lines.offset(text, range.start);
            let end = lines.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn offsets_count_utf16_units_and_clamp() {
        let text = "ab\r\n\u{1F600}x\n\nlast";
        let l = Lines::new(text);
        assert_eq!(l.offset(text, pos(0, 0)), 0);
        assert_eq!(l.offset(text, pos(0, 2)), 2);
        // Past the end of the line: before its `\r\n`.
        assert_eq!(l.offset(text, pos(0, 99)), 2);
        // The emoji is two UTF-16 units and four bytes.
        assert_eq!(l.offset(text, pos(1, 2)), 8);
        assert_eq!(l.offset(text, pos(1, 1)), 4, "inside a surrogate pair");
        assert_eq!(l.offset(text, pos(1, 3)), 9);
        assert_eq!(l.offset(text, pos(2, 5)), 10);
        assert_eq!(l.offset(text, pos(3, 4)), text.len());
        assert_eq!(l.offset(text, pos(99, 0)), text.len());
        for (at, p) in [
            (0, pos(0, 0)),
            (2, pos(0, 2)),
            (8, pos(1, 2)),
            (9, pos(1, 3)),
        ] {
            assert_eq!(l.position(text, at), p);
        }
        assert_eq!(l.position(text, 6), pos(1, 0), "inside a character");
        assert_eq!(l.position(text, 999), pos(3, 4));
        assert_eq!(l.range(text, 8, 4), Range::new(pos(1, 2), pos(1, 2)));
    }

    #[test]
    fn changes_apply_whole_or_by_range() {
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        let mut text = String::from("fn a() {}\nfn b() {}\n");
        apply_change(
            &mut text,
            change(Some(Range::new(pos(1, 3), pos(1, 4))), "c"),
        );
        assert_eq!(text, "fn a() {}\nfn c() {}\n");
        apply_change(
            &mut text,
            change(Some(Range::new(pos(0, 9), pos(1, 0))), ""),
        );
        assert_eq!(text, "fn a() {}fn c() {}\n");
        // Reversed and out-of-range positions insert at the clamped start.
        apply_change(
            &mut text,
            change(Some(Range::new(pos(0, 99), pos(0, 1))), "!"),
        );
        assert_eq!(text, "fn a() {}fn c() {}!\n");
        apply_change(
            &mut text,
            change(Some(Range::new(pos(9, 0), pos(9, 9))), "//"),
        );
        assert_eq!(text, "fn a() {}fn c() {}!\n//");
        apply_change(&mut text, change(None, "whole"));
        assert_eq!(text, "whole");
    }
}
