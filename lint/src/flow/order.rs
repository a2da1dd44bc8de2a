//! Is an awaited operation ordering-sensitive?
//!
//! Awaiting two things one after the other is only a missed chance for concurrency when
//! the two could have run at the same time *without changing what the program means*.
//! Sleeps, yields and timers exist to order things in time; lock acquisition, queue and
//! channel operations, stream items and reads/writes on one object are ordered by
//! nature; file-system, process and connection set-up calls act on shared state outside
//! the program. This module classifies the expression under an `.await` into one of
//! those reasons, or says it looks independent. It also recognises the awaits that are
//! not operations at all: a bare handle (`task.await`, a future built elsewhere) and a
//! freshly spawned task (`spawn(f).await`).
//!
//! It does not decide whether two awaits share data: that is [`super::vars`].

use syn::{Expr, Path};

use super::vars::place_of;
use crate::catalog::{futures, tasks};

/// What an awaited expression is, as far as ordering goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AwaitKind {
    /// `x.await`, `self.fut.await`: a future or task handle made elsewhere; it may be
    /// running already.
    Handle,
    /// The await of a spawn call (`spawn(f).await`, `spawn_blocking(f).await`): a task.
    Spawn,
    /// An operation whose order matters, with the reason (for tests and messages).
    Ordered(&'static str),
    /// An operation that could as well run concurrently with its neighbours.
    Independent,
}

/// Free functions that act on state shared outside the program (connections, processes).
const SETUP_FNS: &[&str] = &[
    "connect",
    "connect_async",
    "bind",
    "listen",
    "accept",
    "open",
    "create",
    "lookup_host",
    "output",
    "status",
    "signal",
    "ctrl_c",
];

/// Methods whose await is ordering-sensitive whatever they are called on: locks,
/// channels, queues, streams, notifications, timers, connection life cycle.
const ORDERED_METHODS: &[(&str, &str)] = &[
    ("lock", "lock acquisition"),
    ("lock_owned", "lock acquisition"),
    ("read_owned", "lock acquisition"),
    ("write_owned", "lock acquisition"),
    ("upgradable_read", "lock acquisition"),
    ("acquire", "lock acquisition"),
    ("acquire_owned", "lock acquisition"),
    ("acquire_many", "lock acquisition"),
    ("acquire_many_owned", "lock acquisition"),
    ("recv", "channel receive"),
    ("recv_async", "channel receive"),
    ("recv_many", "channel receive"),
    ("recv_from", "socket receive"),
    ("send_to", "socket send"),
    ("reserve", "channel send"),
    ("reserve_owned", "channel send"),
    ("put", "queue put"),
    ("changed", "notification"),
    ("notified", "notification"),
    ("wait", "notification"),
    ("wait_for", "notification"),
    ("wait_while", "notification"),
    ("wait_timeout", "notification"),
    ("closed", "notification"),
    ("cancelled", "notification"),
    ("join", "task join"),
    ("join_next", "task join"),
    ("next", "stream item"),
    ("try_next", "stream item"),
    ("select_next_some", "stream item"),
    ("next_message", "stream item"),
    ("accept", "connection set-up"),
    ("connect", "connection set-up"),
    ("handshake", "connection set-up"),
    ("ready", "readiness"),
    ("readable", "readiness"),
    ("writable", "readiness"),
    ("tick", "timer"),
    ("sleep", "timer"),
    ("reset", "timer"),
    ("shutdown", "i/o on a shared object"),
    ("close", "i/o on a shared object"),
    ("flush", "i/o on a shared object"),
    ("spawn", "task spawn"),
];

/// Methods whose await is ordering-sensitive when called directly on a variable or
/// field (one shared writer, reader, channel or queue), but not on a builder made by the
/// call chain itself (`client.get(url).send()`).
const ORDERED_ON_PLACE: &[(&str, &str)] = &[
    ("send", "channel send"),
    ("send_async", "channel send"),
    ("send_all", "channel send"),
    ("feed", "channel send"),
    ("get", "queue get"),
    ("read", "i/o on a shared object"),
    ("write", "i/o on a shared object"),
    ("read_exact", "i/o on a shared object"),
    ("read_to_end", "i/o on a shared object"),
    ("read_to_string", "i/o on a shared object"),
    ("read_line", "i/o on a shared object"),
    ("read_buf", "i/o on a shared object"),
    ("write_all", "i/o on a shared object"),
    ("write_buf", "i/o on a shared object"),
    ("write_vectored", "i/o on a shared object"),
    ("peek", "i/o on a shared object"),
];

