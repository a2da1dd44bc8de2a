//! A hyper HTTP/1.1 server on aio (feature `hyper`): `GET /` answers `Hello, World!`,
//! `GET /sleep/<ms>` answers after sleeping that long. Each connection is its own task,
//! so a sleeping request holds up no other: the loop serves the rest meanwhile.
//!
//! ```sh
//! cargo run --example http_server            # listens on 127.0.0.1:3000
//! cargo run --example http_server -- 127.0.0.1:8080
//! curl http://127.0.0.1:3000/                # Hello, World!
//! curl http://127.0.0.1:3000/sleep/2000      # Slept 2000 ms, after two seconds
//! ```
//!
//! It prints the address it listens on first (`Listening on http://...`), then one line
//! per request.

use std::convert::Infallible;
use std::time::Duration;

use aio::hyper::{Io, Timer};
use aio::net::TcpListener;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};

/// Sleeps longer than this are refused (a typo should not park a connection for a day).
const MAX_SLEEP_MS: u64 = 60_000;

fn answer(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
}

async fn route(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path();
    println!("{} {path}", req.method());
    if req.method() != Method::GET {
        return Ok(answer(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET is served\n".into(),
        ));
    }
    if path == "/" {
        return Ok(answer(StatusCode::OK, "Hello, World!\n".into()));
    }
    if let Some(ms) = path.strip_prefix("/sleep/") {
        return Ok(match ms.parse::<u64>() {
            Ok(ms) if ms <= MAX_SLEEP_MS => {
                aio::sleep(Duration::from_millis(ms)).await;
                answer(StatusCode::OK, format!("Slept {ms} ms\n"))
            }
            _ => answer(
                StatusCode::BAD_REQUEST,
                format!("/sleep/<ms> takes a whole number of milliseconds up to {MAX_SLEEP_MS}\n"),
            ),
        });
    }
    Ok(answer(
        StatusCode::NOT_FOUND,
        format!("no route for {path}\n"),
    ))
}

#[aio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let listener = TcpListener::bind(addr).await?;
    println!("Listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        aio::spawn(async move {
            let served = http1::Builder::new()
                .timer(Timer)
                .serve_connection(Io::new(stream), service_fn(route))
                .await;
            if let Err(e) = served {
                eprintln!("connection error: {e}");
            }
        });
    }
}
