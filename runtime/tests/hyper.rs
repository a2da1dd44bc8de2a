//! hyper 1 on aio (feature `hyper`), over loopback, servers and clients both on aio:
//! HTTP/1.1 and HTTP/2 with keep-alive and many connections, bodies streamed both ways,
//! the header read and HTTP/2 keep-alive timeouts firing through `Timer`, clients that
//! go away mid-request and request futures that are dropped (the server's tasks end and
//! nothing is left behind), and the adapters' own contracts (`Io`'s reads and writes,
//! `Timer::reset`, `Executor`).
//!
//! Every wait that a broken adapter would turn into a hang is bounded with `wait_for`, so
//! a regression fails instead of stalling the suite.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use aio_runtime::hyper::{Executor, Io, Timer};
use aio_runtime::net::{TcpListener, TcpStream};
use aio_runtime::{Runtime, Task, gather, sleep, spawn, spawn_named, wait_for};
use futures::SinkExt;
use futures::channel::mpsc;
use futures::io::{AsyncReadExt, AsyncWriteExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::rt::{Read, ReadBuf, Timer as _, Write};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};

type BoxError = Box<dyn StdError + Send + Sync>;
type Body = UnsyncBoxBody<Bytes, BoxError>;
type Handler = Rc<dyn Fn(Request<Incoming>) -> Pin<Box<dyn Future<Output = Response<Body>>>>>;
/// A connection's task: its outcome is hyper's.
type ConnTask = Task<Result<(), hyper::Error>>;

/// A bound on every wait that only a bug would make long.
const BOUND: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Proto {
    H1,
    H2,
}

fn full(text: impl Into<Bytes>) -> Body {
    Full::new(text.into())
        .map_err(|e| match e {})
        .boxed_unsync()
}

fn echo(body: Incoming) -> Body {
    body.map_err(BoxError::from).boxed_unsync()
}

fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(Request<Incoming>) -> Fut + 'static,
    Fut: Future<Output = Response<Body>> + 'static,
{
    Rc::new(move |req| Box::pin(f(req)))
}

/// A server on its own loopback port: an accept loop task, the connections it
/// accepted, and a task per connection (whose outcome the tests can inspect).
struct Server {
    addr: SocketAddr,
    accept: Task<()>,
    accepted: Rc<Cell<usize>>,
    conns: Rc<RefCell<Vec<ConnTask>>>,
}

impl Server {
    async fn start(proto: Proto, handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Rc::new(Cell::new(0));
        let conns = Rc::new(RefCell::new(Vec::new()));
        let (a, c) = (accepted.clone(), conns.clone());
        let accept = spawn_named("accept", async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                a.set(a.get() + 1);
                let h = handler.clone();
                let svc = service_fn(move |req| {
                    let fut = h(req);
                    async move { Ok::<_, Infallible>(fut.await) }
                });
                let io = Io::new(stream);
                let conn = spawn_named("connection", async move {
                    match proto {
                        Proto::H1 => {
                            hyper::server::conn::http1::Builder::new()
                                .timer(Timer)
                                .serve_connection(io, svc)
                                .await
                        }
                        Proto::H2 => {
                            hyper::server::conn::http2::Builder::new(Executor)
                                .timer(Timer)
                                .serve_connection(io, svc)
                                .await
                        }
                    }
                });
                c.borrow_mut().push(conn);
            }
        });
        Server {
            addr,
            accept,
            accepted,
            conns,
        }
    }

    /// Waits for every connection task to end; their outcomes, in accept order.
    async fn finish(&self) -> Vec<Result<(), hyper::Error>> {
        let conns = std::mem::take(&mut *self.conns.borrow_mut());
        wait_for(BOUND, gather(conns))
            .await
            .expect("the server's connection tasks ended")
            .into_iter()
            .map(|r| r.expect("a connection task neither panicked nor was cancelled"))
            .collect()
    }
}

/// One client connection: a sender, and the task that drives the connection.
enum Client {
    H1(hyper::client::conn::http1::SendRequest<Body>),
    H2(hyper::client::conn::http2::SendRequest<Body>),
}