/// Classifies the expression under an `.await`. `resolve` maps a written path to its
/// fully qualified form (through `use` declarations), or `None` when it is not imported.
pub(crate) fn classify(base: &Expr, resolve: &dyn Fn(&Path) -> Option<String>) -> AwaitKind {
    match base {
        Expr::Paren(p) => classify(&p.expr, resolve),
        Expr::Path(_) | Expr::Field(_) | Expr::Index(_) => AwaitKind::Handle,
        Expr::Reference(r) => classify(&r.expr, resolve),
        Expr::Unary(u) => classify(&u.expr, resolve),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => classify_fn(&p.path, resolve, c),
            _ => AwaitKind::Independent,
        },
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if tasks::is_spawn_method(&name) {
                return AwaitKind::Spawn;
            }
            if let Some((_, why)) = ORDERED_METHODS.iter().find(|(n, _)| *n == name) {
                return AwaitKind::Ordered(why);
            }
            if name.starts_with("read_") || name.starts_with("write_") || name.starts_with("recv_")
            {
                return AwaitKind::Ordered("i/o on a shared object");
            }
            if let Some((_, why)) = ORDERED_ON_PLACE.iter().find(|(n, _)| *n == name)
                && place_of(&m.receiver).is_some()
            {
                return AwaitKind::Ordered(why);
            }
            // Adapters that wrap another future keep its nature: `fut.boxed()`,
            // `f(x).instrument(span)`, `sleep(d).fuse()`.
            if matches!(
                name.as_str(),
                "boxed"
                    | "boxed_local"
                    | "fuse"
                    | "instrument"
                    | "in_current_span"
                    | "map"
                    | "map_err"
                    | "err_into"
            ) {
                return classify(&m.receiver, resolve);
            }
            AwaitKind::Independent
        }
        Expr::Macro(m) => {
            let last = m
                .mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if matches!(
                last.as_str(),
                "select" | "join" | "try_join" | "pending" | "ready"
            ) {
                AwaitKind::Ordered("macro")
            } else {
                AwaitKind::Independent
            }
        }
        _ => AwaitKind::Independent,
    }
}

fn classify_fn(
    path: &Path,
    resolve: &dyn Fn(&Path) -> Option<String>,
    call: &syn::ExprCall,
) -> AwaitKind {
    let full = resolve(path).unwrap_or_else(|| path_string(path));
    let segments: Vec<&str> = full.split("::").collect();
    let last = segments.last().copied().unwrap_or("");
    if tasks::starts_task(&full) {
        return AwaitKind::Spawn;
    }
    if futures::timer(&full).is_some() || futures::is_timer_name(last) {
        return AwaitKind::Ordered("timer");
    }
    if segments.contains(&"fs") || segments.contains(&"File") || segments.contains(&"OpenOptions") {
        return AwaitKind::Ordered("file system");
    }
    if segments.contains(&"Command")
        || segments.contains(&"process")
        || segments.contains(&"signal")
    {
        return AwaitKind::Ordered("process");
    }
    if SETUP_FNS.contains(&last) {
        return AwaitKind::Ordered("connection set-up");
    }
    // `write_all(&sock, buf)`, `send(&mut conn, msg)`: an operation on one object
    // passed as an argument is as ordered as one called on it.
    if on_place_name(last) && call.args.first().is_some_and(|a| place_of(a).is_some()) {
        return AwaitKind::Ordered("i/o on a shared object");
    }
    if last == "poll_fn" {
        // Hand-written polling (budgets, readiness): scheduling, not an operation.
        return AwaitKind::Ordered("poll");
    }
    if last == "pin" && (segments.contains(&"Box") || segments.len() == 1) {
        return match call.args.first() {
            Some(inner) => classify(inner, resolve),
            None => AwaitKind::Independent,
        };
    }
    AwaitKind::Independent
}

/// Whether an operation of this name, on one object, is ordered: reads, writes and
/// sends (`send_request` and the like are not: only the names of the table, and
/// `read_..`/`write_..`).
fn on_place_name(name: &str) -> bool {
    ORDERED_ON_PLACE
        .iter()
        .any(|(n, why)| *n == name && *why != "queue get")
        || name.starts_with("read_")
        || name.starts_with("write_")
}

