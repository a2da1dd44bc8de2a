//! The notes' "make requests" lesson (Awaitables: how NOT to use `await`) for real, over
//! HTTP: a local hyper server answers `GET /<n>` with `n` after one unit, and the client
//! fetches five URLs from it with hyper, first one by one and then with `aio::gather`.
//!
//! Awaiting each request before starting the next takes five units, as synchronous code
//! would; gathered, the five requests wait for the server together and take one. The
//! server and the clients share one loop: while a request waits, the loop serves the
//! others. It prints each body as it arrives, the gathered list, and the time each way in
//! units (`AIO_UNIT_MS`, see `examples/common`).
//!
//! `make_requests.rs` is the same lesson with `sleep` standing in for the request. The
//! one-by-one loop below is the pitfall on purpose, and the linter says so
//! (`sequential_await_in_loop`).

mod common;

use std::convert::Infallible;
use std::error::Error;
use std::time::Instant;

use aio::hyper::{Io, Timer};
use aio::net::{TcpListener, TcpStream};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, Uri};

type BoxError = Box<dyn Error + Send + Sync>;

/// The server: every connection is a task, every request is answered after one unit
/// with its path's number.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        aio::spawn(async move {
            let service = hyper::service::service_fn(|req: Request<Incoming>| async move {
                aio::sleep(common::units(1.0)).await;
                let n = req.uri().path().trim_start_matches('/').to_owned();
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(n))))
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(Timer)
                .serve_connection(Io::new(stream), service)
                .await;
        });
    }
}

/// One GET on a new connection, like `requests.get(url).text` or aiohttp's
/// `session.get(url)`: the body as text, or why there is none.
async fn fetch(url: String) -> Result<String, BoxError> {
    let uri: Uri = url.parse()?;
    let host = uri.host().ok_or("the URL has no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host.clone(), port)).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(Io::new(stream)).await?;
    // The connection is driven by its own task while this one waits for the answer.
    aio::spawn(connection).detach();
    let request = Request::get(uri.path())
        .header(hyper::header::HOST, format!("{host}:{port}"))
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    if !response.status().is_success() {
        return Err(format!("{url}: {}", response.status()).into());
    }
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8(body.to_vec())?)
}

#[aio::main]
async fn main() -> Result<(), BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    aio::spawn(serve(listener)).detach();
    let urls: Vec<String> = (1..=5).map(|n| format!("{base}/{n}")).collect();

    println!("one by one:");
    let start = Instant::now();
    for url in &urls {
        // each request is awaited before the next one is sent
        let body = fetch(url.clone()).await?;
        println!("{body}");
    }
    println!("took {:.2} units", common::in_units(start.elapsed()));

    println!("with aio::gather:");
    let start = Instant::now();
    let results = aio::gather(urls.iter().cloned().map(fetch)).await;
    let bodies = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    println!("{}", common::py_list(&bodies));
    println!("took {:.2} units", common::in_units(start.elapsed()));
    Ok(())
}
