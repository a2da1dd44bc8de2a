//! Thread-per-core: `run_on_cores` (order, panics, settings, pinning), `LoopHandle`
//! (remote spawn and `call_soon`, handles to loops that ended), and ports shared between
//! loops with `bind_shared`.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use aio_runtime::{self as aio, LoopHandle, Runtime, TaskError};

/// Fails the test instead of hanging it.
async fn soon<F: Future>(what: &str, fut: F) -> F::Output {
    match aio::wait_for(Duration::from_secs(10), fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: still pending after 10 s"),
    }
}

/// A loop on its own thread that runs until its handle's `stop` channel is dropped,
/// for tests that need "another loop".
struct OtherLoop {
    handle: LoopHandle,
    thread_id: thread::ThreadId,
    stop: Option<aio::Sender<()>>,
    join: Option<thread::JoinHandle<()>>,
}

impl OtherLoop {
    fn start() -> OtherLoop {
        let (ready_tx, mut ready_rx) = aio::channel(1);
        let (stop, mut stop_rx) = aio::channel::<()>(1);
        let join = thread::spawn(move || {
            aio::run(async move {
                ready_tx
                    .send((aio::current_loop(), thread::current().id()))
                    .await
                    .unwrap();
                stop_rx.recv().await;
            })
        });
        let (handle, thread_id) = ready_rx.recv_blocking().unwrap();
        OtherLoop {
            handle,
            thread_id,
            stop: Some(stop),
            join: Some(join),
        }
    }

    /// Ends the loop and waits for its thread.
    fn end(mut self) -> LoopHandle {
        self.stop.take();
        self.join.take().unwrap().join().unwrap();
        self.handle.clone()
    }
}

impl Drop for OtherLoop {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(join) = self.join.take() {
            let _ = join.join();
        }
    }
}

#[test]
fn results_come_back_in_index_order_whatever_order_the_loops_end_in() {
    let ended = Mutex::new(Vec::new());
    let results = aio::run_on_cores(4, |i| {
        let ended = &ended;
        async move {
            // Loop 3 ends first, loop 0 last.
            aio::sleep(Duration::from_millis(10 * (4 - i as u64))).await;
            ended.lock().unwrap().push(i);
            (i, thread::current().name().map(str::to_owned))
        }
    });
    assert_eq!(*ended.lock().unwrap(), [3, 2, 1, 0]);
    let results: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    for (i, (index, name)) in results.iter().enumerate() {
        assert_eq!(*index, i);
        assert_eq!(name.as_deref(), Some(format!("aio-loop-{i}").as_str()));
    }
}

#[test]
fn a_panic_is_that_loops_error_and_the_others_run_to_completion() {
    let finished = AtomicUsize::new(0);
    let results = aio::run_on_cores(3, |i| {
        let finished = &finished;
        async move {
            if i == 1 {
                aio::yield_now().await;
                panic!("loop one fails");
            }
            // The others are still running when loop 1 panics.
            aio::sleep(Duration::from_millis(50)).await;
            finished.fetch_add(1, Ordering::SeqCst);
            i * 10
        }
    });
    assert_eq!(finished.load(Ordering::SeqCst), 2);
    assert_eq!(*results[0].as_ref().unwrap(), 0);
    assert_eq!(*results[2].as_ref().unwrap(), 20);
    let err = results[1].as_ref().unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.panic_message(), Some("loop one fails"));
}

#[test]
fn a_panic_while_building_the_future_is_that_loops_error() {
    let results = aio::run_on_cores(2, |i| {
        assert!(i == 0, "no future for loop {i}");
        async move { i }
    });
    assert_eq!(*results[0].as_ref().unwrap(), 0);
    assert_eq!(
        results[1].as_ref().unwrap_err().panic_message(),
        Some("no future for loop 1")
    );
}

