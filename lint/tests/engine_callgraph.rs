//! The workspace pass (`link`): sync fns that block, reached from async context across
//! files, with the chain as a note; cross-file unawaited futures; precision on ambiguous
//! names; cycles and deep chains.

use std::path::Path;

use aio_lint::{Diagnostic, FileAnalysis, FileOptions, analyze_file, link};

fn workspace(files: &[(&str, &str)]) -> Vec<FileAnalysis> {
    let options = FileOptions::default();
    let mut analyses: Vec<_> = files
        .iter()
        .map(|(path, src)| analyze_file(Path::new(path), src, &options))
        .collect();
    link(&mut analyses);
    analyses
}

fn findings(analyses: &[FileAnalysis]) -> Vec<(String, usize, &'static str)> {
    let mut v: Vec<_> = analyses
        .iter()
        .flat_map(|a| {
            a.diagnostics.iter().map(move |d| {
                (
                    a.path.display().to_string(),
                    d.primary.span.start.line,
                    d.rule,
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// The findings of a workspace of one file, `src/lib.rs`.
fn lib_findings(src: &str) -> Vec<(String, usize, &'static str)> {
    findings(&workspace(&[("src/lib.rs", src)]))
}

fn only(analyses: &[FileAnalysis]) -> &Diagnostic {
    let all: Vec<_> = analyses.iter().flat_map(|a| &a.diagnostics).collect();
    assert_eq!(all.len(), 1, "{all:#?}");
    all[0]
}

#[test]
fn a_chain_across_files_is_reported_at_the_call_with_the_chain() {
    let a = workspace(&[
        (
            "src/handlers.rs",
            "use crate::api::pace;\n\nasync fn handle() {\n    pace();\n}\n",
        ),
        (
            "src/api.rs",
            "pub fn pace() {\n    wait_a_bit();\n}\n\nfn wait_a_bit() {\n    helper::nap();\n}\n\nmod helper {\n    pub fn nap() {\n        std::thread::sleep(std::time::Duration::from_millis(5));\n    }\n}\n",
        ),
    ]);
    let d = only(&a);
    assert_eq!(d.rule, "blocking_sleep");
    assert_eq!(d.primary.span.start.line, 4);
    assert_eq!(
        d.notes,
        vec!["calls `pace`, which calls `wait_a_bit`, which calls `nap`, which calls `std::thread::sleep` (src/api.rs:11)".to_string()]
    );
    assert!(d.message.contains("`pace`"), "{}", d.message);
}

#[test]
fn block_on_in_a_sync_helper_is_nested_block_on() {
    let a = workspace(&[
        (
            "src/lib.rs",
            "mod rt;\nasync fn serve() {\n    rt::run_sync();\n}\n",
        ),
        (
            "src/rt.rs",
            "pub fn run_sync() -> u32 {\n    futures::executor::block_on(async { 1 })\n}\n",
        ),
    ]);
    let d = only(&a);
    assert_eq!(d.rule, "nested_block_on");
    assert!(
        d.notes[0].ends_with("which calls `futures::executor::block_on` (src/rt.rs:2)"),
        "{:?}",
        d.notes
    );
}

#[test]
fn methods_resolve_by_unique_name_only() {
    let unique = workspace(&[(
        "src/lib.rs",
        "struct Store;\nimpl Store {\n    fn load_all(&self) { std::fs::read(\"x\"); }\n}\nasync fn f(s: Store) {\n    s.load_all();\n}\n",
    )]);
    assert_eq!(
        findings(&unique),
        vec![("src/lib.rs".into(), 6, "blocking_fs")]
    );

    // Two types with the same method name: ambiguous, silent.
    let twice = workspace(&[
        (
            "src/a.rs",
            "struct A;\nimpl A {\n    fn load_all(&self) { std::fs::read(\"x\"); }\n}\n",
        ),
        (
            "src/b.rs",
            "struct B;\nimpl B {\n    fn load_all(&self) {}\n}\nasync fn f(b: B) {\n    b.load_all();\n}\n",
        ),
    ]);
    assert_eq!(findings(&twice), vec![]);

    // A receiver of unknown type (a field, a generic) resolves by a unique name...
    let by_name = workspace(&[(
        "src/lib.rs",
        "struct Store;\nimpl Store {\n    fn load_all(&self) { std::fs::read(\"x\"); }\n}\nstruct App { store: Store }\nimpl App {\n    async fn f(&self) {\n        self.store.load_all();\n    }\n}\n",
    )]);
    assert_eq!(
        findings(&by_name),
        vec![("src/lib.rs".into(), 8, "blocking_fs")]
    );

    // ...but never by a name shared with std or common vocabulary (`get`, `set_len`,
    // `read_to_end`, ...): `m.get(&1)` on a map and `v.set_len(n)` on a `Vec` are not `C`'s.
    let common = workspace(&[(
        "src/lib.rs",
        "struct C { v: Vec<u8> }\nimpl C {\n    fn get(&self) { std::fs::read(\"x\"); }\n    fn set_len(&self) { std::fs::read(\"x\"); }\n}\nstruct D { m: std::collections::HashMap<u8, u8>, v: Vec<u8> }\nimpl D {\n    async fn f(&mut self) {\n        self.m.get(&1);\n        unsafe { self.v.set_len(0) };\n    }\n}\n",
    )]);
    assert_eq!(findings(&common), vec![]);

    // A receiver whose workspace type the code says (`self`, an annotated binding, a
    // constructor call) names its method by path, even a common name.
    let typed = workspace(&[(
        "src/lib.rs",
        "pub struct C;\nimpl C {\n    pub fn new() -> C { C }\n    fn get(&self) { std::fs::read(\"x\"); }\n    async fn own(&self) {\n        self.get();\n    }\n}\nasync fn f(c: &C) {\n    c.get();\n    let made = C::new();\n    made.get();\n}\n",
    )]);
    assert_eq!(
        findings(&typed),
        vec![
            ("src/lib.rs".into(), 6, "blocking_fs"),
            ("src/lib.rs".into(), 10, "blocking_fs"),
            ("src/lib.rs".into(), 12, "blocking_fs"),
        ]
    );
}

#[test]
fn offloaded_calls_and_sync_callers_do_not_count() {
    let a = workspace(&[(
        "src/lib.rs",
        "fn pace() { std::thread::sleep(D); }\nfn caller() { pace(); }\nfn offloads() { std::thread::spawn(|| pace()); }\nasync fn f() {\n    tokio::task::spawn_blocking(|| pace()).await;\n    offloads();\n    let c = caller;\n}\n",
    )]);
    assert_eq!(findings(&a), vec![]);
}

#[test]
fn cycles_terminate_and_deep_chains_are_followed() {
    let a = workspace(&[(
        "src/lib.rs",
        "fn ping(n: u32) { if n > 0 { pong(n - 1) } else { std::thread::sleep(D) } }\nfn pong(n: u32) { ping(n) }\nfn lonely_a() { lonely_b() }\nfn lonely_b() { lonely_a() }\nasync fn f() {\n    pong(3);\n    lonely_a();\n}\n",
    )]);
    assert_eq!(
        findings(&a),
        vec![("src/lib.rs".into(), 6, "blocking_sleep")]
    );

    let mut src = String::from("fn f0() { std::thread::sleep(D); }\n");
    for i in 1..500 {
        src.push_str(&format!("fn f{i}() {{ f{}(); }}\n", i - 1));
    }
    src.push_str("async fn top() {\n    f499();\n}\n");
    let deep = workspace(&[("src/lib.rs", &src)]);
    let d = only(&deep);
    assert_eq!(d.rule, "blocking_sleep");
    assert!(
        d.notes[0].starts_with("calls `f499`, which calls `f498`"),
        "{}",
        &d.notes[0][..80]
    );
    // Cut short after 65 hops, and said so.
    assert!(
        d.notes[0]
            .ends_with("which calls `f434`, ..., which calls `std::thread::sleep` (src/lib.rs:1)"),
        "{}",
        d.notes[0]
    );
    // A chain of exactly 65 hops is shown whole.
    let mut src = String::from("fn f0() { std::thread::sleep(D); }\n");
    for i in 1..66 {
        src.push_str(&format!("fn f{i}() {{ f{}(); }}\n", i - 1));
    }
    src.push_str("async fn top() {\n    f65();\n}\n");
    let whole = workspace(&[("src/lib.rs", &src)]);
    let note = &only(&whole).notes[0];
    assert!(
        note.ends_with(
            "which calls `f1`, which calls `f0`, which calls `std::thread::sleep` (src/lib.rs:1)"
        ),
        "{note}"
    );
}

#[test]
fn unawaited_futures_of_workspace_async_fns_across_files() {
    let a = workspace(&[
        (
            "src/db.rs",
            "pub struct Db;\nimpl Db {\n    pub async fn insert_row(&self) {}\n}\npub async fn connect_db() -> Db { Db }\n",
        ),
        (
            "src/main.rs",
            "use crate::db::connect_db;\nasync fn f(db: crate::db::Db) {\n    db.insert_row();\n    connect_db();\n    let unused = connect_db();\n    let used = connect_db();\n    used.await;\n    db.insert_row().await;\n    tokio::spawn(connect_db());\n}\n",
        ),
    ]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/main.rs".into(), 3, "unawaited_future"),
            ("src/main.rs".into(), 4, "unawaited_future"),
            ("src/main.rs".into(), 5, "unawaited_future"),
        ]
    );
}

#[test]
fn another_crate_of_the_workspace_is_matched_by_path() {
    let a = workspace(&[
        (
            "core/src/io.rs",
            "pub fn slurp() -> Vec<u8> { std::fs::read(\"x\").unwrap() }\n",
        ),
        (
            "app/src/main.rs",
            "async fn f() {\n    my_core::io::slurp();\n}\n",
        ),
    ]);
    assert_eq!(
        findings(&a),
        vec![("app/src/main.rs".into(), 2, "blocking_fs")]
    );
}

#[test]
fn an_awaited_method_never_resolves_by_name_to_a_sync_fn() {
    // A sync bridge type whose `write_all` blocks on a runtime, and async code that
    // awaits an async `write_all` of another type: the await says it is not the bridge's.
    let bridge = "struct Bridge;\nimpl Bridge {\n    fn write_all_now(&self) { futures::executor::block_on(async {}); }\n}\n";
    let awaited = workspace(&[
        ("src/bridge.rs", bridge),
        (
            "src/main.rs",
            "async fn f(file: File) {\n    file.write_all_now().await;\n}\n",
        ),
    ]);
    assert_eq!(findings(&awaited), vec![]);
    // Not awaited: the same call resolves, as before.
    let plain = workspace(&[
        ("src/bridge.rs", bridge),
        (
            "src/main.rs",
            "async fn f(b: Bridge) {\n    b.write_all_now();\n}\n",
        ),
    ]);
    assert_eq!(
        findings(&plain),
        vec![("src/main.rs".into(), 2, "nested_block_on")]
    );
}

fn packages(files: &[(&str, &str, Option<&str>)]) -> Vec<FileAnalysis> {
    let mut analyses: Vec<_> = files
        .iter()
        .map(|(path, src, package)| {
            let options = FileOptions {
                package: package.map(str::to_string),
                ..FileOptions::default()
            };
            analyze_file(Path::new(path), src, &options)
        })
        .collect();
    link(&mut analyses);
    analyses
}

#[test]
fn names_resolve_only_within_the_callers_package() {
    let blocker = "struct Store;\nimpl Store {\n    fn load_all(&self) { std::fs::read(\"x\"); }\n}\npub fn pace() { std::thread::sleep(std::time::Duration::from_millis(1)); }\n";
    let caller = "async fn f(s: S) {\n    s.load_all();\n    pace();\n}\n";
    // Two unrelated packages: neither the method name nor the bare fn name crosses over.
    let apart = packages(&[
        ("a/src/lib.rs", blocker, Some("a")),
        ("b/src/lib.rs", caller, Some("b")),
    ]);
    assert_eq!(findings(&apart), vec![]);
    // One package: both resolve.
    let together = packages(&[
        ("a/src/lib.rs", blocker, Some("a")),
        ("a/src/main.rs", caller, Some("a")),
    ]);
    assert_eq!(
        findings(&together),
        vec![
            ("a/src/main.rs".into(), 2, "blocking_fs"),
            ("a/src/main.rs".into(), 3, "blocking_sleep"),
        ]
    );
    // A path naming a sibling crate still resolves across packages, and `crate::` stays home.
    let paths = packages(&[
        (
            "core/src/io.rs",
            "pub fn slurp() { std::fs::read(\"x\"); }\n",
            Some("core"),
        ),
        ("app/src/io.rs", "pub fn slurp() {}\n", Some("app")),
        (
            "app/src/main.rs",
            "async fn f() {\n    my_core::io::slurp();\n    crate::io::slurp();\n}\n",
            Some("app"),
        ),
    ]);
    assert_eq!(
        findings(&paths),
        vec![("app/src/main.rs".into(), 2, "blocking_fs")]
    );
}

#[test]
fn trait_methods_never_resolve_by_name_alone() {
    // `SyncBridge` implements a std trait with a blocking body; `rx.read_to_end(..)` on some
    // other type (an async reader here) shares the name and must not be tied to it.
    let bridge = "pub struct SyncBridge;\nimpl std::io::Read for SyncBridge {\n    fn read(&mut self, _b: &mut [u8]) -> std::io::Result<usize> { Ok(0) }\n    fn read_to_end(&mut self, _b: &mut Vec<u8>) -> std::io::Result<usize> {\n        futures::executor::block_on(async { 0 });\n        Ok(0)\n    }\n}\n";
    let caller = "async fn f(rx: Reader) {\n    let mut buf = Vec::new();\n    tokio::spawn(rx.read_to_end(&mut buf));\n}\n";
    let ws = workspace(&[("src/bridge.rs", bridge), ("src/main.rs", caller)]);
    assert_eq!(findings(&ws), vec![]);
    // The same body in an inherent method with a name of its own is still followed.
    let inherent = "pub struct SyncBridge;\nimpl SyncBridge {\n    pub fn drain_all(&mut self) {\n        futures::executor::block_on(async { 0 });\n    }\n}\n";
    let caller = "async fn f(mut b: SyncBridge) {\n    b.drain_all();\n}\n";
    let ws = workspace(&[("src/bridge.rs", inherent), ("src/main.rs", caller)]);
    assert_eq!(
        findings(&ws),
        vec![("src/main.rs".into(), 2, "nested_block_on")]
    );
}

#[test]
fn a_path_into_a_known_library_never_links_to_workspace_code_of_the_same_shape() {
    // Without the known-crate check, `tokio::util::pause` would be taken for another
    // workspace crate's `crate::util::pause`, and `std::util::pause` like it.
    let src_util =
        "pub fn pause() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n";
    let a = workspace(&[
        (
            "src/lib.rs",
            "mod util;\nasync fn serve() {\n    tokio::util::pause();\n    std::util::pause();\n}\n",
        ),
        ("src/util.rs", src_util),
    ]);
    assert_eq!(findings(&a), vec![]);
    // The same call through another workspace crate's name is linked.
    let a = workspace(&[
        (
            "src/lib.rs",
            "mod util;\nasync fn serve() {\n    mine::util::pause();\n}\n",
        ),
        ("src/util.rs", src_util),
    ]);
    assert_eq!(
        findings(&a),
        vec![("src/lib.rs".to_string(), 3, "blocking_sleep")]
    );
}

#[test]
fn a_dropped_method_call_is_a_workspace_future_only_when_the_receiver_says_so() {
    // The workspace's `File::set_len` is async; `Vec::set_len` and a reader's
    // `read_to_end` are not, and a receiver of unknown type could be either.
    let file = "pub struct File { cache: Vec<u8> }\nimpl File {\n    pub fn open() -> File { File { cache: Vec::new() } }\n    pub async fn set_len(&self, _n: u64) {}\n    pub async fn read_to_end(&self) {}\n    pub async fn flush_cache(&self) {}\n}\n";
    let a = workspace(&[
        ("src/fs.rs", file),
        (
            "src/user.rs",
            "use crate::fs::File;\nfn sync_user(f: &File, mut v: Vec<u8>, r: &mut dyn std::io::Read) {\n    unsafe { v.set_len(0) };\n    r.read_to_end(&mut v);\n    f.set_len(1);\n    let g = File::new_empty();\n    let opened = File::open();\n    opened.read_to_end();\n    let h: File = make();\n    h.set_len(2);\n    thing().flush_cache();\n    other.cache.set_len(3);\n}\n",
        ),
    ]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/user.rs".into(), 5, "unawaited_future"),
            ("src/user.rs".into(), 8, "unawaited_future"),
            ("src/user.rs".into(), 10, "unawaited_future"),
            // A name no std type has, unique in the package: still resolved by name.
            ("src/user.rs".into(), 11, "unawaited_future"),
        ]
    );
}

#[test]
fn a_type_s_associated_fn_never_links_to_a_free_fn_of_the_same_name() {
    // hyper's `Request::get(uri)` is not the workspace's free `async fn get` of another
    // file; `api::get()` names a module `api` and does not reach `client::get` either.
    let a = workspace(&[
        (
            "src/client.rs",
            "pub async fn get() {}\npub async fn fetch_all() {}\n",
        ),
        (
            "src/user.rs",
            "fn f() {\n    http::Request::get(\"/\");\n    Request::get(\"/\");\n    api::get();\n    client::get();\n    remote::client::fetch_all();\n    crate::reexported::fetch_all();\n}\n",
        ),
    ]);
    // `crate::reexported::fetch_all` is this crate's (a re-export): its unique name decides.
    assert_eq!(
        findings(&a),
        vec![
            ("src/user.rs".into(), 5, "unawaited_future"),
            ("src/user.rs".into(), 6, "unawaited_future"),
            ("src/user.rs".into(), 7, "unawaited_future"),
        ]
    );
}

#[test]
fn a_package_s_findings_are_the_same_linted_alone_or_with_others() {
    // mini-redis's example awaits its own async `client::connect`; another crate of the run
    // has a sync `client::connect` that blocks. Linted together, the example's path must
    // still name mini-redis's fn (by the crate name in the package id), not the other one.
    let mini = [
        (
            "mini-redis/src/client.rs",
            "pub async fn connect(_a: &str) {}\n",
            Some("path+file:///v/mini-redis#0.4.1"),
        ),
        (
            "mini-redis/examples/hello.rs",
            "async fn main() {\n    mini_redis::client::connect(\"a\").await;\n    mini_redis::client::connect(\"b\");\n}\n",
            Some("path+file:///v/mini-redis#0.4.1"),
        ),
    ];
    let other = [
        (
            "redis/src/client.rs",
            "pub fn connect(a: &str) { std::net::TcpStream::connect(a); }\npub async fn serve() {\n    crate::client::connect(\"c\");\n}\n",
            Some("path+file:///v/redis#redis@0.32.7"),
        ),
        (
            "redis/src/lib.rs",
            "async fn ping(c: Conn) {\n    c.query_async();\n}\n",
            Some("path+file:///v/redis#redis@0.32.7"),
        ),
    ];
    let alone_mini = findings(&packages(&mini));
    let alone_other = findings(&packages(&other));
    assert_eq!(
        alone_mini,
        vec![("mini-redis/examples/hello.rs".into(), 3, "unawaited_future")]
    );
    assert_eq!(
        alone_other,
        vec![("redis/src/client.rs".into(), 3, "blocking_net")]
    );
    let both: Vec<_> = mini.iter().chain(&other).copied().collect();
    let mut apart = [alone_mini, alone_other].concat();
    apart.sort();
    assert_eq!(findings(&packages(&both)), apart);

    // A crate named by path in the run is still followed (a workspace's sibling crate).
    let siblings = packages(&[
        (
            "w/core/src/io.rs",
            "pub fn slurp() { std::fs::read(\"x\"); }\n",
            Some("path+file:///w/core#my-core@0.1.0"),
        ),
        (
            "w/app/src/main.rs",
            "async fn f() {\n    my_core::io::slurp();\n    other_core::io::slurp();\n    my_core::slurp();\n}\n",
            Some("path+file:///w/app#0.1.0"),
        ),
        (
            "w/core/tests/t.rs",
            "async fn t() {\n    my_core::slurp();\n}\n",
            Some("path+file:///w/core#my-core@0.1.0"),
        ),
    ]);
    // `my_core::slurp` is the crate's re-export of `io::slurp`, from a sibling or from the
    // crate's own tests.
    assert_eq!(
        findings(&siblings),
        vec![
            ("w/app/src/main.rs".into(), 2, "blocking_fs"),
            ("w/app/src/main.rs".into(), 4, "blocking_fs"),
            ("w/core/tests/t.rs".into(), 2, "blocking_fs"),
        ]
    );
}

#[test]
fn a_helper_that_blocks_under_a_bool_parameter_is_not_reported_where_the_literal_says_no() {
    let a = workspace(&[(
        "src/lib.rs",
        "fn iter(flag: u8, stall: bool) {\n    if stall {\n        std::thread::sleep(D);\n    }\n}\nfn fast(quick: bool) {\n    if !quick { std::thread::sleep(D) } else { std::fs::read(\"x\"); }\n}\nfn both(stall: bool) {\n    if stall { std::thread::sleep(D) }\n    std::fs::read(\"x\");\n}\nasync fn f(s: bool) {\n    iter(1, false);\n    iter(1, true);\n    iter(1, s);\n    fast(true);\n    both(false);\n}\nfn slow_unless(quick: bool) { if !quick { std::thread::sleep(D) } }\nasync fn g() { slow_unless(true); }\nasync fn h() { slow_unless(false); }\n",
    )]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/lib.rs".into(), 15, "blocking_sleep"),
            ("src/lib.rs".into(), 16, "blocking_sleep"),
            // `fast(true)` takes the `else` branch, which blocks too (`fast`'s first
            // blocking call is then under no single guard).
            ("src/lib.rs".into(), 17, "blocking_sleep"),
            ("src/lib.rs".into(), 18, "blocking_sleep"),
            ("src/lib.rs".into(), 22, "blocking_sleep"),
        ]
    );
    let notes: Vec<_> = a[0]
        .diagnostics
        .iter()
        .map(|d| d.notes[0].clone())
        .collect();
    assert!(
        notes[0].ends_with("(src/lib.rs:3) when its argument `stall` is `true`"),
        "{notes:?}"
    );
    assert!(notes[2].ends_with("(src/lib.rs:7)"), "{notes:?}");
    assert!(notes[3].ends_with("(src/lib.rs:10)"), "{notes:?}");
}

#[test]
fn methods_of_impls_on_references_and_parenthesized_types_resolve_by_receiver() {
    let a = workspace(&[(
        "src/lib.rs",
        "pub struct S;\nimpl (S) {\n    fn slow(&self) { std::thread::sleep(D) }\n}\npub trait Tr { fn also_slow(self); }\nimpl Tr for &S {\n    fn also_slow(self) { std::thread::sleep(D) }\n}\nasync fn f(s: S) {\n    s.slow();\n    s.also_slow();\n}\n",
    )]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/lib.rs".into(), 10, "blocking_sleep"),
            ("src/lib.rs".into(), 11, "blocking_sleep"),
        ]
    );
}

const DELAY: &str = "pub struct Delay;\n\
impl std::future::Future for Delay {\n\
    type Output = ();\n\
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {\n\
        std::task::Poll::Ready(())\n\
    }\n\
}\n";

#[test]
fn a_workspace_type_that_implements_future_is_a_future_across_files() {
    // The impl in one file, the type and its constructors in another, the calls in a third.
    let a = workspace(&[
        (
            "src/timer.rs",
            "pub struct Delay { pub ms: u64 }\n\
             impl Delay {\n    pub fn new(ms: u64) -> Self {\n        Delay { ms }\n    }\n}\n\
             pub fn delay(ms: u64) -> Delay {\n    Delay { ms }\n}\n",
        ),
        (
            "src/poll.rs",
            "use crate::timer::Delay;\n\
             impl Future for Delay {\n    type Output = ();\n    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {\n        std::task::Poll::Ready(())\n    }\n}\n",
        ),
        (
            "src/main.rs",
            "use crate::timer::{delay, Delay};\n\
             async fn run() {\n    delay(1);\n    let _ = Delay::new(2);\n    Delay { ms: 3 };\n    tokio::spawn(async { delay(4) });\n    delay(5).await;\n    Delay::new(6).await;\n}\n",
        ),
    ]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/main.rs".into(), 3, "unawaited_future"),
            ("src/main.rs".into(), 4, "unawaited_future"),
            ("src/main.rs".into(), 5, "unawaited_future"),
            ("src/main.rs".into(), 6, "unawaited_future"),
        ]
    );
    let mut messages: Vec<(usize, &str)> = a
        .iter()
        .flat_map(|a| &a.diagnostics)
        .map(|d| (d.primary.span.start.line, d.message.as_str()))
        .collect();
    messages.sort();
    let messages: Vec<&str> = messages.into_iter().map(|m| m.1).collect();
    assert_eq!(
        messages,
        vec![
            "the future returned by `delay` is dropped without being awaited",
            "the future returned by `new` is dropped without being awaited",
            "this `Delay` is a future (its type implements `Future`) and is dropped without being awaited",
            "the future returned by `delay` is the output of an async block or closure, never awaited in it",
        ]
    );
}

#[test]
fn a_type_is_a_future_only_in_the_package_whose_code_implements_it() {
    let caller = "use crate::Delay;\nfn delay() -> Delay {\n    Delay\n}\nasync fn run() {\n    delay();\n    let _ = Delay;\n    other::Delay;\n}\n";
    // The impl in another package: a `Delay` of the caller's crate is no future.
    let apart = packages(&[
        ("a/src/lib.rs", DELAY, Some("a")),
        (
            "b/src/lib.rs",
            &format!("pub struct Delay;\n{caller}"),
            Some("b"),
        ),
    ]);
    assert_eq!(findings(&apart), vec![]);
    // The same files as one package: both are futures (`other::Delay` names another crate).
    let together = packages(&[
        ("a/src/timer.rs", DELAY, Some("a")),
        (
            "a/src/lib.rs",
            &format!(
                "pub use crate::timer::Delay;\n{}",
                caller.replacen("use crate::Delay;\n", "use crate::timer::Delay;\n", 1)
            ),
            Some("a"),
        ),
    ]);
    assert_eq!(
        findings(&together),
        vec![
            ("a/src/lib.rs".into(), 7, "unawaited_future"),
            ("a/src/lib.rs".into(), 8, "unawaited_future"),
        ]
    );
}

const PROTO: &str = "use tokio::io::AsyncReadExt;\n\
pub struct Conn { sock: tokio::net::TcpStream }\n\
impl Conn {\n\
    pub async fn read_frame(&mut self) -> std::io::Result<u8> {\n\
        read_message(&mut self.sock).await\n\
    }\n\
    pub async fn peek(&mut self) -> u8 {\n\
        0\n\
    }\n\
}\n\
pub async fn read_message(sock: &mut tokio::net::TcpStream) -> std::io::Result<u8> {\n\
    let mut header = [0u8; 4];\n\
    sock.read_exact(&mut header).await?;\n\
    Ok(header[0])\n\
}\n\
pub async fn read_some(sock: &mut tokio::net::TcpStream) -> std::io::Result<usize> {\n\
    let mut buf = [0u8; 4];\n\
    sock.read(&mut buf).await\n\
}\n";

const SERVE: &str = "use crate::proto::{read_message, read_some, Conn};\n\
async fn serve(mut sock: tokio::net::TcpStream, mut conn: Conn, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
    loop {\n\
        tokio::select! {\n\
            r = read_message(&mut sock) => drop(r),\n\
            f = conn.read_frame() => drop(f),\n\
            p = conn.peek() => drop(p),\n\
            n = read_some(&mut sock) => drop(n),\n\
            _ = stop.recv() => break,\n\
        }\n\
    }\n\
}\n";

