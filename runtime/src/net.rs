//! TCP and UDP sockets driven by the loop's reactor: asyncio's streams and
//! datagram endpoints, in `std::net`'s shapes.
//!
//! [`TcpStream`] implements [`AsyncRead`]/[`AsyncWrite`] (as does `&TcpStream`), so the
//! extension methods of [`aio::io`](crate::io) (`read_exact`, `write_all`, `read_line`
//! on a `BufReader`, ...) work on it. Every OS error comes back as an `io::Error`;
//! nothing here panics on I/O. Addresses are resolved without blocking the loop (see
//! [`ToSocketAddrs`]). This module does not buffer, frame or retry: that is the
//! caller's job.
//!
//! Sockets belong to the loop they were created on (they are `!Send`). Any number of
//! tasks may wait on one socket at once (several tasks accepting on one listener, or
//! receiving on one UDP socket): readiness wakes them all, one gets the connection or
//! datagram, the others wait again.
//!
//! An echo server, a task per connection:
//!
//! ```
//! # use aio_runtime as aio;
//! use aio::io::{AsyncReadExt, AsyncWriteExt};
//! use aio::net::{TcpListener, TcpStream};
//!
//! async fn serve(listener: TcpListener) -> std::io::Result<()> {
//!     loop {
//!         let (stream, _peer) = listener.accept().await?;
//!         aio::spawn(async move {
//!             let (mut reader, mut writer) = (&stream, &stream);
//!             aio::io::copy(&mut reader, &mut writer).await // echo until EOF
//!         })
//!         .detach();
//!     }
//! }
//!
//! aio::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     let server = aio::spawn(serve(listener));
//!
//!     let mut client = TcpStream::connect(addr).await.unwrap();
//!     client.write_all(b"ping").await.unwrap();
//!     let mut reply = [0; 4];
//!     client.read_exact(&mut reply).await.unwrap();
//!     assert_eq!(&reply, b"ping");
//!     server.cancel();
//! });
//! ```
//
// Each type is a std socket in non-blocking mode wrapped in the reactor's `Async`
// registration: an operation is tried at once and, on `WouldBlock`, the task waits for
// the OS to report readiness. Host names are looked up on the blocking pool.

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{
    self, IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6,
    ToSocketAddrs as _,
};
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

/// Anything that names socket addresses: what [`TcpListener::bind`],
/// [`TcpStream::connect`], [`UdpSocket::bind`], [`UdpSocket::connect`] and
/// [`UdpSocket::send_to`] take. The same types as [`std::net::ToSocketAddrs`], by value
/// or by reference: `"127.0.0.1:8080"`, `addr.as_str()`, a `String`, `("localhost", 80)`,
/// `(ip, port)`, a `SocketAddr`, `&[SocketAddr]`.
///
/// Addresses written as numbers (`"127.0.0.1:80"`, `"[::1]:80"`, a `SocketAddr`) are
/// parsed in place; a host name (`"localhost:80"`, `("example.org", 443)`) is looked up
/// on the blocking pool ([`to_thread`](crate::to_thread)), so the loop never waits for
/// DNS. A borrowed string is copied before the lookup, so it need not be `'static`.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::net::TcpListener;
///
/// aio::run(async {
///     let addr = format!("127.0.0.1:{}", 0); // a String that lives in this block
///     let listener = TcpListener::bind(addr.as_str()).await.unwrap();
///     assert!(listener.local_addr().unwrap().ip().is_loopback());
///     let by_host = TcpListener::bind(("localhost", 0)).await.unwrap(); // looked up off the loop
///     assert!(by_host.local_addr().unwrap().ip().is_loopback());
/// });
/// ```
///
/// The trait is sealed: it is implemented for those types only.
pub trait ToSocketAddrs: sealed::Resolve {}

mod sealed {
    use std::io;
    use std::net::SocketAddr;

    /// What an address value stands for, found without blocking.
    pub enum Addrs {
        /// Numeric addresses, or an error in how the address is written.
        Ready(io::Result<Vec<SocketAddr>>),
        /// A host name and a port, to be looked up off the loop.
        Lookup(String, u16),
    }

