//! I/O faults: many tasks waiting on one socket (none loses its wake-up), tasks cancelled
//! while blocked in a TCP read or write (no byte lost, the next waiter served), and an
//! accept loop that runs out of file descriptors (EMFILE is an `io::Error`; the loop
//! accepts again once descriptors are freed).

// The EMFILE test fills the descriptor table and drives a client with blocking std calls on
// purpose, from inside the loop, to hold descriptors while `accept` fails.
// aio-lint: allow-file(blocking_net, blocking_fs)

use std::cell::Cell;
use std::io::Write;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use aio_runtime::net::{TcpListener, TcpStream, UdpSocket};
use aio_runtime::{sleep, spawn, wait_for, yield_now};

/// Generous: only reached when a wake-up is lost.
const LIMIT: Duration = Duration::from_secs(10);

async fn listener() -> (Rc<TcpListener>, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    (Rc::new(l), addr)
}

/// `n` tasks accept on one listener at the same time; `n` clients connect; every
/// acceptor gets exactly one connection.
fn acceptors_all_served(n: usize) {
    let served = aio_runtime::run(async move {
        let (l, addr) = listener().await;
        let acceptors: Vec<_> = (0..n)
            .map(|_| {
                let l = l.clone();
                spawn(async move { l.accept().await.unwrap().1 })
            })
            .collect();
        // Every acceptor is parked on the listener before the first client arrives.
        sleep(Duration::from_millis(20)).await;
        assert!(acceptors.iter().all(|t| !t.done()));
        let mut clients = Vec::new();
        for _ in 0..n {
            clients.push(TcpStream::connect(addr).await.unwrap());
        }
        let mut peers = Vec::new();
        for t in acceptors {
            peers.push(
                wait_for(LIMIT, t)
                    .await
                    .expect("an acceptor lost its wake-up"),
            );
        }
        let mut peers: Vec<_> = peers.into_iter().map(Result::unwrap).collect();
        let mut locals: Vec<_> = clients.iter().map(|c| c.local_addr().unwrap()).collect();
        peers.sort();
        locals.sort();
        assert_eq!(peers, locals, "each connection accepted exactly once");
        peers.len()
    });
    assert_eq!(served, n);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn two_tasks_accepting_on_one_listener_are_both_served() {
    acceptors_all_served(2);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn ten_tasks_accepting_on_one_listener_are_all_served() {
    acceptors_all_served(10);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn two_tasks_receiving_on_one_udp_socket_are_both_served() {
    let got = aio_runtime::run(async {
        let rx = Rc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = rx.local_addr().unwrap();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let rx = rx.clone();
                spawn(async move {
                    let mut buf = [0u8; 16];
                    let (n, _) = rx.recv_from(&mut buf).await.unwrap();
                    buf[..n].to_vec()
                })
            })
            .collect();
        sleep(Duration::from_millis(20)).await;
        let tx = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        tx.send_to(b"one", addr).await.unwrap();
        tx.send_to(b"two", addr).await.unwrap();
        let mut got = Vec::new();
        for t in readers {
            got.push(
                wait_for(LIMIT, t)
                    .await
                    .expect("a reader lost its wake-up")
                    .unwrap(),
            );
        }
        got.sort();
        got
    });
    assert_eq!(got, [b"one".to_vec(), b"two".to_vec()]);
}

/// A connected pair on loopback: (the accepted end, the connecting end).
async fn pair() -> (TcpStream, TcpStream) {
    let (l, addr) = listener().await;
    let client = TcpStream::connect(addr).await.unwrap();
    let (server, _) = l.accept().await.unwrap();
    (server, client)
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn a_task_cancelled_in_a_tcp_read_loses_no_byte_and_no_wake_up() {
    let got = aio_runtime::run(async {
        let (server, client) = pair().await;
        let server = Rc::new(server);
        let reader = |s: Rc<TcpStream>| async move {
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).await.unwrap();
            buf[..n].to_vec()
        };
        // The last waiter to arrive is the one cancelled: the earlier one must still be
        // woken (a single waker slot would have kept only the cancelled task's).
        let survivor = spawn(reader(server.clone()));
        yield_now().await;
        let doomed = spawn(reader(server.clone()));
        sleep(Duration::from_millis(20)).await;
        assert!(!doomed.done() && !survivor.done());
        doomed.cancel();
        assert!(doomed.await.unwrap_err().is_cancelled());
        client.write(b"hello").await.unwrap();
        let got = wait_for(LIMIT, survivor)
            .await
            .expect("lost wake-up")
            .unwrap();
        // And the socket is still usable by a fresh reader.
        client.write(b"again").await.unwrap();
        let more = reader(server).await;
        (got, more)
    });
    assert_eq!(got, (b"hello".to_vec(), b"again".to_vec()));
}

fn pattern(pos: usize) -> u8 {
    (pos % 251) as u8
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn a_task_cancelled_in_a_blocked_tcp_write_loses_no_byte() {
    let (written, received) = aio_runtime::run(async {
        let (server, client) = pair().await;
        let client = Rc::new(client);
        let sent = Rc::new(Cell::new(0usize));
        // Writes the stream's byte pattern until the socket buffers are full.
        let writer = {
            let (c, sent) = (client.clone(), sent.clone());
            spawn(async move {
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    let pos = sent.get();
                    for (i, b) in chunk.iter_mut().enumerate() {
                        *b = pattern(pos + i);
                    }
                    let n = c.write(&chunk).await.unwrap();
                    sent.set(pos + n);
                }
            })
        };
        // Wait until the writer is stuck on a full buffer (no progress for a while).
        let mut last = usize::MAX;
        while sent.get() != last {
            last = sent.get();
            sleep(Duration::from_millis(30)).await;
        }
        assert!(sent.get() > 0 && !writer.done());
        writer.cancel();
        assert!(writer.await.unwrap_err().is_cancelled());
        // Another task continues the stream where the cancelled one stopped.
        let finisher = {
            let (c, sent) = (client.clone(), sent.clone());
            spawn(async move {
                let tail: Vec<u8> = (0..1000).map(|i| pattern(sent.get() + i)).collect();
                let mut off = 0;
                while off < tail.len() {
                    off += c.write(&tail[off..]).await.unwrap();
                }
                sent.set(sent.get() + tail.len());
                c.shutdown(std::net::Shutdown::Write).unwrap();
            })
        };
        let mut received = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = wait_for(LIMIT, server.read(&mut buf))
                .await
                .expect("stalled")
                .unwrap();
            if n == 0 {
                break;
            }
            for (i, &b) in buf[..n].iter().enumerate() {
                assert_eq!(b, pattern(received + i), "byte {} corrupted", received + i);
            }
            received += n;
        }
        finisher.await.unwrap();
        (sent.get(), received)
    });
    assert_eq!(written, received);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn two_tasks_writing_to_one_full_socket_are_both_served() {
    let (sent, received) = aio_runtime::run(async {
        let (server, client) = pair().await;
        let client = Rc::new(client);
        // Fill the socket buffers so that both writers below have to wait.
        let chunk = vec![0u8; 64 * 1024];
        let mut filled = 0;
        while let Ok(Ok(n)) = wait_for(Duration::from_millis(50), client.write(&chunk)).await {
            filled += n;
        }
        let writers: Vec<_> = (1..=2u8)
            .map(|tag| {
                let c = client.clone();
                spawn(async move {
                    let msg = vec![tag; 100_000];
                    let mut off = 0;
                    while off < msg.len() {
                        off += c.write(&msg[off..]).await.unwrap();
                    }
                    msg.len()
                })
            })
            .collect();
        sleep(Duration::from_millis(20)).await;
        assert!(writers.iter().all(|t| !t.done()), "both writers wait");
        let reader = spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0;
            loop {
                let n = server.read(&mut buf).await.unwrap();
                if n == 0 {
                    break total;
                }
                total += n;
            }
        });
        let mut sent = filled;
        for t in writers {
            sent += wait_for(LIMIT, t)
                .await
                .expect("a writer lost its wake-up")
                .unwrap();
        }
        client.shutdown(std::net::Shutdown::Write).unwrap();
        (sent, reader.await.unwrap())
    });
    assert_eq!(sent, received);
}

