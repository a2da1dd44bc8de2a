//! The shape of the flow rules' diagnostics, through the public engine API: which text the
//! primary span covers, the secondary labels, the notes, and the help naming the crate's
//! runtime. (Which lines are flagged at all is `tests/fixtures/`'s job.)

use std::path::Path;

use aio_lint::{Diagnostic, FileOptions, Runtime, analyze_file};

fn lint(src: &str, runtime: Runtime) -> Vec<Diagnostic> {
    let options = FileOptions {
        runtime,
        ..FileOptions::default()
    };
    analyze_file(Path::new("src/lib.rs"), src, &options).diagnostics
}

fn only<'a>(diags: &'a [Diagnostic], rule: &str) -> &'a Diagnostic {
    let hits: Vec<_> = diags.iter().filter(|d| d.rule == rule).collect();
    assert_eq!(hits.len(), 1, "{rule}: {diags:#?}");
    hits[0]
}

fn text<'a>(src: &'a str, span: &aio_lint::Span) -> &'a str {
    &src[span.byte_start..span.byte_end]
}

const RUN: &str = r#"
async fn page() {
    let profile = fetch_profile(7).await;
    let news = fetch_news().await;
    let weather = fetch_weather().await;
    show(profile, news, weather);
}
"#;

#[test]
fn sequential_awaits_points_at_the_second_await_and_labels_the_others() {
    let diags = lint(RUN, Runtime::Tokio);
    let d = only(&diags, "sequential_awaits");
    assert_eq!(text(RUN, &d.primary.span), "fetch_news().await");
    let labels: Vec<&str> = d.secondary.iter().map(|l| text(RUN, &l.span)).collect();
    assert_eq!(labels, ["fetch_profile(7).await", "fetch_weather().await"]);
    assert!(
        d.message.starts_with("3 independent operations"),
        "{}",
        d.message
    );
    let help = d.help.as_deref().unwrap();
    assert!(
        help.contains("tokio::join!(fetch_profile(7), fetch_news(), fetch_weather())"),
        "{help}"
    );
}

#[test]
fn the_help_names_the_runtime_of_the_crate() {
    let help = |rt| {
        lint(RUN, rt)
            .into_iter()
            .find(|d| d.rule == "sequential_awaits")
            .unwrap()
            .help
            .unwrap()
    };
    assert!(
        help(Runtime::Aio)
            .contains("aio::gather!(fetch_profile(7), fetch_news(), fetch_weather()).await")
    );
    assert!(help(Runtime::Smol).contains("futures::join!("));
    assert!(help(Runtime::AsyncStd).contains("futures::join!("));

    let src = "async fn f(urls: Vec<u32>) { for u in urls { get(u).await; } }";
    let help = |rt| {
        only(&lint(src, rt), "sequential_await_in_loop")
            .help
            .clone()
            .unwrap()
    };
    assert!(
        help(Runtime::Aio).contains("aio::gather(iter).await"),
        "{}",
        help(Runtime::Aio)
    );
    let tokio = help(Runtime::Tokio);
    assert!(
        tokio.contains("futures::future::join_all") && tokio.contains("FuturesUnordered"),
        "{tokio}"
    );
    assert!(tokio.contains("buffer_unordered(n)"), "{tokio}");
}

#[test]
fn loop_finding_is_on_the_await_with_the_loop_header_labelled() {
    let src = "async fn f(urls: Vec<u32>) {\n    for u in urls {\n        let r = get(u).await;\n        keep(r);\n    }\n}\n";
    let diags = lint(src, Runtime::Tokio);
    let d = only(&diags, "sequential_await_in_loop");
    assert_eq!(text(src, &d.primary.span), "get(u).await");
    assert_eq!(text(src, &d.secondary[0].span), "for u in urls");
}

#[test]
fn lock_finding_labels_the_guard_and_names_it() {
    let src = "async fn f(m: &std::sync::Mutex<u32>) {\n    let g = m.lock().unwrap();\n    tick().await;\n    drop(g);\n}\n";
    let diags = lint(src, Runtime::Tokio);
    let d = only(&diags, "lock_across_await");
    assert_eq!(text(src, &d.primary.span), "tick().await");
    assert_eq!(
        text(src, &d.secondary[0].span),
        "let g = m.lock().unwrap();"
    );
    assert!(d.message.contains("`g`"), "{}", d.message);
    assert!(d.notes.iter().any(|n| n.contains("`g`")), "{:?}", d.notes);
    assert!(d.help.as_deref().unwrap().contains("tokio::sync::Mutex"));
}

