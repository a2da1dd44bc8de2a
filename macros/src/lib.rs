//! aio-macros: the attribute macros of aio — `#[aio::main]`, `#[aio::test]`,
//! `#[aio::coroutine]`, `#[aio::generator]` and `#[aio::allow]`.
//!
//! Each macro is three separate steps: *parse* the item and the attribute's options,
//! *validate* them (collecting every misuse as an error spanned on the offending tokens,
//! with a hint), and *expand*. On any error the macro still emits the item — the
//! original one for structural mistakes, the expansion when only an option or a
//! blocking call is wrong — followed by one `compile_error!` per problem, so that
//! rust-analyzer keeps completing inside the body.
//!
//! This crate never depends on the runtime: generated code names runtime items only
//! through `::aio::__private` (or `<path>::__private` with `crate = "path"`). The
//! blocking-call check of `#[aio::coroutine]` is the linter's own detection
//! (`aio_lint::embed`), not a copy of it.
//!
//! Use the macros through the facade (`#[aio::main]`, ...); the documentation of each
//! attribute below is what `aio`'s re-exports show. Its examples run as doctests
//! through the facade, a dev-dependency of this crate.
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod allow;
mod blocking;
mod coroutine;
mod diag;
mod entry;
mod function;
mod generator;
mod options;
mod params;

/// Runs an `async fn main` on a fresh aio event loop.
///
/// ```
/// #[aio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     aio::sleep(std::time::Duration::from_millis(1)).await;
///     Ok(())
/// }
/// ```
///
/// The function keeps its name, attributes, visibility and return type (`()` or any
/// `Result` that `main` may return); its body becomes a future that the runtime drives to
/// completion, like `asyncio.run(main())`.
///
/// As in `#[aio::coroutine]`, each blocking call in the body (`std::thread::sleep`,
/// `std::fs`, blocking `std::net`, a nested `aio::run`, ...) is a compile error on the
/// call, naming the async replacement.
///
/// Options, comma separated:
/// - `debug` (or `debug = true` / `debug = false`): force the runtime's debug mode on or
///   off; without it, `AIO_DEBUG=1` decides.
/// - `slow_poll_ms = N`: the debug-mode threshold for a poll that blocks the loop.
/// - `allow_blocking`: turn the blocking-call check off.
/// - `cores = N` (`#[aio::main]` only): run the body on `N` event loops, one per thread
///   (`0`: one per available core), as `aio::run_on_cores` does; see below.
/// - `crate = "path"`: where the `aio` crate is, if it was renamed in `Cargo.toml`.
///
/// With `cores = N`, each loop runs its own copy of the body (so each binds its own
/// listener, typically with `aio::net::TcpListener::bind_shared`, and the kernel spreads
/// the connections):
///
/// ```no_run
/// #[aio::main(cores = 2)]
/// async fn main() -> std::io::Result<()> {
///     let listener = aio::net::TcpListener::bind_shared("127.0.0.1:7878").await?;
///     loop {
///         let (stream, _) = listener.accept().await?;
///         aio::spawn(async move {
///             let (mut rd, mut wr) = (&stream, &stream);
///             let _ = aio::io::copy(&mut rd, &mut wr).await;
///         })
///         .detach();
///     }
/// }
/// ```
///
/// The body may return anything `main` may (`()`, `Result<(), E>`, ...), and the error
/// type need not be `Send`: each loop reports its own outcome on its own thread, as
/// `main` would (`Error: ...` on stderr), and the process exits with the first failing
/// loop's code. A panic on one loop is raised again once every loop has ended. The
/// function then returns `std::process::ExitCode`.
///
/// Errors: a non-`async` fn, parameters, generic parameters, unknown or repeated options,
/// blocking calls.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` test on its own fresh aio event loop.
///
/// ```
/// #[aio::test]
/// async fn sleeps() {
///     aio::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// # fn main() {}
/// ```
///
/// Emits `#[test]` itself: write `#[aio::test]` alone. Other attributes such as
/// `#[should_panic]` or `#[ignore]` pass through. Tests may return `Result`. Blocking
/// calls in the body are compile errors, as in [`macro@main`]. Options are those of
/// [`macro@main`]: `debug`, `slow_poll_ms = N`, `allow_blocking`, `crate = "path"`.
///
/// Errors: a non-`async` fn, parameters, generic parameters, a `#[test]` below
/// `#[aio::test]`, unknown or repeated options, blocking calls. A `#[test]` *above*
/// `#[aio::test]` runs first, before this macro can see the function, and rejects it with
/// rustc's own "async functions cannot be used for tests" (in `cargo build`, where
/// `#[test]` removes the function, nothing is reported at all): the fix is the same,
/// remove the `#[test]`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Test, args.into(), item.into()).into()
}