#[test]
fn a_select_branch_calling_a_cancel_unsafe_async_fn_of_another_file_is_reported() {
    let a = workspace(&[("src/proto.rs", PROTO), ("src/serve.rs", SERVE)]);
    assert_eq!(
        findings(&a),
        vec![
            ("src/serve.rs".into(), 5, "cancel_unsafe_select"),
            ("src/serve.rs".into(), 6, "cancel_unsafe_select"),
        ]
    );
    let notes: Vec<&str> = a
        .iter()
        .flat_map(|a| &a.diagnostics)
        .map(|d| d.notes[0].as_str())
        .collect();
    assert!(notes.contains(&"`read_message`, which awaits `read_exact` (src/proto.rs:13): the inner `read_exact` loses what it already transferred when it is dropped (tokio documents it as not cancel-safe)"), "{notes:#?}");
    assert!(notes.contains(&"`read_frame`, which awaits `read_message`, which awaits `read_exact` (src/proto.rs:13): the inner `read_exact` loses what it already transferred when it is dropped (tokio documents it as not cancel-safe)"), "{notes:#?}");
    let d = &a[1].diagnostics[0];
    assert_eq!(
        d.message,
        "`read_message` is not cancel-safe, and this `select!` branch creates it anew on every iteration of the loop"
    );
    // The branch is the call itself: no second label.
    assert!(d.secondary.is_empty(), "{d:#?}");
    assert!(d.help.as_deref().unwrap_or("").contains("outside the loop"));
}

