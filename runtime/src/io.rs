//! Reading and writing sockets: the `futures-io` traits, their extension methods and
//! buffered adapters, re-exported so that `aio` is the only dependency a program needs.
//!
//! [`TcpStream`](crate::net::TcpStream) (and `&TcpStream`) implements [`AsyncRead`] and
//! [`AsyncWrite`]; the extension traits add `read`, `read_exact`, `read_to_end`,
//! `write_all`, `flush`, `close`, and on a [`BufReader`] `read_line` and `lines` (asyncio's
//! `StreamReader.readline` and `StreamWriter.write` + `drain`). Bring them into scope with
//! `use aio::io::{AsyncReadExt, AsyncWriteExt, AsyncBufReadExt};`.
//!
//! A line-echo server and its client:
//!
//! ```
//! # use aio_runtime as aio;
//! use aio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use aio::net::{TcpListener, TcpStream};
//!
//! aio::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = aio::spawn(async move {
//!         let (stream, _) = listener.accept().await?;
//!         let mut lines = BufReader::new(&stream);
//!         let mut line = String::new();
//!         while lines.read_line(&mut line).await? > 0 {
//!             (&stream).write_all(line.to_uppercase().as_bytes()).await?;
//!             line.clear();
//!         }
//!         std::io::Result::Ok(())
//!     });
//!
//!     let client = TcpStream::connect(addr).await?;
//!     let mut reply = BufReader::new(&client);
//!     (&client).write_all(b"hello\n").await?;
//!     let mut line = String::new();
//!     reply.read_line(&mut line).await?;
//!     assert_eq!(line, "HELLO\n");
//!     client.shutdown(std::net::Shutdown::Write)?; // the server reads EOF and stops
//!     server.await.unwrap()?;
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```

pub use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
pub use futures_util::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter, copy,
};
