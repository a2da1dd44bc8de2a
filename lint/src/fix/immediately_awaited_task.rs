//! `immediately_awaited_task`: `spawn(fut).await` becomes `fut.await`, keeping the type
//! of the awaited handle: tokio's and aio's handles give a `Result` (the task may panic
//! or be cancelled), so the fix writes `Ok::<_, tokio::task::JoinError>(fut.await)`
//! (`aio::TaskError`); async-std's and smol's handles give the value itself.
//!
//! Unsafe: the future now runs inside the current task, so a panic in it is no longer
//! caught by the handle, and a `Send`/`'static` future may now borrow. No fix for an
//! unknown runtime, for handles of other shapes, or where `.await` is not allowed.

use syn::Expr;

use super::cx::{FixCx, awaited};
use super::locate::expr_at;
use crate::catalog::fixes::fix_api;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let found = expr_at(cx, d.primary.span)?;
    let Expr::Await(aw) = found.expr else {
        return None;
    };
    let Expr::Call(call) = &*aw.base else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let name = func.path.segments.last()?.ident.to_string();
    if !matches!(name.as_str(), "spawn" | "spawn_local") || call.args.len() != 1 || !found.in_async
    {
        return None;
    }
    let arg = &call.args[0];
    let inner = awaited(arg, cx.snippet(arg));
    let new = match fix_api(cx.runtime)?.task_error {
        Some(error) => format!("Ok::<_, {error}>({inner})"),
        None => inner,
    };
    Some(cx.replace(cx.range(found.expr), new, Applicability::MaybeIncorrect))
}