#[test]
fn cancel_safety_is_followed_only_within_the_callers_package() {
    // The same files in two packages: `read_message` of another crate is not followed.
    let apart = packages(&[
        ("a/src/proto.rs", PROTO, Some("a")),
        ("b/src/serve.rs", SERVE, Some("b")),
    ]);
    assert_eq!(findings(&apart), vec![]);
    // One file holding both: the file's own check reports, and the workspace pass adds
    // nothing twice.
    let one = workspace(&[(
        "src/proto.rs",
        &format!(
            "{PROTO}{}",
            SERVE.replace("use crate::proto::{read_message, read_some, Conn};\n", "")
        ),
    )]);
    assert_eq!(
        findings(&one),
        vec![
            ("src/proto.rs".into(), 23, "cancel_unsafe_select"),
            ("src/proto.rs".into(), 24, "cancel_unsafe_select"),
        ]
    );
}

#[test]
fn a_cancel_unsafe_future_bound_and_pinned_in_the_iteration_is_followed_across_files() {
    let serve = "use crate::proto::{read_message, read_some};\n\
async fn serve(mut sock: tokio::net::TcpStream, mut other: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
    let once = read_message(&mut other);\n\
    tokio::pin!(once);\n\
    loop {\n\
        let m = read_message(&mut sock);\n\
        tokio::pin!(m);\n\
        let n = read_some(&mut sock);\n\
        tokio::select! {\n\
            r = &mut m => drop(r),\n\
            r = n => drop(r),\n\
            r = &mut once => drop(r),\n\
            _ = stop.recv() => break,\n\
        }\n\
    }\n\
}\n";
    let a = workspace(&[("src/proto.rs", PROTO), ("src/serve.rs", serve)]);
    assert_eq!(
        findings(&a),
        vec![("src/serve.rs".into(), 6, "cancel_unsafe_select")]
    );
    let d = &a[1].diagnostics[0];
    assert_eq!(d.secondary.len(), 1, "{d:#?}");
    assert_eq!(d.secondary[0].span.start.line, 10);
    assert_eq!(d.secondary[0].message, "the `select!` branch that polls it");
}

