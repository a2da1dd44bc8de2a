//! `cancel_unsafe_select`: inside a loop, a `select!` branch whose future is created in
//! the loop and is not cancel-safe: when another branch wins, what it had read or written
//! is lost with it.
//!
//! Owns the docs, the detection and the texts. Finding `select!`s in loops is
//! `crate::flow::select`; the cancel safety of library operations is the catalog's
//! (`catalog/cancel.rs`). An async fn that awaits a non-cancel-safe operation is not
//! cancel-safe either: the check follows the file's own (transitively) and hands the
//! branches it cannot judge to the workspace pass (`crate::callgraph`), which follows
//! async fns across the files of the package; the note names the chain.

use std::collections::HashMap;

use proc_macro2::Span as PmSpan;
use syn::visit::{self, Visit};
use syn::{Block, Expr, Stmt};

use super::shape::{Rule, Shape};
use crate::catalog::cancel::{CancelSafety, cancel_safety, method_cancel_safety};
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::select::{bound_in, created, for_each_loop_branch};
use crate::flow::walk::{for_each_async_body, strip_result_suffixes};
use crate::{Diagnostic, Label, Level, Runtime, Span};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "cancel_unsafe_select",
        default_level: Level::Warn,
        summary: "a `select!` branch in a loop whose future is not cancel-safe (`read_exact`, `write_all`, ...): when another branch wins, its partial work is lost",
        docs: r#"## What it does

Flags, inside a loop, a `select!` branch (tokio's `select!`, futures' `select!` and
`select_biased!`) whose future is created in the loop and is not cancel-safe, after
tokio's documented list: `read_exact`, `read_to_end`, `read_to_string`, `read_line`,
`read_until`, the multi-byte number reads (`read_u32`, ...), `write_all`,
`write_all_buf`, `copy`. An async fn or method of the package that awaits one of those
(a `read_message` built on `read_exact`), directly or through other async fns, in this
file or another, is not cancel-safe either; the note names the chain down to the
operation (and, across files, where it is awaited). Not flagged: cancel-safe calls (`read`, `recv`, `accept`, a
stream's `next`), a future created once before the loop and polled by `&mut`, and a
`read_until(b, &mut buf)` into a buffer that outlives the iteration (a dropped
`read_until` leaves what it read in `buf`, so the next call goes on from there; it is
flagged when the iteration creates, assigns or clears `buf` before the `select!`).

## Why is this bad

When another branch completes first, `select!` drops the unfinished futures. A
`read_exact` that had already taken half a frame from the socket loses those bytes: the
next iteration starts reading in the middle of a frame. A `write_all` that had written
part of its buffer leaves the peer with a truncated message, and the retry writes the
start again. Nothing fails at the point of loss; the stream is silently corrupted.

## Example

```rust
async fn serve(mut sock: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {
    use tokio::io::AsyncReadExt;
    let mut header = [0u8; 8];
    loop {
        tokio::select! {
            r = sock.read_exact(&mut header) => handle(r, &header),
            _ = stop.recv() => break,
        }
    }
}
```

## Use instead

```rust
async fn serve(mut sock: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::with_capacity(8);
    let mut chunk = [0u8; 8];
    loop {
        tokio::select! {
            // `read` is cancel-safe: bytes it returned are in `buf` before another
            // branch can win.
            r = sock.read(&mut chunk) => on_bytes(r, &chunk, &mut buf),
            _ = stop.recv() => break,
        }
    }
}
```
"#,
    },
    shape: Shape::File(check),
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    match runtime {
        Runtime::Tokio => "create the future once before the loop (`let f = ..; tokio::pin!(f);`) and poll `&mut f` in the `select!`, or use a cancel-safe call: `read`/`read_buf` into a buffer kept outside the loop, `recv`, or a framed codec (`tokio_util::codec::FramedRead`, whose `next()` is cancel-safe)".to_string(),
        _ => "create the future once before the loop (pin it) and poll it by `&mut` in the `select!`, or use a cancel-safe call: `read` into a buffer kept outside the loop, a channel's `recv`, or a framed stream whose `next()` keeps partial frames".to_string(),
    }
}

/// What makes a future not cancel-safe: the operation, and the file's async fns that lead
/// to it from the branch (outermost first; empty when the branch is the operation).
#[derive(Clone)]
struct Unsafe {
    op: String,
    via: Vec<String>,
}