#[test]
fn futures_need_not_be_send_and_are_built_on_their_loop() {
    let results = aio::run_on_cores(2, |i| {
        // `make` itself runs inside loop i: it may spawn there.
        let local = Rc::new(Cell::new(i));
        let task = aio::spawn({
            let local = local.clone();
            async move { local.set(local.get() + 100) }
        });
        async move {
            task.await.unwrap();
            (local.get(), aio::current_task().unwrap().id())
        }
    });
    let values: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(values, [(100, 0), (101, 0)]);
}

#[test]
fn zero_means_one_loop_per_available_core() {
    let cores = thread::available_parallelism().unwrap().get();
    let results = aio::run_on_cores(0, |i| async move { i });
    assert_eq!(results.len(), cores);
}

#[test]
fn every_loop_gets_the_builders_settings() {
    // A paused clock on each loop: an hour's sleep ends at once.
    let started = std::time::Instant::now();
    let results = Runtime::builder()
        .start_paused(true)
        .run_on_cores(2, |i| async move {
            aio::sleep(Duration::from_secs(3600)).await;
            i
        });
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(results.len(), 2);
    // Debug mode on each loop: both report their slow poll.
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    let results = Runtime::builder()
        .debug(true)
        .slow_poll_threshold(Duration::from_millis(5))
        .debug_output(move |r| sink.lock().unwrap().push(r.to_owned()))
        .run_on_cores(2, |_| async {
            // aio-lint: allow(blocking_sleep) the slow poll debug mode must report
            thread::sleep(Duration::from_millis(30));
        });
    assert!(results.iter().all(Result::is_ok));
    let reports = reports.lock().unwrap();
    let slow = reports
        .iter()
        .filter(|r| r.contains("blocked the loop for"))
        .count();
    assert!(slow >= 2, "one report per loop expected: {reports:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn pinned_loops_each_run_on_one_allowed_cpu() {
    fn allowed_cpus() -> String {
        let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap()
            .trim()
            .to_owned()
    }
    let before = allowed_cpus();
    let results = Runtime::builder()
        .pin_to_cores(true)
        // aio-lint: allow(blocking_fs) /proc of the loop's own thread is what is checked
        .run_on_cores(2, |_| async { allowed_cpus() });
    let cpus: Vec<String> = results.into_iter().map(Result::unwrap).collect();
    for cpu in &cpus {
        assert!(
            cpu.parse::<usize>().is_ok(),
            "pinned to one CPU, got {cpu:?}"
        );
    }
    if thread::available_parallelism().unwrap().get() > 1 {
        assert_ne!(cpus[0], cpus[1], "loops 0 and 1 on different CPUs");
    }
    assert_eq!(allowed_cpus(), before, "the calling thread is not pinned");
    // Unpinned loops keep the process's CPUs.
    // aio-lint: allow(blocking_fs) /proc of the loop's own thread is what is checked
    let results = aio::run_on_cores(1, |_| async { allowed_cpus() });
    assert_eq!(results[0].as_ref().unwrap(), &before);
}

#[test]
fn run_on_cores_refuses_to_block_a_running_loop() {
    aio::run(async {
        let r = std::panic::catch_unwind(|| aio::run_on_cores(1, |_| async {}));
        let msg = r.unwrap_err();
        let msg = msg.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains("aio::run_on_cores called on a running event loop"),
            "{msg}"
        );
    });
}

#[test]
fn a_remote_spawn_runs_on_the_other_loops_thread() {
    let other = OtherLoop::start();
    let here = thread::current().id();
    let (ran_on, name) = aio::run(async {
        let handle = other.handle.clone();
        soon(
            "remote task",
            handle.spawn(|| async {
                // Not Send: built on the other loop.
                let rc = Rc::new(thread::current().id());
                aio::yield_now().await;
                (*rc, aio::current_task().unwrap().name().to_owned())
            }),
        )
        .await
        .unwrap()
    });
    assert_eq!(ran_on, other.thread_id);
    assert_ne!(ran_on, here);
    assert!(name.starts_with("Task-"), "{name}");
    other.end();
}