#[test]
fn only_what_an_async_fn_itself_awaits_counts_and_typed_receivers_are_followed() {
    let more = "use tokio::io::AsyncReadExt;\n\
use crate::proto::Conn;\n\
pub async fn relay(conn: &mut Conn) -> std::io::Result<u8> {\n\
    conn.read_frame().await\n\
}\n\
pub async fn spawner(mut s: tokio::net::TcpStream) {\n\
    let h = tokio::spawn(async move {\n\
        let mut b = [0u8; 4];\n\
        let _ = s.read_exact(&mut b).await;\n\
    });\n\
    let _ = h.await;\n\
}\n\
pub async fn closure_reader(s: &mut tokio::net::TcpStream) {\n\
    let f = async |s: &mut tokio::net::TcpStream| {\n\
        let mut b = [0u8; 4];\n\
        let _ = s.read_exact(&mut b).await;\n\
    };\n\
    f(s).await;\n\
}\n";
    let serve = "use crate::more::{closure_reader, relay, spawner};\n\
async fn serve(mut c: crate::proto::Conn, mut s: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
    loop {\n\
        tokio::select! {\n\
            r = relay(&mut c) => drop(r),\n\
            _ = spawner(other()) => {}\n\
            _ = closure_reader(&mut s) => {}\n\
            _ = stop.recv() => break,\n\
        }\n\
    }\n\
}\n";
    let a = workspace(&[
        ("src/proto.rs", PROTO),
        ("src/more.rs", more),
        ("src/serve.rs", serve),
    ]);
    let cancel: Vec<_> = findings(&a)
        .into_iter()
        .filter(|f| f.2 == "cancel_unsafe_select")
        .collect();
    assert_eq!(
        cancel,
        vec![("src/serve.rs".into(), 5, "cancel_unsafe_select")]
    );
    assert!(
        a[2].diagnostics[0].notes[0].starts_with("`relay`, which awaits `read_frame`, which awaits `read_message`, which awaits `read_exact` (src/proto.rs:13)"),
        "{:?}",
        a[2].diagnostics[0].notes
    );
}

