//! The files that let other projects run the linter in CI: the GitHub Action
//! (`action.yml`) and the pre-commit hooks (`.pre-commit-hooks.yaml` and the script they
//! run). Neither GitHub nor pre-commit runs here, so this checks what can be checked
//! locally: the action builds this repository's linter and runs it in GitHub's format,
//! every hook's entry exists and is executable, and the hook script runs the linter it
//! built with the arguments and files it is given.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

#[test]
fn the_action_builds_this_linter_and_reports_in_github_format() {
    let action = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    for needed in [
        "using: composite",
        "cargo install --locked --path \"$GITHUB_ACTION_PATH/lint\"",
        "cargo aio-lint --message-format github $AIO_LINT_ARGS",
        "cargo aio-lint --message-format sarif $AIO_LINT_ARGS",
        "github/codeql-action/upload-sarif",
        "if: inputs.sarif == 'true'",
    ] {
        assert!(action.contains(needed), "action.yml lacks `{needed}`");
    }
    // Inputs reach the shell through the environment, never spliced into the script.
    for line in action
        .lines()
        .filter(|l| l.trim_start().starts_with("run:"))
    {
        assert!(
            !line.contains("${{"),
            "an expression inside a script: {line}"
        );
    }
    // The flags it uses exist.
    let help = Command::new(env!("CARGO_BIN_EXE_cargo-aio-lint"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("--message-format") && help.contains("github") && help.contains("sarif"));
}

#[cfg(unix)]
#[test]
fn every_hook_entry_is_an_executable_script_that_runs_the_linter() {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .collect();
    let ids: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .collect();
    assert_eq!(ids, ["aio-lint", "aio-lint-fix"]);
    assert_eq!(entries.len(), ids.len());
    for entry in &entries {
        let script = entry.split_whitespace().next().unwrap();
        let path = repo().join(script);
        assert!(path.exists(), "{script} is missing");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{script} is not executable");
    }
    assert!(entries[1].ends_with(" --fix"));

    // The script runs the binary it built (here, the one cargo built for this test,
    // put where the script installs it) with the hook's arguments and the files.
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("lint/pre-commit-hook.sh");
    std::fs::create_dir_all(script.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("lint/pre-commit-hook.sh"), &script).unwrap();
    let bin = tmp.path().join("target/pre-commit/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_cargo-aio-lint"),
        bin.join("cargo-aio-lint"),
    )
    .unwrap();
    let file = tmp.path().join("a.rs");
    std::fs::write(
        &file,
        "async fn f() {}\npub async fn g() {\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n",
    )
    .unwrap();
    // Run through `sh`: executing a file this process has just written races with a fork
    // in another test's thread that still holds it open for writing (ETXTBSY).
    let out = Command::new("sh")
        .arg(&script)
        .args(["--message-format", "github"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::warning file=") && stdout.contains("aio%3A%3Ablocking_sleep"),
        "{stdout}"
    );
}
