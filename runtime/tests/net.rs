//! TCP and UDP on loopback: an echo server with many concurrent clients,
//! refused and reset connections as io errors, and UDP round trips.

use std::io::ErrorKind;
use std::net::Shutdown;
use std::time::Duration;

use aio_runtime::net::{TcpListener, TcpStream, UdpSocket};
use aio_runtime::{gather, sleep, spawn};
use futures::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn echo_server_with_128_concurrent_clients() {
    const CLIENTS: usize = 128;
    let echoed = aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawn(async move {
            loop {
                let (stream, peer) = listener.accept().await.unwrap();
                assert!(peer.ip().is_loopback());
                spawn(async move {
                    // `&TcpStream` reads and writes too: copy between two borrows.
                    let (mut rd, mut wr) = (&stream, &stream);
                    futures::io::copy(&mut rd, &mut wr).await.unwrap();
                    wr.close().await.unwrap();
                })
                .detach();
            }
        });
        let clients = (0..CLIENTS).map(|i| async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            assert_eq!(stream.peer_addr().unwrap(), addr);
            // Larger than a socket buffer round trip, so reads and writes interleave.
            let msg: Vec<u8> = (0..64 * 1024).map(|b| (b * 7 + i) as u8).collect();
            let (mut rd, mut wr) = stream.split();
            let send = async {
                wr.write_all(&msg).await.unwrap();
                wr.close().await.unwrap();
            };
            let recv = async {
                let mut back = Vec::new();
                rd.read_to_end(&mut back).await.unwrap();
                back
            };
            let ((), back) = aio_runtime::gather!(send, recv).await;
            back == msg
        });
        let ok = gather(clients).await;
        server.cancel();
        ok.into_iter().filter(|&ok| ok).count()
    });
    assert_eq!(echoed, CLIENTS);
}

#[test]
fn connecting_to_a_closed_port_is_connection_refused() {
    let err = aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        TcpStream::connect(addr).await.unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

/// `connect` returns once the handshake is done, not when its SYN is sent: against a
/// listener whose accept queue is full (the kernel drops further SYNs), it waits.
#[test]
fn connect_waits_for_the_handshake() {
    aio_runtime::run(async {
        let listener =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        listener.bind(&any.into()).unwrap();
        listener.listen(0).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        // Connections the listener never accepts, until one cannot complete.
        let mut queued = Vec::new();
        let mut waited = false;
        for _ in 0..8 {
            match aio_runtime::wait_for(Duration::from_millis(300), TcpStream::connect(addr)).await
            {
                Ok(stream) => queued.push(stream.unwrap()),
                Err(_) => {
                    waited = true;
                    break;
                }
            }
        }
        assert!(
            waited,
            "{} connections completed although the listener could not take them",
            queued.len()
        );
    });
}

#[test]
fn a_peer_that_closes_with_data_unread_resets_the_connection() {
    let err = aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        client.write_all(b"never read").await.unwrap();
        sleep(Duration::from_millis(10)).await;
        drop(server_side); // unread data: the kernel answers with RST
        sleep(Duration::from_millis(10)).await;
        let mut buf = [0; 16];
        client.read(&mut buf).await.unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
}

#[test]
fn linger_zero_resets_and_writes_after_reset_fail() {
    let (read_err, write_err) = aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        server_side.set_linger(Some(Duration::ZERO)).unwrap();
        drop(server_side);
        sleep(Duration::from_millis(10)).await;
        let mut buf = [0; 16];
        let read_err = client.read(&mut buf).await.unwrap_err();
        let mut write_err = None;
        for _ in 0..10 {
            if let Err(e) = client.write_all(&[0; 1024]).await {
                write_err = Some(e);
                break;
            }
        }
        (
            read_err,
            write_err.expect("writing to a reset connection fails"),
        )
    });
    assert_eq!(read_err.kind(), ErrorKind::ConnectionReset);
    assert!(
        matches!(
            write_err.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
        ),
        "{write_err:?}"
    );
}

#[test]
fn shutdown_write_gives_the_peer_eof() {
    let got = aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        client.write(b"bye").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut buf = [0; 8];
        let n = server_side.read(&mut buf).await.unwrap();
        let eof = server_side.read(&mut buf[n..]).await.unwrap();
        (buf[..n].to_vec(), eof)
    });
    assert_eq!(got, (b"bye".to_vec(), 0));
}

#[test]
fn binding_a_used_port_is_an_error_not_a_panic() {
    let err = aio_runtime::run(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        TcpListener::bind(addr).await.unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
}

#[test]
fn sockets_outside_a_runtime_are_an_error() {
    let err = futures::executor::block_on(UdpSocket::bind("127.0.0.1:0")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
}

#[test]
fn udp_round_trip_with_send_to_and_connected_sockets() {
    aio_runtime::run(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());

        // b waits before a sends: the receive must be woken by the reactor.
        let echo = async {
            let mut buf = [0; 64];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            b.send_to(&buf[..n], from).await.unwrap();
            from
        };
        let ping = async {
            sleep(Duration::from_millis(5)).await;
            a.send_to(b"ping", b_addr).await.unwrap();
            let mut buf = [0; 64];
            let (n, from) = a.recv_from(&mut buf).await.unwrap();
            (buf[..n].to_vec(), from)
        };
        let (from, (reply, replier)) = aio_runtime::gather!(echo, ping).await;
        assert_eq!(from, a_addr);
        assert_eq!((reply, replier), (b"ping".to_vec(), b_addr));

        a.connect(b_addr).await.unwrap();
        b.connect(a_addr).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b_addr);
        a.send(b"hello").await.unwrap();
        let mut buf = [0; 64];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
    });
}

#[test]
fn vectored_reads_and_writes_through_the_stream_and_a_shared_reference() {
    use std::io::{IoSlice, IoSliceMut};
    aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let n = client
            .write_vectored(&[IoSlice::new(b"hello "), IoSlice::new(b"world")])
            .await
            .unwrap();
        assert_eq!(n, 11);
        (&client).write_all(b"!").await.unwrap();
        client.close().await.unwrap();
        let (mut a, mut b) = ([0u8; 6], [0u8; 16]);
        let mut got = Vec::new();
        loop {
            let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
            let n = (&server).read_vectored(&mut bufs).await.unwrap();
            if n == 0 {
                break;
            }
            let first = n.min(a.len());
            got.extend_from_slice(&a[..first]);
            got.extend_from_slice(&b[..n - first]);
        }
        assert_eq!(got, b"hello world!");
    });
}
