//! `blocking_fs`: a `std::fs` function with a same-shaped async twin (`read_to_string`,
//! `write`, `remove_file`, `rename`, ...) becomes the runtime's,
//! `tokio::fs::read_to_string(p).await` (`async_std::fs`, `smol::fs`).
//!
//! Safe with tokio (its twins take the same arguments and return the same
//! `io::Result`) when its `fs` feature is on, and with smol; unsafe with async-std, whose
//! twins take its own `Path` type, or tokio without `fs`. `read_dir` (a stream in every
//! runtime) and `File::open`/`create` and friends get no fix: the handle's later reads
//! and writes would need rewriting too (an async `File` and the runtime's
//! `AsyncReadExt`), which this fix does not attempt. aio has no async file system
//! (its help names `aio::to_thread`), so no fix there either.

use syn::Expr;

use super::cx::FixCx;
use super::locate::expr_at;
use crate::catalog::runtimes::{FS_TWINS, api};
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
    let segments = &func.path.segments;
    let name = segments.last()?.ident.to_string();
    // `File::open(..)` and other associated functions: no fix; `fs::read(..)` or an
    // imported `read_to_string(..)` (the rule resolved it to `std::fs`).
    let parent = segments.len().checked_sub(2).map(|i| &segments[i].ident);
    if parent.is_some_and(|p| p != "fs")
        || !FS_TWINS.contains(&name.as_str())
        || name == "read_dir"
        || !found.in_async
        || call.args.is_empty()
    {
        return None;
    }
    let module = api(cx.runtime).fs?;
    let args = cx.text_between(&call.args[0], call.args.last()?);
    let safe = match cx.runtime {
        Runtime::Tokio => cx.features.tokio_fs,
        Runtime::Smol => true,
        _ => false,
    };
    Some(cx.replace(
        cx.range(found.expr),
        format!("{module}::{name}({args}).await"),
        if safe {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        },
    ))
}
