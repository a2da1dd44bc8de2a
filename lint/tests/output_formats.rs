//! The output formats end to end: snapshots of the human and JSON output on a small
//! fixture (reviewed by reading them), the JSON read the way rust-analyzer reads
//! `check.overrideCommand` output (as cargo `compiler-message`s through cargo_metadata),
//! SARIF checked structurally, colour, and columns on a line with a BOM, CRLF line endings,
//! tabs and non-ASCII characters, identical in every format.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-aio-lint");

/// A tokio crate: a blocking sleep after tabs and a non-ASCII string on a CRLF line (the
/// file starts with a BOM), an unused suppression, a file that does not parse.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n\n[package.metadata.aio-lint]\ndeny = [\"parse_error\"]\n",
    );
    write(
        "src/lib.rs",
        "\u{feff}//! Demo.\r\n\r\npub async fn nap() {\r\n\t\tlet _s = \"é\"; std::thread::sleep(std::time::Duration::from_millis(5));\r\n}\r\n\r\n// aio-lint: allow(blocking_fs)\r\npub fn quiet() {}\r\n",
    );
    write("src/bin/broken.rs", "fn main() {\n    let x = (;\n}\n");
    tmp
}

fn lint(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn redact(text: &str, root: &Path) -> String {
    text.replace(root.to_str().unwrap(), "[ROOT]")
}

#[test]
fn human_output_snapshot() {
    let tmp = fixture();
    let o = lint(tmp.path(), &["--color", "never", "src"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "parse_error is denied by the package's configuration"
    );
    insta::assert_snapshot!("human", String::from_utf8(o.stdout).unwrap());
}

#[test]
fn json_output_snapshot() {
    let tmp = fixture();
    let o = lint(tmp.path(), &["--message-format", "json", "src"]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    for line in text.lines() {
        // cargo's key order, on one line.
        assert!(
            line.starts_with(r#"{"reason":"compiler-message","package_id":"#),
            "{line}"
        );
        assert!(
            line.contains(r#","message":{"$message_type":"diagnostic","message":"#),
            "{line}"
        );
    }
    // One object per line, pretty-printed here only to make the snapshot reviewable.
    let pretty: Vec<String> = text
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["message"]["code"]["explanation"] = serde_json::json!("(the rule's docs)");
            serde_json::to_string_pretty(&v).unwrap()
        })
        .collect();
    insta::assert_snapshot!("json", redact(&pretty.join("\n"), tmp.path()));
}

#[test]
fn json_is_read_by_cargo_metadata_as_rust_analyzer_does() {
    let tmp = fixture();
    let o = lint(tmp.path(), &["--message-format", "json", "src"]);
    let text = String::from_utf8(o.stdout).unwrap();
    let mut messages = Vec::new();
    for line in text.lines() {
        // rust-analyzer's flycheck deserialises each line as a cargo `Message` and keeps
        // `CompilerMessage`s; it reads package_id, then the rustc diagnostic.
        match serde_json::from_str::<cargo_metadata::Message>(line).unwrap() {
            cargo_metadata::Message::CompilerMessage(m) => messages.push(m),
            other => panic!("not a compiler message: {other:?}"),
        }
    }
    assert_eq!(messages.len(), 3, "{text}");
    let sleep = messages
        .iter()
        .find(|m| m.message.code.as_ref().unwrap().code == "aio::blocking_sleep")
        .unwrap();
    assert!(
        sleep.package_id.repr.ends_with("#demo@0.1.0"),
        "{}",
        sleep.package_id.repr
    );
    assert_eq!(sleep.target.name, "demo");
    assert_eq!(
        sleep.message.level,
        cargo_metadata::diagnostic::DiagnosticLevel::Warning
    );
    let span = &sleep.message.spans[0];
    assert!(span.is_primary);
    assert_eq!(span.file_name, "src/lib.rs");
    // `\t\tlet _s = "é"; ` is 16 characters (17 bytes) before the call.
    assert_eq!((span.line_start, span.column_start), (4, 17));
    let src = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    assert!(
        src[span.byte_start as usize..span.byte_end as usize].starts_with("std::thread::sleep(")
    );
    assert_eq!(
        span.text[0].text,
        "\t\tlet _s = \"é\"; std::thread::sleep(std::time::Duration::from_millis(5));"
    );
    let help = sleep
        .message
        .children
        .iter()
        .find(|c| c.level == cargo_metadata::diagnostic::DiagnosticLevel::Help)
        .unwrap();
    assert!(
        help.spans[0]
            .suggested_replacement
            .as_deref()
            .unwrap()
            .contains("tokio::time::sleep"),
        "{help:?}"
    );
    assert!(
        sleep
            .message
            .rendered
            .as_deref()
            .unwrap()
            .starts_with("warning[aio::blocking_sleep]: ")
    );
    let broken = messages
        .iter()
        .find(|m| m.message.spans[0].file_name == "src/bin/broken.rs")
        .unwrap();
    assert_eq!(
        broken.message.level,
        cargo_metadata::diagnostic::DiagnosticLevel::Error
    );
    assert_eq!(
        broken.target.name, "broken",
        "the bin target whose source is the file"
    );
}

#[test]
fn columns_agree_in_every_format() {
    let tmp = fixture();
    let github =
        String::from_utf8(lint(tmp.path(), &["--message-format", "github", "src/lib.rs"]).stdout)
            .unwrap();
    assert!(github.contains("::warning file=src/lib.rs,line=4,col=17,endLine=4,endColumn=72,title=aio%3A%3Ablocking_sleep::"), "{github}");
    let human =
        String::from_utf8(lint(tmp.path(), &["--color", "never", "src/lib.rs"]).stdout).unwrap();
    assert!(human.contains("src/lib.rs:4:17"), "{human}");
    let sarif: serde_json::Value = serde_json::from_slice(
        &lint(tmp.path(), &["--message-format", "sarif", "src/lib.rs"]).stdout,
    )
    .unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            region["startLine"].as_u64(),
            region["startColumn"].as_u64(),
            region["endColumn"].as_u64()
        ),
        (Some(4), Some(17), Some(72))
    );
    // The unused suppression on line 7, after a CRLF: its rule name starts at column 20.
    assert!(
        github.contains(
            "file=src/lib.rs,line=7,col=20,endLine=7,endColumn=31,title=aio%3A%3Aunused_suppression"
        ),
        "{github}"
    );
}

#[test]
fn sarif_is_structurally_valid() {
    let tmp = fixture();
    let o = lint(tmp.path(), &["--message-format", "sarif", "src"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "aio-lint");
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() >= 3);
    for r in rules {
        assert!(r["id"].is_string() && r["shortDescription"]["text"].is_string());
        assert!(
            r["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## What it does"),
            "{r}"
        );
        assert!(
            ["warning", "error", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(["warning", "error"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("src/")
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().unwrap() >= 1, "{key} in {loc}");
        }
    }
    let fixes = results
        .iter()
        .find(|r| r["ruleId"] == "blocking_sleep")
        .unwrap()["fixes"]
        .clone();
    assert!(
        fixes[0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .contains("tokio::time::sleep")
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let tmp = fixture();
    let always = lint(tmp.path(), &["--color", "always", "src/lib.rs"]).stdout;
    assert!(
        always.windows(2).any(|w| w == b"\x1b["),
        "ANSI escapes expected"
    );
    // stdout is a pipe here, so `auto` means no colour.
    let auto = lint(tmp.path(), &["src/lib.rs"]).stdout;
    assert!(!auto.contains(&0x1b));
    let never = lint(tmp.path(), &["--color", "never", "src/lib.rs"]).stdout;
    assert_eq!(auto, never);
}

#[test]
fn json_outside_any_package_uses_the_documented_stand_in() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("lone-file.rs"),
        "async fn f() { std::thread::sleep(D); }\n",
    )
    .unwrap();
    let o = lint(tmp.path(), &["--message-format", "json", "lone-file.rs"]);
    let line = String::from_utf8(o.stdout).unwrap();
    let m = match serde_json::from_str::<cargo_metadata::Message>(line.trim_end()).unwrap() {
        cargo_metadata::Message::CompilerMessage(m) => m,
        other => panic!("{other:?}"),
    };
    let dir = tmp.path().to_str().unwrap();
    assert_eq!(m.package_id.repr, format!("path+file://{dir}#0.0.0"));
    assert_eq!(m.target.name, "lone_file");
    assert_eq!(m.target.src_path.as_str(), format!("{dir}/lone-file.rs"));
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["manifest_path"], format!("{dir}/Cargo.toml"));
}