impl Client {
    async fn connect(proto: Proto, addr: SocketAddr) -> (Client, ConnTask) {
        let io = Io::new(TcpStream::connect(addr).await.unwrap());
        match proto {
            Proto::H1 => {
                let (send, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
                (Client::H1(send), spawn(conn))
            }
            Proto::H2 => {
                let (send, conn) = hyper::client::conn::http2::Builder::new(Executor)
                    .timer(Timer)
                    .handshake(io)
                    .await
                    .unwrap();
                (Client::H2(send), spawn(conn))
            }
        }
    }

    fn send(
        &mut self,
        req: Request<Body>,
    ) -> Pin<Box<dyn Future<Output = hyper::Result<Response<Incoming>>>>> {
        match self {
            Client::H1(s) => Box::pin(s.send_request(req)),
            Client::H2(s) => Box::pin(s.send_request(req)),
        }
    }

    async fn get(&mut self, path: &str) -> (StatusCode, String) {
        if let Client::H1(s) = self {
            s.ready().await.unwrap();
        }
        let req = Request::get(path).body(full("")).unwrap();
        let resp = wait_for(BOUND, self.send(req)).await.unwrap().unwrap();
        let status = resp.status();
        (status, text(resp).await)
    }
}

async fn text(resp: Response<Incoming>) -> String {
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Answers with the request's path.
fn path_handler() -> Handler {
    handler(
        |req: Request<Incoming>| async move { Response::new(full(req.uri().path().to_owned())) },
    )
}

/// Names of the loop's tasks other than the main one.
fn task_names() -> Vec<String> {
    aio_runtime::all_tasks()
        .into_iter()
        .skip(1)
        .map(|t| t.name().to_owned())
        .collect()
}

/// Counts live values: a drop guard held by a request handler shows whether hyper
/// dropped the handler's future.
#[derive(Clone, Default)]
struct Live(Rc<Cell<usize>>);

struct LiveGuard(Rc<Cell<usize>>);

impl Live {
    fn guard(&self) -> LiveGuard {
        self.0.set(self.0.get() + 1);
        LiveGuard(self.0.clone())
    }
    fn count(&self) -> usize {
        self.0.get()
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// Polls `cond` on the loop until it holds (within [`BOUND`]).
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let waited = wait_for(BOUND, async {
        while !cond() {
            sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "timed out waiting until {what}");
}

#[test]
fn h1_keep_alive_serves_many_requests_on_one_connection() {
    aio_runtime::run(async {
        let server = Server::start(Proto::H1, path_handler()).await;
        let (mut client, conn) = Client::connect(Proto::H1, server.addr).await;
        for i in 0..50 {
            let (status, body) = client.get(&format!("/{i}")).await;
            assert_eq!((status, body), (StatusCode::OK, format!("/{i}")));
        }
        assert_eq!(
            server.accepted.get(),
            1,
            "every request on the one connection"
        );
        drop(client);
        // Dropping the sender closes the client's connection; the server's task ends
        // with it, cleanly.
        wait_for(BOUND, conn).await.unwrap().unwrap().unwrap();
        let outcomes = server.finish().await;
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        server.accept.cancel();
    });
}

#[test]
fn h2_multiplexes_many_concurrent_requests_on_one_connection() {
    aio_runtime::run(async {
        let server = Server::start(Proto::H2, path_handler()).await;
        let (client, conn) = Client::connect(Proto::H2, server.addr).await;
        let Client::H2(sender) = client else {
            unreachable!()
        };
        let requests = (0..100).map(|i| {
            let mut sender = sender.clone();
            async move {
                let req = Request::get(format!("/{i}")).body(full("")).unwrap();
                let resp = sender.send_request(req).await.unwrap();
                (i, text(resp).await)
            }
        });
        let answers = wait_for(BOUND, gather(requests)).await.unwrap();
        for (i, body) in answers {
            assert_eq!(body, format!("/{i}"));
        }
        assert_eq!(server.accepted.get(), 1);
        drop(sender);
        wait_for(BOUND, conn).await.unwrap().unwrap().unwrap();
        assert!(server.finish().await.iter().all(Result::is_ok));
        server.accept.cancel();
    });
}

#[test]
fn many_connections_at_once_over_both_protocols() {
    const CONNECTIONS: usize = 64;
    for proto in [Proto::H1, Proto::H2] {
        aio_runtime::run(async {
            let server = Server::start(proto, path_handler()).await;
            let clients = (0..CONNECTIONS).map(|c| async move {
                let (mut client, conn) = Client::connect(proto, server.addr).await;
                for r in 0..3 {
                    let path = format!("/{c}/{r}");
                    assert_eq!(client.get(&path).await, (StatusCode::OK, path));
                }
                drop(client);
                wait_for(BOUND, conn).await.unwrap().unwrap().unwrap();
            });
            wait_for(BOUND, gather(clients)).await.unwrap();
            assert_eq!(server.accepted.get(), CONNECTIONS, "{proto:?}");
            let outcomes = server.finish().await;
            assert_eq!(outcomes.len(), CONNECTIONS);
            assert!(
                outcomes.iter().all(Result::is_ok),
                "{proto:?}: {outcomes:?}"
            );
            server.accept.cancel();
        });
    }
}

/// The server echoes the request body as its response body while it arrives; the
/// client sends the next chunk only after the echo of the previous one came back. A side
/// that buffered a whole body would deadlock here (and time out).
#[test]
fn bodies_stream_both_ways_at_once() {
    for proto in [Proto::H1, Proto::H2] {
        aio_runtime::run(async {
            let server = Server::start(
                proto,
                handler(
                    |req: Request<Incoming>| async move { Response::new(echo(req.into_body())) },
                ),
            )
            .await;
            let (mut client, conn) = Client::connect(proto, server.addr).await;
            let (mut tx, rx) = mpsc::channel::<Result<Frame<Bytes>, BoxError>>(1);
            let body = StreamBody::new(rx).boxed_unsync();
            let req = Request::post("/echo").body(body).unwrap();
            let response = client.send(req);
            // Small chunks and one larger than the socket buffers, so that the large one
            // comes back in several frames, under backpressure.
            let chunks: Vec<Bytes> = (0..8u8)
                .map(|i| {
                    let len = if i == 5 {
                        512 * 1024
                    } else {
                        10 + usize::from(i)
                    };
                    Bytes::from(vec![b'a' + i; len])
                })
                .collect();
            let exchange = async {
                tx.send(Ok(Frame::data(chunks[0].clone()))).await.unwrap();
                let resp = response.await.unwrap();
                assert_eq!(resp.status(), StatusCode::OK);
                let mut body = resp.into_body();
                for (i, chunk) in chunks.iter().enumerate() {
                    if i > 0 {
                        tx.send(Ok(Frame::data(chunk.clone()))).await.unwrap();
                    }
                    let mut back = Vec::new();
                    while back.len() < chunk.len() {
                        let frame = body.frame().await.expect("more echo").unwrap();
                        back.extend_from_slice(&frame.into_data().unwrap());
                    }
                    assert_eq!(back, chunk[..], "{proto:?}: chunk {i} came back whole");
                }
                tx.close().await.unwrap();
                // The end (HTTP/2 may mark it with an empty DATA frame), nothing more.
                let rest = body.collect().await.unwrap().to_bytes();
                assert!(rest.is_empty(), "{proto:?}: the echo ends with the request");
            };
            wait_for(BOUND, exchange)
                .await
                .unwrap_or_else(|_| panic!("{proto:?}: the bodies did not stream"));
            drop(client);
            wait_for(BOUND, conn).await.unwrap().unwrap().unwrap();
            assert!(server.finish().await.iter().all(Result::is_ok));
            server.accept.cancel();
        });
    }
}

async fn hello(_: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    Ok(Response::new(full("hello")))
}

/// Serves the first connection of a new listener with `builder`'s HTTP/1 settings;
/// returns the address and the task, whose output is the connection's outcome and how
/// long it lasted on the loop's clock.
async fn serve_one_h1(
    builder: hyper::server::conn::http1::Builder,
) -> (SocketAddr, Task<(Result<(), hyper::Error>, Duration)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let start = aio_runtime::time::now();
        let outcome = builder
            .serve_connection(Io::new(stream), service_fn(hello))
            .await;
        (outcome, aio_runtime::time::now() - start)
    });
    (addr, task)
}

#[test]
fn header_read_timeout_fires_through_the_timer_and_not_before() {
    const TIMEOUT: Duration = Duration::from_millis(150);
    aio_runtime::run(async {
        // Headers that arrive in two parts, a while apart but within the timeout (a
        // generous one, so that a slow machine does not fail the test): served.
        let mut generous = hyper::server::conn::http1::Builder::new();
        generous
            .timer(Timer)
            .header_read_timeout(Duration::from_secs(5));
        let (addr, server) = serve_one_h1(generous).await;
        let mut client = TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n")
            .await
            .unwrap();
        sleep(TIMEOUT).await;
        client
            .write_all(b"Connection: close\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        client.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.ends_with("hello"), "{response}");
        let (outcome, _) = wait_for(BOUND, server).await.unwrap().unwrap();
        outcome.unwrap();

        // Headers that never end: the timer closes the connection, no sooner than asked.
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(Timer).header_read_timeout(TIMEOUT);
        let (addr, server) = serve_one_h1(builder).await;
        let mut client = TcpStream::connect(addr).await.unwrap();
        client
            .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n")
            .await
            .unwrap();
        let (outcome, lasted) = wait_for(BOUND, server)
            .await
            .expect("the header read timeout fired")
            .unwrap();
        let err = outcome.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(lasted >= TIMEOUT, "closed after {lasted:?}");
        let mut rest = Vec::new();
        let _ = client.read_to_end(&mut rest).await;
        assert!(!String::from_utf8_lossy(&rest).contains("hello"));
    });
}

/// hyper takes its deadlines from `Timer::now`, the loop's clock: with the clock paused,
/// the default 30 s header timeout passes at once when every task waits.
#[test]
fn hyper_timeouts_follow_a_paused_loop_clock() {
    let rt = Runtime::builder().start_paused(true).build().unwrap();
    let wall = std::time::Instant::now();
    rt.block_on(async {
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(Timer);
        let (addr, server) = serve_one_h1(builder).await;
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        // A virtual hour: only a timer that never fires would take it.
        let (outcome, lasted) = wait_for(Duration::from_secs(3600), server)
            .await
            .expect("the header read timeout fired")
            .unwrap();
        assert!(outcome.unwrap_err().is_timeout());
        assert!(
            lasted >= Duration::from_secs(30) && lasted < Duration::from_secs(31),
            "{lasted:?} of loop time"
        );
        assert_eq!(Timer.now(), aio_runtime::time::now());
    });
    assert!(
        wall.elapsed() < Duration::from_secs(20),
        "the paused clock jumped (took {:?})",
        wall.elapsed()
    );
}

/// A peer that opens an HTTP/2 connection and then never answers the server's pings:
/// the keep-alive timeout, run by `Timer`, closes the connection.
#[test]
fn h2_keep_alive_timeout_closes_a_peer_that_stopped_answering() {
    const INTERVAL: Duration = Duration::from_millis(100);
    const TIMEOUT: Duration = Duration::from_millis(100);
    aio_runtime::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let start = aio_runtime::time::now();
            let outcome = hyper::server::conn::http2::Builder::new(Executor)
                .timer(Timer)
                .keep_alive_interval(INTERVAL)
                .keep_alive_timeout(TIMEOUT)
                .serve_connection(Io::new(stream), service_fn(hello))
                .await;
            (outcome, aio_runtime::time::now() - start)
        });
        let mut peer = TcpStream::connect(addr).await.unwrap();
        // The client preface and an empty SETTINGS frame; then silence.
        peer.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
            .await
            .unwrap();
        let (outcome, lasted) = wait_for(BOUND, server)
            .await
            .expect("the keep-alive timeout fired")
            .unwrap();
        let err = outcome.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(lasted >= INTERVAL + TIMEOUT, "closed after {lasted:?}");
    });
}

