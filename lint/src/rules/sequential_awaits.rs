//! `sequential_awaits`: two or more consecutive awaits in one block where no later one
//! needs what an earlier one produced, so they could have run concurrently.
//!
//! Owns the docs, the detection over one async body and the help text. Data flow
//! (reads, bindings, mutations) and ordering-sensitivity are `crate::flow`'s.
//!
//! A run is made of `let` statements whose value is an await (`let a = f().await?;`):
//! an await whose result is thrown away is done for its side effect, and side effects
//! are ordered. Between two members only `let` statements without awaits or mutations
//! may appear; any other statement ends the run.

use syn::{Block, Expr, ExprAwait, Stmt};

use super::shape::{Rule, Shape};
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::order::{AwaitKind, classify};
use crate::flow::vars::{Effects, Names, Place, chain_root, intersects, pat_bindings};
use crate::flow::walk::{
    BodyVisitor, awaits_in, for_each_async_body, strip_result_suffixes, walk_body,
};
use crate::macros::{self, Body};
use crate::{Diagnostic, Label, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "sequential_awaits",
        default_level: Level::Warn,
        summary: "consecutive awaits where the later ones do not use the earlier results",
        docs: r#"## What it does

Flags a run of two or more consecutive `let x = op().await` statements in one block where
no awaited operation uses a value produced by an earlier one of the run (through the
variables it binds, mutates or borrows mutably), so the operations could have run at the
same time.

Not flagged: an await whose result is thrown away (done for its side effect); awaits of
sleeps, yields, timers, locks, queue/channel operations, stream items, file-system,
process and connection set-up calls; two awaits on the same receiver object
(`conn.query(a)` then `conn.query(b)`); the same operation twice (`next_id().await`
twice reads changing state); anything with side effects between them (any
statement other than a plain `let`); awaiting a task handle or a spawn (the task is
running already).

## Why is this bad

Each `.await` waits for its operation to finish before the next one starts, so the total
time is the sum of the waits instead of the longest one. The asyncio notes run
independent coroutines with `asyncio.gather`; Rust has the same tool.

## Example

```rust
async fn dashboard(id: UserId) -> Result<Page> {
    let profile = fetch_profile(id).await?;
    let news = fetch_news().await?;
    Ok(render(profile, news))
}
```

## Use instead

```rust
async fn dashboard(id: UserId) -> Result<Page> {
    let (profile, news) = tokio::try_join!(fetch_profile(id), fetch_news())?;
    // aio: let (profile, news) = aio::try_gather!(fetch_profile(id), fetch_news()).await?;
    Ok(render(profile, news))
}
```

## Fix safety

Unsafe: a run of adjacent `let a = f().await; let b = g().await;` becomes
`let (a, b) = tokio::join!(f(), g());` (tokio with its `macros` feature),
`let (a, b) = aio::gather!(f(), g()).await;` (aio) or
`let (a, b) = smol::future::zip(f(), g()).await;` (smol, two operations), so the
operations run concurrently and an early error no longer stops the later ones. No fix
when the awaits are not adjacent `let` statements each binding one awaited expression
(a `?` after the await, a type annotation, a comment in between), or for async-std.
"#,
    },
    shape: Shape::File(check_file),
};

/// The help line for the file's runtime, with the awaited operations as written;
/// `all_try` when each await is followed by `?` (then aio's fix keeps the `?`).
pub(crate) fn help(runtime: Runtime, ops: &[String], all_try: bool) -> String {
    let list = ops.join(", ");
    match runtime {
        Runtime::Aio if all_try => {
            format!("run them concurrently: `aio::try_gather!({list}).await?`")
        }
        Runtime::Aio => format!("run them concurrently: `aio::gather!({list}).await`"),
        Runtime::Tokio | Runtime::Unknown => {
            format!(
                "run them concurrently: `tokio::join!({list})` (or `tokio::try_join!` for `Result`s)"
            )
        }
        Runtime::AsyncStd | Runtime::Smol => {
            format!(
                "run them concurrently: `futures::join!({list})` (or `futures::try_join!` for `Result`s)"
            )
        }
    }
}

/// The longest run reported as one finding; a longer one is reported in pieces.
const MAX_RUN: usize = 16;