async fn fetch_answer() -> u32 {
    aio::yield_now().await;
    42
}

async fn report_name() -> String {
    aio::current_task().unwrap().name().to_owned()
}

#[test]
fn a_remote_task_takes_the_name_of_the_async_fn_it_runs_and_a_plain_thread_can_wait() {
    let other = OtherLoop::start();
    let task = other.handle.spawn(|| async {
        let name = aio::current_task().unwrap().name().to_owned();
        (fetch_answer().await, name)
    });
    assert_eq!(task.wait().unwrap(), (42, "Task-1".to_owned()));
    let named = other.handle.spawn(report_name);
    assert!(format!("{named:?}").starts_with("RemoteTask"));
    assert_eq!(named.wait().unwrap(), "report_name");
    other.end();
}

#[test]
fn panics_in_a_remote_task_or_its_closure_are_its_error_and_the_loop_goes_on() {
    let other = OtherLoop::start();
    let err = other
        .handle
        .spawn(|| async {
            aio::yield_now().await;
            panic!("remote boom")
        })
        .wait()
        .unwrap_err();
    assert_eq!(err.panic_message(), Some("remote boom"));
    let err = other
        .handle
        .spawn(|| -> std::future::Ready<()> { panic!("make boom") })
        .wait()
        .unwrap_err();
    assert_eq!(err.panic_message(), Some("make boom"));
    assert_eq!(other.handle.spawn(|| async { 1 }).wait().unwrap(), 1);
    other.end();
}

#[test]
fn call_soon_runs_closures_on_the_loop_in_order_and_survives_a_panic() {
    let other = OtherLoop::start();
    let (tx, mut rx) = aio::channel(8);
    for i in 0..3 {
        let tx = tx.clone();
        other
            .handle
            .call_soon(move || tx.try_send((i, thread::current().id())).unwrap())
            .unwrap();
    }
    other
        .handle
        .call_soon(|| panic!("a callback fails"))
        .unwrap();
    let tx2 = tx.clone();
    other
        .handle
        .call_soon(move || tx2.try_send((3, thread::current().id())).unwrap())
        .unwrap();
    drop(tx);
    let mut got = Vec::new();
    while let Some(v) = rx.recv_blocking() {
        got.push(v);
    }
    let order: Vec<u32> = got.iter().map(|&(i, _)| i).collect();
    assert_eq!(order, [0, 1, 2, 3]);
    assert!(got.iter().all(|&(_, t)| t == other.thread_id));
    other.end();
}

#[test]
fn a_handle_to_an_ended_loop_errors_at_once() {
    let other = OtherLoop::start();
    let handle = other.end();
    assert!(handle.is_closed());
    assert!(format!("{handle:?}").contains("closed: true"));
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    assert_eq!(
        handle.call_soon(move || {
            r.fetch_add(1, Ordering::SeqCst);
        }),
        Err(aio::LoopClosed)
    );
    assert_eq!(aio::LoopClosed.to_string(), "the event loop has ended");
    let r = ran.clone();
    let task = handle.spawn(move || {
        r.fetch_add(1, Ordering::SeqCst);
        async {}
    });
    assert!(task.is_finished());
    assert!(task.wait().unwrap_err().is_cancelled());
    // Awaited from a loop: no hang either.
    let task = handle.spawn(|| async { 1 });
    assert!(aio::run(task).unwrap_err().is_cancelled());
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "nothing ran on the ended loop"
    );
}