/// A client sends the head and part of a body, then goes away. The handler sees its
/// body fail, and the connection task and everything it spawned end: no task or
/// handler future is left behind.
#[test]
fn a_client_dropping_mid_request_ends_the_servers_tasks() {
    for proto in [Proto::H1, Proto::H2] {
        aio_runtime::run(async {
            let live = Live::default();
            let body_failed = Rc::new(Cell::new(false));
            let (l, failed) = (live.clone(), body_failed.clone());
            let server = Server::start(
                proto,
                handler(move |req: Request<Incoming>| {
                    let guard = l.guard();
                    let failed = failed.clone();
                    async move {
                        let _guard = guard;
                        match req.into_body().collect().await {
                            Ok(_) => Response::new(full("whole")),
                            Err(_) => {
                                failed.set(true);
                                Response::new(full("broken"))
                            }
                        }
                    }
                }),
            )
            .await;
            let (mut client, conn) = Client::connect(proto, server.addr).await;
            let (mut tx, rx) = mpsc::channel::<Result<Frame<Bytes>, BoxError>>(1);
            let req = Request::post("/upload")
                .body(StreamBody::new(rx).boxed_unsync())
                .unwrap();
            let response = client.send(req);
            tx.send(Ok(Frame::data(Bytes::from_static(b"first part"))))
                .await
                .unwrap();
            eventually("the handler runs", || live.count() == 1).await;
            // The client goes away: its connection task is cancelled (the socket closes
            // with it) and the request is abandoned.
            conn.cancel();
            drop((response, tx, client));
            let outcomes = server.finish().await;
            assert_eq!(outcomes.len(), 1);
            eventually("the handler's future is dropped", || live.count() == 0).await;
            eventually("only the accept loop is left", || {
                task_names() == ["accept"]
            })
            .await;
            if proto == Proto::H1 {
                // HTTP/1 runs the handler to its end: its body read failed.
                assert!(body_failed.get());
            }
            server.accept.cancel();
        });
    }
}

