//! `examples/http_server.rs`, run: it answers `/` at once while a `/sleep/<ms>` request
//! waits, refuses bad input with the right status, and prints each request.
//! `examples/http_server_cores.rs`, run: two loops on one port share the connections, each
//! served once, and `/stats` gathers each loop's count from that loop.

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

/// Starts `examples/http_server_cores.rs` on a free port with `loops` loops; returns the
/// running server and its address.
fn start_cores(loops: &str) -> (Running, String) {
    let mut child = Command::new(example_path("http_server_cores"))
        .args(["127.0.0.1:0", loops])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the http_server_cores example");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let server = Running(child);
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    let addr = first
        .trim()
        .strip_prefix("Listening on http://")
        .and_then(|rest| rest.strip_suffix(&format!(" with {loops} loops")))
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    (server, addr)
}

/// The hellos each loop reports through `/stats` (asked of each loop by a remote task).
fn per_loop(addr: &str, loops: usize) -> Vec<u64> {
    let (status, body) = http_get(addr, "/stats");
    assert_eq!(status, 200, "{body}");
    let counts: Vec<u64> = body
        .lines()
        .enumerate()
        .map(|(i, line)| {
            line.strip_prefix(&format!("loop {i}: "))
                .and_then(|rest| rest.strip_suffix(" requests"))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected /stats line {line:?} in {body:?}"))
        })
        .collect();
    assert_eq!(counts.len(), loops, "{body}");
    counts
}

#[test]
fn http_server_cores_spreads_connections_over_two_loops_on_one_port() {
    let (server, addr) = start_cores("2");
    assert_eq!(per_loop(&addr, 2), [0, 0]);
    // One connection per request: the kernel picks a loop for each by a hash of its
    // addresses, so 40 of them all landing on one loop has odds of 2^-39.
    let requests = 40;
    for _ in 0..requests {
        assert_eq!(http_get(&addr, "/"), (200, "Hello, World!\n".to_owned()));
    }
    let counts = per_loop(&addr, 2);
    assert_eq!(counts.iter().sum::<u64>(), requests, "each served once");
    assert!(
        counts.iter().all(|&n| n > 0),
        "one loop served all: {counts:?}"
    );
    assert_eq!(http_get(&addr, "/nowhere").0, 404);
    drop(server);
}

#[cfg(target_os = "linux")]
#[test]
fn http_server_cores_reports_a_port_it_cannot_share() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(example_path("http_server_cores"))
        .args([addr.as_str(), "2"])
        .output()
        .expect("run the http_server_cores example");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Error: loop 0: Address already in use"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "it never listened");
}
