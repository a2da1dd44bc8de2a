//! `sequential_await_in_loop`: the collect-then-gather rewrite, for a loop whose body is
//! only `v.push(op(x).await);` or `let r = op(x).await; v.push(r);`:
//!
//! ```text
//! v.extend(futures::future::join_all(IntoIterator::into_iter(xs).map(|x| op(x))).await);
//! ```
//!
//! (`aio::gather(..)` for aio; `futures::future::join_all` elsewhere, offered only when
//! the crate depends on `futures`).
//!
//! Unsafe: every operation now starts before any finishes (no cap on how many run at
//! once), and a closure that builds the future may not borrow the loop variable the way
//! the loop body did. Any other loop body gets only the help; so does a body whose
//! operation uses `?`, `return`, `break` or `continue`, which would change meaning
//! inside a closure.

use syn::{Expr, ExprMethodCall, Pat, Stmt};

use super::cx::FixCx;
use super::locate::for_loop_at;
use crate::catalog::fixes::{JOIN_ALL, fix_api};
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};

/// `v.push(arg)` with `v` a plain path: (`v`, `arg`).
fn push(m: &ExprMethodCall) -> Option<(&Expr, &Expr)> {
    (m.method == "push"
        && m.args.len() == 1
        && m.turbofish.is_none()
        && matches!(&*m.receiver, Expr::Path(_)))
    .then(|| (&*m.receiver, &m.args[0]))
}

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let found = for_loop_at(cx, d.secondary.first()?.span)?;
    let Expr::ForLoop(fl) = found.expr else {
        return None;
    };
    if fl.label.is_some() || !fl.attrs.is_empty() || !found.in_async {
        return None;
    }
    let (vec, awaited) = match fl.body.stmts.as_slice() {
        [Stmt::Expr(Expr::MethodCall(m), Some(_))] => push(m)?,
        [Stmt::Local(l), Stmt::Expr(Expr::MethodCall(m), Some(_))] => {
            let (vec, arg) = push(m)?;
            let Pat::Ident(name) = &l.pat else {
                return None;
            };
            let init = l.init.as_ref().filter(|i| i.diverge.is_none())?;
            let Expr::Path(p) = arg else {
                return None;
            };
            if name.by_ref.is_some() || name.subpat.is_some() || !p.path.is_ident(&name.ident) {
                return None;
            }
            (vec, &*init.expr)
        }
        _ => return None,
    };
    let Expr::Await(aw) = awaited else {
        return None;
    };
    if cx.range(aw) != (d.primary.span.byte_start, d.primary.span.byte_end) {
        return None;
    }
    let op = cx.snippet(&*aw.base);
    let escapes =
        op.contains('?') || syn::parse_str::<proc_macro2::TokenStream>(op).is_ok_and(has_jump);
    if escapes {
        return None;
    }
    let gather = match fix_api(cx.runtime)?.gather {
        Some(gather) => gather,
        None if cx.features.futures => JOIN_ALL,
        None => return None,
    };
    let semi = if matches!(found.statement(), Some(Stmt::Expr(_, Some(_)))) {
        ""
    } else {
        ";"
    };
    Some(cx.replace(
        cx.range(found.expr),
        format!(
            "{}.extend({gather}(IntoIterator::into_iter({}).map(|{}| {op})).await){semi}",
            cx.snippet(vec),
            cx.snippet(&*fl.expr),
            cx.snippet(&*fl.pat),
        ),
        Applicability::MaybeIncorrect,
    ))
}

/// Whether the tokens hold `return`, `break` or `continue`.
fn has_jump(ts: proc_macro2::TokenStream) -> bool {
    ts.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "return" || i == "break" || i == "continue",
        proc_macro2::TokenTree::Group(g) => has_jump(g.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::cx::fix_for;

    /// The fix of a finding on `await` whose secondary span starts at `header`.
    fn fix_of(text: &str, header: &str) -> Option<(String, usize, usize)> {
        fix_for(text, "g(x).await", &[header], fix)
    }

    /// A `return`, `break` or `continue` in the operation would move into a closure:
    /// no fix, whichever it is.
    #[test]
    fn jumps_out_of_the_operation_are_not_gathered() {
        for jump in ["return v", "break", "continue"] {
            let op = format!("g(match x {{ 0 => {jump}, n => n }})");
            let text = format!(
                "async fn f(xs: Vec<u8>) -> Vec<u8> {{ let mut v = Vec::new(); for x in xs {{ v.push({op}.await); }} v }}"
            );
            assert_eq!(
                fix_for(&text, &format!("{op}.await"), &["for x in xs"], fix),
                None,
                "{jump}"
            );
        }
        // The same shape without a jump is gathered.
        let op = "g(match x { 0 => 1, n => n })";
        let text = format!(
            "async fn f(xs: Vec<u8>) -> Vec<u8> {{ let mut v = Vec::new(); for x in xs {{ v.push({op}.await); }} v }}"
        );
        assert!(fix_for(&text, &format!("{op}.await"), &["for x in xs"], fix).is_some());
    }

    #[test]
    fn a_plain_loop_is_gathered() {
        let text = "async fn f(xs: Vec<u8>) { let mut v = Vec::new(); for x in xs { v.push(g(x).await); } }";
        let start = text.find("for x").unwrap();
        let end = text.rfind(" }").unwrap();
        assert_eq!(
            fix_of(text, "for x in xs"),
            Some((
                "v.extend(futures::future::join_all(IntoIterator::into_iter(xs).map(|x| g(x))).await);"
                    .into(),
                start,
                end
            ))
        );
    }

    /// The rule points at `for`; a finding that points at a label or an attribute before
    /// it (where the loop's syntax starts) still gets no fix: `break 'label` would have no
    /// loop left, and the attribute nothing to sit on.
    #[test]
    fn labelled_or_attributed_loops_are_not_gathered() {
        let text = "async fn f(xs: Vec<u8>) { let mut v = Vec::new(); 'l: for x in xs { v.push(g(x).await); } }";
        assert_eq!(fix_of(text, "'l: for x in xs"), None);
        let text = "async fn f(xs: Vec<u8>) { let mut v = Vec::new(); #[allow(unused)] for x in xs { v.push(g(x).await); } }";
        assert_eq!(fix_of(text, "#[allow(unused)] for x in xs"), None);
    }

    /// Outside async context (`.await` there is an error the compiler reports): no fix.
    #[test]
    fn a_loop_in_a_sync_fn_is_not_gathered() {
        let text =
            "fn f(xs: Vec<u8>) { let mut v = Vec::new(); for x in xs { v.push(g(x).await); } }";
        assert_eq!(fix_of(text, "for x in xs"), None);
    }
}