/// One `let pat = op.await..;` statement.
struct Member<'a> {
    awaited: &'a ExprAwait,
    binds: Names,
    fx: Effects,
    root: Option<Place>,
    /// The awaited operation's tokens: the same operation twice reads changing state.
    text: String,
    /// The statement ends in `?` (`let x = op.await?;`).
    is_try: bool,
}

/// Checks every block of every async body of a file, test code excepted (tests await in
/// order on purpose, and their speed is not the point).
pub(crate) fn check_file(cx: &FlowCx<'_>, file: &syn::File, out: &mut Vec<Diagnostic>) {
    for_each_async_body(file, &mut |b| {
        if !b.test {
            check(cx, b.block, &b.mut_refs, out);
        }
    });
}

/// Checks every block of one async body; `mut_refs` hold `&mut` references.
fn check(cx: &FlowCx<'_>, body: &Block, mut_refs: &Names, out: &mut Vec<Diagnostic>) {
    struct Blocks<'a, 'c> {
        cx: &'c FlowCx<'c>,
        mut_refs: &'c Names,
        out: &'a mut Vec<Diagnostic>,
    }
    impl<'ast> BodyVisitor<'ast> for Blocks<'_, '_> {
        fn block(&mut self, block: &'ast Block) {
            check_block(self.cx, block, self.mut_refs, self.out);
        }
    }
    walk_body(body, &mut Blocks { cx, mut_refs, out });
}

fn check_block(cx: &FlowCx<'_>, block: &Block, mut_refs: &Names, out: &mut Vec<Diagnostic>) {
    let mut run: Vec<Member<'_>> = Vec::new();
    // Names produced or changed by the run so far (and by `let`s that read them).
    let mut produced = Names::new();
    for stmt in &block.stmts {
        if let Some(mac) = stmt_macro(stmt) {
            check_macro_args(cx, mac, mut_refs, out);
        }
        match member(cx, stmt, mut_refs) {
            Some(m) => {
                let same_op = run.iter().any(|r| r.text == m.text);
                let conflicts = same_op
                    || !run.is_empty()
                        && (m.fx.reads_any(&produced)
                            || run.iter().any(|r| {
                                intersects(&m.fx.mutated(), &r.fx.reads)
                                    || m.root
                                        .as_ref()
                                        .zip(r.root.as_ref())
                                        .is_some_and(|(a, b)| a.overlaps(b))
                            }));
                // A run is capped so that the pairwise checks stay linear in the block.
                if conflicts || run.len() >= MAX_RUN {
                    report(cx, &run, out);
                    run.clear();
                    produced.clear();
                }
                produced.extend(m.binds.iter().cloned());
                produced.extend(m.fx.mutated());
                run.push(m);
            }
            None if !run.is_empty() && is_quiet_let(stmt) => {
                if let Stmt::Local(l) = stmt {
                    let fx = Effects::of_stmt(stmt);
                    if fx.reads_any(&produced) {
                        produced.extend(pat_bindings(&l.pat));
                    }
                }
            }
            None => {
                report(cx, &run, out);
                run.clear();
                produced.clear();
            }
        }
    }
    report(cx, &run, out);
}

/// `let pat = op.await;` (with `?`, `.unwrap()`, ...) where `op` is an independent
/// operation with no other await inside.
fn member<'a>(cx: &FlowCx<'_>, stmt: &'a Stmt, mut_refs: &Names) -> Option<Member<'a>> {
    let Stmt::Local(l) = stmt else { return None };
    let init = l.init.as_ref()?;
    if init.diverge.is_some() {
        return None;
    }
    let binds = pat_bindings(&l.pat);
    if binds.is_empty() || binds.iter().all(|b| b.starts_with('_')) {
        return None;
    }
    member_expr(cx, &init.expr, binds, mut_refs)
}