/// A request whose response future is dropped before the answer comes. Over HTTP/2 the
/// stream is reset: the server drops the handler's future at once and the connection
/// goes on serving. Over HTTP/1 the connection is given up: both sides end their tasks.
#[test]
fn a_cancelled_request_future_leaves_nothing_behind() {
    for proto in [Proto::H1, Proto::H2] {
        aio_runtime::run(async {
            let live = Live::default();
            let l = live.clone();
            let server = Server::start(
                proto,
                handler(move |req: Request<Incoming>| {
                    let guard = l.guard();
                    async move {
                        let _guard = guard;
                        if req.uri().path() == "/slow" {
                            sleep(Duration::from_secs(3600)).await;
                        }
                        Response::new(full("done"))
                    }
                }),
            )
            .await;
            let (mut client, conn) = Client::connect(proto, server.addr).await;
            let slow = client.send(Request::get("/slow").body(full("")).unwrap());
            let cancelled = wait_for(Duration::from_millis(50), slow).await;
            assert!(cancelled.is_err(), "the slow request timed out");
            assert_eq!(live.count(), 1, "the handler was running");
            match proto {
                Proto::H2 => {
                    eventually("the handler's future is dropped", || live.count() == 0).await;
                    assert_eq!(client.get("/fast").await.1, "done");
                    drop(client);
                }
                Proto::H1 => {
                    // The connection cannot carry another request before this answer;
                    // the client gives it up.
                    drop(client);
                    conn.cancel();
                }
            }
            let _ = wait_for(BOUND, conn).await.unwrap();
            let outcomes = server.finish().await;
            assert_eq!(outcomes.len(), 1);
            eventually("the handler's future is dropped", || live.count() == 0).await;
            eventually("only the accept loop is left", || {
                task_names() == ["accept"]
            })
            .await;
            server.accept.cancel();
        });
    }
}