#[test]
fn a_loop_that_ends_with_work_queued_or_running_cancels_it() {
    // Queued: sent to a runtime that never runs again.
    let rt = Runtime::new().unwrap();
    let handle = rt.handle();
    assert!(!handle.is_closed());
    let queued = handle.spawn(|| async { 1 });
    let called = Arc::new(AtomicUsize::new(0));
    let c = called.clone();
    handle
        .call_soon(move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    assert!(!queued.is_finished());
    drop(rt);
    assert!(queued.wait().unwrap_err().is_cancelled());
    assert_eq!(called.load(Ordering::SeqCst), 0);
    assert!(handle.is_closed());

    // Running: the loop's main future ends while the remote task waits forever; its
    // future is dropped on the loop's thread.
    struct OnDrop(Arc<Mutex<Option<thread::ThreadId>>>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(thread::current().id());
        }
    }
    let dropped_on = Arc::new(Mutex::new(None));
    let other = OtherLoop::start();
    let d = dropped_on.clone();
    let running = other.handle.spawn(move || async move {
        let _guard = OnDrop(d);
        std::future::pending::<()>().await
    });
    let other_thread = other.thread_id;
    // Let it start, then end the loop.
    other.handle.spawn(aio::yield_now).wait().unwrap();
    assert!(!running.is_finished());
    other.end();
    assert!(running.wait().unwrap_err().is_cancelled());
    assert_eq!(*dropped_on.lock().unwrap(), Some(other_thread));
}

#[test]
fn work_sent_before_the_loop_runs_waits_for_it() {
    let rt = Runtime::new().unwrap();
    let task = rt.handle().spawn(|| async { 5 });
    assert_eq!(rt.block_on(task).unwrap(), 5);
}

#[test]
fn current_loop_and_wait_name_their_misuse() {
    let msg = std::panic::catch_unwind(aio::current_loop).unwrap_err();
    let msg = msg.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("aio::current_loop called outside an aio runtime"),
        "{msg}"
    );
    aio::run(async {
        let task = aio::current_loop().spawn(|| async {});
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| task.wait()));
        let msg = r.unwrap_err();
        let msg = msg.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains("RemoteTask::wait called on an aio event loop thread"),
            "{msg}"
        );
    });
}

#[test]
fn the_builder_shows_its_settings() {
    let b = Runtime::builder().pin_to_cores(true).start_paused(true);
    let shown = format!("{b:?}");
    assert!(shown.contains("pin_to_cores: true"), "{shown}");
    assert!(shown.contains("start_paused: true"), "{shown}");
}

