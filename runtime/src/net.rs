//! TCP and UDP sockets driven by the loop's reactor: asyncio's streams and
//! datagram endpoints, in `std::net`'s shapes.
//!
//! Each type is a std socket in non-blocking mode wrapped in the reactor's
//! `Async` registration: an operation is tried at once and, on `WouldBlock`,
//! the task waits for the OS to report readiness. [`TcpStream`] implements
//! `futures_io::AsyncRead`/`AsyncWrite`, so `futures::io` adapters and codecs
//! work on it. Every OS error comes back as an `io::Error`; nothing here
//! panics on I/O. Name resolution of host names runs on the blocking pool.
//! This module does not buffer, frame or retry: that is the caller's job.
//!
//! Sockets belong to the loop they were created on (they are `!Send`). Any
//! number of tasks may wait on one socket at once (several tasks accepting on
//! one listener, or receiving on one UDP socket): readiness wakes them all,
//! one gets the connection or datagram, the others wait again.

use std::any::Any;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{self, Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::reactor::Async;

#[cfg(any(target_os = "linux", target_os = "android"))]
const EINPROGRESS: i32 = 115;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const EINPROGRESS: i32 = 36; // macOS and the BSDs

/// The listen backlog: connections the kernel completes before `accept` takes them
/// (std's `bind` uses 128, which makes a burst of clients retry their SYNs).
const LISTEN_BACKLOG: i32 = 1024;

/// A new non-blocking socket for `addr`'s family (one system call where the OS can
/// create it non-blocking).
fn nonblocking_socket(addr: SocketAddr, ty: Type, proto: Protocol) -> io::Result<Socket> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        Socket::new(Domain::for_address(addr), ty.nonblocking(), Some(proto))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let socket = Socket::new(Domain::for_address(addr), ty, Some(proto))?;
        socket.set_nonblocking(true)?;
        Ok(socket)
    }
}

/// Accepts a connection as a non-blocking socket (in the same system call where the
/// OS can).
fn accept_nonblocking(listener: &net::TcpListener) -> io::Result<(net::TcpStream, SocketAddr)> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let (socket, peer) =
            socket2::SockRef::from(listener).accept4(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)?;
        let peer = peer
            .as_socket()
            .ok_or_else(|| io::Error::other("accepted a connection with a non-IP address"))?;
        Ok((socket.into(), peer))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let (stream, peer) = listener.accept()?;
        stream.set_nonblocking(true)?;
        Ok((stream, peer))
    }
}

/// Sets `SO_REUSEPORT` where the OS has it (`bind_shared`).
#[cfg(all(
    unix,
    not(any(
        target_os = "solaris",
        target_os = "illumos",
        target_os = "cygwin",
        target_os = "nuttx"
    ))
))]
fn set_reuse_port(socket: &Socket) -> io::Result<()> {
    socket.set_reuse_port(true)?;
    // FreeBSD balances connections only between sockets with its `_LB` variant.
    #[cfg(target_os = "freebsd")]
    socket.set_reuse_port_lb(true)?;
    Ok(())
}

/// Elsewhere there is no way to share a port.
#[cfg(not(all(
    unix,
    not(any(
        target_os = "solaris",
        target_os = "illumos",
        target_os = "cygwin",
        target_os = "nuttx"
    ))
)))]
fn set_reuse_port(_: &Socket) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "bind_shared needs SO_REUSEPORT, which this system does not have",
    ))
}

/// Resolves `addr` without blocking the loop: socket addresses and numeric
/// strings are converted in place, host names go to the blocking pool.
async fn resolve<A: ToSocketAddrs + Send + 'static>(addr: A) -> io::Result<Vec<SocketAddr>> {
    let any: &dyn Any = &addr;
    let direct = if let Some(a) = any.downcast_ref::<SocketAddr>() {
        Some(*a)
    } else if let Some(a) = any.downcast_ref::<SocketAddrV4>() {
        Some((*a).into())
    } else if let Some(a) = any.downcast_ref::<SocketAddrV6>() {
        Some((*a).into())
    } else if let Some(s) = any.downcast_ref::<&str>() {
        s.parse().ok()
    } else if let Some(s) = any.downcast_ref::<String>() {
        s.parse().ok()
    } else if let Some((ip, port)) = any.downcast_ref::<(Ipv4Addr, u16)>() {
        Some((*ip, *port).into())
    } else if let Some((ip, port)) = any.downcast_ref::<(std::net::IpAddr, u16)>() {
        Some((*ip, *port).into())
    } else {
        None
    };
    if let Some(a) = direct {
        return Ok(vec![a]);
    }
    crate::to_thread(move || addr.to_socket_addrs().map(Iterator::collect))
        .await
        .map_err(|e| io::Error::other(format!("address resolution failed: {e}")))?
}

