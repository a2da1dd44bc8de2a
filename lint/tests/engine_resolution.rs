//! Name resolution, async context, spans and robustness of the per-file engine, through
//! the public API (`analyze_file`).

use std::path::Path;

use aio_lint::{Applicability, Diagnostic, FileOptions, LineCol, Runtime, analyze_file};

fn lint_with(src: &str, runtime: Runtime) -> Vec<Diagnostic> {
    let options = FileOptions {
        runtime,
        ..FileOptions::default()
    };
    analyze_file(Path::new("src/lib.rs"), src, &options).diagnostics
}

fn lint(src: &str) -> Vec<Diagnostic> {
    lint_with(src, Runtime::Tokio)
}

fn rules_at(src: &str) -> Vec<(usize, &'static str)> {
    let mut v: Vec<_> = lint(src)
        .iter()
        .map(|d| (d.primary.span.start.line, d.rule))
        .collect();
    v.sort();
    v
}

#[test]
fn use_groups_renames_self_and_globs_resolve() {
    let src = r#"
use std::{fs::{self, File}, thread::{sleep as nap}};
use std::net::*;
async fn f() {
    fs::remove_file("x");
    File::create("y");
    nap(d);
    TcpStream::connect("a");
}
"#;
    assert_eq!(
        rules_at(src),
        vec![
            (5, "blocking_fs"),
            (6, "blocking_fs"),
            (7, "blocking_sleep"),
            (8, "blocking_net")
        ]
    );
}

#[test]
fn local_items_modules_and_bindings_shadow_std_names() {
    let src = r#"
use std::thread::*;
mod fs { pub async fn read_to_string(_: &str) -> String { String::new() } }
fn sleep(_: u64) {}
async fn f(clock: Clock) {
    sleep(1);
    fs::read_to_string("x").await;
    self::fs::read_to_string("y").await;
    clock.sleep(2);
    let spawn = |x: u32| x;
    spawn(3);
}
"#;
    assert_eq!(rules_at(src), vec![]);
}

#[test]
fn crate_and_super_paths_resolve_to_workspace_items() {
    let src = r#"
mod inner {
    pub fn pause() { std::thread::sleep(D); }
    pub mod deeper {
        pub async fn run() {
            super::pause();
            crate::inner::pause();
        }
    }
}
"#;
    let mut analyses = vec![analyze_file(
        Path::new("src/lib.rs"),
        src,
        &FileOptions::default(),
    )];
    aio_lint::link(&mut analyses);
    let lines: Vec<_> = analyses[0]
        .diagnostics
        .iter()
        .map(|d| (d.primary.span.start.line, d.rule))
        .collect();
    assert_eq!(lines, vec![(6, "blocking_sleep"), (7, "blocking_sleep")]);
}

#[test]
fn async_context_covers_async_blocks_closures_and_trait_fns_but_not_nested_fns() {
    let src = r#"
use std::thread::sleep;
fn sync_fn() {
    sleep(D);
    let fut = async { sleep(D) };
    let c = async || sleep(D);
}
trait T { async fn m(&self) { sleep(D); } }
impl S { async fn n(&self) { sleep(D); } }
async fn outer() {
    fn nested() { sleep(D); }
    const X: () = ();
    [1].iter().for_each(|_| sleep(D));
    let _ = Some(1).map_or_else(|| sleep(D), |_| ());
}
"#;
    assert_eq!(
        rules_at(src),
        vec![
            (5, "blocking_sleep"),
            (6, "blocking_sleep"),
            (8, "blocking_sleep"),
            (9, "blocking_sleep"),
            (13, "blocking_sleep"),
            (14, "blocking_sleep")
        ]
    );
}