    /// How each [`ToSocketAddrs`](super::ToSocketAddrs) type is read (private: the
    /// trait is sealed).
    pub trait Resolve {
        fn addrs(&self) -> Addrs;
    }
}

use sealed::{Addrs, Resolve};

fn invalid(msg: &'static str) -> Addrs {
    Addrs::Ready(Err(io::Error::new(io::ErrorKind::InvalidInput, msg)))
}

/// A host and port: numeric hosts parsed here, names left for the lookup.
fn host_port(host: &str, port: u16) -> Addrs {
    match host.parse::<IpAddr>() {
        Ok(ip) => Addrs::Ready(Ok(vec![SocketAddr::new(ip, port)])),
        Err(_) => Addrs::Lookup(host.to_owned(), port),
    }
}

macro_rules! direct {
    ($($ty:ty),*) => {$(
        impl Resolve for $ty {
            fn addrs(&self) -> Addrs {
                Addrs::Ready(Ok(vec![SocketAddr::from(*self)]))
            }
        }
        impl ToSocketAddrs for $ty {}
    )*};
}

direct!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl Resolve for str {
    /// `"ip:port"` and `"[ipv6]:port"` parsed here; `"host:port"` looked up.
    fn addrs(&self) -> Addrs {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Addrs::Ready(Ok(vec![addr]));
        }
        let Some((host, port)) = self.rsplit_once(':') else {
            return invalid("invalid socket address: expected host:port");
        };
        let Ok(port) = port.parse::<u16>() else {
            return invalid("invalid port value");
        };
        host_port(host, port)
    }
}
impl ToSocketAddrs for str {}

impl Resolve for String {
    fn addrs(&self) -> Addrs {
        self.as_str().addrs()
    }
}
impl ToSocketAddrs for String {}

impl Resolve for (&str, u16) {
    fn addrs(&self) -> Addrs {
        host_port(self.0, self.1)
    }
}
impl ToSocketAddrs for (&str, u16) {}

impl Resolve for (String, u16) {
    fn addrs(&self) -> Addrs {
        host_port(&self.0, self.1)
    }
}
impl ToSocketAddrs for (String, u16) {}

impl Resolve for [SocketAddr] {
    fn addrs(&self) -> Addrs {
        Addrs::Ready(Ok(self.to_vec()))
    }
}
impl ToSocketAddrs for [SocketAddr] {}

impl<T: Resolve + ?Sized> Resolve for &T {
    fn addrs(&self) -> Addrs {
        (**self).addrs()
    }
}
impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

/// Resolves `addr` without blocking the loop: numeric addresses at once, host names
/// on the blocking pool.
async fn resolve<A: ToSocketAddrs + ?Sized>(addr: &A) -> io::Result<Vec<SocketAddr>> {
    match addr.addrs() {
        Addrs::Ready(addrs) => addrs,
        Addrs::Lookup(host, port) => crate::to_thread(move || {
            (host.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect)
        })
        .await
        .map_err(|e| io::Error::other(format!("address resolution failed: {e}")))?,
    }
}

/// Tries `op` on each address in turn; the last error if none works.
async fn each_addr<A, T, F, Fut>(addr: A, mut op: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for a in resolve(&addr).await? {
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
///
/// ```
/// # use aio_runtime as aio;
/// use aio::net::TcpListener;
///
/// aio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = aio::spawn(aio::net::TcpStream::connect(addr));
///     let (_stream, peer) = listener.accept().await.unwrap();
///     assert_eq!(peer, client.await.unwrap().unwrap().local_addr().unwrap());
/// });
/// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::net::TcpListener;
    ///
    /// aio::run(async {
    ///     let any_port = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = any_port.local_addr().unwrap().port();
    ///     let taken = TcpListener::bind(("127.0.0.1", port)).await;
    ///     assert_eq!(taken.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    /// });
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
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
    pub async fn bind_shared<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::net::{TcpListener, TcpStream};
    ///
    /// aio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let (accepted, connected) = aio::gather!(listener.accept(), TcpStream::connect(addr)).await;
    ///     let (server_side, peer) = accepted.unwrap();
    ///     assert_eq!(peer, connected.unwrap().local_addr().unwrap());
    ///     assert_eq!(server_side.local_addr().unwrap(), addr);
    /// });
    /// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(listener.local_addr().unwrap().port(), 0); // the port the OS chose
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets the IP time-to-live of accepted sockets.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     listener.set_ttl(64).unwrap();
    /// });
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }
}