#[test]
fn a_fn_declared_inside_a_method_is_a_plain_fn_of_its_module() {
    // `helper` is declared in the body of a method of `S`: it is not `S::helper`, the
    // method of the same name that does not block, and only the call to it is reported.
    for header in ["impl S", "impl Run for S"] {
        let src = format!(
            "pub struct S;\nimpl S {{\n    fn helper(&self) {{}}\n}}\n{header} {{\n    async fn run(&self) {{\n        fn helper() {{\n            std::thread::sleep(std::time::Duration::from_millis(5));\n        }}\n        helper();\n        self.helper();\n        S::helper(self);\n    }}\n}}\n"
        );
        let ws = workspace(&[("src/lib.rs", &src)]);
        assert_eq!(
            findings(&ws),
            vec![("src/lib.rs".into(), 10, "blocking_sleep")],
            "{header}"
        );
    }
}

#[test]
fn a_trait_s_methods_are_its_own_and_never_linked_by_name() {
    // An implementor's method and a default method share their name with every other
    // implementor: `self.inner.drain_all()` on a type the linter cannot see is not tied to
    // them. A default method is the trait's (`Drain::drain_all`), and a call by that path
    // is followed.
    let imp = "pub trait Drain { fn drain_all(&mut self); }\npub struct SyncBridge;\nimpl Drain for SyncBridge {\n    fn drain_all(&mut self) {\n        futures::executor::block_on(async { 0 });\n    }\n}\n";
    let default = "pub trait Drain {\n    fn drain_all(&mut self) {\n        futures::executor::block_on(async { 0 });\n    }\n}\n";
    let caller = "struct App { inner: Pipe }\nimpl App {\n    async fn f(&mut self) {\n        self.inner.drain_all();\n    }\n}\n";
    for bridge in [imp, default] {
        let ws = workspace(&[("src/bridge.rs", bridge), ("src/main.rs", caller)]);
        assert_eq!(findings(&ws), vec![], "{bridge}");
    }
    let by_path =
        "use crate::bridge::Drain;\nasync fn f(p: &mut Pipe) {\n    Drain::drain_all(p);\n}\n";
    let ws = workspace(&[("src/bridge.rs", default), ("src/main.rs", by_path)]);
    assert_eq!(
        findings(&ws),
        vec![("src/main.rs".into(), 3, "nested_block_on")]
    );
}