#[test]
fn offload_closures_are_not_async_context() {
    let src = r#"
use std::thread::sleep;
async fn f(handle: tokio::runtime::Handle) {
    aio::to_thread(|| sleep(D)).await;
    aio::spawn_blocking(|| sleep(D)).await;
    tokio::task::spawn_blocking(|| sleep(D)).await;
    tokio::task::block_in_place(|| sleep(D));
    handle.spawn_blocking(|| sleep(D));
    std::thread::spawn(|| sleep(D));
    std::thread::Builder::new().name("x".into()).spawn(|| sleep(D));
    std::thread::scope(|s| { s.spawn(|| sleep(D)); });
    rayon::spawn(|| sleep(D));
    items.par_iter().map(|_| sleep(D)).count();
    smol::unblock(|| sleep(D)).await;
    blocking::unblock(|| sleep(D)).await;
    std::thread::spawn(|| async { sleep(D) });
}
"#;
    // The last one: an async block inside the thread is async context again.
    assert_eq!(rules_at(src), vec![(16, "blocking_sleep")]);
}

#[test]
fn a_closure_that_is_the_tail_of_a_block_argument_is_offloaded() {
    let src = r#"
use std::thread::sleep;
async fn f(t: std::sync::Arc<u8>) {
    std::thread::spawn({ let t = t.clone(); move || { sleep(D); drop(t) } });
    tokio::task::spawn_blocking({
        let t = t.clone();
        sleep(D);
        move || sleep(D)
    }).await;
    tokio::spawn({ let t = t.clone(); async move { sleep(D) } });
    not_an_offloader({ move || sleep(D) });
    std::thread::spawn({ let t = t.clone(); make(sleep(D)) });
}
"#;
    // The block's own statements run here (line 7); so does an async block handed to a
    // spawner (line 10); a closure given to anything else may be called here (line 11).
    assert_eq!(
        rules_at(src),
        vec![
            (7, "blocking_sleep"),
            (10, "blocking_sleep"),
            (11, "blocking_sleep"),
            // A block whose tail is no closure runs here, tail included.
            (12, "blocking_sleep")
        ]
    );
}

#[test]
fn configured_blocking_and_offload_functions() {
    let src = r#"
use my_crate::io::slow_read;
async fn f() {
    slow_read();
    db.query_sync();
    my_pool::run(|| std::thread::sleep(D));
    pool.run_detached(|| std::thread::sleep(D));
    crate::conn::exec(q);
    crate::myconn::exec(q);
}
"#;
    // A configured path matches whole segments at its end: `conn::exec` is
    // `crate::conn::exec`, not `crate::myconn::exec`.
    let options = FileOptions {
        runtime: Runtime::Aio,
        extra_blocking: vec![
            "my_crate::io::slow_read".into(),
            "query_sync".into(),
            "conn::exec".into(),
        ],
        extra_offload: vec!["my_pool::run".into(), "run_detached".into()],
        ..FileOptions::default()
    };
    let d = analyze_file(Path::new("src/lib.rs"), src, &options).diagnostics;
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.primary.span.start.line, d.rule))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, "blocking_wait"),
            (5, "blocking_wait"),
            (8, "blocking_wait")
        ]
    );
}

#[test]
fn macros_are_linted_where_they_parse_with_real_spans() {
    let src = "async fn f() {\n    println!(\"{}\", std::fs::read_to_string(p).unwrap());\n    assert!(std::fs::exists(p).unwrap(), \"x {}\", 1);\n    let v = vec![std::fs::read(p); 2];\n    my_macro! { let x = std::fs::read(p); }\n    tracing::info!(target: \"t\", \"{}\", std::fs::read(p));\n}\n";
    let d = lint(src);
    let got: Vec<_> = d.iter().map(|d| (d.primary.span.start, d.rule)).collect();
    assert_eq!(
        got,
        vec![
            (
                LineCol {
                    line: 2,
                    column: 20
                },
                "blocking_fs"
            ),
            (
                LineCol {
                    line: 3,
                    column: 13
                },
                "blocking_fs"
            ),
            (
                LineCol {
                    line: 4,
                    column: 18
                },
                "blocking_fs"
            ),
            (
                LineCol {
                    line: 5,
                    column: 25
                },
                "blocking_fs"
            ),
        ]
    );
    let call = &src[d[0].primary.span.byte_start..d[0].primary.span.byte_end];
    assert_eq!(call, "std::fs::read_to_string(p)");
}

