//! What every fix works from: the file's text and parse, its runtime and the runtime's
//! features ([`FixCx`]), and the small text helpers they share.

use syn::spanned::Spanned;

use crate::diagnostic::{Applicability, Span, Suggestion};
use crate::options::Runtime;
use crate::source::LineIndex;

/// What the fixes know about a file's crate beyond its runtime.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RuntimeFeatures {
    /// tokio's `time` feature is on (or `full`), or the crate is not known to lack it.
    pub tokio_time: bool,
    /// tokio's `fs` feature is on (or `full`).
    pub tokio_fs: bool,
    /// tokio's `macros` feature is on (or `full`): `tokio::join!`.
    pub tokio_macros: bool,
    /// The crate depends on `futures` (`futures::future::join_all`).
    pub futures: bool,
}

impl RuntimeFeatures {
    /// Every feature on: what the fixes assume when nothing says otherwise (a file outside
    /// any cargo package).
    pub const ALL: RuntimeFeatures = RuntimeFeatures {
        tokio_time: true,
        tokio_fs: true,
        tokio_macros: true,
        futures: true,
    };

    /// From the `features` list of a tokio dependency.
    pub fn from_tokio<'f>(features: impl IntoIterator<Item = &'f str>) -> Self {
        let mut f = RuntimeFeatures::default();
        for name in features {
            match name {
                "full" => {
                    f.tokio_time = true;
                    f.tokio_fs = true;
                    f.tokio_macros = true;
                }
                "time" => f.tokio_time = true,
                "fs" => f.tokio_fs = true,
                "macros" => f.tokio_macros = true,
                _ => {}
            }
        }
        f
    }
}

/// One file as the fixes see it: the text, its parse, the runtime.
pub(crate) struct FixCx<'a> {
    /// The whole text (BOM and shebang included); spans index it.
    pub(crate) text: &'a str,
    /// Bytes before the part handed to the parser.
    pub(crate) base: usize,
    pub(crate) file: &'a syn::File,
    pub(crate) runtime: Runtime,
    pub(crate) features: RuntimeFeatures,
    pub(crate) lines: LineIndex,
}

impl<'a> FixCx<'a> {
    /// The byte range of a syntax node in the whole text.
    pub(crate) fn range(&self, node: &impl Spanned) -> (usize, usize) {
        let r = node.span().byte_range();
        (r.start + self.base, r.end + self.base)
    }

    /// The text of a syntax node.
    pub(crate) fn snippet(&self, node: &impl Spanned) -> &'a str {
        let (s, e) = self.range(node);
        &self.text[s..e]
    }

    /// The text from the start of `first` to the end of `last`.
    pub(crate) fn text_between(&self, first: &impl Spanned, last: &impl Spanned) -> &'a str {
        &self.text[self.range(first).0..self.range(last).1]
    }

    /// A span of the whole text.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.text, start, end)
    }

    /// A one-edit suggestion.
    pub(crate) fn replace(
        &self,
        (start, end): (usize, usize),
        replacement: String,
        applicability: Applicability,
    ) -> Suggestion {
        Suggestion {
            span: self.span(start, end),
            replacement,
            applicability,
            more: Vec::new(),
        }
    }
}

/// `expr.await` written so that `.await` applies to the whole of `expr`: parenthesised
/// unless `expr` is a postfix or primary expression.
pub(crate) fn awaited(expr: &syn::Expr, text: &str) -> String {
    use syn::Expr;
    match expr {
        Expr::Call(_)
        | Expr::MethodCall(_)
        | Expr::Path(_)
        | Expr::Paren(_)
        | Expr::Field(_)
        | Expr::Await(_)
        | Expr::Macro(_)
        | Expr::Index(_)
        | Expr::Try(_)
        | Expr::Async(_)
        | Expr::Tuple(_) => format!("{text}.await"),
        _ => format!("({text}).await"),
    }
}

/// For the fixes' unit tests: the fix `fix` computes, for tokio with every feature, for a
/// finding of `text` whose primary span is the first `primary` and whose secondary spans
/// are the first of each of `secondary`, as (replacement, byte start, byte end).
#[cfg(test)]
pub(crate) fn fix_for(
    text: &str,
    primary: &str,
    secondary: &[&str],
    fix: impl Fn(&FixCx<'_>, &crate::diagnostic::Diagnostic) -> Option<Suggestion>,
) -> Option<(String, usize, usize)> {
    use crate::diagnostic::{Diagnostic, Label, Level};
    let lines = LineIndex::new(text);
    let label = |needle: &str| {
        let at = text.find(needle).expect("the needle is in the text");
        Label {
            span: lines.span(text, at, at + needle.len()),
            message: String::new(),
        }
    };
    let d = Diagnostic {
        rule: "test",
        level: Level::Warn,
        message: String::new(),
        primary: label(primary),
        secondary: secondary.iter().map(|n| label(n)).collect(),
        notes: Vec::new(),
        help: None,
        suggestion: None,
    };
    with_cx(text, |cx| fix(cx, &d)).map(|s| (s.replacement, s.span.byte_start, s.span.byte_end))
}

/// For the fixes' unit tests: runs `f` with the fix context of `text`, for tokio with
/// every feature.
#[cfg(test)]
pub(crate) fn with_cx<R>(text: &str, f: impl FnOnce(&FixCx<'_>) -> R) -> R {
    let file = syn::parse_file(text).expect("the text parses");
    f(&FixCx {
        text,
        base: 0,
        file: &file,
        runtime: Runtime::Tokio,
        features: RuntimeFeatures::ALL,
        lines: LineIndex::new(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokio_features_are_read_from_the_dependency_list() {
        let f = RuntimeFeatures::from_tokio(["full"]);
        assert!(f.tokio_time && f.tokio_fs && f.tokio_macros && !f.futures);
        let f = RuntimeFeatures::from_tokio(["rt", "time"]);
        assert!(f.tokio_time && !f.tokio_fs && !f.tokio_macros);
        let f = RuntimeFeatures::from_tokio(["fs", "macros"]);
        assert!(!f.tokio_time && f.tokio_fs && f.tokio_macros);
        assert_eq!(
            RuntimeFeatures::from_tokio(Vec::<&str>::new()),
            RuntimeFeatures::default()
        );
    }

    #[test]
    fn await_is_parenthesised_only_where_precedence_needs_it() {
        let e: syn::Expr = syn::parse_str("f(x)").unwrap();
        assert_eq!(awaited(&e, "f(x)"), "f(x).await");
        let e: syn::Expr = syn::parse_str("a + b").unwrap();
        assert_eq!(awaited(&e, "a + b"), "(a + b).await");
        let e: syn::Expr = syn::parse_str("&fut").unwrap();
        assert_eq!(awaited(&e, "&fut"), "(&fut).await");
    }
}