/// Checks every `select!` in a loop of the file's async bodies.
pub(crate) fn check(cx: &FlowCx<'_>, file: &syn::File, out: &mut Vec<Diagnostic>) {
    let local = unsafe_fns(cx, file);
    for_each_async_body(file, &mut |b| {
        for_each_loop_branch(b.block, &mut |ls, _, fut| {
            match created(ls.before, fut, &mut |e| {
                keeps_partial_line(e, ls.before)
                    .is_none()
                    .then(|| op_of(cx, e, &local))
                    .flatten()
            }) {
                Some((span, u)) => out.push(report(cx, span, fut, &u)),
                // Not known here: a call the workspace pass may find to be an async fn of
                // another file that is not cancel-safe.
                None => {
                    if let Some(calls) = cx.branches
                        && let Some(call) = created(ls.before, fut, &mut call_span_of)
                    {
                        let branch = cx.span(syn::spanned::Spanned::span(fut));
                        calls.borrow_mut().push((cx.span(call), branch));
                    }
                }
            }
        });
    });
}

/// `read_until(byte, &mut buf)` whose `buf` outlives the iteration: a dropped
/// `read_until` leaves what it read in `buf` (tokio's and futures' documentation), so
/// the next iteration's call goes on from there. Only when `buf` is a binding that the
/// statements of the iteration before the `select!` neither create, assign nor clear.
fn keeps_partial_line(e: &Expr, before: &[Stmt]) -> Option<()> {
    let Expr::MethodCall(m) = e else { return None };
    if m.method != "read_until" || m.args.len() != 2 {
        return None;
    }
    let Expr::Reference(r) = &m.args[1] else {
        return None;
    };
    let Expr::Path(p) = &*r.expr else { return None };
    let buf = p.path.get_ident()?.to_string();
    if bound_in(before, &buf).is_some() || before.iter().any(|s| resets(s, &buf)) {
        return None;
    }
    Some(())
}

/// Whether a statement assigns `name`, empties it (`clear`, `truncate`, `drain`,
/// `split_off`) or lends it by `&mut` (`mem::take(&mut buf)`).
fn resets(stmt: &Stmt, name: &str) -> bool {
    struct Resets<'n> {
        name: &'n str,
        found: bool,
    }
    impl Resets<'_> {
        fn is_name(&self, e: &Expr) -> bool {
            matches!(e, Expr::Path(p) if p.path.is_ident(self.name))
        }
    }
    impl<'ast> Visit<'ast> for Resets<'_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            self.found |= self.is_name(&a.left);
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.found |= self.is_name(&m.receiver)
                && matches!(
                    m.method.to_string().as_str(),
                    "clear" | "truncate" | "drain" | "split_off"
                );
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            // `mem::take(&mut buf)` and the like.
            self.found |= r.mutability.is_some() && self.is_name(&r.expr);
            visit::visit_expr_reference(self, r);
        }
    }
    let mut v = Resets { name, found: false };
    v.visit_stmt(stmt);
    v.found
}

/// The span of a call as the engine records it.
fn call_span_of(e: &Expr) -> Option<PmSpan> {
    match e {
        Expr::Call(c) => Some(crate::syntax::call_span(c)),
        Expr::MethodCall(m) => Some(crate::syntax::method_span(m)),
        _ => None,
    }
}

/// The operation a future-creating call is, when it is not cancel-safe: a catalog
/// operation (by path, or an extension-trait method by name) or one of the file's async
/// fns that awaits one.
fn op_of(cx: &FlowCx<'_>, e: &Expr, local: &HashMap<String, Unsafe>) -> Option<(PmSpan, Unsafe)> {
    let span = syn::spanned::Spanned::span(e);
    if let Some(op) = lossy_op(e, &|p| cx.resolve_fn(p)) {
        return Some((
            span,
            Unsafe {
                op,
                via: Vec::new(),
            },
        ));
    }
    match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            // `self.read_message()`: a method of the file.
            let is_self = matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"));
            if is_self {
                return local.get(&name).cloned().map(|u| (span, u));
            }
            None
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else {
                return None;
            };
            // `read_frame(&mut sock)` or `Self::read_frame(..)`: a fn of the file.
            let segs = crate::syntax::segment_names(&p.path);
            let name = match segs.as_slice() {
                [n] => n,
                [s, n] if s == "Self" => n,
                _ => return None,
            };
            local.get(name).cloned().map(|u| (span, u))
        }
        _ => None,
    }
}

/// The operation a future-creating call is, when the catalog says it is not cancel-safe:
/// an extension-trait method by name, a path call by its path (`resolve_fn` as
/// [`FlowCx::resolve_fn`]). Shared with the engine, which records what async fns await.
pub(crate) fn lossy_op(
    e: &Expr,
    resolve_fn: &dyn Fn(&syn::Path) -> Option<String>,
) -> Option<String> {
    match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            (method_cancel_safety(&name) == Some(CancelSafety::LosesData)).then_some(name)
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else {
                return None;
            };
            let full = resolve_fn(&p.path)?;
            (cancel_safety(&full) == Some(CancelSafety::LosesData))
                .then(|| p.path.segments.last().map(|s| s.ident.to_string()))
                .flatten()
        }
        _ => None,
    }
}