/// `RunOptions` (what `#[aio::main(debug, slow_poll_ms = N)]` passes) reach every loop of
/// `run_on_cores_main` and the loop of `run_with`: checked on the reports debug mode
/// writes to stderr, in a child process (this test binary, run again).
#[test]
fn run_options_set_debug_mode_on_every_loop() {
    use aio_runtime::__private::{RunOptions, main_output, run_on_cores_main, run_with};
    const TEST: &str = "run_options_set_debug_mode_on_every_loop";
    let options = RunOptions {
        debug: Some(true),
        slow_poll_ms: Some(5),
    };
    if std::env::var_os("AIO_CORES_CHILD").is_some() {
        let blocked = || async {
            // aio-lint: allow(blocking_sleep) the slow poll that debug mode reports
            thread::sleep(Duration::from_millis(30));
        };
        run_on_cores_main(options.clone(), 2, blocked, main_output::<()>());
        run_with(options, blocked());
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env("AIO_CORES_CHILD", "1")
        .env_remove("AIO_DEBUG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let reports = stderr.matches("blocked the loop for").count();
    assert_eq!(reports, 3, "one per loop and one for run_with: {stderr}");
}

#[test]
fn handles_and_remote_tasks_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<LoopHandle>();
    send::<aio::RemoteTask<String>>();
    send::<Result<String, TaskError>>();
}

#[test]
fn two_listeners_share_a_port_only_when_both_ask() {
    aio::run(async {
        let a = aio::net::TcpListener::bind_shared("127.0.0.1:0")
            .await
            .unwrap();
        let addr = a.local_addr().unwrap();
        let b = aio::net::TcpListener::bind_shared(addr).await.unwrap();
        assert_eq!(b.local_addr().unwrap(), addr);
        let plain = aio::net::TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(plain.kind(), std::io::ErrorKind::AddrInUse);
        let single = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let taken = single.local_addr().unwrap();
        let shared = aio::net::TcpListener::bind_shared(taken).await.unwrap_err();
        assert_eq!(shared.kind(), std::io::ErrorKind::AddrInUse);

        let u = aio::net::UdpSocket::bind_shared("127.0.0.1:0")
            .await
            .unwrap();
        let uaddr = u.local_addr().unwrap();
        let v = aio::net::UdpSocket::bind_shared(uaddr).await.unwrap();
        assert_eq!(v.local_addr().unwrap(), uaddr);
        let plain = aio::net::UdpSocket::bind(uaddr).await.unwrap_err();
        assert_eq!(plain.kind(), std::io::ErrorKind::AddrInUse);
    });
}

/// Two loops accept on one shared port; a client makes `CONNS` connections and each
/// connection is answered by exactly one loop, with its index. The kernel spreads
/// connections by a hash of their addresses, so with 64 of them both loops get some
/// (all on one loop has probability 2^-63).
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn connections_spread_over_two_loops_on_one_shared_port_each_served_once() {
    use futures::io::AsyncWriteExt as _;
    use std::io::Read as _;
    use std::net::SocketAddr;
    const CONNS: usize = 64;
    let (addr_tx, addr_rx) = aio::channel::<SocketAddr>(1);
    let (ready_tx, mut ready_rx) = aio::channel::<SocketAddr>(2);
    let (stop0, stop0_rx) = aio::channel::<()>(1);
    let (stop1, stop1_rx) = aio::channel::<()>(1);
    let (addr_tx, addr_rx) = (Mutex::new(Some(addr_tx)), Mutex::new(Some(addr_rx)));
    let stops = Mutex::new([Some(stop0_rx), Some(stop1_rx)]);
    // One sender per loop, dropped once it has said "listening": a loop that fails
    // before that ends the client's wait instead of hanging it.
    let readies = Mutex::new([Some(ready_tx.clone()), Some(ready_tx)]);
    let client = thread::spawn(move || {
        let addr = ready_rx.recv_blocking().unwrap();
        assert_eq!(ready_rx.recv_blocking(), Some(addr), "both loops listen");
        let mut served_by = [0usize; 2];
        for _ in 0..CONNS {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            let mut answer = Vec::new();
            s.read_to_end(&mut answer).unwrap();
            assert_eq!(answer.len(), 1, "one answer per connection");
            served_by[usize::from(answer[0])] += 1;
        }
        drop((stop0, stop1));
        served_by
    });
    let served = aio::run_on_cores(2, |i| {
        let (addr_tx, addr_rx, stops, readies) = (&addr_tx, &addr_rx, &stops, &readies);
        async move {
            let ready_tx = readies.lock().unwrap()[i].take().unwrap();
            let listener = if i == 0 {
                let l = aio::net::TcpListener::bind_shared("127.0.0.1:0")
                    .await
                    .unwrap();
                let tx = addr_tx.lock().unwrap().take().unwrap();
                tx.send(l.local_addr().unwrap()).await.unwrap();
                l
            } else {
                let mut rx = addr_rx.lock().unwrap().take().unwrap();
                let addr = soon("loop 0's port", rx.recv()).await.unwrap();
                aio::net::TcpListener::bind_shared(addr).await.unwrap()
            };
            ready_tx.send(listener.local_addr().unwrap()).await.unwrap();
            drop(ready_tx);
            let count = Rc::new(Cell::new(0usize));
            let acceptor = aio::spawn({
                let count = count.clone();
                async move {
                    loop {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        count.set(count.get() + 1);
                        stream.write_all(&[i as u8]).await.unwrap();
                    }
                }
            });
            // Serve until the client is done (it drops the stop senders).
            let mut stop = stops.lock().unwrap()[i].take().unwrap();
            assert_eq!(stop.recv().await, None);
            acceptor.cancel();
            count.get()
        }
    });
    let served_by = client.join().unwrap();
    let served: Vec<usize> = served.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        served, served_by,
        "each loop counted what the client saw from it"
    );
    assert_eq!(served.iter().sum::<usize>(), CONNS);
    assert!(
        served.iter().all(|&n| n > 0),
        "both loops served: {served:?}"
    );
}

