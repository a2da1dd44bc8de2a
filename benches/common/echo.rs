//! The TCP echo workload, shared by `io.rs` (criterion, one runtime after the other)
//! and `echo_interleaved.rs` (the three runtimes in rotation). Each function is the same
//! program on its runtime: a server echoing every connection with `copy`, and `clients`
//! clients that each stream `bytes` in `CHUNK` writes while reading the echo in the same
//! task.

use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub const CHUNK: usize = 16 * 1024;

pub fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One aio client: connects to `addr`, streams `payload` in `CHUNK` writes while it
/// reads the echo in the same task, and checks that every byte came back.
pub async fn aio_client(addr: SocketAddr, payload: &[u8]) {
    let stream = aio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (rd, mut wr) = (&stream, &stream);
    let send = async {
        for chunk in payload.chunks(CHUNK) {
            wr.write_all(chunk).await.unwrap();
        }
        wr.close().await.unwrap();
    };
    let recv = async {
        let mut buf = vec![0; CHUNK];
        let mut got = 0;
        loop {
            let n = rd.read(&mut buf).await.unwrap();
            if n == 0 {
                break got;
            }
            got += n;
        }
    };
    let ((), got) = aio::gather!(send, recv).await;
    assert_eq!(got, payload.len());
}

/// Total time for `iters` rounds of `clients` concurrent clients each echoing
/// `bytes` through a server that runs for the whole measurement.
pub fn aio_echo(iters: u64, clients: usize, bytes: usize) -> Duration {
    aio::run(async move {
        let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = aio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                aio::spawn(async move {
                    let (mut rd, mut wr) = (&stream, &stream);
                    futures::io::copy(&mut rd, &mut wr).await.unwrap();
                })
                .detach();
            }
        });
        let payload = Rc::new(vec![7u8; bytes]);
        let start = Instant::now();
        for _ in 0..iters {
            let rounds = (0..clients).map(|_| {
                let payload = payload.clone();
                async move {
                    aio_client(addr, &payload).await;
                }
            });
            aio::gather(rounds).await;
        }
        let elapsed = start.elapsed();
        server.cancel();
        elapsed
    })
}

pub fn tokio_echo(
    rt: &tokio::runtime::Runtime,
    iters: u64,
    clients: usize,
    bytes: usize,
) -> Duration {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let (mut rd, mut wr) = stream.split();
                    tokio::io::copy(&mut rd, &mut wr).await.unwrap();
                });
            }
        });
        let payload = Rc::new(vec![7u8; bytes]);
        let start = Instant::now();
        for _ in 0..iters {
            let rounds = (0..clients).map(|_| {
                let payload = payload.clone();
                async move {
                    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    let (mut rd, mut wr) = stream.split();
                    let send = async {
                        for chunk in payload.chunks(CHUNK) {
                            wr.write_all(chunk).await.unwrap();
                        }
                        wr.shutdown().await.unwrap();
                    };
                    let recv = async {
                        let mut buf = vec![0; CHUNK];
                        let mut got = 0;
                        loop {
                            let n = rd.read(&mut buf).await.unwrap();
                            if n == 0 {
                                break got;
                            }
                            got += n;
                        }
                    };
                    let ((), got) = tokio::join!(send, recv);
                    assert_eq!(got, payload.len());
                }
            });
            futures::future::join_all(rounds).await;
        }
        let elapsed = start.elapsed();
        server.abort();
        elapsed
    })
}

pub fn smol_echo(iters: u64, clients: usize, bytes: usize) -> Duration {
    // Tasks that spawn tasks need the executor for 'static: one per thread, leaked.
    thread_local! {
        static EX: &'static smol::LocalExecutor<'static> =
            Box::leak(Box::new(smol::LocalExecutor::new()));
    }
    let ex = EX.with(|ex| *ex);
    smol::future::block_on(ex.run(async move {
        let listener = smol::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let server = ex.spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                ex.spawn(async move {
                    let (rd, mut wr) = (stream.clone(), stream);
                    futures::io::copy(rd, &mut wr).await.unwrap();
                })
                .detach();
            }
        });
        let payload = Rc::new(vec![7u8; bytes]);
        let start = Instant::now();
        for _ in 0..iters {
            let rounds = (0..clients).map(|_| {
                let payload = payload.clone();
                async move {
                    let stream = smol::net::TcpStream::connect(addr).await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    let (mut rd, mut wr) = (stream.clone(), stream);
                    let send = async {
                        for chunk in payload.chunks(CHUNK) {
                            wr.write_all(chunk).await.unwrap();
                        }
                        wr.close().await.unwrap();
                    };
                    let recv = async {
                        let mut buf = vec![0; CHUNK];
                        let mut got = 0;
                        loop {
                            let n = rd.read(&mut buf).await.unwrap();
                            if n == 0 {
                                break got;
                            }
                            got += n;
                        }
                    };
                    let ((), got) = futures::join!(send, recv);
                    assert_eq!(got, payload.len());
                }
            });
            futures::future::join_all(rounds).await;
        }
        let elapsed = start.elapsed();
        drop(server);
        elapsed
    }))
}
