//! `sequential_await_in_loop`: a loop that awaits one independent operation per
//! iteration, so the iterations run one after another instead of concurrently.
//!
//! Owns the docs, the detection over one async body and the help text. The data-flow
//! questions (loop-carried state, ordering-sensitive awaits, exits) are `crate::flow`'s.

use syn::{Block, Expr, ExprAwait, Pat, Stmt};

use super::shape::{Rule, Shape};
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::loops::{carried_closure, derived, exits_early};
use crate::flow::order::{AwaitKind, classify, stream_of_io};
use crate::flow::vars::{Effects, Names, chain_root, intersects, pat_bindings};
use crate::flow::walk::{BodyVisitor, for_each_async_body, strip, walk_body};
use crate::{Diagnostic, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "sequential_await_in_loop",
        default_level: Level::Warn,
        summary: "a loop that awaits one independent operation per iteration",
        docs: r#"## What it does

Flags a `for` loop (or `while let Some(x) = iter.next()` over a plain iterator) in async
context whose body awaits an operation that uses the loop variable and nothing carried
over from earlier iterations, so that each iteration could have run at the same time as
the others. Also flags awaiting, one by one, a list of futures built earlier in the same
body (the futures only start when awaited).

Not flagged: `loop`/`while cond` retry and poll loops; stream and channel consumption
(`while let Some(x) = rx.recv().await`, `stream.next().await`); loops whose awaits are
sleeps, yields, timers, lock acquisition, queue or channel operations, or I/O on one
shared object (a writer written in order, `self.method(..)`, `&mut conn`); loops whose
awaited call reads a variable the loop assigns (a cursor, an accumulator); loops that
`break` or `return` on a result (trying servers in turn); loops that pace themselves
with a sleep; awaiting task handles (their tasks already run).

## Why is this bad

An `.await` suspends the loop until the operation finishes, so N requests take N times
as long as one. This is the asyncio notes' "How NOT to use await": awaiting inside the
loop turns concurrent code back into sequential code.

## Example

```rust
async fn fetch_all(client: &Client, urls: &[String]) -> Vec<Page> {
    let mut pages = Vec::new();
    for url in urls {
        pages.push(fetch(client, url).await);
    }
    pages
}
```

## Use instead

```rust
async fn fetch_all(client: &Client, urls: &[String]) -> Vec<Page> {
    // aio::gather(iter).await, or futures::future::join_all(iter).await
    futures::future::join_all(urls.iter().map(|url| fetch(client, url))).await
    // to limit concurrency: futures::stream::iter(..).buffer_unordered(8)
}
```

## Fix safety

Unsafe: a loop whose body is only `v.push(op(x).await);` or
`let r = op(x).await; v.push(r);` becomes
`v.extend(aio::gather(IntoIterator::into_iter(xs).map(|x| op(x))).await);`
(`futures::future::join_all` for the other runtimes, when the crate depends on
`futures`): every operation starts before any finishes, with no cap on how many run at
once. Other loop bodies, and operations that use `?`, `return`, `break` or `continue`,
get only the help.
"#,
    },
    shape: Shape::File(check_file),
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    let gather = match runtime {
        Runtime::Aio => "`aio::gather(iter).await`",
        _ => "`futures::future::join_all(iter).await` (or a `FuturesUnordered`)",
    };
    format!(
        "start the operations together and await them at once: {gather}; to cap how many run at a time, use `futures::stream::iter(..).buffer_unordered(n)`"
    )
}

/// Checks every loop of every async body of a file, test code excepted (tests await in
/// order on purpose, and their speed is not the point).
pub(crate) fn check_file(cx: &FlowCx<'_>, file: &syn::File, out: &mut Vec<Diagnostic>) {
    for_each_async_body(file, &mut |b| {
        if !b.test {
            check(cx, b.block, &b.mut_refs, out);
        }
    });
}

/// Checks every loop of one async body; `mut_refs` hold `&mut` references.
fn check(cx: &FlowCx<'_>, body: &Block, mut_refs: &Names, out: &mut Vec<Diagnostic>) {
    struct Loops<'a, 'c> {
        cx: &'c FlowCx<'c>,
        mut_refs: &'c Names,
        out: &'a mut Vec<Diagnostic>,
    }
    impl<'ast> BodyVisitor<'ast> for Loops<'_, '_> {
        fn block(&mut self, block: &'ast Block) {
            for (i, stmt) in block.stmts.iter().enumerate() {
                let Stmt::Expr(e, _) = stmt else { continue };
                if let Expr::ForLoop(f) = strip(e)
                    && let Some(d) = check_for_loop(self.cx, self.mut_refs, f, &block.stmts[..i])
                {
                    self.out.push(d);
                }
            }
        }
        fn expr(&mut self, e: &'ast Expr) {
            if let Expr::While(w) = e
                && let Some(d) = check_while_let(self.cx, self.mut_refs, w)
            {
                self.out.push(d);
            }
        }
    }
    walk_body(body, &mut Loops { cx, mut_refs, out });
}

