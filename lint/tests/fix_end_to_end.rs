//! `--fix --unsafe-fixes` end to end on two small crates in a temporary workspace, one on
//! tokio and one on aio (this repository's facade, by path): both compile before the
//! fix (`cargo check --offline`), both still compile after it, and the linter then finds
//! nothing left to fix.
//!
//! The check needs the dependencies in cargo's cache (the workspace's own lock file is
//! copied in, so the versions are those the workspace already uses); without them the
//! test says so and passes. Its build goes to `target/fix-end-to-end` of this workspace,
//! so only the first run compiles the dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

const TOKIO_LIB: &str = r#"use std::time::Duration;

async fn fetch(id: u32) -> u32 {
    id
}

async fn log(_line: &str) {}

pub async fn handler(ids: Vec<u32>) -> std::io::Result<u32> {
    std::thread::sleep(Duration::from_millis(1));
    let text = std::fs::read_to_string("Cargo.toml")?;
    log(&text);
    let _ = log("done");
    let first = futures::executor::block_on(fetch(0));
    let task = tokio::spawn(fetch(1)).await.unwrap_or(0);
    let a = fetch(2).await;
    let b = fetch(3).await;
    let mut all = Vec::new();
    for id in ids {
        all.push(fetch(id).await);
    }
    // aio-lint: allow(blocking_net) nothing here uses the network
    Ok(first + task + a + b + all.iter().sum::<u32>())
}

pub async fn pump(mut rx: tokio::sync::mpsc::Receiver<u32>) -> u32 {
    let mut seen = 0;
    loop {
        tokio::select! {
            m = rx.recv() => match m {
                Some(m) => seen += m,
                None => break seen,
            },
            _ = tokio::time::sleep(Duration::from_millis(5)) => log("idle").await,
        }
    }
}
"#;

const AIO_LIB: &str = r#"use std::time::Duration;

async fn fetch(id: u32) -> u32 {
    id
}

async fn log(_line: &str) {}

pub async fn handler(ids: Vec<u32>) -> u32 {
    std::thread::sleep(Duration::from_millis(1));
    log("start");
    let first = aio::run(fetch(0));
    let task = aio::spawn(fetch(1)).await.unwrap_or(0);
    let a = fetch(2).await;
    let b = fetch(3).await;
    let mut all = Vec::new();
    for id in ids {
        let r = fetch(id).await;
        all.push(r);
    }
    first + task + a + b + all.iter().sum::<u32>()
}
"#;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `cargo check --offline` on the temporary workspace: `Ok(true)` compiled, `Ok(false)`
/// dependencies missing from the cache, `Err` compile errors.
fn cargo_check(root: &Path) -> Result<bool, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--workspace"])
        .current_dir(root)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/fix-end-to-end"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok(true)
    } else if stderr.contains("error[") || stderr.contains("could not compile") {
        Err(stderr)
    } else {
        eprintln!("skipped: the dependencies are not in cargo's cache:\n{stderr}");
        Ok(false)
    }
}

fn lint(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-aio-lint"))
        .args(args)
        .args(["on-tokio/src", "on-aio/src"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fixed_crates_still_compile_and_have_nothing_left_to_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let aio = workspace_root();
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"on-tokio\", \"on-aio\"]\nresolver = \"3\"\n",
    );
    std::fs::copy(aio.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    write(
        &root.join("on-tokio/Cargo.toml"),
        "[package]\nname = \"on-tokio\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\", \"fs\", \"macros\", \"sync\"] }\nfutures = \"0.3\"\n",
    );
    write(&root.join("on-tokio/src/lib.rs"), TOKIO_LIB);
    write(
        &root.join("on-aio/Cargo.toml"),
        &format!(
            "[package]\nname = \"on-aio\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\naio = {{ path = {:?} }}\n",
            aio.display().to_string()
        ),
    );
    write(&root.join("on-aio/src/lib.rs"), AIO_LIB);

    match cargo_check(root) {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => panic!("the crates do not compile before the fix:\n{e}"),
    }

    let (_, _, stderr) = lint(root, &["--fix", "--unsafe-fixes"]);
    assert!(!stderr.contains("internal error"), "{stderr}");
    let tokio_after = std::fs::read_to_string(root.join("on-tokio/src/lib.rs")).unwrap();
    let aio_after = std::fs::read_to_string(root.join("on-aio/src/lib.rs")).unwrap();
    for (name, before, after, gone) in [
        ("tokio", TOKIO_LIB, &tokio_after, "std::thread::sleep"),
        ("aio", AIO_LIB, &aio_after, "aio::run("),
    ] {
        assert_ne!(before, after.as_str(), "{name}: nothing was fixed");
        assert!(!after.contains(gone), "{name}: not fixed:\n{after}");
    }
    assert!(
        tokio_after.contains("tokio::pin!(timer);"),
        "the select! timer was not hoisted:\n{tokio_after}"
    );
    if let Err(e) = cargo_check(root) {
        panic!("the fixed crates do not compile:\n{e}\n{tokio_after}\n{aio_after}");
    }
    // Nothing fixable is left.
    let (code, diff, stderr) = lint(root, &["--diff", "--unsafe-fixes"]);
    assert_eq!((code, diff.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("aio-lint: 0 would be fixed"), "{stderr}");
}