/// The same for datagrams: two loops on one shared UDP port, 32 client sockets (32
/// source ports); each datagram reaches exactly one loop, and both get some.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn datagrams_spread_over_two_loops_on_one_shared_port_each_received_once() {
    use std::net::SocketAddr;
    const CLIENTS: usize = 32;
    let (addr_tx, addr_rx) = aio::channel::<SocketAddr>(1);
    let (ready_tx, mut ready_rx) = aio::channel::<()>(2);
    let (got_tx, mut got_rx) = aio::channel::<(usize, u8)>(CLIENTS);
    let (addr_tx, addr_rx) = (Mutex::new(Some(addr_tx)), Mutex::new(Some(addr_rx)));
    let readies = Mutex::new([Some(ready_tx.clone()), Some(ready_tx)]);
    let addr_for_client = Arc::new(Mutex::new(None));
    let client_addr = addr_for_client.clone();
    let client = thread::spawn(move || {
        ready_rx.recv_blocking().unwrap();
        ready_rx.recv_blocking().unwrap();
        let addr: SocketAddr = client_addr.lock().unwrap().unwrap();
        let sockets: Vec<_> = (0..CLIENTS)
            .map(|_| std::net::UdpSocket::bind("127.0.0.1:0").unwrap())
            .collect();
        for (k, s) in sockets.iter().enumerate() {
            s.send_to(&[k as u8], addr).unwrap();
        }
        let mut per_loop = [0usize; 2];
        let mut seen = [false; CLIENTS];
        for _ in 0..CLIENTS {
            let (i, k) = got_rx.recv_blocking().unwrap();
            assert!(!seen[usize::from(k)], "datagram {k} received twice");
            seen[usize::from(k)] = true;
            per_loop[i] += 1;
        }
        per_loop
    });
    let results = aio::run_on_cores(2, |i| {
        let (addr_tx, addr_rx, readies, got_tx) = (&addr_tx, &addr_rx, &readies, got_tx.clone());
        let addr_for_client = addr_for_client.clone();
        async move {
            let ready_tx = readies.lock().unwrap()[i].take().unwrap();
            let socket = if i == 0 {
                let s = aio::net::UdpSocket::bind_shared("127.0.0.1:0")
                    .await
                    .unwrap();
                *addr_for_client.lock().unwrap() = Some(s.local_addr().unwrap());
                let tx = addr_tx.lock().unwrap().take().unwrap();
                tx.send(s.local_addr().unwrap()).await.unwrap();
                s
            } else {
                let mut rx = addr_rx.lock().unwrap().take().unwrap();
                let addr = soon("loop 0's port", rx.recv()).await.unwrap();
                aio::net::UdpSocket::bind_shared(addr).await.unwrap()
            };
            ready_tx.send(()).await.unwrap();
            drop(ready_tx);
            // Receive until the client has seen every datagram (then the channel closes).
            loop {
                let mut buf = [0u8; 4];
                let recv = aio::wait_for(Duration::from_millis(50), socket.recv_from(&mut buf));
                match recv.await {
                    Ok(r) => {
                        let (n, _) = r.unwrap();
                        assert_eq!(n, 1);
                        if got_tx.send((i, buf[0])).await.is_err() {
                            break;
                        }
                    }
                    Err(_) if got_tx.is_closed() => break,
                    Err(_) => {}
                }
            }
        }
    });
    drop(got_tx);
    let per_loop = client.join().unwrap();
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(per_loop.iter().sum::<usize>(), CLIENTS);
    assert!(
        per_loop.iter().all(|&n| n > 0),
        "both loops received: {per_loop:?}"
    );
}

