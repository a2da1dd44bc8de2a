//! `blocking_net`: blocking network I/O in async context: `std::net` connects, accepts,
//! reads and writes, DNS lookups, and blocking HTTP clients (`reqwest::blocking`, `ureq`,
//! `attohttpc`).
//!
//! Owns the docs and the help; the network calls (functions and typed methods) are in
//! `crate::catalog`.

use super::blocking::{Help, call_await, offload_help};
use super::shape::{Rule, Shape};
use crate::catalog::Fix;
use crate::catalog::runtimes::{ASYNC_HTTP_GET, api};
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "blocking_net",
        default_level: Level::Warn,
        summary: "blocking network I/O (`std::net`, `reqwest::blocking`, `ureq`, `attohttpc`) in async context",
        docs: r#"## What it does

Flags, in async context: `std::net::TcpStream::connect`, `accept`/`incoming` on a
`std::net::TcpListener`, reads and writes on a `std::net::TcpStream` or `UdpSocket`,
`ToSocketAddrs::to_socket_addrs` (a DNS lookup), `reqwest::blocking` requests, `ureq`
and `attohttpc` requests; and calls from async context to workspace functions that do so.

## Why is this bad

A blocking socket waits for the network, which can take seconds: the event loop, and
every task on it, stops meanwhile. This is `requests.get()` inside `async def`.

## Example

```rust
async fn fetch(url: &str) -> reqwest::Result<String> {
    reqwest::blocking::get(url)?.text()
}
```

## Use instead

```rust
async fn fetch(url: &str) -> reqwest::Result<String> {
    reqwest::get(url).await?.text().await
}
```
"#,
    },
    shape: Shape::BlockingCall(help),
};

/// The runtime's async networking, or the offload fallback.
pub(crate) fn help(fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    let api = api(runtime);
    let net = api.net.unwrap_or("");
    match fix {
        Fix::TcpConnect if !net.is_empty() => {
            let path = format!("{net}::TcpStream::connect");
            Help {
                text: format!("use `{path}(addr).await`"),
                replacement: call_await(&path, args),
            }
        }
        Fix::SocketIo if !net.is_empty() => Help {
            text: format!("use the async sockets of `{net}` and `.await` their reads and writes"),
            replacement: None,
        },
        Fix::Dns => Help {
            text: match api.lookup_host {
                Some(lookup) => format!("use `{lookup}(addr).await`"),
                // No async lookup in the runtime: asking for async networking would not help.
                None => format!(
                    "do the lookup off the event loop with `{}(move || addr.to_socket_addrs()).await`",
                    api.offload
                ),
            },
            replacement: None,
        },
        Fix::ReqwestGet => Help {
            text: format!("use the async client: `{ASYNC_HTTP_GET}(url).await`"),
            replacement: call_await(ASYNC_HTTP_GET, args),
        },
        Fix::Http => Help {
            text: format!(
                "use an async HTTP client (e.g. `reqwest`), or {}",
                offload_help(runtime)
            ),
            replacement: None,
        },
        _ => Help {
            text: format!(
                "use async networking (e.g. `tokio::net`), or {}",
                offload_help(runtime)
            ),
            replacement: None,
        },
    }
}