/// Whether an operation of this name on one object is a read or a write of a stream
/// (not a channel's send, which completes at once unless the channel is full).
fn is_stream_io(name: &str) -> bool {
    ORDERED_ON_PLACE
        .iter()
        .chain(ORDERED_METHODS)
        .any(|(n, why)| *n == name && *why == "i/o on a shared object")
        || name.starts_with("read_")
        || name.starts_with("write_")
}

/// The one stream an ordered read or write acts on: the receiver of `peer.write(b)`,
/// the first argument of `write_all(&sock, b)`. A loop that does it on its loop
/// variable works on a different stream each iteration.
pub(crate) fn stream_of_io(base: &Expr) -> Option<super::vars::Place> {
    match base {
        Expr::Paren(p) => stream_of_io(&p.expr),
        Expr::MethodCall(m) if is_stream_io(&m.method.to_string()) => place_of(&m.receiver),
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let last = p.path.segments.last()?.ident.to_string();
            if !is_stream_io(&last) {
                return None;
            }
            place_of(c.args.first()?)
        }
        _ => None,
    }
}

/// A path as written, `a::b::c` (generic arguments left out).
pub(crate) fn path_string(path: &Path) -> String {
    let mut out = String::new();
    for (i, seg) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(&seg.ident.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(src: &str) -> AwaitKind {
        let e: Expr = syn::parse_str(src).unwrap();
        let Expr::Await(a) = e else {
            panic!("not an await: {src}")
        };
        classify(&a.base, &|p: &Path| {
            let s = path_string(p);
            (s == "nap").then(|| "std::thread::sleep".to_string())
        })
    }

    #[test]
    fn timers_and_yields_are_ordered() {
        assert_eq!(
            kind("tokio::time::sleep(d).await"),
            AwaitKind::Ordered("timer")
        );
        assert_eq!(kind("aio::yield_now().await"), AwaitKind::Ordered("timer"));
        assert_eq!(
            kind("nap(d).await"),
            AwaitKind::Ordered("timer"),
            "resolved through use"
        );
        assert_eq!(kind("interval.tick().await"), AwaitKind::Ordered("timer"));
        assert_eq!(
            kind("timeout(d, fetch(u)).await"),
            AwaitKind::Ordered("timer")
        );
    }

    #[test]
    fn locks_channels_streams_are_ordered() {
        assert_eq!(
            kind("m.lock().await"),
            AwaitKind::Ordered("lock acquisition")
        );
        assert_eq!(
            kind("self.sem.acquire().await"),
            AwaitKind::Ordered("lock acquisition")
        );
        assert_eq!(
            kind("rx.recv().await"),
            AwaitKind::Ordered("channel receive")
        );
        assert_eq!(kind("tx.send(x).await"), AwaitKind::Ordered("channel send"));
        assert_eq!(kind("q.get().await"), AwaitKind::Ordered("queue get"));
        assert_eq!(
            kind("stream.next().await"),
            AwaitKind::Ordered("stream item")
        );
        assert_eq!(
            kind("w.write_all(b).await"),
            AwaitKind::Ordered("i/o on a shared object")
        );
        assert_eq!(
            kind("w.write_u32(b).await"),
            AwaitKind::Ordered("i/o on a shared object")
        );
    }

    #[test]
    fn builders_are_not_shared_objects() {
        assert_eq!(kind("client.get(u).send().await"), AwaitKind::Independent);
        assert_eq!(kind("fetch(u).await"), AwaitKind::Independent);
        assert_eq!(kind("self.fetch(u).await"), AwaitKind::Independent);
    }

    #[test]
    fn handles_and_spawns() {
        assert_eq!(kind("task.await"), AwaitKind::Handle);
        assert_eq!(kind("self.handle.await"), AwaitKind::Handle);
        assert_eq!(kind("tokio::spawn(f()).await"), AwaitKind::Spawn);
        assert_eq!(
            kind("tokio::task::spawn_blocking(f).await"),
            AwaitKind::Spawn
        );
        assert_eq!(kind("handle.spawn(f()).await"), AwaitKind::Spawn);
    }

    #[test]
    fn wrappers_keep_the_nature_of_what_they_wrap() {
        assert_eq!(
            kind("(m.lock()).await"),
            AwaitKind::Ordered("lock acquisition")
        );
        assert_eq!(kind("(&mut fut).await"), AwaitKind::Handle);
        assert_eq!(kind("(*fut).await"), AwaitKind::Handle);
        assert_eq!(kind("sleep(d).fuse().await"), AwaitKind::Ordered("timer"));
        assert_eq!(kind("fetch(u).boxed().await"), AwaitKind::Independent);
        assert_eq!(kind("(self.make)(u).await"), AwaitKind::Independent);
        assert_eq!(kind("pin(sleep(d)).await"), AwaitKind::Ordered("timer"));
        assert_eq!(kind("other::pin(sleep(d)).await"), AwaitKind::Independent);
    }

    #[test]
    fn macros_that_wait_on_others_are_ordered() {
        assert_eq!(kind("join!(a, b).await"), AwaitKind::Ordered("macro"));
        assert_eq!(kind("format!(\"x\").await"), AwaitKind::Independent);
    }

    #[test]
    fn io_on_one_object_is_ordered_whether_receiver_or_argument() {
        let shared = AwaitKind::Ordered("i/o on a shared object");
        assert_eq!(kind("conn.read_frame().await"), shared);
        assert_eq!(kind("rx.recv_timeout(d).await"), shared);
        assert_eq!(kind("self.out.write(b).await"), shared);
        assert_eq!(kind("make().write(b).await"), AwaitKind::Independent);
        assert_eq!(kind("write_all(&sock, b).await"), shared);
        assert_eq!(kind("send(&mut conn, m).await"), shared);
        assert_eq!(kind("read_u32(&mut sock).await"), shared);
        assert_eq!(kind("write_u32(&mut sock, n).await"), shared);
        assert_eq!(kind("write_all(make(), b).await"), AwaitKind::Independent);
        assert_eq!(kind("write_all().await"), AwaitKind::Independent);
        // A queue's `get` is ordered on the queue, not when the queue is an argument.
        assert_eq!(kind("get(&q).await"), AwaitKind::Independent);
        assert_eq!(kind("send_request(&c, r).await"), AwaitKind::Independent);
    }

    fn stream(src: &str) -> Option<String> {
        let e: Expr = syn::parse_str(src).unwrap();
        stream_of_io(&e).map(|p| p.root)
    }

    #[test]
    fn the_stream_an_io_operation_acts_on() {
        assert_eq!(stream("(peer.write(b))").as_deref(), Some("peer"));
        assert_eq!(stream("w.flush()").as_deref(), Some("w"));
        assert_eq!(stream("write_all(&mut sock, b)").as_deref(), Some("sock"));
        assert_eq!(stream("read_u32(&mut sock)").as_deref(), Some("sock"));
        assert_eq!(stream("tx.send(m)"), None);
        assert_eq!(stream("send(&tx, m)"), None);
        assert_eq!(stream("write_all()"), None);
        assert_eq!(stream("(self.sink)(b)"), None);
        assert_eq!(stream("fetch(u)"), None);
    }

    #[test]
    fn paths_are_written_with_their_separators() {
        let p: Path = syn::parse_str("a::b::c").unwrap();
        assert_eq!(path_string(&p), "a::b::c");
    }

    #[test]
    fn shared_outside_state_is_ordered() {
        assert_eq!(kind("fs::read(p).await"), AwaitKind::Ordered("file system"));
        assert_eq!(
            kind("File::create(p).await"),
            AwaitKind::Ordered("file system")
        );
        assert_eq!(
            kind("OpenOptions::default().await"),
            AwaitKind::Ordered("file system")
        );
        assert_eq!(
            kind("tokio::signal::ctrl_c().await"),
            AwaitKind::Ordered("process")
        );
        assert_eq!(
            kind("process::exit_status(c).await"),
            AwaitKind::Ordered("process")
        );
        assert_eq!(
            kind("Command::output_of(c).await"),
            AwaitKind::Ordered("process")
        );
        assert_eq!(
            kind("ctrl_c().await"),
            AwaitKind::Ordered("connection set-up")
        );
        assert_eq!(
            kind("tokio::fs::write(p, b).await"),
            AwaitKind::Ordered("file system")
        );
        assert_eq!(
            kind("TcpStream::connect(a).await"),
            AwaitKind::Ordered("connection set-up")
        );
        assert_eq!(
            kind("Box::pin(sleep(d)).await"),
            AwaitKind::Ordered("timer")
        );
        assert_eq!(kind("Box::pin(fetch(u)).await"), AwaitKind::Independent);
        assert_eq!(
            kind("std::future::poll_fn(poll_proceed).await"),
            AwaitKind::Ordered("poll")
        );
    }
}
