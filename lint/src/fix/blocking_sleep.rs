//! `blocking_sleep`: `std::thread::sleep(d)` becomes the runtime's async sleep,
//! `tokio::time::sleep(d).await` (`aio::sleep`, `async_std::task::sleep`,
//! `smol::Timer::after`).
//!
//! Safe where the call sits directly in async context and the runtime has the API (tokio
//! with its `time` feature); unsafe when tokio's `time` feature is not known to be on
//! (the fix then needs it turned on), or for smol, whose timer yields an `Instant` where
//! the sleep gave `()`, when the value is used. No fix inside a sync closure, a macro
//! call, or for a call that only reaches a sleep through other functions.

use syn::Expr;

use super::cx::FixCx;
use super::locate::expr_at;
use crate::catalog::runtimes::api;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};
use crate::options::Runtime;

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let found = expr_at(cx, d.primary.span)?;
    let Expr::Call(call) = found.expr else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    if func.path.segments.last()?.ident != "sleep" || call.args.len() != 1 || !found.in_async {
        return None;
    }
    let path = api(cx.runtime).sleep?;
    let arg = cx.snippet(&call.args[0]);
    let value_unused = matches!(found.statement(), Some(syn::Stmt::Expr(_, Some(_))));
    let safe = match cx.runtime {
        Runtime::Tokio => cx.features.tokio_time,
        Runtime::Smol => value_unused,
        _ => true,
    };
    let new = format!("{path}({arg}).await");
    Some(cx.replace(
        cx.range(found.expr),
        new,
        if safe {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        },
    ))
}
