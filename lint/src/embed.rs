//! The blocking-call detection for `#[aio::coroutine]`: the same walker as the linter,
//! run over one function body treated as async context, so the macro can reject
//! blocking calls at compile time with the linter's wording.
//!
//! The macro sees only the function, not the file's `use` items, so a name resolves when
//! it is fully qualified (`std::thread::sleep`), imported by a `use` inside the body, or
//! one of the conventional short forms of std (`thread::sleep`, `fs::read_to_string`,
//! `File::open`, `TcpStream::connect`, `Command::new(..).output()`, ...) — the latter
//! only when the call is not `.await`ed, since an awaited `fs::read_to_string(p)` is
//! tokio's or async-std's. Closures handed to offload functions (`aio::to_thread`,
//! `spawn_blocking`, `std::thread::spawn`, ...) are exempt, like in the linter.
//!
//! This module needs only syn and proc-macro2: it works without the `cli` feature and
//! inside a proc macro (it never asks a span for its location).

use crate::engine::Engine;
use crate::{FileOptions, Runtime};

/// One blocking call found in a coroutine body.
#[derive(Clone, Debug)]
pub struct BlockingCall {
    /// The call expression (for `compile_error!`).
    pub span: proc_macro2::Span,
    /// The rule it falls under (`blocking_sleep`, `blocking_fs`, ..., `nested_block_on`).
    pub rule: &'static str,
    /// What is called, fully qualified where known (`std::thread::sleep`).
    pub call: String,
    /// The headline, e.g. "`std::thread::sleep` blocks the thread that runs the event loop".
    pub message: String,
    /// The fix, naming aio's replacement (e.g. "use `aio::sleep(d).await`").
    pub help: String,
}

/// Every blocking call (and nested `block_on`) in `body`, taken as the body of an async
/// fn running on aio, in source order.
pub fn blocking_calls(body: &syn::Block) -> Vec<BlockingCall> {
    let options = FileOptions {
        runtime: Runtime::Aio,
        ..FileOptions::default()
    };
    let mut engine = Engine::new(None, &options, vec!["crate".to_string()]);
    engine.async_body(body);
    std::mem::take(&mut engine.findings)
        .into_iter()
        .filter(|f| f.rule != crate::rules::unawaited_future::RULE.info.name)
        .map(|f| BlockingCall {
            span: f.span,
            rule: f.rule,
            call: f.call,
            message: f.message,
            help: f.help.unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(body: &str) -> Vec<(String, &'static str)> {
        let block: syn::Block = syn::parse_str(body).unwrap();
        blocking_calls(&block)
            .into_iter()
            .map(|c| (c.call, c.rule))
            .collect()
    }

    #[test]
    fn qualified_and_short_forms_are_found() {
        let found = calls(
            "{ std::thread::sleep(d); thread::sleep(d); let s = fs::read_to_string(p)?; \
             let f = File::open(p)?; Command::new(\"ls\").output()?; }",
        );
        assert_eq!(
            found,
            vec![
                ("std::thread::sleep".to_string(), "blocking_sleep"),
                ("std::thread::sleep".to_string(), "blocking_sleep"),
                ("std::fs::read_to_string".to_string(), "blocking_fs"),
                ("std::fs::File::open".to_string(), "blocking_fs"),
                (
                    "std::process::Command::output".to_string(),
                    "blocking_process"
                ),
            ]
        );
    }

    #[test]
    fn every_std_short_form_is_known() {
        let found = calls(
            "{ net::TcpStream::connect(a)?; process::Command::new(\"ls\").status()?; \
             let (tx, rx) = mpsc::channel(); rx.recv(); OpenOptions::new().open(p)?; \
             TcpStream::connect(a)?; TcpListener::bind(a)?.accept()?; \
             UdpSocket::bind(a)?.recv(&mut b)?; Condvar::new().wait(g); \
             Barrier::new(2).wait(); fs::read(p)?; }",
        );
        let shown: Vec<&str> = found.iter().map(|(call, _)| call.as_str()).collect();
        assert_eq!(
            shown,
            [
                "std::net::TcpStream::connect",
                "std::process::Command::status",
                "std::sync::mpsc::Receiver::recv",
                "std::fs::OpenOptions::open",
                "std::net::TcpStream::connect",
                "std::net::TcpListener::accept",
                "std::net::UdpSocket::recv",
                "std::sync::Condvar::wait",
                "std::sync::Barrier::wait",
                "std::fs::read",
            ]
        );
    }

    #[test]
    fn awaited_short_forms_offloads_and_lookalikes_are_not() {
        let found = calls(
            "{ fs::read_to_string(p).await?; File::open(p).await?; self.clock.sleep(d); \
             aio::to_thread(move || std::thread::sleep(d)).await; sleep(d).await; \
             tokio::fs::read_to_string(p).await?; }",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn use_inside_the_body_and_help_names_aio() {
        let block: syn::Block =
            syn::parse_str("{ use std::thread::sleep as nap; nap(d); }").unwrap();
        let found = blocking_calls(&block);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].help, "use `aio::sleep(d).await`");
        assert_eq!(found[0].rule, "blocking_sleep");
    }

    #[test]
    fn nested_block_on_is_reported() {
        assert_eq!(
            calls("{ futures::executor::block_on(f()); }")[0].1,
            "nested_block_on"
        );
    }
}