/// Tries `op` on each address in turn; the last error if none works.
async fn each_addr<A, T, F, Fut>(addr: A, mut op: F) -> io::Result<T>
where
    A: ToSocketAddrs + Send + 'static,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for a in resolve(addr).await? {
        match op(a).await {
            Ok(v) => return Ok(v),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}

/// A TCP socket listening for connections (asyncio's `start_server` socket).
pub struct TcpListener {
    io: Async<net::TcpListener>,
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpListener")
            .field(self.io.get_ref())
            .finish()
    }
}

impl TcpListener {
    /// Binds to `addr` and listens. Port 0 asks the OS for a free port (see
    /// [`local_addr`](Self::local_addr)).
    ///
    /// # Errors
    /// The OS error (address in use, permission denied, ...), or an error
    /// outside an aio runtime.
    pub async fn bind<A: ToSocketAddrs + Send + 'static>(addr: A) -> io::Result<TcpListener> {
        each_addr(addr, |a| async move { Self::bind_one(a, false) }).await
    }

    /// Binds to `addr` with `SO_REUSEPORT` (and `SO_REUSEADDR`), so that several
    /// listeners (one per loop of [`run_on_cores`](crate::run_on_cores), or per process)
    /// share one port and the kernel spreads incoming connections across them. Every
    /// listener on the port must be bound this way.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// # #[cfg(target_os = "linux")]
    /// # fn main() {
    /// aio::run(async {
    ///     let a = aio::net::TcpListener::bind_shared("127.0.0.1:0").await.unwrap();
    ///     let port = a.local_addr().unwrap();
    ///     let b = aio::net::TcpListener::bind_shared(port).await.unwrap(); // same port
    ///     assert_eq!(b.local_addr().unwrap(), port);
    /// });
    /// # }
    /// # #[cfg(not(target_os = "linux"))]
    /// # fn main() {}
    /// ```
    ///
    /// On Linux, Android and FreeBSD (where `SO_REUSEPORT_LB` is set too) the kernel
    /// balances connections between the listeners; on macOS and the other BSDs the
    /// option lets them bind, but one listener may get most connections.
    ///
    /// # Errors
    /// `ErrorKind::Unsupported` on systems without `SO_REUSEPORT`; else as
    /// [`bind`](Self::bind) (`AddrInUse` when a listener on the port was bound without
    /// it).
    pub async fn bind_shared<A: ToSocketAddrs + Send + 'static>(
        addr: A,
    ) -> io::Result<TcpListener> {
        each_addr(addr, |a| async move { Self::bind_one(a, true) }).await
    }

    fn bind_one(a: SocketAddr, shared: bool) -> io::Result<TcpListener> {
        let socket = nonblocking_socket(a, Type::STREAM, Protocol::TCP)?;
        // As std does on Unix: a restarted server can bind while old connections
        // linger in TIME_WAIT.
        #[cfg(unix)]
        socket.set_reuse_address(true)?;
        if shared {
            set_reuse_port(&socket)?;
        }
        socket.bind(&SockAddr::from(a))?;
        socket.listen(LISTEN_BACKLOG)?;
        Ok(TcpListener {
            io: Async::new(net::TcpListener::from(socket))?,
        })
    }

    /// Waits for the next connection and returns it with the peer's address.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self.io.read_with(accept_nonblocking).await?;
        Ok((
            TcpStream {
                io: Async::new(stream)?,
            },
            peer,
        ))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets the IP time-to-live of accepted sockets.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }
}

/// A TCP connection (asyncio's `StreamReader`/`StreamWriter` pair, as one
/// `AsyncRead + AsyncWrite` object).
pub struct TcpStream {
    io: Async<net::TcpStream>,
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpStream").field(self.io.get_ref()).finish()
    }
}