/// The file's async fns and methods that await a non-cancel-safe operation, directly or
/// through another of them, by name (a name defined twice with different answers is
/// left out).
fn unsafe_fns(cx: &FlowCx<'_>, file: &syn::File) -> HashMap<String, Unsafe> {
    struct Fns<'ast> {
        found: Vec<(String, &'ast Block)>,
    }
    impl<'ast> Visit<'ast> for Fns<'ast> {
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if f.sig.asyncness.is_some() {
                self.found.push((f.sig.ident.to_string(), &f.block));
            }
            visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if f.sig.asyncness.is_some() {
                self.found.push((f.sig.ident.to_string(), &f.block));
            }
            visit::visit_impl_item_fn(self, f);
        }
    }
    let mut fns = Fns { found: Vec::new() };
    fns.visit_file(file);
    let mut known: HashMap<String, Unsafe> = HashMap::new();
    let mut ambiguous: Vec<String> = Vec::new();
    // Each round can only add names; the rounds stop when one adds none.
    loop {
        let mut added = false;
        for (name, block) in &fns.found {
            if known.contains_key(name) || ambiguous.contains(name) {
                continue;
            }
            if let Some(inner) = awaited_unsafe_op(cx, block, &known) {
                let mut via = vec![name.clone()];
                via.extend(inner.via);
                known.insert(name.clone(), Unsafe { op: inner.op, via });
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    // A name defined more than once in the file is only trusted if every definition is
    // not cancel-safe.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (name, _) in &fns.found {
        *counts.entry(name).or_default() += 1;
    }
    for (name, n) in counts {
        if n > 1 {
            let all = fns
                .found
                .iter()
                .filter(|(m, _)| m == name)
                .all(|(_, b)| awaited_unsafe_op(cx, b, &known).is_some());
            if !all {
                ambiguous.push(name.to_string());
            }
        }
    }
    known.retain(|k, _| !ambiguous.contains(k));
    known
}

/// The first awaited operation of `block` (its own context) that is not cancel-safe.
fn awaited_unsafe_op(
    cx: &FlowCx<'_>,
    block: &Block,
    local: &HashMap<String, Unsafe>,
) -> Option<Unsafe> {
    struct Awaits<'c, 'l> {
        cx: &'c FlowCx<'c>,
        local: &'l HashMap<String, Unsafe>,
        found: Option<Unsafe>,
    }
    impl<'ast> Visit<'ast> for Awaits<'_, '_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            if self.found.is_none()
                && let Some((_, u)) = op_of(self.cx, strip_result_suffixes(&a.base), self.local)
            {
                self.found = Some(u);
            }
            visit::visit_expr_await(self, a);
        }
    }
    let mut v = Awaits {
        cx,
        local,
        found: None,
    };
    v.visit_block(block);
    v.found
}

fn report(cx: &FlowCx<'_>, span: PmSpan, fut: &Expr, u: &Unsafe) -> Diagnostic {
    let via: Vec<&str> = u.via.iter().map(String::as_str).collect();
    diagnostic(
        cx.span(span),
        cx.span(syn::spanned::Spanned::span(fut)),
        &via,
        &u.op,
        None,
        cx.runtime,
    )
}

/// The finding at `primary`, the future created in the `select!` branch at `branch`:
/// `op` is not cancel-safe, reached through the async fns `via` (outermost first; empty
/// when the branch is the operation), awaited `at` a place shown in the note.
pub(crate) fn diagnostic(
    primary: Span,
    branch: Span,
    via: &[&str],
    op: &str,
    at: Option<&str>,
    runtime: Runtime,
) -> Diagnostic {
    let outer = via.first().copied().unwrap_or(op);
    let mut d = RULE.info.diagnostic(
        format!("`{outer}` is not cancel-safe, and this `select!` branch creates it anew on every iteration of the loop"),
        primary,
        "when another branch wins, this future is dropped with what it had read or written",
    );
    if branch != d.primary.span {
        d.secondary.push(Label {
            span: branch,
            message: "the `select!` branch that polls it".to_string(),
        });
    }
    let at = at.map(|a| format!(" ({a})")).unwrap_or_default();
    if !via.is_empty() {
        let chain: Vec<String> = via.iter().chain([&op]).map(|n| format!("`{n}`")).collect();
        d.notes.push(format!(
            "{}{at}: the inner `{op}` loses what it already transferred when it is dropped (tokio documents it as not cancel-safe)",
            chain.join(", which awaits "),
        ));
    } else if op == "read_until" {
        d.notes.push(
            "a dropped `read_until` leaves what it read in its buffer, but this iteration creates or empties that buffer before the `select!`, so the partial line is lost".to_string(),
        );
    } else {
        d.notes.push(format!(
            "`{op}` loses what it already transferred when it is dropped (tokio documents it as not cancel-safe)"
        ));
    }
    d.help = Some(help(runtime));
    d
}