#[test]
fn timer_reset_moves_the_same_sleep_without_a_new_allocation() {
    let rt = Runtime::builder().start_paused(true).build().unwrap();
    rt.block_on(async {
        let start = Timer.now();
        let mut sleep = Timer.sleep(Duration::from_secs(10));
        let before: *const () = (&*sleep as *const dyn hyper::rt::Sleep).cast();
        // Registered with the loop, then moved earlier.
        let pending = futures::poll!(sleep.as_mut());
        assert!(pending.is_pending());
        Timer.reset(&mut sleep, start + Duration::from_secs(2));
        let after: *const () = (&*sleep as *const dyn hyper::rt::Sleep).cast();
        assert_eq!(before, after, "reset kept the sleep's allocation");
        sleep.as_mut().await;
        assert_eq!(Timer.now() - start, Duration::from_secs(2));
        // And later again, after it fired.
        Timer.reset(&mut sleep, start + Duration::from_secs(5));
        sleep.as_mut().await;
        assert_eq!(Timer.now() - start, Duration::from_secs(5));
        let mut at = Timer.sleep_until(start + Duration::from_secs(7));
        at.as_mut().await;
        assert_eq!(Timer.now() - start, Duration::from_secs(7));
    });
}

/// A sleep of another timer (hyper lets a builder's timer be swapped) is replaced by one
/// of aio's at the new deadline.
#[test]
fn timer_reset_replaces_a_sleep_it_did_not_make() {
    struct Foreign;
    impl Future for Foreign {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }
    impl hyper::rt::Sleep for Foreign {}

    let rt = Runtime::builder().start_paused(true).build().unwrap();
    rt.block_on(async {
        let start = Timer.now();
        let mut sleep: Pin<Box<dyn hyper::rt::Sleep>> = Box::pin(Foreign);
        Timer.reset(&mut sleep, start + Duration::from_secs(3));
        assert!(sleep.is::<aio_runtime::time::Sleep>());
        sleep.as_mut().await;
        assert_eq!(Timer.now() - start, Duration::from_secs(3));
    });
}