#[test]
fn an_item_in_a_sync_body_is_not_that_fn_s_work() {
    // `count` declares a const holding a closure that sleeps, and never calls it: calling
    // `count` does not sleep.
    let src = "fn count() -> u32 {\n    const WAIT: fn() = || std::thread::sleep(std::time::Duration::from_secs(1));\n    1\n}\nasync fn f() {\n    count();\n}\n";
    let ws = workspace(&[("src/lib.rs", src)]);
    assert_eq!(findings(&ws), vec![]);
}

#[test]
fn a_sync_fn_that_builds_an_async_block_or_closure_does_not_run_it() {
    // `make` and `make_closure` only build what calls `pace`: the blocking call is
    // reported where it runs, in the async block and the closure, not at their callers.
    let src = "fn pace() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\nfn make() -> impl std::future::Future<Output = ()> {\n    async { pace(); }\n}\nfn make_closure() {\n    let _c = async || { pace(); };\n}\nasync fn f() {\n    make().await;\n    make_closure();\n}\n";
    assert_eq!(
        lib_findings(src),
        vec![
            ("src/lib.rs".into(), 5, "blocking_sleep"),
            ("src/lib.rs".into(), 8, "blocking_sleep"),
        ]
    );
}

#[test]
fn an_awaited_method_on_a_receiver_of_unknown_type_is_followed_by_its_unique_name() {
    // `h.conn`'s type is not known here: `read_frame` is still the workspace's only one.
    let more = "pub struct Holder { pub conn: Box<dyn Send> }\n\
pub async fn via_field(h: &mut Holder) -> std::io::Result<u8> {\n\
    h.conn.read_frame().await\n\
}\n";
    let serve = "use crate::more::via_field;\n\
async fn serve(mut h: crate::more::Holder, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
    loop {\n\
        tokio::select! {\n\
            r = via_field(&mut h) => drop(r),\n\
            _ = stop.recv() => break,\n\
        }\n\
    }\n\
}\n";
    let a = workspace(&[
        ("src/proto.rs", PROTO),
        ("src/more.rs", more),
        ("src/serve.rs", serve),
    ]);
    assert_eq!(
        findings(&a),
        vec![("src/serve.rs".into(), 5, "cancel_unsafe_select")]
    );
}

