//! `unawaited_future`: `f();` and `let _ = f();` become `f().await;`.
//!
//! Unsafe: the work now happens, and happens here, before the next statement; the
//! caller may have meant to spawn it or to drop it. No fix for `let x = f();` with `x`
//! unused (the binding may be meant for later code), where `.await` is not allowed, or
//! inside a macro call.

use syn::{Pat, Stmt};

use super::cx::{FixCx, awaited};
use super::locate::expr_at;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let found = expr_at(cx, d.primary.span)?;
    if !found.in_async {
        return None;
    }
    let new = awaited(found.expr, cx.snippet(found.expr));
    let stmt = found.statement()?;
    match stmt {
        Stmt::Expr(_, Some(_)) => {
            Some(cx.replace(cx.range(found.expr), new, Applicability::MaybeIncorrect))
        }
        Stmt::Local(l)
            if matches!(l.pat, Pat::Wild(_))
                && l.init.as_ref().is_some_and(|i| i.diverge.is_none())
                && l.attrs.is_empty() =>
        {
            Some(cx.replace(
                cx.range(stmt),
                format!("{new};"),
                Applicability::MaybeIncorrect,
            ))
        }
        _ => None,
    }
}