/// `op.await` (with `?`, `.unwrap()`, ...) where `op` is an independent operation with no
/// other await inside, whose value goes to `binds`.
fn member_expr<'a>(
    cx: &FlowCx<'_>,
    e: &'a Expr,
    binds: Names,
    mut_refs: &Names,
) -> Option<Member<'a>> {
    let Expr::Await(awaited) = strip_result_suffixes(e) else {
        return None;
    };
    if awaits_in(&awaited.base) {
        return None;
    }
    let resolve = |p: &syn::Path| cx.resolve_fn(p);
    if classify(&awaited.base, &resolve) != AwaitKind::Independent {
        return None;
    }
    let mut fx = Effects::of_expr(&awaited.base);
    // Passing on a `&mut` reference reborrows it mutably: a mutation.
    let reborrowed: Vec<String> = fx.reads.intersection(mut_refs).cloned().collect();
    fx.mut_borrowed.extend(reborrowed);
    let text = quote::ToTokens::to_token_stream(&awaited.base).to_string();
    Some(Member {
        awaited,
        binds,
        fx,
        root: chain_root(&awaited.base),
        text,
        is_try: matches!(e, Expr::Try(_)),
    })
}

/// The macro a statement is, or whose value it binds: `println!(..);`, `let s = format!(..);`.
fn stmt_macro(stmt: &Stmt) -> Option<&syn::Macro> {
    match stmt {
        Stmt::Macro(m) => Some(&m.mac),
        Stmt::Expr(Expr::Macro(m), _) => Some(&m.mac),
        Stmt::Local(l) => match l.init.as_ref().map(|i| &*i.expr) {
            Some(Expr::Macro(m)) => Some(&m.mac),
            _ => None,
        },
        _ => None,
    }
}

/// `println!("{} {}", a().await, b().await)`: independent awaits among one macro call's
/// arguments, evaluated one after the other.
fn check_macro_args(
    cx: &FlowCx<'_>,
    mac: &syn::Macro,
    mut_refs: &Names,
    out: &mut Vec<Diagnostic>,
) {
    let Body::Exprs(args) = macros::parse(mac) else {
        return;
    };
    let mut run: Vec<Member<'_>> = Vec::new();
    for a in &args {
        if !awaits_in(a) {
            continue;
        }
        let Some(m) = member_expr(cx, a, Names::new(), mut_refs) else {
            return;
        };
        let conflicts = run.iter().any(|r| {
            r.text == m.text
                || intersects(&m.fx.mutated(), &r.fx.reads)
                || intersects(&r.fx.mutated(), &m.fx.reads)
                || m.root
                    .as_ref()
                    .zip(r.root.as_ref())
                    .is_some_and(|(x, y)| x.overlaps(y))
        });
        if conflicts {
            return;
        }
        run.push(m);
    }
    report(cx, &run, out);
}

/// A `let` with no await and no mutation: it may sit between two members of a run.
fn is_quiet_let(stmt: &Stmt) -> bool {
    let Stmt::Local(l) = stmt else { return false };
    if l.init
        .as_ref()
        .is_some_and(|i| awaits_in(&i.expr) || i.diverge.is_some())
    {
        return false;
    }
    let fx = Effects::of_stmt(stmt);
    fx.assigned.is_empty() && fx.mut_borrowed.is_empty() && fx.receivers.is_empty()
}

fn report(cx: &FlowCx<'_>, run: &[Member<'_>], out: &mut Vec<Diagnostic>) {
    if run.len() < 2 {
        return;
    }
    let span_of = |m: &Member<'_>| cx.span(syn::spanned::Spanned::span(m.awaited));
    let mut d = RULE.info.diagnostic(
        format!(
            "{} independent operations are awaited one after another",
            run.len()
        ),
        span_of(&run[1]),
        "this does not need the earlier result, yet waits for it",
    );
    d.secondary.push(Label {
        span: span_of(&run[0]),
        message: "awaited first".into(),
    });
    for m in &run[2..] {
        d.secondary.push(Label {
            span: span_of(m),
            message: "also independent".into(),
        });
    }
    let ops: Vec<String> = run
        .iter()
        .map(|m| {
            cx.snippet(syn::spanned::Spanned::span(&m.awaited.base))
                .unwrap_or_else(|| quote::ToTokens::to_token_stream(&m.awaited.base).to_string())
        })
        .collect();
    d.help = Some(help(cx.runtime, &ops, run.iter().all(|m| m.is_try)));
    out.push(d);
}