#[test]
fn a_unit_struct_that_is_a_future_dropped_as_a_statement_is_reported() {
    let src = "pub struct Tick;\nimpl std::future::Future for Tick {\n    type Output = ();\n    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {\n        std::task::Poll::Ready(())\n    }\n}\nasync fn f() {\n    Tick;\n    Tick.await;\n}\n";
    assert_eq!(
        lib_findings(src),
        vec![("src/lib.rs".into(), 9, "unawaited_future")]
    );
}

#[test]
fn items_after_an_inline_module_belong_to_the_file_s_module() {
    // `a::helper` does not block; the file's `helper`, declared after `mod a` closes, does.
    let src = "mod a {\n    pub fn helper() {}\n}\nfn helper() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\nasync fn f() {\n    crate::helper();\n}\n";
    assert_eq!(
        lib_findings(src),
        vec![("src/lib.rs".to_string(), 8, "blocking_sleep")]
    );
}

#[test]
fn self_and_super_paths_in_inline_modules_resolve_in_their_module() {
    // Paths by `use` and in calls: `self::`, a module of the file by its name, and
    // `super::super::` past a module that has an item of the same name.
    let src = "fn helper() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n\
mod net {\n    pub fn connect() {\n        std::thread::sleep(std::time::Duration::from_secs(1));\n    }\n}\n\
use self::net::connect as by_self;\n\
use net::connect as by_name;\n\
mod a {\n    pub fn helper() {}\n    mod b {\n        use super::super::helper as up_two;\n        async fn f() {\n            super::super::helper();\n            up_two();\n        }\n    }\n}\n\
async fn g() {\n    by_self();\n    by_name();\n}\n";
    let found = lib_findings(src);
    let lines: Vec<usize> = found.iter().map(|f| f.1).collect();
    assert_eq!(lines, vec![16, 17, 22, 23], "{found:#?}");
}