/// Polls `fut` once: `Some` if it completed.
async fn poll_once<F: Future + Unpin>(fut: &mut F) -> Option<F::Output> {
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match std::pin::Pin::new(&mut *fut).poll(cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        })
    })
    .await
}

#[test]
fn a_remote_task_awaited_by_a_second_task_wakes_that_task() {
    let other = OtherLoop::start();
    let (go, go_rx) = aio::channel::<()>(1);
    let done = aio::run(async {
        let task = other.handle.spawn(move || async move {
            let mut go_rx = go_rx;
            go_rx.recv().await;
            7
        });
        // One task polls the result (leaving its waker), then hands it to another.
        // (Handed back in a tuple: a task whose output is itself a future reads badly.)
        let first = aio::spawn(async move {
            let mut task = task;
            assert!(poll_once(&mut task).await.is_none());
            (task,)
        });
        let (task,) = first.await.unwrap();
        let second = aio::spawn(task);
        aio::yield_now().await;
        go.send(()).await.unwrap();
        soon("the second task", second).await.unwrap()
    });
    assert_eq!(done.unwrap(), 7);
    other.end();
}

/// What `#[aio::main(cores = N)]` runs, called directly: each loop's outcome is reported
/// on its thread, the first failing loop's code wins, a panic is raised after all ended.
#[test]
fn run_on_cores_main_combines_the_loops_outcomes() {
    use aio_runtime::__private::{RunOptions, main_output, run_on_cores_main};
    use std::process::ExitCode;
    let index = || {
        thread::current()
            .name()
            .and_then(|n| n.strip_prefix("aio-loop-"))
            .and_then(|i| i.parse::<u8>().ok())
            .unwrap()
    };
    let all_ok = run_on_cores_main(
        RunOptions::default(),
        3,
        || async { Ok::<(), String>(()) },
        main_output::<Result<(), String>>(),
    );
    assert_eq!(all_ok, ExitCode::SUCCESS);
    // Loops 1 and 2 fail with their own codes: loop 1's is the process's.
    let codes = run_on_cores_main(
        RunOptions::default(),
        3,
        || async move { ExitCode::from([0, 3, 4][usize::from(index())]) },
        main_output::<ExitCode>(),
    );
    assert_eq!(codes, ExitCode::from(3));
    let finished = AtomicUsize::new(0);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_on_cores_main(
            RunOptions::default(),
            2,
            || async {
                if index() == 0 {
                    panic!("loop 0 panics");
                }
                aio::sleep(Duration::from_millis(20)).await;
                finished.fetch_add(1, Ordering::SeqCst);
            },
            main_output::<()>(),
        )
    }));
    assert_eq!(
        panicked.unwrap_err().downcast_ref::<&str>(),
        Some(&"loop 0 panics")
    );
    assert_eq!(finished.load(Ordering::SeqCst), 1, "loop 1 ended first");
}

/// A plain thread blocked in `recv_blocking` parks: it uses (almost) no CPU while it
/// waits. Linux only: the thread's CPU time comes from `/proc/thread-self/schedstat`.
#[cfg(target_os = "linux")]
#[test]
fn a_thread_blocked_on_a_channel_parks_instead_of_spinning() {
    fn cpu_time() -> Duration {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
        let ns: u64 = stat.split_whitespace().next().unwrap().parse().unwrap();
        Duration::from_nanos(ns)
    }
    let (tx, mut rx) = aio::channel::<u8>(1);
    let waiter = thread::spawn(move || {
        let before = cpu_time();
        let got = rx.recv_blocking();
        (got, cpu_time() - before)
    });
    thread::sleep(Duration::from_millis(300));
    tx.send_blocking(1).unwrap();
    let (got, used) = waiter.join().unwrap();
    assert_eq!(got, Some(1));
    assert!(
        used < Duration::from_millis(100),
        "{used:?} of CPU in 300 ms of waiting"
    );
}