/// Turns an `async fn` into a function returning a named, lazy `aio::Coroutine`.
///
/// ```
/// #[aio::coroutine]
/// async fn fetch(url: &'static str) -> usize {
///     aio::sleep(std::time::Duration::from_millis(1)).await;
///     url.len()
/// }
///
/// # fn main() { aio::run(async {
/// let n = fetch("example.org").await; // runs it
/// assert_eq!(n, 11);
/// let task = aio::spawn(fetch("a")); // the task is named after the coroutine
/// assert_eq!(task.name(), "fetch");
/// # assert_eq!(task.await.unwrap(), 1);
/// # }) }
/// ```
///
/// The generated function is `#[track_caller]` and `#[must_use]`, and returns
/// `aio::Coroutine<impl Future<Output = T>>`, which records the function's name and
/// the caller's source location (for `aio::spawn`'s task name and the debug-mode report
/// of a coroutine that was never awaited). Nothing runs until it is awaited or spawned,
/// exactly as with the plain `async fn`. A `Coroutine` is an awaitable (`IntoFuture`),
/// like a Python coroutine object: `.await`, `aio::gather`, `aio::wait_for` and the other
/// aio combinators take it as it is, and awaiting it costs exactly what awaiting the plain
/// `async fn` costs; where a `Future` itself is required (`Box::pin`, another crate's
/// `join!`), `.into_future()` gives the inner future. Works on free functions and methods (`self`,
/// `&self`, `&mut self`, `self: Box<Self>`), with generics, lifetimes, `impl Trait`
/// arguments and where clauses; the returned coroutine captures every lifetime of the
/// arguments, as the `async fn`'s future did. Attributes, docs and visibility are kept.
///
/// At compile time, each blocking call in the body (`std::thread::sleep`, `std::fs`,
/// blocking `std::net`, `std::process::Command::output`, nested `aio::run`, ...) is an
/// error on the call, naming the async replacement. The detection is the linter's.
/// Closures handed to `aio::to_thread` or `std::thread::spawn` are exempt.
///
/// Options: `allow_blocking` turns the check off; `crate = "path"` as for
/// [`macro@main`].
#[proc_macro_attribute]
pub fn coroutine(args: TokenStream, item: TokenStream) -> TokenStream {
    coroutine::expand(args.into(), item.into()).into()
}