fn check_for_loop(
    cx: &FlowCx<'_>,
    mut_refs: &Names,
    f: &syn::ExprForLoop,
    before: &[Stmt],
) -> Option<Diagnostic> {
    let header = cx.span_between(f.for_token.span, syn::spanned::Spanned::span(&f.expr));
    let vars = pat_bindings(&f.pat);
    let iterated = iterated_local(&f.expr);
    let futures_list = iterated
        .as_deref()
        .is_some_and(|name| built_from_futures(cx, before, name));
    check_loop(
        cx,
        mut_refs,
        &f.body,
        f.label.as_ref().map(|l| &l.name),
        &vars,
        futures_list,
        header,
    )
}

fn check_while_let(cx: &FlowCx<'_>, mut_refs: &Names, w: &syn::ExprWhile) -> Option<Diagnostic> {
    // Only `while let Some(p) = it.next()` over a plain (sync) iterator.
    let Expr::Let(l) = strip(&w.cond) else {
        return None;
    };
    let Pat::TupleStruct(ts) = &*l.pat else {
        return None;
    };
    if !ts.path.is_ident("Some") || crate::flow::walk::awaits_in(&l.expr) {
        return None;
    }
    let Expr::MethodCall(m) = strip(&l.expr) else {
        return None;
    };
    if m.method != "next"
        || !m.args.is_empty()
        || crate::flow::vars::place_of(&m.receiver).is_none()
    {
        return None;
    }
    let vars = pat_bindings(&l.pat);
    let header = cx.span_between(w.while_token.span, syn::spanned::Spanned::span(&w.cond));
    check_loop(
        cx,
        mut_refs,
        &w.body,
        w.label.as_ref().map(|l| &l.name),
        &vars,
        false,
        header,
    )
}

fn check_loop(
    cx: &FlowCx<'_>,
    mut_refs: &Names,
    body: &Block,
    label: Option<&syn::Lifetime>,
    loop_vars: &Names,
    futures_list: bool,
    header: crate::Span,
) -> Option<Diagnostic> {
    if loop_vars.is_empty() || exits_early(body, label) {
        return None;
    }
    let awaits = direct_awaits(body);
    if awaits.is_empty() {
        return None;
    }
    let resolve = |p: &syn::Path| cx.resolve_fn(p);
    let kinds: Vec<AwaitKind> = awaits.iter().map(|a| classify(&a.base, &resolve)).collect();
    // A loop that sleeps or yields paces itself on purpose.
    if kinds
        .iter()
        .any(|k| matches!(k, AwaitKind::Ordered("timer")))
    {
        return None;
    }
    let from_loop = derived(body, loop_vars);
    // The loop variables are bound afresh by each iteration: calling a method on one
    // (`s.refresh().await`) carries nothing to the next.
    let carried = carried_closure(body, loop_vars);
    let found = awaits.iter().zip(&kinds).find(|(a, kind)| match kind {
        AwaitKind::Independent => {
            independent_per_iteration(&a.base, &from_loop, &carried, mut_refs)
        }
        // A read or write on the loop variable: a different stream each iteration
        // (`for peer in replicas { peer.write(b).await }`).
        AwaitKind::Ordered(_) => {
            stream_of_io(&a.base).is_some_and(|o| loop_vars.contains(&o.root))
                && independent_per_iteration(&a.base, &from_loop, &carried, mut_refs)
        }
        AwaitKind::Handle => futures_list && is_loop_var(&a.base, loop_vars),
        _ => false,
    })?;
    let (await_expr, kind) = found;
    let what = if *kind == AwaitKind::Handle {
        "this loop awaits the futures of a list one at a time; each starts only when awaited"
    } else {
        "this loop waits for each iteration's operation before starting the next"
    };
    let mut d = RULE.info.diagnostic(
        what.to_string(),
        cx.span(syn::spanned::Spanned::span(*await_expr)),
        "awaited once per iteration, one after another",
    );
    d.secondary.push(crate::Label {
        span: header,
        message: "the iterations do not depend on each other".into(),
    });
    d.help = Some(help(cx.runtime));
    Some(d)
}

/// The awaited operation uses the loop variable, reads nothing the loop carries, and
/// touches no object shared by all iterations (a receiver, a `&mut` argument).
fn independent_per_iteration(
    awaited: &Expr,
    from_loop: &Names,
    carried: &Names,
    mut_refs: &Names,
) -> bool {
    let fx = Effects::of_expr(awaited);
    if !intersects(&fx.reads, from_loop) || intersects(&fx.reads, carried) {
        return false;
    }
    // Anything the operation may mutate (a `&mut` reference passed on included) must be
    // the iteration's own.
    let mut mutated = fx.mutated();
    mutated.extend(fx.reads.intersection(mut_refs).cloned());
    if mutated.iter().any(|n| !from_loop.contains(n)) {
        return false;
    }
    match chain_root(awaited) {
        None => true,
        Some(root) if from_loop.contains(&root.root) => true,
        // `client.get(url).send()`: a request built per iteration on a shared client.
        Some(_) => is_request_builder(awaited),
    }
}