#[test]
fn spans_are_right_with_bom_crlf_and_tabs() {
    let src = "\u{feff}async fn f() {\r\n\t\u{e9}(); std::thread::sleep(d);\r\n}\r\n";
    let d = lint(src);
    assert_eq!(d.len(), 1);
    let s = d[0].primary.span;
    assert_eq!(&src[s.byte_start..s.byte_end], "std::thread::sleep(d)");
    assert_eq!(s.start, LineCol { line: 2, column: 7 });
    assert_eq!(
        s.end,
        LineCol {
            line: 2,
            column: 28
        }
    );
    let shebang = "#!/usr/bin/env rust-script\nasync fn f() { std::thread::sleep(d); }\n";
    let d = lint(shebang);
    assert_eq!(
        d[0].primary.span.start,
        LineCol {
            line: 2,
            column: 16
        }
    );
    assert_eq!(
        &shebang[d[0].primary.span.byte_start..d[0].primary.span.byte_end],
        "std::thread::sleep(d)"
    );
}

#[test]
fn help_and_suggestion_name_the_runtime_replacement() {
    let src = "async fn f() { std::thread::sleep(Duration::from_millis(5)); }";
    for (rt, help, repl) in [
        (
            Runtime::Tokio,
            "use `tokio::time::sleep(d).await`",
            Some("tokio::time::sleep(Duration::from_millis(5)).await"),
        ),
        (
            Runtime::Aio,
            "use `aio::sleep(d).await`",
            Some("aio::sleep(Duration::from_millis(5)).await"),
        ),
        (
            Runtime::AsyncStd,
            "use `async_std::task::sleep(d).await`",
            Some("async_std::task::sleep(Duration::from_millis(5)).await"),
        ),
        (
            Runtime::Smol,
            "use `smol::Timer::after(d).await`",
            Some("smol::Timer::after(Duration::from_millis(5)).await"),
        ),
        (
            Runtime::Unknown,
            "use the runtime's async sleep, e.g. `tokio::time::sleep(d).await`",
            None,
        ),
    ] {
        let d = lint_with(src, rt);
        assert_eq!(d[0].help.as_deref(), Some(help));
        let s = d[0].suggestion.as_ref().map(|s| s.replacement.as_str());
        assert_eq!(s, repl);
        if let Some(sug) = &d[0].suggestion {
            assert_eq!(sug.applicability, Applicability::MaybeIncorrect);
            assert_eq!(sug.span, d[0].primary.span);
        }
    }
}

#[test]
fn nested_block_on_suggests_awaiting_its_one_argument() {
    let one = lint("async fn f(rt: tokio::runtime::Runtime) { rt.block_on(fetch(1)); }");
    let s = one[0].suggestion.as_ref().map(|s| s.replacement.as_str());
    assert_eq!(s, Some("fetch(1).await"));
}