#[test]
fn select_branches_in_inline_modules_resolve_self_and_super_in_their_module() {
    // A branch's callee is the one its path names where it is written: `self::` and
    // `super::` name the inline module's `read_message`, not the file's cancel-safe one.
    let src = "use tokio::io::AsyncReadExt;\n\
pub async fn read_message(sock: &mut tokio::net::TcpStream) -> std::io::Result<u8> {\n    Ok(sock.read_u8().await?)\n}\n\
pub mod inner {\n\
    use tokio::io::AsyncReadExt;\n\
    pub async fn read_message(sock: &mut tokio::net::TcpStream) -> std::io::Result<u8> {\n\
        let mut header = [0u8; 1];\n\
        sock.read_exact(&mut header).await?;\n\
        Ok(header[0])\n\
    }\n\
    async fn serve(mut sock: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
        loop {\n\
            tokio::select! {\n\
                r = self::read_message(&mut sock) => drop(r),\n\
                _ = stop.recv() => break,\n\
            }\n\
        }\n\
    }\n\
    mod deeper {\n\
        async fn serve(mut sock: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {\n\
            loop {\n\
                tokio::select! {\n\
                    r = super::read_message(&mut sock) => drop(r),\n\
                    _ = stop.recv() => break,\n\
                }\n\
            }\n\
        }\n\
    }\n\
}\n";
    assert_eq!(
        lib_findings(src),
        vec![
            ("src/lib.rs".into(), 15, "cancel_unsafe_select"),
            ("src/lib.rs".into(), 24, "cancel_unsafe_select"),
        ]
    );
}

#[test]
fn a_local_s_type_is_not_seen_past_an_item_of_its_name_or_a_fn_boundary() {
    // `query` is a method of two types: on a receiver of unknown type it resolves to
    // neither. `db` is typed by its constructor where it is bound, and nowhere else.
    let src = "pub struct Db;\n\
impl Db {\n    pub fn new() -> Db { Db }\n    pub async fn query(&self) {}\n}\n\
pub struct Other;\n\
impl Other {\n    pub fn query(&self) {}\n}\n\
static db: Other = Other;\n\
async fn f() {\n\
    let db = Db::new();\n\
    db.query();\n\
    {\n\
        use crate::db;\n\
        db.query();\n\
    }\n\
    async fn inner() {\n\
        db.query();\n\
    }\n\
}\n";
    assert_eq!(
        lib_findings(src),
        vec![("src/lib.rs".into(), 13, "unawaited_future")]
    );
}