#[test]
fn executor_spawns_any_future_on_the_current_loop() {
    fn copy_default<T: Copy + Default + Send + Sync>() -> T {
        T::default()
    }
    let exec: Executor = copy_default();
    let ran = aio_runtime::run(async move {
        let ran = Rc::new(Cell::new(false));
        let r = ran.clone();
        // Not Send: an Rc crosses into the task.
        hyper::rt::Executor::execute(&exec, async move {
            sleep(Duration::from_millis(1)).await;
            r.set(true);
        });
        assert_eq!(task_names(), ["hyper"]);
        eventually("the spawned future ran", || ran.get()).await;
        assert!(task_names().is_empty());
        ran.get()
    });
    assert!(ran);
}

/// A connected pair of aio sockets.
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Reads once through hyper's `Read` into `capacity` uninitialised bytes.
async fn read_once<R: Read + Unpin>(io: &mut R, capacity: usize) -> io::Result<Vec<u8>> {
    let mut raw = vec![MaybeUninit::<u8>::uninit(); capacity];
    let mut buf = ReadBuf::uninit(&mut raw);
    std::future::poll_fn(|cx| Pin::new(&mut *io).poll_read(cx, buf.unfilled())).await?;
    Ok(buf.filled().to_vec())
}

#[test]
fn io_reads_the_whole_buffer_on_tcp_and_a_window_on_other_streams() {
    const SENT: usize = 300 * 1024;
    aio_runtime::run(async {
        let (client, server) = pair().await;
        let data: Vec<u8> = (0..SENT).map(|i| (i % 251) as u8).collect();
        let writer = spawn(async move {
            let mut client = client;
            client.write_all(&data).await.unwrap();
            client
        });
        let mut io = Io::new(server);
        // aio's TcpStream: one read may take more than the 64 KiB window (wait until
        // the socket holds more than that).
        let mut got = Vec::new();
        let mut biggest = 0;
        while got.len() < SENT {
            sleep(Duration::from_millis(10)).await;
            let chunk = read_once(&mut io, 1 << 20).await.unwrap();
            biggest = biggest.max(chunk.len());
            got.extend_from_slice(&chunk);
        }
        let expected: Vec<u8> = (0..SENT).map(|i| (i % 251) as u8).collect();
        assert_eq!(got, expected);
        assert!(biggest > 64 * 1024, "largest read {biggest}");

        // Another stream type (a shared reference): at most 64 KiB per read.
        let client = writer.await.unwrap();
        let stream = io.into_inner();
        let data = expected.clone();
        let writer = spawn(async move {
            let mut client = client;
            client.write_all(&data).await.unwrap();
        });
        let mut io = Io::new(&stream);
        let mut got = Vec::new();
        let mut biggest = 0;
        while got.len() < SENT {
            sleep(Duration::from_millis(10)).await;
            let chunk = read_once(&mut io, 1 << 20).await.unwrap();
            biggest = biggest.max(chunk.len());
            got.extend_from_slice(&chunk);
        }
        assert_eq!(got, expected);
        assert_eq!(biggest, 64 * 1024, "reads take the whole window, no more");
        writer.await.unwrap();
    });
}