impl TcpStream {
    /// Connects to `addr` (each resolved address in turn) without blocking the
    /// loop: a non-blocking `connect`, then a wait for writability and a check
    /// of `SO_ERROR`.
    ///
    /// # Errors
    /// `ConnectionRefused`, `TimedOut`, unreachable networks and other OS
    /// errors, as `io::Error`.
    pub async fn connect<A: ToSocketAddrs + Send + 'static>(addr: A) -> io::Result<TcpStream> {
        each_addr(addr, Self::connect_one).await
    }

    async fn connect_one(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = nonblocking_socket(addr, Type::STREAM, Protocol::TCP)?;
        match socket.connect(&SockAddr::from(addr)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        let io = Async::new(net::TcpStream::from(socket))?;
        // Registered after `connect` started, so the first writability is the end of
        // the handshake: connected, or failed with the error in `SO_ERROR`.
        io.writable().await?;
        match io.get_ref().take_error()? {
            Some(e) => Err(e),
            None => Ok(TcpStream { io }),
        }
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Shuts down the read side, the write side (the peer reads EOF) or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`; `Some(Duration::ZERO)` makes closing reset the
    /// connection instead of a graceful shutdown.
    pub fn set_linger(&self, linger: Option<std::time::Duration>) -> io::Result<()> {
        socket2::SockRef::from(self.io.get_ref()).set_linger(linger)
    }

    /// Reads into `buf` once data is available; `Ok(0)` at end of stream.
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len();
        poll_fn(|cx| self.io.poll_read_some(cx, len, |s| (&*s).read(buf))).await
    }

    /// Writes some of `buf` once the socket accepts data.
    pub async fn write(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_write_some(cx, buf.len(), |s| (&*s).write(buf))).await
    }

    /// Receives data without removing it from the socket's queue.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.peek(buf)).await
    }

    /// `poll_read` into memory that need not be initialised (`recv(2)` only writes to it),
    /// for `hyper::Io`, which reads into hyper's uninitialised buffer.
    #[cfg(feature = "hyper")]
    pub(crate) fn poll_read_uninit(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [std::mem::MaybeUninit<u8>],
    ) -> Poll<io::Result<usize>> {
        let len = buf.len();
        self.io
            .poll_read_some(cx, len, |s| socket2::SockRef::from(s).recv(buf))
    }
}

/// The owned stream reads and writes as the shared reference does.
impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_read(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_read_vectored(cx, bufs)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self).poll_close(cx)
    }
}

/// Reading and writing through a shared reference lets one task read while
/// another part of it writes, without splitting the stream (`(&s, &s)`).
impl AsyncRead for &TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read_some(cx, buf.len(), |s| (&*s).read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.io
            .poll_read_some(cx, len, |s| (&*s).read_vectored(bufs))
    }
}

impl AsyncWrite for &TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_some(cx, buf.len(), |s| (&*s).write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = bufs.iter().map(|b| b.len()).sum();
        self.io
            .poll_write_some(cx, len, |s| (&*s).write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the kernel: there is nothing to flush.
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(match self.io.get_ref().shutdown(Shutdown::Write) {
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            r => r,
        })
    }
}

/// A UDP socket (asyncio's datagram endpoint).
pub struct UdpSocket {
    io: Async<net::UdpSocket>,
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UdpSocket").field(self.io.get_ref()).finish()
    }
}

impl UdpSocket {
    /// Binds a UDP socket to `addr` (port 0: any free port).
    pub async fn bind<A: ToSocketAddrs + Send + 'static>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |a| async move { Self::bind_one(a, false) }).await
    }

    /// Binds to `addr` with `SO_REUSEADDR` and `SO_REUSEPORT`, so that several sockets
    /// (one per loop) share one port; on Linux the kernel spreads datagrams from
    /// different peers across them. Every socket on the port must be bound this way.
    ///
    /// # Errors
    /// `ErrorKind::Unsupported` on systems without `SO_REUSEPORT`; else as
    /// [`bind`](Self::bind).
    pub async fn bind_shared<A: ToSocketAddrs + Send + 'static>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |a| async move { Self::bind_one(a, true) }).await
    }

    fn bind_one(a: SocketAddr, shared: bool) -> io::Result<UdpSocket> {
        let socket = nonblocking_socket(a, Type::DGRAM, Protocol::UDP)?;
        if shared {
            #[cfg(unix)]
            socket.set_reuse_address(true)?;
            set_reuse_port(&socket)?;
        }
        socket.bind(&SockAddr::from(a))?;
        Ok(UdpSocket {
            io: Async::new(net::UdpSocket::from(socket))?,
        })
    }

    /// Sets the default peer: [`send`](Self::send) goes there and
    /// [`recv`](Self::recv) only takes its datagrams.
    pub async fn connect<A: ToSocketAddrs + Send + 'static>(&self, addr: A) -> io::Result<()> {
        each_addr(addr, |a| async move { self.io.get_ref().connect(a) }).await
    }

    /// Sends one datagram to `target`; returns the bytes sent.
    pub async fn send_to<A: ToSocketAddrs + Send + 'static>(
        &self,
        buf: &[u8],
        target: A,
    ) -> io::Result<usize> {
        let addrs = resolve(target).await?;
        let Some(&addr) = addrs.first() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "could not resolve to any address",
            ));
        };
        self.io.write_with(|s| s.send_to(buf, addr)).await
    }

    /// Receives one datagram; returns its length and sender. A datagram longer
    /// than `buf` is truncated.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read_with(|s| s.recv_from(buf)).await
    }

    /// Sends one datagram to the connected peer.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|s| s.send(buf)).await
    }

    /// Receives one datagram from the connected peer.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.recv(buf)).await
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Allows sending to broadcast addresses.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }
}