#[test]
fn busy_wait_points_at_the_loop_header() {
    let src = "async fn f(flag: &std::sync::atomic::AtomicBool) {\n    while !flag.load(std::sync::atomic::Ordering::Acquire) {}\n}\n";
    let d = only(&lint(src, Runtime::Aio), "busy_wait").clone();
    assert_eq!(
        text(src, &d.primary.span),
        "while !flag.load(std::sync::atomic::Ordering::Acquire)"
    );
    assert!(d.help.unwrap().contains("aio::yield_now().await"));
}

#[test]
fn task_findings_point_at_the_await_and_the_call() {
    let src = "async fn f() {\n    let t = tokio::spawn(work());\n    t.await.unwrap();\n}\nfn g() {\n    smol::spawn(work());\n}\n";
    let diags = lint(src, Runtime::Tokio);
    let d = only(&diags, "immediately_awaited_task");
    assert_eq!(text(src, &d.primary.span), "t.await");
    assert_eq!(text(src, &d.secondary[0].span), "tokio::spawn(work())");
    let d = only(&diags, "dropped_task");
    assert_eq!(text(src, &d.primary.span), "smol::spawn(work())");
    assert!(d.help.as_deref().unwrap().contains(".detach()"));
}

#[test]
fn names_resolve_through_use_and_local_items_shadow() {
    // `use smol::spawn as go` is still smol's spawn; a local `spawn` fn is not.
    let src = "use smol::spawn as go;\nfn a() { go(work()); }\nmod m { fn spawn(x: u32) {} fn b() { spawn(1); } }\n";
    let diags = lint(src, Runtime::Smol);
    assert_eq!(
        diags.iter().filter(|d| d.rule == "dropped_task").count(),
        1,
        "{diags:#?}"
    );
}

#[test]
fn a_big_function_stays_fast() {
    // 3000 independent awaits in one block and a 3000-statement loop body: the checks are
    // linear in the block, so this takes milliseconds, not minutes.
    let mut src = String::from("async fn big(xs: Vec<u32>) {\n");
    for i in 0..3000 {
        src.push_str(&format!("    let v{i} = fetch({i}).await;\n"));
    }
    src.push_str("    for x in xs {\n");
    for i in 0..3000 {
        src.push_str(&format!("        let w{i} = x + {i};\n"));
    }
    src.push_str("        get(x).await;\n    }\n}\n");
    let start = std::time::Instant::now();
    let diags = lint(&src, Runtime::Tokio);
    assert!(diags.iter().any(|d| d.rule == "sequential_awaits"));
    assert!(diags.iter().any(|d| d.rule == "sequential_await_in_loop"));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn sequential_awaits_on_aio_keeps_the_question_mark_with_try_gather() {
    let d = only(&lint(RUN, Runtime::Aio), "sequential_awaits").clone();
    assert_eq!(
        d.help.as_deref(),
        Some(
            "run them concurrently: `aio::gather!(fetch_profile(7), fetch_news(), fetch_weather()).await`"
        )
    );
    let fallible = "async fn page() -> Result<()> {\n    let a = fetch_a().await?;\n    let b = fetch_b().await?;\n    show(a, b)\n}\n";
    let d = only(&lint(fallible, Runtime::Aio), "sequential_awaits").clone();
    assert_eq!(
        d.help.as_deref(),
        Some("run them concurrently: `aio::try_gather!(fetch_a(), fetch_b()).await?`")
    );
    // Only when every await is followed by `?`.
    let mixed = fallible.replace("fetch_b().await?", "fetch_b().await");
    let d = only(&lint(&mixed, Runtime::Aio), "sequential_awaits").clone();
    assert!(
        d.help.as_deref().unwrap().contains("aio::gather!("),
        "{:?}",
        d.help
    );
}
