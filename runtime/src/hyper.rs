//! hyper 1 on aio (feature `hyper`): [`Io`], [`Executor`] and [`Timer`] are aio's side of
//! `hyper::rt`, what hyper-util's `TokioIo`, `TokioExecutor` and `TokioTimer` are to tokio.
//!
//! - [`Io`] wraps any `futures_io` stream (such as [`TcpStream`]) as hyper's
//!   [`Read`](hyper::rt::Read) + [`Write`](hyper::rt::Write).
//! - [`Executor`] spawns the tasks hyper asks for (HTTP/2 streams, client connections) on
//!   the running loop; they need not be `Send`.
//! - [`Timer`] runs hyper's timeouts (header read timeout, HTTP/2 keep-alive) on the loop's
//!   timers, and follows the loop's clock (a paused clock included).
//!
//! ```
//! use std::convert::Infallible;
//!
//! use aio_runtime::hyper::{Io, Timer};
//! use aio_runtime::net::{TcpListener, TcpStream};
//! use http_body_util::{BodyExt, Empty, Full};
//! use hyper::body::{Bytes, Incoming};
//! use hyper::{Request, Response};
//!
//! async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
//!     Ok(Response::new(Full::new(Bytes::from_static(b"Hello, World!"))))
//! }
//!
//! aio_runtime::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     aio_runtime::spawn(async move {
//!         let (stream, _) = listener.accept().await.unwrap();
//!         hyper::server::conn::http1::Builder::new()
//!             .timer(Timer)
//!             .serve_connection(Io::new(stream), hyper::service::service_fn(hello))
//!             .await
//!             .unwrap();
//!     });
//!
//!     let stream = TcpStream::connect(addr).await.unwrap();
//!     let (mut sender, conn) = hyper::client::conn::http1::handshake(Io::new(stream))
//!         .await
//!         .unwrap();
//!     aio_runtime::spawn(conn);
//!     let request = Request::get("/").body(Empty::<Bytes>::new()).unwrap();
//!     let response = sender.send_request(request).await.unwrap();
//!     let body = response.into_body().collect().await.unwrap().to_bytes();
//!     assert_eq!(body, "Hello, World!");
//! });
//! ```
//!
//! This module only adapts: it does not pick a protocol, pool connections or resolve URLs.

use std::any::TypeId;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use futures_io::{AsyncRead, AsyncWrite};
use hyper::rt::ReadBufCursor;

use crate::net::TcpStream;
use crate::time::Sleep;

/// A `futures_io` stream as hyper's [`Read`](hyper::rt::Read) +
/// [`Write`](hyper::rt::Write) (hyper-util's `TokioIo`, for aio).
///
/// Reads go straight into hyper's buffer. For aio's own [`TcpStream`] that buffer is
/// handed to the socket as it is, uninitialised; for any other stream the part offered to
/// it is zeroed first (`futures_io` reads take an initialised `&mut [u8]`), at most
/// 64 KiB per read. Writes of several buffers at once (hyper's
/// headers and body) go out in one vectored write on [`TcpStream`]; other streams get
/// them flattened by hyper into one buffer, as `futures_io` cannot say whether their
/// vectored write is more than a loop over the buffers.
#[derive(Debug, Default)]
pub struct Io<T> {
    inner: T,
}

/// The most bytes a read of a stream other than [`TcpStream`] is offered (and zeroed
/// beforehand). hyper reads into 8 KiB at first and offers more while reads fill it; its
/// buffer can keep a large capacity after a large body, and zeroing all of it for every
/// small read would cost more than the read.
const READ_WINDOW: usize = 64 * 1024;

impl<T> Io<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Io<T> {
        Io { inner }
    }

    /// The wrapped stream.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped stream, mutably.
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the stream.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The stream as aio's [`TcpStream`], when that is what it is.
    #[inline]
    fn as_tcp(&self) -> Option<&TcpStream> {
        if is_aio_tcp_stream::<T>() {
            // SAFETY: `T` is `TcpStream` (the check compares type ids, and `TcpStream`
            // has no lifetime parameter that the check could have ignored), so the
            // reference is to a `TcpStream`.
            Some(unsafe { &*(&raw const self.inner).cast::<TcpStream>() })
        } else {
            None
        }
    }
}