fn is_request_builder(e: &Expr) -> bool {
    let Expr::MethodCall(send) = strip(e) else {
        return false;
    };
    if send.method != "send" {
        return false;
    }
    let mut cur = strip(&send.receiver);
    while let Expr::MethodCall(m) = cur {
        if crate::flow::vars::place_of(&m.receiver).is_some() {
            return matches!(
                m.method.to_string().as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request"
            );
        }
        cur = strip(&m.receiver);
    }
    false
}

fn is_loop_var(e: &Expr, loop_vars: &Names) -> bool {
    matches!(strip(e), Expr::Path(p) if p.path.get_ident().is_some_and(|i| loop_vars.contains(&i.to_string())))
}

/// `v`, `v.into_iter()`, `v.drain(..)`, `&mut v`: the local being iterated.
fn iterated_local(e: &Expr) -> Option<String> {
    match strip(e) {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        Expr::Reference(r) => iterated_local(&r.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "into_iter" | "iter_mut" | "drain"
            ) =>
        {
            iterated_local(&m.receiver)
        }
        _ => None,
    }
}

/// Whether the statements before the loop fill `name` with futures that have not started:
/// `name.push(call(..))` (directly, or through a `let` of the same block, as in a first
/// loop that builds them), or `let name = iter.map(|x| call(x)).collect();`. Not when any
/// pushed value is a spawn (a task handle, already running) or anything else.
fn built_from_futures(cx: &FlowCx<'_>, before: &[Stmt], name: &str) -> bool {
    struct Pushes<'c, 'n> {
        cx: &'c FlowCx<'c>,
        name: &'n str,
        /// Locals bound to an unstarted future by a `let` seen so far.
        lazy: Names,
        futures: usize,
        other: usize,
    }
    impl Pushes<'_, '_> {
        /// A call (or async block) that makes a future without starting it.
        fn is_lazy_future(&self, a: &Expr) -> bool {
            let resolve = |p: &syn::Path| self.cx.resolve_fn(p);
            // Anything that mentions a spawn (`builder.spawn(f)?`, `rt.spawn(f)`) is a
            // task handle, already running.
            let spawns = quote::ToTokens::to_token_stream(a)
                .to_string()
                .contains("spawn");
            !spawns
                && matches!(
                    strip(a),
                    Expr::Call(_) | Expr::MethodCall(_) | Expr::Async(_)
                )
                && classify(a, &resolve) == AwaitKind::Independent
        }
        /// `iter.map(|x| call(x)).collect()`: the closure's value is a lazy future.
        fn is_collected_futures(&self, e: &Expr) -> bool {
            let Expr::MethodCall(collect) = strip(e) else {
                return false;
            };
            if collect.method != "collect" {
                return false;
            }
            let Expr::MethodCall(map) = strip(&collect.receiver) else {
                return false;
            };
            if map.method != "map" || map.args.len() != 1 {
                return false;
            }
            let Expr::Closure(c) = strip(&map.args[0]) else {
                return false;
            };
            let value = match strip(&c.body) {
                Expr::Block(b) => match b.block.stmts.last() {
                    Some(Stmt::Expr(e, None)) if b.block.stmts.len() == 1 => e,
                    _ => return false,
                },
                e => e,
            };
            self.is_lazy_future(value)
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Pushes<'_, '_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let Some(init) = &l.init
                && let Some(bound) = crate::flow::vars::single_binding(&l.pat)
            {
                let bound = bound.to_string();
                if bound == self.name {
                    if self.is_collected_futures(&init.expr) {
                        self.futures += 1;
                    }
                } else if self.is_lazy_future(&init.expr) {
                    self.lazy.insert(bound);
                }
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if m.method == "push" && iterated_local(&m.receiver).as_deref() == Some(self.name) {
                match m.args.first() {
                    Some(a) if self.is_lazy_future(a) => self.futures += 1,
                    Some(Expr::Path(p))
                        if p.path
                            .get_ident()
                            .is_some_and(|i| self.lazy.contains(&i.to_string())) =>
                    {
                        self.futures += 1
                    }
                    _ => self.other += 1,
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut p = Pushes {
        cx,
        name,
        lazy: Names::new(),
        futures: 0,
        other: 0,
    };
    for s in before {
        syn::visit::Visit::visit_stmt(&mut p, s);
    }
    p.futures > 0 && p.other == 0
}

/// The awaits of a loop body that run once per iteration of *this* loop: not inside
/// nested loops (those are reported on their own), closures, async blocks or items.
fn direct_awaits(body: &Block) -> Vec<&ExprAwait> {
    struct Direct<'ast>(Vec<&'ast ExprAwait>);
    impl<'ast> syn::visit::Visit<'ast> for Direct<'ast> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            self.visit_expr(&l.expr);
        }
        fn visit_expr_while(&mut self, l: &'ast syn::ExprWhile) {
            self.visit_expr(&l.cond);
        }
        fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
        fn visit_expr_await(&mut self, a: &'ast ExprAwait) {
            syn::visit::visit_expr_await(self, a);
            self.0.push(a);
        }
    }
    let mut d = Direct(Vec::new());
    syn::visit::Visit::visit_block(&mut d, body);
    d.0
}