/// Turns an `async fn` that yields values into an async generator: a function returning
/// `impl Stream<Item = T>`.
///
/// The declared return type `T` of the `async fn` is the type of the *yielded items*
/// (the body itself ends with `()`). Inside the body, `yield_!(value)` yields a value:
///
/// ```
/// use aio::StreamExt; // .next(), .collect(), ...
///
/// #[aio::generator]
/// async fn mygen(b: u64, n: u32) -> u64 {
///     for i in 0..n {
///         yield_!(b.pow(i));
///     }
/// }
///
/// # fn main() { aio::run(async {
/// let powers: Vec<u64> = mygen(2, 5).collect().await; // [x async for x in mygen(2, 5)]
/// assert_eq!(powers, [1, 2, 4, 8, 16]);
/// let mut g = mygen(3, 2);
/// while let Some(x) = g.next().await { // async for x in mygen(3, 2)
///     println!("{x}");
/// }
/// # }) }
/// ```
///
/// `yield_!(value)` is rewritten into an await on the generator's channel before
/// rustc sees it, so the suspension happens right there, as at Python's `yield`. Rust's
/// own `yield value` syntax cannot be used: rustc 1.95 rejects it as unstable while
/// parsing, before any macro runs, so besides this macro's error naming `yield_!`, rustc's
/// E0658 is reported too and cannot be silenced. Only the generator's own body may yield:
/// a `yield_!` inside a closure or an `async` block in the body is an error (it could not
/// suspend the generator). Nested `fn` items are left alone.
///
/// Consume it with `while let Some(x) = s.next().await` or any other `aio::StreamExt`
/// method (`use aio::StreamExt;`).
///
/// Options: `crate = "path"` as for [`macro@main`]. Errors: a non-`async` fn, no return
/// type (the item type), a body that never yields.
#[proc_macro_attribute]
pub fn generator(args: TokenStream, item: TokenStream) -> TokenStream {
    generator::expand(args.into(), item.into()).into()
}

/// Silences aio-lint rules on an item: `#[aio::allow(blocking_sleep, busy_wait)]`.
///
/// ```
/// #[aio::allow(blocking_sleep)] // cargo aio-lint: this wait is deliberate
/// async fn calibrate() {
///     std::thread::sleep(std::time::Duration::from_millis(1));
/// }
/// # fn main() { aio::run(calibrate()) }
/// ```
///
/// The attribute emits the item unchanged; `cargo aio-lint` reads it from the source.
/// The macro only checks that its arguments are rule names (identifiers), listed once.
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    allow::expand(args.into(), item.into()).into()
}

#[cfg(test)]
mod tests {
    //! Expansion shapes, checked on the token level (the behaviour is tested by the
    //! trybuild suite and the facade's integration tests).

    use proc_macro2::TokenStream;
    use quote::quote;

    fn expand_all(args: TokenStream) -> Vec<String> {
        vec![
            crate::entry::expand(
                crate::entry::Kind::Main,
                args.clone(),
                quote!(
                    async fn main() {}
                ),
            ),
            crate::entry::expand(
                crate::entry::Kind::Test,
                args.clone(),
                quote!(
                    async fn t() {}
                ),
            ),
            crate::coroutine::expand(
                args.clone(),
                quote!(
                    async fn c(x: u8) -> u8 {
                        x
                    }
                ),
            ),
            crate::generator::expand(
                args,
                quote!(
                    async fn g() -> u8 {
                        yield_!(1);
                    }
                ),
            ),
        ]
        .into_iter()
        .map(|t| t.to_string())
        .collect()
    }

    #[test]
    fn runtime_items_only_through_private_of_the_chosen_crate() {
        for out in expand_all(TokenStream::new()) {
            assert!(out.contains(":: aio :: __private ::"), "{out}");
            assert!(!out.contains("compile_error"), "{out}");
        }
        for out in expand_all(quote!(crate = "my_rt")) {
            assert!(out.contains("my_rt :: __private ::"), "{out}");
            assert!(!out.contains("aio ::"), "{out}");
        }
    }