/// True when `T` is [`TcpStream`]. `T` may have any lifetimes (`Io` takes streams that
/// borrow), so `TypeId::of::<T>()` cannot be named directly: the id is taken inside a
/// method that requires `'static`, called through a trait object whose lifetime bound
/// is widened to `'static`.
#[inline]
fn is_aio_tcp_stream<T>() -> bool {
    trait TypeIdOf {
        fn type_id_of(&self) -> TypeId
        where
            Self: 'static;
    }
    impl<U> TypeIdOf for PhantomData<U> {
        fn type_id_of(&self) -> TypeId
        where
            Self: 'static,
        {
            TypeId::of::<U>()
        }
    }
    let probe = PhantomData::<T>;
    let probe: &dyn TypeIdOf = &probe;
    // SAFETY: only the trait object's lifetime bound changes (same layout, same vtable).
    // The method called reads nothing of the value and lifetimes do not exist at run
    // time, so it returns the id of `T` with its lifetimes erased. That id equals
    // `TcpStream`'s only when `T` is `TcpStream`, a type without lifetime parameters;
    // no reference of a widened lifetime is ever made from it.
    let probe: &(dyn TypeIdOf + 'static) = unsafe { std::mem::transmute(probe) };
    probe.type_id_of() == TypeId::of::<TcpStream>()
}

impl<T: AsyncRead + Unpin> hyper::rt::Read for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let (n, offered) = if let Some(tcp) = this.as_tcp() {
            // SAFETY: the slice goes to `recv(2)`, which only writes into it; nothing
            // here de-initialises a byte.
            let dst = unsafe { buf.as_mut() };
            let offered = dst.len();
            (ready!(tcp.poll_read_uninit(cx, dst))?, offered)
        } else {
            let window = buf.remaining().min(READ_WINDOW);
            let dst = buf.initialize_unfilled_to(window);
            (
                ready!(Pin::new(&mut this.inner).poll_read(cx, dst))?,
                window,
            )
        };
        if n > offered {
            // A broken `AsyncRead`: claiming more than it was given would make hyper
            // read past what was written.
            return Poll::Ready(Err(io::Error::other(format!(
                "the stream reported reading {n} bytes into a {offered}-byte buffer"
            ))));
        }
        // SAFETY: the first `n <= offered` bytes of the unfilled part are initialised:
        // written by `recv`, or zeroed by `initialize_unfilled_to` before the read.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.as_tcp().is_some()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

/// Runs the futures hyper hands over (HTTP/2 streams and connections) as tasks of the
/// running loop (hyper-util's `TokioExecutor`, for aio). They need not be `Send`.
///
/// # Panics
/// `execute` panics outside an aio runtime, as [`spawn`](crate::spawn) does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Executor;

impl<F: Future + 'static> hyper::rt::Executor<F> for Executor {
    fn execute(&self, fut: F) {
        crate::spawn_named("hyper", fut).detach();
    }
}

/// hyper's timeouts on the loop's timers (hyper-util's `TokioTimer`, for aio); `now`
/// is the loop's clock, so a paused clock drives hyper's timeouts too.
///
/// The sleeps it gives are aio's [`Sleep`], which is `Send + Sync` as hyper requires
/// (it holds only a deadline and its timer's slot number; no lock). `reset` moves the
/// deadline of that same sleep: no new allocation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timer;

impl hyper::rt::Sleep for Sleep {}

impl hyper::rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(crate::time::sleep(duration))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(crate::time::sleep_until(deadline))
    }

    fn now(&self) -> Instant {
        crate::time::now()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<Sleep>() {
            Some(ours) => ours.get_mut().reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}
