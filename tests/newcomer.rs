//! aio as a newcomer meets it: every public function, method, type and macro of the
//! runtime has an example; every example of the README and the docs builds in a crate
//! whose only dependency is `aio`; the compiler's hints lead to `aio`'s own paths; the
//! README stands on its own.
//!
//! The scratch crate lives in `target/aio-newcomer/` (its own target dir, so its build
//! never waits on the workspace's lock; the first build checks aio's dependencies once,
//! later ones only what changed). It is built `--offline` from a copy of the workspace's
//! `Cargo.lock`: everything it needs was fetched for the workspace already.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The lines of a source file that can declare public API: not its `#[cfg(test)]`
/// module, and not the inside of a private inline module (`mod sealed { .. }`), whose
/// `pub` items no other crate can name. Other lines are blanked, keeping line numbers.
fn api_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines.truncate(end);
    let mut depth: Option<i32> = None;
    for line in &mut lines {
        let t = line.trim_start();
        if depth.is_none() && t.starts_with("mod ") && t.ends_with('{') {
            depth = Some(0);
        }
        if let Some(d) = &mut depth {
            *d += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            let closed = *d <= 0;
            line.clear();
            if closed {
                depth = None;
            }
        }
    }
    lines
}

/// What a line declares, if it is a public item: `fn name`, `struct Name`, `macro name!`.
fn public_item(lines: &[String], i: usize) -> Option<String> {
    let line = lines[i].trim_start();
    let mut rest = line.strip_prefix("pub ")?;
    for qualifier in ["async ", "const ", "unsafe "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    for kind in ["fn ", "struct ", "enum ", "trait ", "type "] {
        if let Some(name) = rest.strip_prefix(kind) {
            let name: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            return Some(format!("{}{name}", kind));
        }
    }
    None
}

/// The doc comment and attributes right above line `i`.
fn doc_above(lines: &[String], i: usize) -> Vec<&str> {
    lines[..i]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("///") || l.starts_with("#[") || l.starts_with("//"))
        .collect()
}

fn is_hidden(doc: &[&str]) -> bool {
    doc.contains(&"#[doc(hidden)]")
}

/// A Rust block that `cargo test --doc` compiles and runs: ```, ```rust or
/// ```should_panic, not ```no_run, ```ignore, ```compile_fail or ```text. Fences pair
/// up, so a block's closing ``` is not taken for the opening of another.
fn has_example(doc: &[&str]) -> bool {
    // `doc` runs upwards from the item: read it top down.
    let fences = doc.iter().rev().filter_map(|l| {
        l.strip_prefix("///")
            .and_then(|d| d.trim().strip_prefix("```"))
    });
    let mut open = false;
    for info in fences {
        if !open
            && info
                .split(',')
                .all(|a| matches!(a.trim(), "" | "rust" | "should_panic"))
        {
            return true;
        }
        open = !open;
    }
    false
}

/// Each public item of the runtime, and each attribute macro, without an example, as
/// `file:line: item`. (A proc-macro crate exports only the functions of its `lib.rs`.)
fn items_without_example() -> (usize, Vec<String>) {
    let mut seen = 0;
    let mut missing = Vec::new();
    let mut files = rust_files(&root().join("runtime/src"));
    files.push(root().join("macros/src/lib.rs"));
    for path in files {
        let lines = api_lines(&path);
        for i in 0..lines.len() {
            let item = if let Some(item) = public_item(&lines, i) {
                item
            } else if lines[i].trim() == "#[macro_export]" {
                let name = lines[i + 1].trim().strip_prefix("macro_rules! ").unwrap();
                format!("macro {}", name.trim_end_matches(" {"))
            } else {
                continue;
            };
            let doc = doc_above(&lines, i);
            if is_hidden(&doc) {
                continue;
            }
            seen += 1;
            if !has_example(&doc) {
                let rel = path.strip_prefix(root()).unwrap().display().to_string();
                missing.push(format!("{rel}:{}: {item}", i + 1));
            }
        }
    }
    (seen, missing)
}

