//! `unawaited_future`: a future created and dropped without being awaited, spawned,
//! returned, stored or passed on.
//!
//! Owns the docs and the message; which calls produce futures is known from the file
//! (local async fns), the catalog (aio/tokio/async-std/smol/futures APIs), typed
//! receivers (async channel `send`), and, across files, from `crate::callgraph`.

use super::shape::{Rule, Shape};
use crate::Level;
use crate::diagnostic::RuleInfo;

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "unawaited_future",
        default_level: Level::Warn,
        summary: "a future (async fn call, async API) dropped without being awaited",
        docs: r#"## What it does

Flags a call that returns a future — an async fn or method of the linted workspace (trait
methods and their impls included), a fn or method whose signature returns one
(`impl Future<..>`, `Pin<Box<dyn Future<..>>>`, `BoxFuture`, `LocalBoxFuture`, or a
type of the package with an `impl Future for` it, `Self` included) and whose body only
builds it (one that first does work, such as sending a command and returning a future of
the reply, is left alone), a value of such a type (`Delay { .. }`, a unit or tuple
struct), an
`#[aio::coroutine]` fn, or a known async API of aio, tokio, async-std, smol or futures
(`sleep`, `timeout`, `tokio::fs::*`, `send` on an async channel, ...) — whose result is
thrown away: `f();`, `let _ = f();`, or `let x = f();` with `x` never used again or only
dropped (`let _ = x;`, `drop(x)`); an `async { .. };` block built and dropped; an async
closure called and dropped (`(async || ..)();`, `let f = async || ..; f();`); and a future that is the output of an async
block or closure (`spawn(async { compute() })`, `async || compute()`), which awaiting the
block hands out without running. Spawns (`tokio::spawn(..)`, `aio::spawn(..)`) are
never flagged: their tasks already run.

A method call is taken for a workspace async method only when the receiver's type is
known to be that method's type (`self`, a parameter or `let` annotated with it, a
constructor such as `Db::new(..)`), or when its name is unique in the package and is no
method of std or common types (`set_len`, `read_to_end`, `write`, `flush`, `get`, `send`,
...); otherwise it stays silent. A type counts as a future only in the package whose
code implements `Future` for it (a `Stream` or an `IntoFuture` type does not count).
`#[allow(unused_must_use)]` or `#[expect(unused_must_use)]`
on the item opts out, as for rustc; `#[allow(clippy::async_yields_async)]` (or `expect`)
on an expression or a `let` says that its async blocks yield a future on purpose.

## Why is this bad

Futures are lazy. Calling an async fn only builds the future; none of its body runs
until it is awaited or spawned. Dropping it silently skips the work: asyncio's
"coroutine was never awaited".

## Example

```rust
async fn save(db: &Db, row: Row) {
    db.insert(row); // async fn: nothing is inserted
    tokio::time::sleep(Duration::from_secs(1)); // does not wait
    Backoff::new(3); // `impl Future for Backoff`: does not wait either
}
```

## Use instead

```rust
async fn save(db: &Db, row: Row) {
    db.insert(row).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    Backoff::new(3).await;
}
```

## Fix safety

Unsafe: `f();` and `let _ = f();` become `f().await;`, so the work now happens, and
happens before the next statement; the code may have meant to spawn the future or to
drop it. No fix for `let x = f();` with `x` unused, inside a sync closure or a macro
call, nor for a future yielded by an async block.
"#,
    },
    shape: Shape::Builtin,
};

/// The message for a dropped future of `what` (e.g. "`fetch` is an async fn").
pub(crate) fn message(call: &str) -> String {
    format!("the future returned by `{call}` is dropped without being awaited")
}

/// The message for a dropped value of `ty`, a type of the workspace that implements
/// `Future` (`Delay { .. };`).
pub(crate) fn value_message(ty: &str) -> String {
    format!(
        "this `{ty}` is a future (its type implements `Future`) and is dropped without being awaited"
    )
}

/// The message for a value of `ty`, a type of the workspace that implements `Future`,
/// that is the output of an async block or closure.
pub(crate) fn yielded_value_message(ty: &str) -> String {
    format!(
        "this `{ty}` is a future (its type implements `Future`) and is the output of an async block or closure, never awaited in it"
    )
}

/// What [`message`] names for a dropped `async { .. }` block.
pub(crate) const ASYNC_BLOCK: &str = "async { .. }";

/// What [`message`] names for a dropped call of an async closure literal.
pub(crate) const ASYNC_CLOSURE: &str = "async || ..";

/// The label of the dropped call.
pub(crate) const LABEL: &str = "this future is never polled";

/// The help line.
pub(crate) const HELP: &str =
    "`.await` it, spawn it as a task, or return it; futures do nothing until polled";

/// The message for a future that is the output of an async block or closure.
pub(crate) fn yielded_message(call: &str) -> String {
    format!(
        "the future returned by `{call}` is the output of an async block or closure, never awaited in it"
    )
}

/// The help line for a future yielded by an async block or closure.
pub(crate) const YIELDED_HELP: &str =
    "`.await` it inside the block: awaiting the block only hands this future out, unpolled";