    #[test]
    fn coroutine_shape() {
        let out = crate::coroutine::expand(
            TokenStream::new(),
            quote!(
                pub async fn fetch<'a>(&'a self, url: &str) -> &'a str {
                    url
                }
            ),
        )
        .to_string();
        assert!(
            out.starts_with("# [track_caller] pub fn fetch < 'a >"),
            "{out}"
        );
        assert!(
            out.contains(
                "-> :: aio :: __private :: Coroutine < impl :: core :: future :: Future < Output = & 'a str > >"
            ),
            "{out}"
        );
        assert!(out.contains(":: aio :: __private :: Coroutine :: new (\"fetch\" , async move {"));
    }

    #[test]
    fn entry_shapes() {
        let main = crate::entry::expand(
            crate::entry::Kind::Main,
            quote!(debug, slow_poll_ms = 7),
            quote!(
                async fn main() -> Result<(), E> {
                    Ok(())
                }
            ),
        )
        .to_string();
        assert!(
            main.starts_with("fn main () -> Result < () , E > {"),
            "{main}"
        );
        assert!(main.contains("debug : :: core :: option :: Option :: Some (true)"));
        assert!(main.contains("slow_poll_ms : :: core :: option :: Option :: Some (7u64)"));
        let test = crate::entry::expand(
            crate::entry::Kind::Test,
            TokenStream::new(),
            quote!(
                #[should_panic]
                async fn t() {}
            ),
        )
        .to_string();
        assert!(
            test.starts_with("# [:: core :: prelude :: v1 :: test] # [should_panic] fn t ()"),
            "{test}"
        );
        assert!(test.contains("debug : :: core :: option :: Option :: None"));
    }

    #[test]
    fn main_on_cores_shape() {
        let main = crate::entry::expand(
            crate::entry::Kind::Main,
            quote!(cores = 4, debug),
            quote!(
                async fn main() -> Result<(), E> {
                    Ok(())
                }
            ),
        )
        .to_string();
        assert!(
            main.starts_with("fn main () -> :: std :: process :: ExitCode {"),
            "{main}"
        );
        assert!(
            main.contains("async fn __aio_body () -> Result < () , E >"),
            "{main}"
        );
        assert!(
            main.contains(":: aio :: __private :: run_on_cores_main (:: aio :: __private :: RunOptions { debug : :: core :: option :: Option :: Some (true)"),
            "{main}"
        );
        assert!(
            main.contains(
                ", 4 , __aio_body , :: aio :: __private :: main_output :: < Result < () , E > > ())"
            ),
            "{main}"
        );
        let unit = crate::entry::expand(
            crate::entry::Kind::Main,
            quote!(cores = 0),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(unit.contains("main_output :: < () > ()"), "{unit}");
        let plain = crate::entry::expand(
            crate::entry::Kind::Main,
            TokenStream::new(),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(
            !plain.contains("ExitCode") && !plain.contains("run_on_cores_main"),
            "{plain}"
        );
        let test = crate::entry::expand(
            crate::entry::Kind::Test,
            quote!(cores = 2),
            quote!(
                async fn t() {}
            ),
        )
        .to_string();
        assert!(
            test.contains("unknown option `cores` for `#[aio::test]`"),
            "{test}"
        );
        assert!(!test.contains("run_on_cores_main"), "{test}");
    }

    #[test]
    fn generator_shape() {
        let out = crate::generator::expand(
            TokenStream::new(),
            quote!(
                async fn g(n: u8) -> u8 {
                    yield_!(n);
                }
            ),
        )
        .to_string();
        assert!(
            out.starts_with("fn g (n : u8) -> impl :: aio :: __private :: Stream < Item = u8 >"),
            "{out}"
        );
        assert!(out.contains("__aio_yielder . yield_ (n) . await"), "{out}");
    }

    #[test]
    fn errors_keep_the_item() {
        let out = crate::coroutine::expand(
            TokenStream::new(),
            quote!(
                fn plain() -> u8 {
                    1
                }
            ),
        )
        .to_string();
        assert!(out.starts_with("fn plain () -> u8 { 1 }"), "{out}");
        assert!(out.contains("compile_error"), "{out}");
        let out = crate::allow::expand(
            quote!("x"),
            quote!(
                struct S;
            ),
        )
        .to_string();
        assert!(out.starts_with("struct S ;"), "{out}");
        assert!(out.contains("compile_error"), "{out}");
    }
}
