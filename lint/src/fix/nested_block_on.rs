//! `nested_block_on`: `block_on(fut)`, `aio::run(fut)`, `Handle::block_on(fut)` (any call
//! or method call with one argument, as the rule reports them) in async context becomes
//! `fut.await`.
//!
//! Safe: the future runs to completion in both cases and gives the same value; only the
//! blocking of the event loop goes. No fix where `.await` is not allowed (a sync closure)
//! or inside a macro call.

use syn::Expr;

use super::cx::{FixCx, awaited};
use super::locate::expr_at;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    let found = expr_at(cx, d.primary.span)?;
    let arg = match found.expr {
        Expr::Call(c) if c.args.len() == 1 => &c.args[0],
        Expr::MethodCall(m) if m.args.len() == 1 => &m.args[0],
        _ => return None,
    };
    if !found.in_async {
        return None;
    }
    Some(cx.replace(
        cx.range(found.expr),
        awaited(arg, cx.snippet(arg)),
        Applicability::MachineApplicable,
    ))
}
