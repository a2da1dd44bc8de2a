//! `sequential_awaits`: a run of consecutive `let a = f().await; let b = g().await;`
//! becomes one statement that awaits them together: `let (a, b) = tokio::join!(f(), g());`
//! (tokio with its `macros` feature), `let (a, b) = aio::gather!(f(), g()).await;` (aio),
//! `let (a, b) = smol::future::zip(f(), g()).await;` (smol, two operations).
//!
//! Unsafe: the operations now run concurrently, so their side effects interleave and an
//! early error no longer stops the later ones. No fix when the run is not a series of
//! adjacent `let` statements each binding one awaited expression (a `?` after the await,
//! a type annotation, a comment or an attribute in between), and none for async-std or
//! an unknown runtime.

use syn::{Expr, Pat, Stmt};

use super::cx::FixCx;
use super::locate::expr_at;
use crate::catalog::fixes::fix_api;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};
use crate::options::Runtime;

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let mut spans: Vec<_> = std::iter::once(d.primary.span)
        .chain(d.secondary.iter().map(|l| l.span))
        .collect();
    spans.sort_by_key(|s| s.byte_start);
    let mut pats = Vec::new();
    let mut futs = Vec::new();
    let mut block = None;
    let mut range: Option<(usize, usize)> = None;
    for span in spans {
        let found = expr_at(cx, span)?;
        let Expr::Await(aw) = found.expr else {
            return None;
        };
        let (b, i) = found.stmt?;
        let Stmt::Local(local) = &b.stmts[i] else {
            return None;
        };
        if !local.attrs.is_empty()
            || matches!(local.pat, Pat::Type(_))
            || local.init.as_ref().is_none_or(|i| i.diverge.is_some())
            || block.is_some_and(|prev| !std::ptr::eq(prev, b))
        {
            return None;
        }
        // In one block, nothing but blanks between two statements makes them adjacent.
        let (s, e) = cx.range(&b.stmts[i]);
        if let Some((_, prev_end)) = range
            && !cx.text[prev_end..s].trim().is_empty()
        {
            return None;
        }
        range = Some((range.map_or(s, |r| r.0), e));
        block = Some(b);
        pats.push(cx.snippet(&local.pat));
        futs.push(cx.snippet(&*aw.base));
    }
    let (pats, futs) = (pats.join(", "), futs.join(", "));
    let api = fix_api(cx.runtime)?;
    let pair_only = api.join_pair_only && d.secondary.len() != 1;
    let tokio_without_macros = cx.runtime == Runtime::Tokio && !cx.features.tokio_macros;
    if pair_only || tokio_without_macros {
        return None;
    }
    let joined = api.join?.replace("{}", &futs);
    Some(cx.replace(
        range?,
        format!("let ({pats}) = {joined};"),
        Applicability::MaybeIncorrect,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::cx::fix_for;

    /// The fix of a finding whose spans are the first occurrences of `needles` (the first
    /// one primary).
    fn fix_of(text: &str, needles: &[&str]) -> Option<(String, usize, usize)> {
        fix_for(text, needles[0], &needles[1..], fix)
    }
    #[test]
    fn adjacent_lets_are_joined() {
        let text = "async fn f() { let a = g().await; let b = h().await; }";
        let start = text.find("let a").unwrap();
        let end = text.find(" }").unwrap();
        assert_eq!(
            fix_of(text, &["h().await", "g().await"]),
            Some(("let (a, b) = tokio::join!(g(), h());".into(), start, end))
        );
    }

    /// A `let .. else`: no fix (the tuple would lose the `else`).
    #[test]
    fn a_let_else_is_not_joined() {
        let text = "async fn f() { let Some(a) = g().await else { return }; let b = h().await; }";
        assert_eq!(fix_of(text, &["h().await", "g().await"]), None);
    }

    /// A `let` inside the initialiser of another is in another block: no fix (the run
    /// would not be a series of statements).
    #[test]
    fn a_let_inside_another_is_not_joined() {
        let text = "async fn f() { let a = async { let x = 1; let b = g().await; b }.await; }";
        assert_eq!(
            fix_of(
                text,
                &[
                    "g().await",
                    "async { let x = 1; let b = g().await; b }.await"
                ]
            ),
            None
        );
    }
}