#[test]
fn parse_errors_are_one_diagnostic_at_the_error() {
    let d = lint("fn ok() {}\nasync fn broken( {\n    std::thread::sleep(d);\n}\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule, "parse_error");
    assert_eq!(d[0].primary.span.start.line, 2);
}

#[test]
fn pathological_nesting_never_overflows_the_stack() {
    let parens = format!(
        "fn f() {{ let x = {}1{}; }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let chain = format!("fn f() -> i32 {{ {} 1 }}", "1 + ".repeat(100_000));
    let unary = format!("fn f() -> bool {{ {}true }}", "!".repeat(50_000));
    let methods = format!("async fn f() {{ x{}; }}", ".m()".repeat(50_000));
    let brackets = "[".repeat(1_000_000);
    let generics = format!(
        "fn f(_: {}u8{}) {{}}",
        "Box<".repeat(20_000),
        ">".repeat(20_000)
    );
    // On a small stack, like the CLI's worker threads might have.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for src in [&parens, &chain, &unary, &methods, &brackets, &generics] {
                let d = lint(src);
                assert!(
                    d.len() <= 1,
                    "{:?}",
                    d.iter().map(|d| &d.message).collect::<Vec<_>>()
                );
                assert!(d.iter().all(|d| d.rule == "parse_error"));
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn item_allows_are_collected_with_the_item_span() {
    let src = "#[aio::allow(blocking_sleep, blocking_fs)]\nasync fn f() {\n    std::thread::sleep(d);\n}\nimpl S {\n    #[aio::allow(nested_block_on)]\n    async fn g(&self) {}\n}\n";
    let a = analyze_file(Path::new("src/lib.rs"), src, &FileOptions::default());
    let allows: Vec<_> = a
        .item_allows
        .iter()
        .map(|a| {
            let at = (a.at.start.line, a.at.start.column, a.at.end.column);
            (a.rule.as_str(), a.span.start.line, a.span.end.line, at)
        })
        .collect();
    assert_eq!(
        allows,
        vec![
            ("blocking_sleep", 1, 4, (1, 14, 28)),
            ("blocking_fs", 1, 4, (1, 30, 41)),
            ("nested_block_on", 6, 7, (6, 18, 33))
        ]
    );
    assert!(a.item_allows.iter().all(|a| a.report_unused));
    // The engine still reports; the CLI applies the allow.
    assert_eq!(a.diagnostics.len(), 1);
}

#[test]
fn allow_blocking_of_the_aio_attributes_allows_the_blocking_rules_only() {
    let src = "#[aio::coroutine(allow_blocking)]\nasync fn f() {}\n\
               #[aio::main(debug, allow_blocking = true)]\nasync fn main() {}\n\
               #[aio::test(allow_blocking)]\nasync fn t() {}\n\
               #[aio::test]\nasync fn u() {}\n\
               #[aio::coroutine(allow_blocking = false)]\nasync fn g() {}\n\
               #[tokio::test(allow_blocking)]\nasync fn h() {}\n\
               #[aio::main(debug, slow_poll_ms = 5)]\nasync fn k() {}\n";
    let a = analyze_file(Path::new("src/lib.rs"), src, &FileOptions::default());
    let mut per_line = std::collections::BTreeMap::<usize, Vec<&str>>::new();
    for allow in &a.item_allows {
        assert!(!allow.report_unused, "{allow:?}");
        assert_eq!(allow.at.start.line, allow.span.start.line);
        per_line
            .entry(allow.span.start.line)
            .or_default()
            .push(allow.rule.as_str());
    }
    let blocking = vec![
        "blocking_fs",
        "blocking_net",
        "blocking_process",
        "blocking_sleep",
        "blocking_wait",
        "nested_block_on",
    ];
    for rules in per_line.values_mut() {
        rules.sort_unstable();
    }
    assert_eq!(per_line.keys().copied().collect::<Vec<_>>(), [1, 3, 5]);
    assert!(per_line.values().all(|r| *r == blocking), "{per_line:?}");
    // `at` is the option itself.
    let at = &a.item_allows[0].at;
    assert_eq!((at.start.column, at.end.column), (18, 32));
}

#[test]
fn typed_receivers_only() {
    let src = r#"
use std::fs::File;
use std::io::Read;
async fn f(mut reader: impl Read, stream: std::net::TcpStream, names: Vec<String>) {
    reader.read_to_end(&mut v);
    let mut file = File::open("x").await;
    file.read_to_end(&mut v).await;
    names.join(",");
    let mut s = stream;
    let mut s2 = std::net::TcpStream::connect("a").unwrap();
    s2.read_to_end(&mut v);
}
"#;
    // `File::open(..).await` is an async File (awaited): not std's, and neither is its read.
    assert_eq!(
        rules_at(src),
        vec![(10, "blocking_net"), (11, "blocking_net")]
    );
}

#[test]
fn analysis_is_deterministic() {
    let src =
        "async fn f() { std::thread::sleep(d); std::fs::read(p); fetch(); }\nasync fn fetch() {}\n";
    let a = lint(src);
    for _ in 0..3 {
        assert_eq!(lint(src), a);
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "async fn f() {",
        "fn g(",
        ") {",
        "}",
        "{",
        "(",
        ")",
        "[",
        "]",
        "std::thread::sleep(d);",
        "use std::fs::*;",
        "let x = ",
        "x.await",
        ";",
        ",",
        "'a",
        "'\\u{1F600}'",
        "\"s\\\"\"",
        "r#\"{\"#",
        "/* ( */",
        "// {\n",
        "\n",
        "\r\n",
        "\t",
        "\u{feff}",
        "é",
        "tokio::select! { a = b => {} }",
        "m!(",
        "#[aio::allow(x)]",
        "impl S {",
        "if a {} else if b {}",
        "|| ",
        "!",
        "<",
        ">",
        "=>",
        "mod m {",
        "self.clock.sleep(d)",
        "fetch();",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_token_soup(picks in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let src: String = picks.iter().map(|&i| PIECES[i]).collect();
            for d in lint(&src) {
                let s = d.primary.span;
                prop_assert!(s.byte_start <= s.byte_end && s.byte_end <= src.len());
                prop_assert!(src.is_char_boundary(s.byte_start) && src.is_char_boundary(s.byte_end));
                prop_assert!(s.start.line >= 1 && s.start.column >= 1);
            }
        }
    }
}

#[test]
fn item_allows_are_read_on_every_kind_of_item() {
    let kinds = [
        "const C: u8 = 1;",
        "enum E { A }",
        "extern crate alloc;",
        "fn f() {}",
        "extern \"C\" {}",
        "impl S {}",
        "m! {}",
        "mod m {}",
        "static S: u8 = 1;",
        "struct S;",
        "trait T {}",
        "type A = u8;",
        "trait A = Sized;",
        "union U { a: u8 }",
        "use std::io;",
    ];
    for item in kinds {
        let src = format!("#[aio::allow(blocking_sleep)]\n{item}\n");
        let a = analyze_file(Path::new("src/lib.rs"), &src, &FileOptions::default());
        let allows: Vec<_> = a
            .item_allows
            .iter()
            .map(|a| (a.rule.as_str(), a.span.start.line, a.span.end.line))
            .collect();
        assert_eq!(allows, vec![("blocking_sleep", 1, 2)], "{item}");
    }
}

#[test]
fn an_item_in_an_async_body_is_not_async_context() {
    // The initializer of a static declared in an async fn runs wherever it is first used,
    // not in the fn; a closure in a const is a plain fn.
    let src = r#"
async fn f() -> usize {
    static TABLE: std::sync::LazyLock<Vec<u8>> =
        std::sync::LazyLock::new(|| std::fs::read("table").unwrap());
    const WAIT: fn() = || std::thread::sleep(std::time::Duration::from_secs(1));
    TABLE.len()
}
"#;
    assert_eq!(rules_at(src), vec![]);
}

#[test]
fn a_macro_in_a_module_of_a_body_cannot_use_the_body_s_future() {
    // `fut` is never awaited: the `log!` in the nested module cannot name it.
    let src = r#"
async fn f() {
    let fut = tokio::time::sleep(std::time::Duration::from_secs(1));
    mod inner {
        log! { fut }
    }
}
"#;
    assert_eq!(rules_at(src), vec![(3, "unawaited_future")]);
}

#[test]
fn shadowed_async_closures_and_module_paths_are_not_the_future() {
    // `f` is shadowed by a sync closure: calling it builds no future; `g` is still the
    // async closure. In `map(future::ready)`, `future` is the module, not the pending local.
    let src = r#"
use std::future;
async fn run() {
    let g = async || {};
    let f = async || {};
    let f = || 1;
    f();
    g();
    let future = tokio::time::sleep(std::time::Duration::from_secs(1));
    let _ready = [1, 2].map(future::ready);
}
"#;
    assert_eq!(
        rules_at(src),
        vec![(8, "unawaited_future"), (9, "unawaited_future")]
    );
}

#[test]
fn an_async_closure_s_block_is_an_async_body_for_the_flow_rules() {
    let src = r#"
async fn f(m: std::sync::Mutex<u8>) {
    let c = async || {
        let g = m.lock().unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        drop(g);
    };
    c().await;
}
"#;
    assert_eq!(rules_at(src), vec![(5, "lock_across_await")]);
}

#[test]
fn a_future_dropped_in_parentheses_is_still_dropped() {
    let src = r#"
async fn fetch() -> u8 { 1 }
async fn f() {
    (fetch());
    let _ = (fetch());
}
"#;
    assert_eq!(
        rules_at(src),
        vec![(4, "unawaited_future"), (5, "unawaited_future")]
    );
}

#[test]
fn only_mem_s_drop_drops_a_pending_future() {
    // `later::drop` is the crate's own fn that takes the future (to run it elsewhere):
    // passing it there uses it.
    let src = r#"
mod later { pub fn drop<F>(_f: F) {} }
async fn f() {
    let fut = tokio::time::sleep(std::time::Duration::from_secs(1));
    later::drop(fut);
    let gone = tokio::time::sleep(std::time::Duration::from_secs(1));
    std::mem::drop(gone);
}
"#;
    assert_eq!(rules_at(src), vec![(6, "unawaited_future")]);
}

#[test]
fn lookups_stop_at_an_inline_module() {
    // `inner` does not see the file's `sleep`: its own glob import (of a module of the
    // crate) names it.
    let src = r#"
use std::thread::sleep;
mod inner {
    use crate::pace::*;
    async fn f() {
        sleep(1);
    }
}
async fn g() {
    sleep(std::time::Duration::from_secs(1));
}
mod globbed {
    use std::fs::*;
    mod inner {
        use crate::pace::*;
        async fn f() {
            File::open("x");
        }
    }
}
"#;
    assert_eq!(rules_at(src), vec![(10, "blocking_sleep")]);
}

#[test]
fn a_nested_fn_does_not_see_the_locals_of_the_fn_around_it() {
    let src = r#"
use std::thread::sleep;
async fn outer() {
    let sleep = |_: u64| ();
    sleep(1);
    async fn inner() {
        sleep(std::time::Duration::from_secs(1));
    }
}
"#;
    assert_eq!(rules_at(src), vec![(7, "blocking_sleep")]);
}

#[test]
fn a_block_s_glob_import_resolves_for_the_per_file_checks() {
    // A block whose only name is a glob import is kept for the per-file checks, which
    // run after the walk.
    let src = r#"
async fn f() {
    use tokio::task::*;
    spawn(work()).await;
}
async fn g() {
    spawn(work()).await;
}
"#;
    assert_eq!(rules_at(src), vec![(4, "immediately_awaited_task")]);
}

#[test]
fn every_kind_of_item_shadows_a_glob_import() {
    // Each module's own item wins over the std name its glob brings in.
    let src = r#"
mod e { use std::fs::*; enum File { A } async fn f() { File::open("x"); } }
mod u { use std::fs::*; union File { a: u8 } async fn f() { File::open("x"); } }
mod t { use std::fs::*; trait File { fn open(_: &str); } async fn f() { File::open("x"); } }
mod a { use std::fs::*; type File = crate::Mine; async fn f() { File::open("x"); } }
mod c { use std::thread::*; const sleep: fn(u64) = crate::nap; async fn f() { sleep(1); } }
mod s { use std::thread::*; static sleep: fn(u64) = crate::nap; async fn f() { sleep(1); } }
mod k { use std::fs::*; async fn f() { File::open("x"); } }
"#;
    assert_eq!(rules_at(src), vec![(8, "blocking_fs")]);
}

#[test]
fn extern_crate_names_resolve_with_their_renames() {
    let src = r#"
extern crate std as stdlib;
extern crate tokio;
async fn f() {
    stdlib::thread::sleep(std::time::Duration::from_secs(1));
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}
"#;
    assert_eq!(rules_at(src), vec![(5, "blocking_sleep")]);
}