/// A buffered stream: `Io` passes hyper's flush and shutdown through to it.
#[test]
fn io_flushes_and_shuts_down_the_stream_it_wraps() {
    aio_runtime::run(async {
        let (client, server) = pair().await;
        let mut io = Io::new(futures::io::BufWriter::new(client));
        assert!(!io.is_write_vectored());
        let n = std::future::poll_fn(|cx| Pin::new(&mut io).poll_write(cx, b"buffered"))
            .await
            .unwrap();
        assert_eq!(n, 8);
        let mut buf = [0u8; 8];
        let early = wait_for(Duration::from_millis(50), server.read(&mut buf)).await;
        assert!(early.is_err(), "nothing reaches the peer before the flush");
        std::future::poll_fn(|cx| Pin::new(&mut io).poll_flush(cx))
            .await
            .unwrap();
        let n = wait_for(BOUND, server.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf[..n], b"buffered");
        std::future::poll_fn(|cx| Pin::new(&mut io).poll_shutdown(cx))
            .await
            .unwrap();
        let n = wait_for(BOUND, server.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 0, "the shutdown ends the stream");
    });
}

/// An `AsyncRead` that claims to have read more than it was given.
struct Liar;

impl futures::io::AsyncRead for Liar {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len() + 1))
    }
}

#[test]
fn io_refuses_a_stream_that_claims_more_than_it_was_given() {
    aio_runtime::run(async {
        let mut io = Io::new(Liar);
        let err = read_once(&mut io, 16).await.unwrap_err();
        assert!(
            err.to_string().contains("17 bytes into a 16-byte buffer"),
            "{err}"
        );
    });
}

#[test]
fn io_writes_vectored_on_tcp_and_passes_writes_through() {
    aio_runtime::run(async {
        let (client, server) = pair().await;
        let mut io = Io::new(client);
        assert!(io.is_write_vectored());
        assert!(!Io::new(&server).is_write_vectored());
        let bufs = [io::IoSlice::new(b"head "), io::IoSlice::new(b"body")];
        let n = std::future::poll_fn(|cx| Pin::new(&mut io).poll_write_vectored(cx, &bufs))
            .await
            .unwrap();
        assert_eq!(n, 9, "both buffers in one write");
        let n = std::future::poll_fn(|cx| Pin::new(&mut io).poll_write(cx, b"!"))
            .await
            .unwrap();
        assert_eq!(n, 1);
        std::future::poll_fn(|cx| Pin::new(&mut io).poll_flush(cx))
            .await
            .unwrap();
        std::future::poll_fn(|cx| Pin::new(&mut io).poll_shutdown(cx))
            .await
            .unwrap();
        let mut got = String::new();
        wait_for(BOUND, (&server).read_to_string(&mut got))
            .await
            .expect("the shutdown ends the stream")
            .unwrap();
        assert_eq!(got, "head body!");
        assert_eq!(
            io.inner().peer_addr().unwrap(),
            server.local_addr().unwrap()
        );
        io.inner_mut().set_nodelay(true).unwrap();
        assert!(io.into_inner().nodelay().unwrap());
    });
}
