//! A one-request HTTP server on 127.0.0.1 and a blocking HTTP client, for the examples
//! about synchronous libraries in async code (`blocking_counter`, `pitfalls/sync_http_*`).
//!
//! The server runs on its own thread and never leaves the loopback address; the client
//! is a plain blocking `std::net::TcpStream`, standing in for `requests.get`. Neither
//! knows about the event loop: whether the client blocks it is up to the caller.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// Starts a server on 127.0.0.1 (a free port) that answers one request with
/// `200 OK` after `delay`, and returns its address.
pub fn serve_once(delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if line == "\r\n" {
                break;
            }
            line.clear();
        }
        std::thread::sleep(delay);
        let body = "hello";
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = reader.get_mut().write_all(response.as_bytes());
    });
    addr
}

/// A blocking HTTP GET of `/` (what `requests.get` is): returns the status code.
pub fn blocking_get(addr: SocketAddr) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line")
}
