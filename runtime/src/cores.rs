//! Thread-per-core: one event loop per thread, each running its own future, the model of
//! glommio and monoio (and of asyncio's "a process per core, sharing a socket").
//!
//! [`run_on_cores`] starts `n` threads, builds a loop on each (with the settings of a
//! [`Builder`]), optionally pins loop `i` to the `i`-th CPU the process may use, runs
//! `make(i)`'s future there, and collects the outcomes in index order. Each loop is the
//! ordinary single-threaded loop: its tasks need not be `Send`, nothing is stolen
//! between loops. Loops share work through a port bound by each
//! ([`TcpListener::bind_shared`](crate::net::TcpListener::bind_shared)), a
//! [`channel`](crate::channel), or a [`LoopHandle`](crate::LoopHandle).
//!
//! This module only starts, pins and joins threads; it does not balance load between
//! loops (the kernel does that for a shared port) and does not know what the loops run.

use std::future::IntoFuture;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::process::{ExitCode, Termination};
use std::thread;

use crate::executor::in_runtime;
use crate::runtime::{Builder, RunOptions};
use crate::task::TaskError;

/// Runs `n` event loops, one per thread, with default settings; loop `i` runs the future
/// that `make(i)` returns, and the outcomes come back in index order once every loop has
/// ended. `n == 0` means one loop per available core
/// ([`std::thread::available_parallelism`]). [`Builder::run_on_cores`] is the same with
/// settings (debug mode, pinning each loop to a core).
///
/// `make` is called on loop `i`'s own thread, inside the loop, so the future need not be
/// `Send` (it may hold `Rc`s, aio sockets and tasks); only `make` is shared between the
/// threads and only the outputs cross back. Each loop ends as [`run`](crate::run) does:
/// when its future has finished, its leftover tasks are cancelled. A panic on one loop is
/// that index's [`TaskError::Panicked`]; the other loops run to completion.
///
/// ```
/// # use aio_runtime as aio;
/// use std::rc::Rc;
///
/// let results = aio::run_on_cores(2, |i| async move {
///     let local = Rc::new(i); // not Send: it never leaves loop i
///     aio::sleep(std::time::Duration::from_millis(1)).await;
///     *local * 10
/// });
/// let values: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
/// assert_eq!(values, [0, 10]);
/// ```
///
/// # Panics
/// When called on a running loop (it would block that loop until every other loop
/// ends; spawn the loops from a plain thread, or `aio::to_thread`), or when the OS
/// refuses to start a thread.
#[track_caller]
pub fn run_on_cores<F, Fut>(n: usize, make: F) -> Vec<Result<Fut::Output, TaskError>>
where
    F: Fn(usize) -> Fut + Sync,
    Fut: IntoFuture,
    Fut::Output: Send,
{
    Builder::default().run_on_cores(n, make)
}

impl Builder {
    /// For [`run_on_cores`](Self::run_on_cores): pins loop `i`'s thread to the `i`-th
    /// CPU this process may run on (modulo their number), so that a loop keeps its
    /// caches and never migrates. Linux only (`sched_setaffinity`); elsewhere the
    /// threads are left to the scheduler. A loop that cannot be pinned fails with
    /// [`TaskError::Panicked`] and a message saying why. [`build`](Self::build) ignores
    /// this setting.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// # #[cfg(target_os = "linux")]
    /// # fn main() {
    /// let allowed = aio::Runtime::builder()
    ///     .pin_to_cores(true)
    ///     .run_on_cores(2, |_| async {
    ///         // Linux lists the CPUs this thread may run on: one, once pinned.
    ///         let status = std::fs::read_to_string("/proc/thread-self/status").unwrap();
    ///         let line = status.lines().find(|l| l.starts_with("Cpus_allowed_list:"));
    ///         line.unwrap()["Cpus_allowed_list:".len()..].trim().to_string()
    ///     });
    /// for cpus in allowed {
    ///     let cpus = cpus.unwrap();
    ///     assert!(cpus.parse::<usize>().is_ok(), "not a single CPU: {cpus}");
    /// }
    /// # }
    /// # #[cfg(not(target_os = "linux"))]
    /// # fn main() {}
    /// ```
    pub fn pin_to_cores(mut self, on: bool) -> Self {
        self.pin_to_cores = on;
        self
    }

    /// [`aio::run_on_cores`](crate::run_on_cores) with this builder's settings: `n`
    /// loops (0: one per available core), each built from a copy of this builder on its
    /// own thread, loop `i` running `make(i)`'s future; the outcomes in index order.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let results = aio::Runtime::builder()
    ///     .start_paused(true) // every loop gets a paused clock
    ///     .pin_to_cores(true)
    ///     .run_on_cores(2, |i| async move {
    ///         aio::sleep(std::time::Duration::from_secs(3600)).await; // instant
    ///         i
    ///     });
    /// assert_eq!(results.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [0, 1]);
    /// ```
    ///
    /// # Panics
    /// As [`aio::run_on_cores`](crate::run_on_cores).
    #[track_caller]
    pub fn run_on_cores<F, Fut>(self, n: usize, make: F) -> Vec<Result<Fut::Output, TaskError>>
    where
        F: Fn(usize) -> Fut + Sync,
        Fut: IntoFuture,
        Fut::Output: Send,
    {
        if in_runtime() {
            panic!(
                "aio::run_on_cores called on a running event loop (at {}): it would block \
                 this loop until the others end; call it from a plain thread or \
                 aio::to_thread",
                std::panic::Location::caller()
            );
        }
        let n = if n == 0 {
            thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            n
        };
        let (builder, make) = (&self, &make);
        thread::scope(|scope| {
            let threads: Vec<_> = (0..n)
                .map(|i| {
                    thread::Builder::new()
                        .name(format!("aio-loop-{i}"))
                        .spawn_scoped(scope, move || {
                            catch_unwind(AssertUnwindSafe(|| run_loop(builder, i, make)))
                                .map_err(TaskError::Panicked)
                        })
                        .expect("aio::run_on_cores: the OS refused to start a thread")
                })
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|p| Err(TaskError::Panicked(p))))
                .collect()
        })
    }
}

