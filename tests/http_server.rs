//! `examples/http_server.rs`, run: it answers `/` at once while a `/sleep/<ms>` request
//! waits, refuses bad input with the right status, and prints each request.

mod examples_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use examples_support::example_path;

/// Kills the server when the test ends, passed or failed.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A blocking `GET path` with `Connection: close`: the status code and the body.
fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the example");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn http_server_says_hello_while_a_sleeping_request_waits() {
    let mut child = Command::new(example_path("http_server"))
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the http_server example");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let server = Running(child);
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    let addr = first
        .trim()
        .strip_prefix("Listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();

    let (done_tx, done_rx) = mpsc::channel();
    let sleeper = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let answer = http_get(&addr, "/sleep/1500");
            done_tx.send(()).unwrap();
            answer
        })
    };
    // Let the sleeping request reach the server first.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(http_get(&addr, "/"), (200, "Hello, World!\n".to_owned()));
    assert!(
        done_rx.try_recv().is_err(),
        "the hello came back while the sleeping request still waited"
    );
    assert_eq!(sleeper.join().unwrap(), (200, "Slept 1500 ms\n".to_owned()));
    assert_eq!(http_get(&addr, "/sleep/soon").0, 400);
    assert_eq!(http_get(&addr, "/sleep/86400000").0, 400);
    assert_eq!(http_get(&addr, "/nowhere").0, 404);
    drop(server);
    let mut log = String::new();
    stdout.read_to_string(&mut log).expect("the rest of stdout");
    let requests: Vec<&str> = log.lines().collect();
    assert_eq!(requests.len(), 5, "{log}");
    assert!(requests.contains(&"GET /sleep/1500") && requests.contains(&"GET /"));
}
