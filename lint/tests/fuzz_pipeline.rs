//! Property test of the whole pipeline (analysis, workspace pass, suppressions, every
//! output format) on generated and mutated sources: the rule fixtures with token ranges
//! deleted, duplicated or swapped, random bytes inserted (invalid UTF-8 included),
//! unbalanced brackets and deep nesting. Nothing may panic, and the output must be well
//! formed: every JSON line parses, SARIF parses, and every column lies within its line.
//! `lint/fuzz/` runs the same pipeline under libFuzzer for longer.

use std::path::PathBuf;

use aio_lint::cli::{MessageFormat, render_in_memory};
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    include_str!("fixtures/blocking_fs.rs"),
    include_str!("fixtures/blocking_sleep.rs"),
    include_str!("fixtures/busy_wait.rs"),
    include_str!("fixtures/dropped_task.rs"),
    include_str!("fixtures/lock_across_await.rs"),
    include_str!("fixtures/nested_block_on.rs"),
    include_str!("fixtures/sequential_awaits.rs"),
    include_str!("fixtures/unawaited_future.rs"),
];

/// One edit of a source, positions as fractions of its length (so they always land).
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, f64),
    Duplicate(f64, f64),
    Swap(f64, f64, f64),
    Insert(f64, Vec<u8>),
    Brackets(f64, u8, usize),
    Nest(f64, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 0.0..0.2f64).prop_map(|(a, l)| Edit::Delete(a, l)),
        (at.clone(), 0.0..0.2f64).prop_map(|(a, l)| Edit::Duplicate(a, l)),
        (at.clone(), at.clone(), 0.0..0.1f64).prop_map(|(a, b, l)| Edit::Swap(a, b, l)),
        (at.clone(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (at.clone(), 0..6u8, 1..40usize).prop_map(|(a, k, n)| Edit::Brackets(a, k, n)),
        (at, 1..300usize).prop_map(|(a, n)| Edit::Nest(a, n)),
    ]
}

/// A byte position at fraction `f` of `len`.
fn pos(f: f64, len: usize) -> usize {
    ((f * len as f64) as usize).min(len)
}

fn apply(src: &mut Vec<u8>, e: &Edit) {
    let len = src.len();
    match e {
        Edit::Delete(a, l) => {
            let s = pos(*a, len);
            let end = (s + pos(*l, len)).min(len);
            src.drain(s..end);
        }
        Edit::Duplicate(a, l) => {
            let s = pos(*a, len);
            let end = (s + pos(*l, len)).min(len);
            let piece = src[s..end].to_vec();
            src.splice(end..end, piece);
        }
        Edit::Swap(a, b, l) => {
            let n = pos(*l, len);
            let (x, y) = (pos(*a, len), pos(*b, len));
            let (x, y) = (x.min(y), x.max(y));
            if x + n <= y && y + n <= len {
                let first = src[x..x + n].to_vec();
                let second = src[y..y + n].to_vec();
                src.splice(y..y + n, first);
                src.splice(x..x + n, second);
            }
        }
        Edit::Insert(a, bytes) => {
            let s = pos(*a, len);
            src.splice(s..s, bytes.iter().copied());
        }
        Edit::Brackets(a, k, n) => {
            let s = pos(*a, len);
            let b = [b'(', b')', b'{', b'}', b'[', b']'][usize::from(*k)];
            src.splice(s..s, std::iter::repeat_n(b, *n));
        }
        Edit::Nest(a, n) => {
            let s = pos(*a, len);
            let mut piece = b"async { ".repeat(*n);
            piece.extend(b"x.await; ");
            piece.extend(b"} ".repeat(*n));
            src.splice(s..s, piece);
        }
    }
}

/// The text a column is counted in: what the pipeline decoded.
fn line_chars(text: &str, line: u64) -> usize {
    text.split('\n')
        .nth(line as usize - 1)
        .map_or(0, |l| l.chars().count())
}

fn check(files: &[(PathBuf, Vec<u8>)]) -> Result<(), TestCaseError> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(p, b)| {
            (
                p.to_string_lossy().into_owned(),
                String::from_utf8_lossy(b).into_owned(),
            )
        })
        .collect();
    let text_of = |name: &str| {
        texts
            .iter()
            .find(|(p, _)| p == name)
            .map(|(_, t)| t.as_str())
    };
    for (format, _color, out) in render_in_memory(files) {
        let out = String::from_utf8(out).map_err(|e| TestCaseError::fail(e.to_string()))?;
        match format {
            MessageFormat::Json => {
                for line in out.lines() {
                    let v: serde_json::Value = serde_json::from_str(line)
                        .map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
                    for span in v["message"]["spans"].as_array().into_iter().flatten() {
                        let file = span["file_name"].as_str().unwrap_or_default();
                        let text = text_of(file)
                            .ok_or_else(|| TestCaseError::fail(format!("unknown file {file}")))?;
                        for (l, c) in [("line_start", "column_start"), ("line_end", "column_end")] {
                            let (l, c) = (span[l].as_u64().unwrap(), span[c].as_u64().unwrap());
                            prop_assert!(l >= 1 && c >= 1, "{line}");
                            prop_assert!(
                                c as usize <= line_chars(text, l) + 1,
                                "column {c} beyond line {l}: {line}"
                            );
                        }
                    }
                }
            }
            MessageFormat::Sarif => {
                let v: serde_json::Value = serde_json::from_str(&out)
                    .map_err(|e| TestCaseError::fail(format!("SARIF: {e}")))?;
                prop_assert_eq!(&v["version"], "2.1.0");
            }
            MessageFormat::Github => {
                for line in out.lines() {
                    prop_assert!(line.starts_with("::"), "{line}");
                }
            }
            MessageFormat::Human => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_fixtures_never_break_the_pipeline(
        picks in proptest::collection::vec((0..FIXTURES.len(), proptest::collection::vec(edit(), 0..6)), 1..3),
    ) {
        let files: Vec<(PathBuf, Vec<u8>)> = picks
            .iter()
            .enumerate()
            .map(|(i, (f, edits))| {
                let mut src = FIXTURES[*f].as_bytes().to_vec();
                for e in edits {
                    apply(&mut src, e);
                }
                (PathBuf::from(format!("src/f{i}.rs")), src)
            })
            .collect();
        check(&files)?;
    }

    #[test]
    fn arbitrary_bytes_never_break_the_pipeline(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        check(&[(PathBuf::from("src/lib.rs"), bytes)])?;
    }
}