/// Loop `i`'s thread: pin it if asked, build the loop, run `make(i)` inside it.
fn run_loop<F, Fut>(builder: &Builder, i: usize, make: &F) -> Fut::Output
where
    F: Fn(usize) -> Fut,
    Fut: IntoFuture,
{
    if builder.pin_to_cores
        && let Err(why) = affinity::pin_loop(i)
    {
        panic!("aio::run_on_cores: cannot pin loop {i} {why}");
    }
    let rt = builder
        .clone()
        .build()
        .unwrap_or_else(|e| panic!("aio::run_on_cores: cannot create loop {i}: {e}"));
    rt.block_on(async move { make(i).await })
}

/// What `#[aio::main(cores = N)]` expands to: `body`'s future on `n` loops, each loop's
/// output turned into an exit code by `report` on its own thread, as `main` would
/// report it (`Error: ...` on stderr for an `Err`), so the error type need not be
/// `Send`. The exit code is the first failing loop's (by index), else success; a panic
/// on any loop is resumed here once every loop has ended.
#[doc(hidden)]
pub fn run_on_cores_main<F, Fut>(
    options: RunOptions,
    n: usize,
    body: F,
    report: fn(Fut::Output) -> ExitCode,
) -> ExitCode
where
    F: Fn() -> Fut + Sync,
    Fut: IntoFuture,
{
    let body = &body;
    let results = crate::runtime::builder_for(&options)
        .run_on_cores(n, move |_| async move { report(body().await) });
    let mut code = ExitCode::SUCCESS;
    let mut panic = None;
    for result in results {
        match result {
            Ok(c) if code == ExitCode::SUCCESS => code = c,
            Ok(_) => {}
            Err(e) => {
                panic.get_or_insert(e);
            }
        }
    }
    if let Some(e) = panic {
        match e {
            TaskError::Panicked(payload) => resume_unwind(payload),
            TaskError::Cancelled => unreachable!("a loop's main future is never cancelled"),
        }
    }
    code
}

/// The return types `#[aio::main(cores = N)]` accepts: those of `main`. The macro names
/// the body's return type in [`main_output`], so a wrong one is one error, on that type.
#[diagnostic::on_unimplemented(
    message = "`#[aio::main(cores = N)]` needs a return type `main` may have, not `{Self}`",
    label = "`main` returns `()`, `Result<(), E>`, `ExitCode`, ...: a type that implements `std::process::Termination`"
)]
#[doc(hidden)]
pub trait MainOutput: Termination {}

impl<T: Termination> MainOutput for T {}

/// How a loop of `#[aio::main(cores = N)]` reports its body's output.
#[doc(hidden)]
pub fn main_output<T: MainOutput>() -> fn(T) -> ExitCode {
    T::report
}

#[cfg(target_os = "linux")]
mod affinity {
    use std::io;
    use std::mem;

    /// Pins this thread, loop `i`'s, to the `i`-th CPU (modulo their number) of those it
    /// may run on: the caller's set, which a new thread inherits.
    pub(super) fn pin_loop(i: usize) -> Result<(), String> {
        let cpus = allowed_cpus().map_err(|e| format!("(reading the allowed CPUs failed: {e})"))?;
        // Never empty: the kernel runs this thread on one of them.
        let cpu = cpus[i % cpus.len()];
        pin_current_thread(cpu).map_err(|e| format!("to CPU {cpu}: {e}"))
    }

    /// The CPUs this thread may run on, in increasing order.
    fn allowed_cpus() -> io::Result<Vec<usize>> {
        // SAFETY: cpu_set_t is a plain bit array, valid when zeroed.
        let mut set: libc::cpu_set_t = unsafe { mem::zeroed() };
        // SAFETY: `set` is a valid, writable cpu_set_t of the size passed; pid 0 is
        // this thread.
        let r = unsafe { libc::sched_getaffinity(0, mem::size_of::<libc::cpu_set_t>(), &mut set) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: every index is below CPU_SETSIZE, the set's size in bits.
        Ok((0..libc::CPU_SETSIZE as usize)
            .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
            .collect())
    }

    /// Restricts this thread to `cpu`.
    fn pin_current_thread(cpu: usize) -> io::Result<()> {
        // SAFETY: as above.
        let mut set: libc::cpu_set_t = unsafe { mem::zeroed() };
        // SAFETY: `cpu` came from `allowed_cpus`, so it is below the set's size in bits.
        unsafe { libc::CPU_SET(cpu, &mut set) };
        // SAFETY: `set` is a valid cpu_set_t of the size passed; pid 0 is this thread.
        let r = unsafe { libc::sched_setaffinity(0, mem::size_of::<libc::cpu_set_t>(), &set) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

/// Elsewhere, pinning is not available: the threads are left to the OS scheduler.
#[cfg(not(target_os = "linux"))]
mod affinity {
    pub(super) fn pin_loop(_: usize) -> Result<(), String> {
        Ok(())
    }
}