#[test]
fn every_public_item_of_the_runtime_and_every_macro_has_an_example() {
    let (seen, missing) = items_without_example();
    // A floor, so that a scanner that stopped seeing items cannot pass.
    assert!(
        seen > 180,
        "only {seen} public items found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "{} of {seen} public functions, methods, types and macros have no example \
         (a ``` block in their doc comment that `cargo test --doc` runs: not no_run, \
         ignore or text):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_scan_sees_items_and_examples_as_rustdoc_does() {
    let lines: Vec<String> = [
        "/// Doc.",
        "///",
        "/// ```",
        "/// aio::run(async {});",
        "/// ```",
        "#[track_caller]",
        "pub async fn documented() {}",
        "/// No example.",
        "pub(crate) fn internal() {}",
        "#[doc(hidden)]",
        "pub struct Hidden;",
        "",
        "pub const fn bare() {}",
        "/// ```no_run",
        "/// aio::run(async {});",
        "/// ```",
        "pub fn compiled_only() {}",
        "/// ```text",
        "/// output",
        "/// ```",
        "pub fn text_only() {}",
        "/// ```rust,should_panic",
        "/// aio::spawn(async {});",
        "/// ```",
        "pub fn runs() {}",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(public_item(&lines, 6).as_deref(), Some("fn documented"));
    assert!(has_example(&doc_above(&lines, 6)));
    assert_eq!(public_item(&lines, 8), None);
    assert!(is_hidden(&doc_above(&lines, 10)));
    assert_eq!(public_item(&lines, 12).as_deref(), Some("fn bare"));
    assert!(!has_example(&doc_above(&lines, 12)));
    assert!(!has_example(&doc_above(&lines, 16)));
    assert!(!has_example(&doc_above(&lines, 20)));
    assert!(has_example(&doc_above(&lines, 24)));

    let dir = std::env::temp_dir().join(format!("aio-newcomer-scan-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("m.rs");
    fs::write(
        &file,
        "pub fn a() {}\nmod sealed {\n    pub trait T {\n        fn f() {}\n    }\n}\n\
         pub fn b() {}\n#[cfg(test)]\nmod tests {\n    pub fn c() {}\n}\n",
    )
    .unwrap();
    let api = api_lines(&file);
    let items: Vec<_> = (0..api.len())
        .filter_map(|i| public_item(&api, i))
        .collect();
    assert_eq!(items, ["fn a", "fn b"]);
    fs::remove_dir_all(&dir).unwrap();
}

// ---- the examples, in a crate that depends on aio alone --------------------------------

/// One code block of documentation: where it is, and its code as a crate would see it.
struct Example {
    origin: String,
    code: String,
}

/// The Rust code blocks of `///` and `//!` comments in `path`, with rustdoc's hidden
/// lines (`# ...`) shown and the runtime crate's alias line (`# use aio_runtime as
/// aio;`) removed: that line is how the runtime's own doctests write `aio::`.
fn doc_examples(path: &Path) -> Vec<Example> {
    let text = fs::read_to_string(path).unwrap();
    let rel = path.strip_prefix(root()).unwrap().display().to_string();
    let mut out = Vec::new();
    let mut block: Option<(usize, String, bool)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let Some(doc) = t.strip_prefix("///").or_else(|| t.strip_prefix("//!")) else {
            if t.starts_with("#[doc") {
                // A line built by a macro (the queue methods): the block cannot be
                // extracted as written; `examples_name_aio_only` checks its lines.
                if let Some((_, _, rust)) = &mut block {
                    *rust = false;
                }
                continue;
            }
            block = None; // a block never continues past the comment
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        match &mut block {
            None => {
                if let Some(info) = doc.trim().strip_prefix("```") {
                    let rust = info.is_empty()
                        || info
                            .split(',')
                            .all(|a| matches!(a.trim(), "rust" | "no_run" | "should_panic"));
                    block = Some((i + 1, String::new(), rust));
                }
            }
            Some((start, code, rust)) => {
                if doc.trim() == "```" {
                    if *rust {
                        out.push(Example {
                            origin: format!("{rel}:{start}"),
                            code: std::mem::take(code),
                        });
                    }
                    block = None;
                    continue;
                }
                let shown = match doc.strip_prefix('#') {
                    Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                        rest.strip_prefix(' ').unwrap_or(rest)
                    }
                    _ => doc,
                };
                if shown.trim() != "use aio_runtime as aio;" {
                    code.push_str(shown);
                    code.push('\n');
                }
            }
        }
    }
    out
}

/// The ```rust blocks of a Markdown file.
fn markdown_examples(path: &Path) -> Vec<Example> {
    let text = fs::read_to_string(path).unwrap();
    let rel = path.strip_prefix(root()).unwrap().display().to_string();
    let mut out = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut block {
            None if line.trim() == "```rust" => block = Some((i + 1, String::new())),
            None => {}
            Some((start, code)) => {
                if line.trim() == "```" {
                    out.push(Example {
                        origin: format!("{rel}:{start}"),
                        code: std::mem::take(code),
                    });
                    block = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    out
}

fn all_examples() -> Vec<Example> {
    let mut files = rust_files(&root().join("runtime/src"));
    files.push(root().join("macros/src/lib.rs"));
    files.push(root().join("src/lib.rs"));
    let mut out: Vec<Example> = files.iter().flat_map(|f| doc_examples(f)).collect();
    out.extend(markdown_examples(&root().join("README.md")));
    out
}

#[test]
fn examples_name_aio_only() {
    let examples = all_examples();
    assert!(
        examples.len() > 180,
        "only {} examples found",
        examples.len()
    );
    let foreign = [
        "aio_runtime",
        "aio_macros",
        "futures::",
        "futures_util",
        "futures_core",
    ];
    let bad: Vec<String> = examples
        .iter()
        .filter(|e| foreign.iter().any(|f| e.code.contains(f)))
        .map(|e| e.origin.clone())
        .collect();
    // The hyper examples (the README's section, `aio::hyper`'s docs) are built with the
    // dependencies the README's hyper section lists, no others.
    let hyper: Vec<&Example> = examples.iter().filter(|e| uses_hyper(e)).collect();
    assert!(
        hyper.len() >= 8,
        "only {} hyper examples found",
        hyper.len()
    );
    for e in &hyper {
        assert!(
            e.origin.starts_with("README.md") || e.origin.starts_with("runtime/src/hyper.rs"),
            "{}: an example naming hyper outside the README's hyper section and aio::hyper",
            e.origin
        );
    }
    assert!(
        bad.is_empty(),
        "examples naming another crate than aio: {bad:?}"
    );
    // The doc comments built with #[doc = ...] (the queue methods, written once for the
    // three queue kinds) are not extracted above: check their lines here.
    for path in rust_files(&root().join("runtime/src")) {
        for (i, line) in fs::read_to_string(&path).unwrap().lines().enumerate() {
            let t = line.trim_start();
            if (t.starts_with("#[doc") || t.starts_with("///"))
                && foreign.iter().any(|f| t.contains(f))
                && !t.ends_with("# use aio_runtime as aio;")
            {
                panic!("{}:{}: {t}", path.display(), i + 1);
            }
        }
    }
}

/// Whether an example is about hyper: those may name `hyper` and `http_body_util` too,
/// the crates the README's hyper section says to add; every other example names `aio`
/// alone (`examples_name_aio_only`).
fn uses_hyper(e: &Example) -> bool {
    e.code.contains("hyper")
}

/// The `[dependencies]` of the scratch crate: the README's hyper section, as written
/// there, with `aio` taken from this workspace instead of crates.io. The examples that
/// do not use hyper name no crate but `aio`, so for them this is aio alone (with its
/// `hyper` feature on, which only adds the `aio::hyper` module they do not name).
fn hyper_dependencies() -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme
        .find("## HTTP with hyper")
        .expect("the README has a section 'HTTP with hyper'")..];
    let start = section.find("```toml\n").expect("with a ```toml block") + 8;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    assert!(block.starts_with("[dependencies]\n"), "{block}");
    let aio = format!("path = {:?}", root().display().to_string());
    let mut replaced = 0;
    let deps: String = block
        .lines()
        .map(|line| {
            if line.starts_with("aio = ") && line.contains("version = \"0.1\"") {
                replaced += 1;
                format!("{}\n", line.replace("version = \"0.1\"", &aio))
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert_eq!(replaced, 1, "the block names aio once, by version: {block}");
    deps
}

/// The scratch crate's directory, written afresh (sources only; its target dir stays).
fn scratch_crate() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target"));
        let dir = target.join("aio-newcomer").join("crate");
        // No library: each target below builds on its own, so that one failing to
        // compile (on purpose) does not stop the others.
        let _ = fs::remove_dir_all(dir.join("src"));
        let _ = fs::remove_dir_all(dir.join("examples"));
        let _ = fs::remove_dir_all(dir.join("tests"));
        for sub in ["examples", "tests"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let manifest = format!(
            "[package]\nname = \"aio-newcomer\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n{}\n[workspace]\n",
            hyper_dependencies()
        );
        fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

        // Every example as a module: one with its own `fn main` keeps it, the others
        // become the body of one (as rustdoc wraps them).
        let mut lib = String::from(
            "//! Every example of aio's README and docs, built with aio as the only \
             dependency.\n#![allow(unused, dead_code, clippy::all)]\n\nfn main() {}\n",
        );
        for (n, e) in all_examples().iter().enumerate() {
            let _ = writeln!(lib, "\n// {}\nmod example_{n} {{", e.origin);
            if e.code.contains("fn main(") {
                lib.push_str(&e.code);
            } else {
                let _ = write!(lib, "pub fn main() {{\n{}}}\n", e.code);
            }
            lib.push_str("}\n");
        }
        fs::write(dir.join("examples/docs.rs"), lib).unwrap();

        // Mistakes whose compiler errors must lead somewhere.
        fs::write(
            dir.join("examples/missing_stream_ext.rs"),
            "#[aio::generator]\nasync fn numbers() -> u32 {\n    yield_!(1);\n}\n\n\
             #[aio::main]\nasync fn main() {\n    let mut n = numbers();\n    \
             while let Some(x) = n.next().await {\n        println!(\"{x}\");\n    }\n}\n",
        )
        .unwrap();
        fs::write(
            dir.join("tests/test_above_aio_test.rs"),
            "#[test]\n#[aio::test]\nasync fn adds() {\n    assert_eq!(1 + 1, 2);\n}\n",
        )
        .unwrap();
        dir
    })
}

/// `cargo check` of the scratch crate with `args`.
fn cargo_check(args: &[&str]) -> Output {
    let dir = scratch_crate();
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("check")
        .args(["--offline", "--quiet", "--message-format", "short"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.parent().unwrap().join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo check")
}

#[test]
fn a_crate_depending_only_on_aio_builds_every_example_of_the_readme_and_the_docs() {
    let out = cargo_check(&["--example", "docs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the examples do not build with aio alone (see {}/examples/docs.rs):\n{stderr}",
        scratch_crate().display()
    );
}

#[test]
fn a_missing_stream_ext_is_fixed_by_the_import_the_compiler_suggests() {
    let out = cargo_check(&["--example", "missing_stream_ext"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    // --message-format short drops the suggestion: ask again in full.
    let full = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "check",
            "--offline",
            "--quiet",
            "--example",
            "missing_stream_ext",
        ])
        .current_dir(scratch_crate())
        .env(
            "CARGO_TARGET_DIR",
            scratch_crate().parent().unwrap().join("target"),
        )
        .output()
        .unwrap();
    let full = String::from_utf8_lossy(&full.stderr);
    assert!(full.contains("use aio::StreamExt;"), "{full}");
    // The generator's type is shown by its public path, not `aio::__private`.
    assert!(full.contains("`impl Stream<Item = u32>`"), "{full}");
    assert!(!full.contains("__private"), "{full}");
}

#[test]
fn test_above_aio_test_is_rejected_by_rustc_before_aio_sees_it() {
    // #[test] expands first and rejects the async fn; #[aio::test] never sees it (the
    // README and #[aio::test]'s docs say so). In a non-test build, #[test] removes the
    // function and nothing is reported.
    let out = cargo_check(&["--test", "test_above_aio_test"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("async functions cannot be used for tests"),
        "{stderr}"
    );
}

// ---- the README stands on its own ------------------------------------------------------

#[test]
fn the_readme_links_nothing_outside_the_repository() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    for (i, line) in readme.lines().enumerate() {
        assert!(
            !line.contains("../") && !line.contains("shared/"),
            "README.md:{}: points outside the repository: {line}",
            i + 1
        );
        // Markdown links to files must name files of the repository.
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let target = &rest[at + 2..];
            let end = target.find(')').unwrap_or(target.len());
            let link = &target[..end];
            if !link.starts_with("http") && !link.starts_with('#') {
                let path = link.split('#').next().unwrap();
                assert!(
                    root().join(path).exists(),
                    "README.md:{}: link to a missing file: {link}",
                    i + 1
                );
            }
            rest = &target[end..];
        }
    }
}