/// Env var that turns the EMFILE test into its child half.
const EMFILE_CHILD: &str = "AIO_RELIABILITY_EMFILE_CHILD";

/// The child half: runs with a low descriptor limit (set by the parent's `ulimit -n`).
fn accept_loop_under_emfile() {
    let (errors, accepted) = aio_runtime::run(async {
        let (l, addr) = listener().await;
        // The client connects before the table fills up; the kernel completes the
        // handshake into the backlog, so only `accept` needs a new descriptor.
        let client = std::net::TcpStream::connect(addr).unwrap();
        let mut hog = Vec::new();
        loop {
            match std::fs::File::open("/dev/null") {
                Ok(f) => hog.push(f),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(24), "expected EMFILE, got {e}");
                    break;
                }
            }
        }
        // The accept loop: an error is reported and the loop goes on.
        let mut errors = Vec::new();
        let accepted = loop {
            match wait_for(LIMIT, l.accept()).await.expect("accept hung") {
                Ok((stream, peer)) => break (stream, peer),
                Err(e) => {
                    errors.push(e.raw_os_error());
                    // Descriptors free up (another connection closed, say).
                    hog.truncate(hog.len().saturating_sub(4));
                }
            }
        };
        assert_eq!(accepted.1, client.local_addr().unwrap());
        let mut client = client;
        client.write_all(b"x").unwrap();
        let mut b = [0u8; 1];
        assert_eq!(accepted.0.read(&mut b).await.unwrap(), 1);
        (errors, accepted.1)
    });
    assert_eq!(errors, [Some(24)], "exactly one EMFILE before recovery");
    assert!(accepted.ip().is_loopback());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "I/O through the OS poller and sockets, which Miri cannot run"
)]
fn the_accept_loop_survives_emfile_and_recovers_when_descriptors_free_up() {
    if std::env::var_os(EMFILE_CHILD).is_some() {
        accept_loop_under_emfile();
        return;
    }
    // Re-run just this test in a child whose soft descriptor limit is 64, so that
    // exhausting the table does not disturb the other tests of this process.
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(exe)
        .args([
            "--exact",
            "the_accept_loop_survives_emfile_and_recovers_when_descriptors_free_up",
            "--test-threads=1",
        ])
        .env(EMFILE_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child ran the test: {stdout}"
    );
}