/// A TCP connection (asyncio's `StreamReader`/`StreamWriter` pair, as one
/// `AsyncRead + AsyncWrite` object).
///
/// ```
/// # use aio_runtime as aio;
/// use aio::io::{AsyncReadExt, AsyncWriteExt};
/// use aio::net::{TcpListener, TcpStream};
///
/// aio::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let server = aio::spawn(async move {
///         let (mut stream, _) = listener.accept().await.unwrap();
///         stream.write_all(b"hello").await.unwrap();
///     });
///     let mut stream = TcpStream::connect(addr).await.unwrap();
///     let mut text = String::new();
///     stream.read_to_string(&mut text).await.unwrap(); // until the server closes
///     assert_eq!(text, "hello");
///     server.await.unwrap();
/// });
/// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::net::{TcpListener, TcpStream};
    ///
    /// aio::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = listener.local_addr().unwrap().port();
    ///     let stream = TcpStream::connect(("localhost", port)).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap().port(), port);
    ///     drop(listener);
    ///     let refused = TcpStream::connect(("127.0.0.1", port)).await;
    ///     assert!(refused.is_err());
    /// });
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let stream = aio::net::TcpStream::connect(addr).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap(), addr);
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The address of this end.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert!(stream.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Shuts down the read side, the write side (the peer reads EOF) or both.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::io::AsyncReadExt;
    /// use std::net::Shutdown;
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut server_side, _) = listener.accept().await.unwrap();
    ///     client.shutdown(Shutdown::Write).unwrap(); // "I am done sending"
    ///     let mut rest = Vec::new();
    ///     assert_eq!(server_side.read_to_end(&mut rest).await.unwrap(), 0); // EOF
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_nodelay(true).unwrap(); // small writes go out at once
    ///     assert!(stream.nodelay().unwrap());
    /// });
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert!(!stream.nodelay().unwrap()); // the OS default
    /// });
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`; `Some(Duration::ZERO)` makes closing reset the
    /// connection instead of a graceful shutdown.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_linger(Some(Duration::ZERO)).unwrap(); // dropping it resets the connection
    /// });
    /// ```
    pub fn set_linger(&self, linger: Option<std::time::Duration>) -> io::Result<()> {
        socket2::SockRef::from(self.io.get_ref()).set_linger(linger)
    }

    /// Reads into `buf` once data is available; `Ok(0)` at end of stream.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (server_side, _) = listener.accept().await.unwrap();
    ///     server_side.write(b"hi").await.unwrap();
    ///     let mut buf = [0; 16];
    ///     let n = client.read(&mut buf).await.unwrap(); // what has arrived, at least 1 byte
    ///     assert_eq!(&buf[..n], b"hi");
    /// });
    /// ```
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len();
        poll_fn(|cx| self.io.poll_read_some(cx, len, |s| (&*s).read(buf))).await
    }

    /// Writes some of `buf` once the socket accepts data.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let n = client.write(b"some bytes").await.unwrap(); // maybe fewer than asked
    ///     assert!(n > 0);
    /// });
    /// ```
    pub async fn write(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.io.poll_write_some(cx, buf.len(), |s| (&*s).write(buf))).await
    }

    /// Receives data without removing it from the socket's queue.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (server_side, _) = listener.accept().await.unwrap();
    ///     server_side.write(b"GET /").await.unwrap();
    ///     let mut head = [0; 3];
    ///     let n = client.peek(&mut head).await.unwrap();
    ///     assert_eq!(&head[..n], &b"GET"[..n]);
    ///     let mut all = [0; 5];
    ///     let m = client.read(&mut all).await.unwrap(); // still there
    ///     assert_eq!(&all[..m], &b"GET /"[..m]);
    /// });
    /// ```
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
///
/// ```
/// # use aio_runtime as aio;
/// use aio::net::UdpSocket;
///
/// aio::run(async {
///     let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     client.send_to(b"ping", server.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0; 64];
///     let (n, from) = server.recv_from(&mut buf).await.unwrap();
///     server.send_to(&buf[..n], from).await.unwrap(); // echo
///     let (n, _) = client.recv_from(&mut buf).await.unwrap();
///     assert_eq!(&buf[..n], b"ping");
/// });
/// ```
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let socket = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(socket.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        each_addr(addr, |a| async move { Self::bind_one(a, false) }).await
    }

    /// Binds to `addr` with `SO_REUSEADDR` and `SO_REUSEPORT`, so that several sockets
    /// (one per loop) share one port; on Linux the kernel spreads datagrams from
    /// different peers across them. Every socket on the port must be bound this way.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// # #[cfg(target_os = "linux")]
    /// # fn main() {
    /// use aio::net::UdpSocket;
    ///
    /// aio::run(async {
    ///     let a = UdpSocket::bind_shared("127.0.0.1:0").await.unwrap();
    ///     let port = a.local_addr().unwrap();
    ///     let b = UdpSocket::bind_shared(port).await.unwrap(); // same port
    ///     assert_eq!(b.local_addr().unwrap(), port);
    ///     // A socket bound without the option cannot join them.
    ///     let plain = UdpSocket::bind(port).await;
    ///     assert_eq!(plain.unwrap_err().kind(), std::io::ErrorKind::AddrInUse);
    /// });
    /// # }
    /// # #[cfg(not(target_os = "linux"))]
    /// # fn main() {}
    /// ```
    ///
    /// # Errors
    /// `ErrorKind::Unsupported` on systems without `SO_REUSEPORT`; else as
    /// [`bind`](Self::bind).
    pub async fn bind_shared<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).await.unwrap();
    ///     a.send(b"to b").await.unwrap(); // no address needed any more
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 4);
    /// });
    /// ```
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        each_addr(addr, |a| async move { self.io.get_ref().connect(a) }).await
    }

    /// Sends one datagram to `target`; returns the bytes sent.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let target = b.local_addr().unwrap().to_string();
    ///     assert_eq!(a.send_to(b"hello", target.as_str()).await.unwrap(), 5);
    /// });
    /// ```
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let addrs = resolve(&target).await?;
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
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"datagram", b.local_addr().unwrap()).await.unwrap();
    ///     let mut small = [0; 4];
    ///     let (n, from) = b.recv_from(&mut small).await.unwrap();
    ///     assert_eq!((&small[..n], from), (&b"data"[..], a.local_addr().unwrap())); // truncated
    /// });
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.read_with(|s| s.recv_from(buf)).await
    }

    /// Sends one datagram to the connected peer.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(a.send(b"abc").await.unwrap(), 3);
    /// });
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.write_with(|s| s.send(buf)).await
    }

    /// Receives one datagram from the connected peer.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     b.connect(a.local_addr().unwrap()).await.unwrap();
    ///     a.send_to(b"only from a", b.local_addr().unwrap()).await.unwrap();
    ///     let mut buf = [0; 32];
    ///     let n = b.recv(&mut buf).await.unwrap();
    ///     assert_eq!(&buf[..n], b"only from a");
    /// });
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read_with(|s| s.recv(buf)).await
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let socket = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(socket.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(a.peer_addr().is_err()); // not connected
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Allows sending to broadcast addresses.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let socket = aio::net::UdpSocket::bind("0.0.0.0:0").await.unwrap();
    ///     socket.set_broadcast(true).unwrap();
    /// });
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }
}
