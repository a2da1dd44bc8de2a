//! `cargo aio-lint server` as an editor drives it: in memory through
//! `lsp_server::Connection::memory()` for the protocol, and the binary over stdio for the
//! exit codes. The fixtures give the same findings through the server as through the
//! command line.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;

use aio_lint::cli::{Ending, serve};
use lsp_server::{Connection, Message, Notification, Request, RequestId, ResponseError};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-aio-lint");

const SLEEPY: &str =
    "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n}\n";
const CLEAN: &str = "async fn handler() {\n    let _ = 1;\n}\n";

/// An editor talking to a server thread.
struct Client {
    conn: Connection,
    server: Option<JoinHandle<Ending>>,
    next_id: i32,
    /// Notifications seen while waiting for something else.
    seen: Vec<Notification>,
    /// Requests the server made of the client.
    asked: Vec<Request>,
}

impl Client {
    fn start() -> (Client, Value) {
        Client::start_with(json!({"capabilities": {}}))
    }

    fn start_with(init: Value) -> (Client, Value) {
        let (server, conn) = Connection::memory();
        let server = std::thread::spawn(move || serve(&server));
        let mut client = Client {
            conn,
            server: Some(server),
            next_id: 0,
            seen: Vec::new(),
            asked: Vec::new(),
        };
        let init = client.request("initialize", init);
        client.notify("initialized", json!({}));
        (client, init.expect("initialize succeeds"))
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn.sender.send(n.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.into(), params);
        self.conn.sender.send(r.into()).unwrap();
        loop {
            match self.conn.receiver.recv().expect("the server hung up") {
                Message::Response(r) if r.id == id => return r.response_result,
                Message::Notification(n) => self.seen.push(n),
                Message::Request(r) => self.asked.push(r),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next notification `method` (earlier ones seen first).
    fn next(&mut self, method: &str) -> Value {
        if let Some(i) = self.seen.iter().position(|n| n.method == method) {
            return self.seen.remove(i).params;
        }
        loop {
            match self.conn.receiver.recv().expect("the server hung up") {
                Message::Notification(n) if n.method == method => return n.params,
                Message::Notification(n) => self.seen.push(n),
                Message::Request(r) => self.asked.push(r),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let p = self.next("textDocument/publishDiagnostics");
        assert_eq!(p["uri"], uri);
        p["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
        );
    }

    fn change(&self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn shutdown_and_exit(mut self) -> Ending {
        let r = self.request("shutdown", json!(null));
        assert_eq!(r.ok(), Some(Value::Null));
        self.notify("exit", json!(null));
        self.server.take().unwrap().join().unwrap()
    }
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A crate in a temporary folder whose configuration denies `blocking_sleep`, with
/// `src/lib.rs` on disk holding `on_disk`.
fn project(on_disk: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n\n[package.metadata.aio-lint]\ndeny = [\"blocking_sleep\"]\n",
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("src")).unwrap();
    std::fs::write(tmp.path().join("src/lib.rs"), on_disk).unwrap();
    let uri = uri_of(&tmp.path().join("src/lib.rs"));
    (tmp, uri)
}

#[test]
fn initialize_announces_sync_code_actions_and_hover() {
    let (client, init) = Client::start();
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["save"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.aio-lint"])
    );
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "aio-lint");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn diagnostics_follow_the_buffer_through_open_change_save_close() {
    let (tmp, uri) = project(CLEAN);
    let (mut client, _) = Client::start();
    client.open(&uri, SLEEPY);
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "aio::blocking_sleep");
    assert_eq!(d[0]["source"], "aio-lint");
    assert_eq!(d[0]["severity"], 1, "denied in Cargo.toml: an error");
    assert!(
        d[0]["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("#rules")
    );
    assert_eq!(
        d[0]["range"],
        json!({"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 60}})
    );
    let message = d[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`std::thread::sleep` blocks"),
        "{message}"
    );
    assert!(
        message
            .contains("\nblocking call in async context\nhelp: use `tokio::time::sleep(d).await`"),
        "{message}"
    );

    // A full change to clean text clears them.
    client.change(&uri, 2, json!([{"text": CLEAN}]));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // An incremental change puts the sleep back in: `let _ = 1;` becomes the call.
    client.change(
        &uri,
        3,
        json!([{"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 14}},
                "text": "std::thread::sleep(std::time::Duration::from_millis(10));"}]),
    );
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 4}));

    // Saving re-lints the buffer, and now picks up a configuration edited on disk.
    std::fs::write(
        tmp.path().join("aio-lint.toml"),
        "warn = [\"blocking_sleep\"]\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], 2, "a warning now");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["diagnostics"], json!([]));
    assert_eq!(p["version"], Value::Null);
    // The server never writes the file.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap(),
        CLEAN
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn chain_notes_and_secondary_spans_are_related_information() {
    let (_tmp, uri) = project("");
    let (mut client, _) = Client::start();
    let text = "async fn handler() {\n    pace();\n}\n\nfn pace() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n\nasync fn fetch_profile(id: u64) -> u64 {\n    id\n}\nasync fn fetch_news() -> u64 {\n    2\n}\nasync fn two(id: u64) -> u64 {\n    let profile = fetch_profile(id).await;\n    let news = fetch_news().await;\n    profile + news\n}\n";
    client.open(&uri, text);
    let d = client.diagnostics(&uri);
    let by_code = |code: &str| {
        d.iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {d:?}"))
    };
    let chain = by_code("aio::blocking_sleep");
    let related = chain["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["message"].as_str().unwrap().starts_with("note: ")
                && r["location"]["uri"] == uri
                && r["location"]["range"] == chain["range"]),
        "{related:?}"
    );
    let seq = by_code("aio::sequential_awaits");
    let related = seq["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"]["line"] == 15
                && !r["message"].as_str().unwrap().starts_with("note: ")),
        "{related:?}"
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

/// Applies the inserts of a workspace edit for `uri` to `text` (the edits the server
/// makes are insertions at the start of a line).
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let edits = edit["changes"][uri].as_array().unwrap();
    for e in edits.iter().rev() {
        let range = &e["range"];
        assert_eq!(range["start"], range["end"], "an insertion");
        assert_eq!(range["start"]["character"], 0, "at the start of a line");
        let line = range["start"]["line"].as_u64().unwrap() as usize;
        lines.insert(line, e["newText"].as_str().unwrap().to_owned());
    }
    lines.concat()
}

#[test]
fn the_suppress_action_silences_the_finding() {
    let (_tmp, uri) = project("");
    let (mut client, _) = Client::start();
    let text = "async fn handler() {\n    if true {\n        std::thread::sleep(std::time::Duration::from_millis(10));\n    }\n}\n";
    client.open(&uri, text);
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1);
    // A cursor on the call, past the end of the line too: the same action.
    for range in [
        json!({"start": {"line": 2, "character": 10}, "end": {"line": 2, "character": 10}}),
        json!({"start": {"line": 2, "character": 9}, "end": {"line": 2, "character": 900}}),
    ] {
        let r = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": d}}),
        );
        let actions = r.unwrap();
        let actions = actions.as_array().unwrap();
        // The fix first (unsafe: tokio's `time` feature is not known to be on), then this.
        assert_eq!(actions.len(), 2, "{actions:?}");
        assert!(actions[0]["title"].as_str().unwrap().ends_with("(unsafe)"));
        let a = &actions[1];
        assert_eq!(a["title"], "Suppress aio::blocking_sleep on this line");
        assert_eq!(a["kind"], "quickfix");
        assert_eq!(a["diagnostics"][0]["code"], "aio::blocking_sleep");
        assert_eq!(
            a["edit"]["changes"][&uri][0]["newText"],
            "        // aio-lint: allow(blocking_sleep)\n"
        );
    }
    // No action away from the finding.
    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(r.ok(), Some(json!([])));

    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    );
    let fixed = apply(text, &r.unwrap()[1]["edit"], &uri);
    client.change(&uri, 2, json!([{"text": fixed}]));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "{fixed}");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

/// A crate in a temporary folder whose tokio has the `time` feature (so `blocking_sleep`'s
/// fix is safe), with `src/lib.rs` on disk holding `on_disk`.
fn tokio_project(on_disk: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"time\"] }\n",
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("src")).unwrap();
    std::fs::write(tmp.path().join("src/lib.rs"), on_disk).unwrap();
    let uri = uri_of(&tmp.path().join("src/lib.rs"));
    (tmp, uri)
}

/// Two safe fixes (`blocking_sleep`) around an unsafe one (`unawaited_future`).
const MIXED: &str = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n    ping();\n    std::thread::sleep(std::time::Duration::from_millis(20));\n}\n\nasync fn ping() {}\n";

/// A client that takes versioned workspace edits.
fn versioned_client() -> Client {
    Client::start_with(
        json!({"capabilities": {"workspace": {"workspaceEdit": {"documentChanges": true}}}}),
    )
    .0
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = pos["character"].as_u64().unwrap();
    let mut at = start;
    for c in text[start..].chars() {
        if units == 0 || c == '\n' {
            break;
        }
        units -= c.len_utf16() as u64;
        at += c.len_utf8();
    }
    at
}

/// Applies a versioned workspace edit for `uri` at `version` to `text`, as an editor does.
fn apply_versioned(text: &str, edit: &Value, uri: &str, version: i32) -> String {
    let changes = edit["documentChanges"].as_array().expect("versioned edits");
    assert_eq!(changes.len(), 1, "{edit}");
    assert_eq!(changes[0]["textDocument"]["uri"], uri);
    assert_eq!(changes[0]["textDocument"]["version"], version);
    let mut edits: Vec<(usize, usize, &str)> = changes[0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort();
    let mut out = text.to_owned();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, new);
    }
    out
}

fn code_actions(client: &mut Client, uri: &str, range: &Value, only: Option<Value>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = only;
    }
    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
    );
    r.unwrap().as_array().unwrap().clone()
}

fn rules_of(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn each_fix_is_a_quick_fix_safe_ones_preferred_unsafe_ones_titled() {
    let (tmp, uri) = tokio_project(CLEAN);
    let mut client = versioned_client();
    client.open(&uri, MIXED);
    let d = client.diagnostics(&uri);
    assert_eq!(
        rules_of(&d),
        [
            "aio::blocking_sleep",
            "aio::unawaited_future",
            "aio::blocking_sleep"
        ]
    );

    // The safe fix: preferred, before the suppression.
    let actions = code_actions(&mut client, &uri, &d[0]["range"], None);
    assert_eq!(actions.len(), 2, "{actions:?}");
    let fix = &actions[0];
    assert_eq!(
        fix["title"],
        "Fix aio::blocking_sleep: use `tokio::time::sleep(d).await`"
    );
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "aio::blocking_sleep");
    assert_eq!(actions[1]["isPreferred"], false, "the suppression");
    let fixed = apply_versioned(MIXED, &fix["edit"], &uri, 1);
    assert_eq!(
        fixed,
        MIXED.replacen(
            "std::thread::sleep(std::time::Duration::from_millis(10))",
            "tokio::time::sleep(std::time::Duration::from_millis(10)).await",
            1
        )
    );

    // The unsafe fix: titled so, never preferred.
    let actions = code_actions(&mut client, &uri, &d[1]["range"], None);
    assert_eq!(actions.len(), 2, "{actions:?}");
    let fix = &actions[0];
    let title = fix["title"].as_str().unwrap();
    assert!(title.starts_with("Fix aio::unawaited_future"), "{title}");
    assert!(title.ends_with(" (unsafe)"), "{title}");
    assert_eq!(fix["isPreferred"], false);
    assert_eq!(
        apply_versioned(MIXED, &fix["edit"], &uri, 1),
        MIXED.replace("    ping();", "    ping().await;")
    );

    // Only what `context.only` asks for.
    let only_source = code_actions(&mut client, &uri, &d[0]["range"], Some(json!(["source"])));
    assert_eq!(only_source.len(), 1, "{only_source:?}");
    assert_eq!(only_source[0]["kind"], "source.fixAll.aio-lint");
    let only_quick = code_actions(&mut client, &uri, &d[0]["range"], Some(json!(["quickfix"])));
    assert_eq!(only_quick.len(), 2, "{only_quick:?}");
    assert!(only_quick.iter().all(|a| a["kind"] == "quickfix"));
    for other in [
        json!(["refactor"]),
        json!(["source.organizeImports"]),
        json!(["quick"]),
    ] {
        assert_eq!(
            code_actions(&mut client, &uri, &d[0]["range"], Some(other.clone())),
            Vec::<Value>::new(),
            "{other}"
        );
    }

    // Taking the safe fix clears its finding, and only it.
    client.change(&uri, 2, json!([{"text": fixed}]));
    let d = client.diagnostics(&uri);
    assert_eq!(
        rules_of(&d),
        ["aio::unawaited_future", "aio::blocking_sleep"],
        "{fixed}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap(),
        CLEAN,
        "the file on disk is untouched"
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn fix_all_applies_the_safe_fixes_and_leaves_the_unsafe_ones() {
    let (tmp, uri) = tokio_project(CLEAN);
    let mut client = versioned_client();
    client.open(&uri, MIXED);
    assert_eq!(client.diagnostics(&uri).len(), 3);
    // Asked for as an editor does on save: anywhere in the document.
    let start = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let actions = code_actions(&mut client, &uri, &start, Some(json!(["source.fixAll"])));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let all = &actions[0];
    assert_eq!(all["kind"], "source.fixAll.aio-lint");
    let edits = &all["edit"]["documentChanges"][0]["edits"];
    assert_eq!(edits.as_array().unwrap().len(), 1, "one edit: {edits}");
    let fixed = apply_versioned(MIXED, &all["edit"], &uri, 1);
    assert_eq!(
        fixed,
        MIXED
            .replace(
                "std::thread::sleep(std::time::Duration::from_millis(10))",
                "tokio::time::sleep(std::time::Duration::from_millis(10)).await"
            )
            .replace(
                "std::thread::sleep(std::time::Duration::from_millis(20))",
                "tokio::time::sleep(std::time::Duration::from_millis(20)).await"
            )
    );
    client.change(&uri, 2, json!([{"text": fixed}]));
    let d = client.diagnostics(&uri);
    assert_eq!(rules_of(&d), ["aio::unawaited_future"], "{fixed}");
    // Nothing safe is left to fix.
    let actions = code_actions(
        &mut client,
        &uri,
        &start,
        Some(json!(["source.fixAll.aio-lint"])),
    );
    assert_eq!(actions, Vec::<Value>::new());
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap(),
        CLEAN,
        "the file on disk is untouched"
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn fix_all_follows_the_configuration_of_the_file() {
    let (tmp, uri) = tokio_project(CLEAN);
    let manifest = tmp.path().join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str("\n[package.metadata.aio-lint]\nunfixable = [\"blocking_sleep\"]\n");
    std::fs::write(&manifest, toml).unwrap();
    let mut client = versioned_client();
    client.open(&uri, MIXED);
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 3);
    let range = &d[0]["range"];
    assert_eq!(
        code_actions(&mut client, &uri, range, Some(json!(["source.fixAll"]))),
        Vec::<Value>::new()
    );
    // The quick fix is still offered: the user asks for it.
    let quick = code_actions(&mut client, &uri, range, Some(json!(["quickfix"])));
    assert_eq!(quick[0]["isPreferred"], true, "{quick:?}");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn hover_on_a_finding_shows_the_rule_docs() {
    let (_tmp, uri) = project("");
    let (mut client, _) = Client::start();
    client.open(&uri, SLEEPY);
    client.diagnostics(&uri);
    let hover = |client: &mut Client, line: u32, character: u32| {
        client
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
            )
            .unwrap()
    };
    let h = hover(&mut client, 1, 10);
    let docs = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(docs.starts_with("# aio::blocking_sleep\n"), "{docs}");
    assert!(docs.contains("## What it does"), "{docs}");
    assert_eq!(h["range"]["start"], json!({"line": 1, "character": 4}));
    assert_eq!(hover(&mut client, 0, 2), Value::Null, "no finding there");
    assert_eq!(hover(&mut client, 40, 2), Value::Null, "past the end");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn bad_input_gets_an_answer_and_never_stops_the_server() {
    let (_tmp, uri) = project("");
    let (mut client, _) = Client::start();
    let r = client.request("textDocument/definition", json!({}));
    assert_eq!(r.unwrap_err().code, -32601, "MethodNotFound");
    let r = client.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(r.unwrap_err().code, -32602, "InvalidParams");
    // A document never opened.
    let never = "file:///nowhere/never.rs";
    let r = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": never}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r.ok(), Some(Value::Null));
    let r = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": never}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(r.ok(), Some(json!([])));
    client.change(never, 2, json!([{"text": "x"}]));
    let log = client.next("window/logMessage");
    assert!(
        log["message"].as_str().unwrap().contains("not open"),
        "{log:?}"
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": never}}),
    );
    client.next("window/logMessage");
    client.notify("textDocument/didOpen", json!({"garbage": 1}));
    let log = client.next("window/logMessage");
    assert!(
        log["message"]
            .as_str()
            .unwrap()
            .starts_with("textDocument/didOpen: invalid parameters")
    );
    // Positions past the end of a line and of the text in an incremental change.
    client.open(&uri, CLEAN);
    client.diagnostics(&uri);
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 2, "character": 99}, "end": {"line": 99, "character": 0}},
                "text": "\nfn later() {}\n"}]),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.change(
        &uri,
        3,
        json!([{"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 400}},
                "text": "std::thread::sleep(std::time::Duration::ZERO);"}]),
    );
    let d = client.diagnostics(&uri);
    assert_eq!(d.len(), 1, "{d:?}");
    // Text that does not parse is a finding, not a failure.
    client.change(&uri, 4, json!([{"text": "fn ((("}]));
    assert_eq!(client.diagnostics(&uri)[0]["code"], "aio::parse_error");
    // After shutdown, requests are refused until exit.
    let r = client.request("shutdown", json!(null));
    assert!(r.is_ok());
    let r = client.request("textDocument/hover", json!({}));
    assert_eq!(r.unwrap_err().code, -32600, "InvalidRequest");
    client.notify("exit", json!(null));
    assert_eq!(client.server.take().unwrap().join().unwrap(), Ending::Clean);
}

#[test]
fn exit_without_shutdown_or_a_vanished_client_is_abrupt() {
    let (client, _) = Client::start();
    client.notify("exit", json!(null));
    let mut client = client;
    assert_eq!(
        client.server.take().unwrap().join().unwrap(),
        Ending::Abrupt
    );

    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || serve(&server));
    drop(conn);
    assert_eq!(handle.join().unwrap(), Ending::Abrupt);
}

/// One message framed as on the wire.
fn frame(v: Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Runs the binary's server with `messages` on stdin; returns its exit code and stdout.
fn run_binary(messages: &[Value]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for m in messages {
        stdin.write_all(&frame(m.clone())).unwrap();
    }
    drop(stdin);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (child.wait().unwrap().code(), out)
}

#[test]
fn the_binary_exits_0_after_shutdown_and_1_without() {
    let init =
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    let initialized = json!({"jsonrpc": "2.0", "method": "initialized", "params": {}});
    let shutdown = json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"});
    let exit = json!({"jsonrpc": "2.0", "method": "exit"});
    let (code, out) = run_binary(&[init.clone(), initialized.clone(), shutdown, exit.clone()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("\"hoverProvider\":true"), "{out}");
    assert!(out.contains("\"id\":2,\"result\":null"), "{out}");
    assert_eq!(run_binary(&[init.clone(), initialized, exit]).0, Some(1));
    assert_eq!(run_binary(&[init]).0, Some(1), "stdin closed without exit");
    assert_eq!(run_binary(&[]).0, Some(1), "no initialize at all");
}

/// The `compiler-message`s of the command line's JSON output on one file, as
/// (code, level, line, column, message).
fn cli_findings(dir: &Path, file: &Path) -> Vec<(String, String, u64, u64, String)> {
    cli_findings_by_file(dir, file)
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

/// A finding as (code, level, line, column, message).
type Finding = (String, String, u64, u64, String);

/// [`cli_findings`] of every file under `file`, each with its file's name.
fn cli_findings_by_file(dir: &Path, file: &Path) -> Vec<(String, Finding)> {
    let out = Command::new(BIN)
        .args(["--message-format", "json"])
        .arg(file)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-message")
        .map(|v| {
            let m = &v["message"];
            let span = m["spans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["is_primary"] == true)
                .unwrap();
            let file = span["file_name"].as_str().unwrap();
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            (
                name.into_owned(),
                (
                    m["code"]["code"].as_str().unwrap().to_owned(),
                    m["level"].as_str().unwrap().to_owned(),
                    span["line_start"].as_u64().unwrap(),
                    span["column_start"].as_u64().unwrap(),
                    m["message"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

/// An LSP diagnostic as a [`Finding`] (the message's first line).
fn as_finding(d: &Value) -> Finding {
    let message = d["message"].as_str().unwrap();
    (
        d["code"].as_str().unwrap().to_owned(),
        if d["severity"] == 1 {
            "error"
        } else {
            "warning"
        }
        .to_owned(),
        d["range"]["start"]["line"].as_u64().unwrap() + 1,
        d["range"]["start"]["character"].as_u64().unwrap() + 1,
        message.lines().next().unwrap().to_owned(),
    )
}

/// The fixtures' file names, sorted.
fn fixture_names() -> Vec<std::ffi::OsString> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".rs"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    names
}

#[test]
fn the_server_and_the_command_line_agree_on_the_fixtures_as_a_workspace() {
    let (tmp, _) = project("");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in fixture_names() {
        std::fs::copy(fixtures.join(&name), tmp.path().join("src").join(&name)).unwrap();
    }
    let mut expected = std::collections::BTreeMap::<String, Vec<Finding>>::new();
    for (file, f) in cli_findings_by_file(tmp.path(), tmp.path()) {
        expected.entry(file).or_default().push(f);
    }
    assert!(expected.len() >= 10, "{expected:?}");
    let (mut client, _) = Client::start_with(init_with_folder(tmp.path(), json!({})));
    let mut got = std::collections::BTreeMap::new();
    while got.len() < expected.len() {
        let p = client.next("textDocument/publishDiagnostics");
        let uri = p["uri"].as_str().unwrap();
        let name = uri.rsplit('/').next().unwrap().to_owned();
        let findings: Vec<Finding> = p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(as_finding)
            .collect();
        assert!(got.insert(name, findings).is_none(), "{uri} twice");
    }
    assert_eq!(got, expected);
    // Nothing else was published (the load's findings come in one batch).
    client.request("textDocument/hover", json!({"textDocument": {"uri": "file:///x.rs"}, "position": {"line": 0, "character": 0}})).unwrap();
    assert!(
        !client
            .seen
            .iter()
            .any(|n| n.method == "textDocument/publishDiagnostics")
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn the_server_and_the_command_line_agree_on_the_fixtures() {
    let (tmp, _) = project("");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let names = fixture_names();
    let (mut client, _) = Client::start();
    let mut total = 0;
    for name in names {
        let text = std::fs::read_to_string(fixtures.join(&name)).unwrap();
        let path = tmp.path().join("src").join(&name);
        std::fs::write(&path, &text).unwrap();
        let expected = cli_findings(tmp.path(), &path);
        let uri = uri_of(&path);
        client.open(&uri, &text);
        let got: Vec<_> = client.diagnostics(&uri).iter().map(as_finding).collect();
        assert_eq!(got, expected, "{name:?}");
        total += got.len();
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
        client.diagnostics(&uri);
    }
    assert!(total > 50, "{total} findings");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn a_burst_of_changes_is_analysed_once_for_the_last_version() {
    let (_tmp, uri) = project("");
    let (mut client, _) = Client::start();
    client.open(&uri, CLEAN);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // Versions 2..=9 alternate between sleepy and clean text; 10 is sleepy.
    let mut last = std::time::Instant::now();
    for version in 2..=10 {
        let text = if version % 2 == 0 { SLEEPY } else { CLEAN };
        last = std::time::Instant::now();
        client.change(&uri, version, json!([{"text": text}]));
    }
    let p = client.next("textDocument/publishDiagnostics");
    // Not before the debounce has passed since the last change (a lower bound only).
    assert!(last.elapsed() >= std::time::Duration::from_millis(50));
    assert_eq!(p["version"], 10, "{p}");
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 1, "{p}");
    // Nothing was published for an older version in between, nor after.
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        )
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(120));
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        )
        .unwrap();
    assert!(
        !client
            .seen
            .iter()
            .any(|n| n.method == "textDocument/publishDiagnostics"),
        "{:?}",
        client.seen
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

/// A cargo package in a temporary folder: `src/a.rs` has an async handler calling
/// `crate::b::helper`, which `src/b.rs` defines as `helper_body`.
fn two_files(helper_body: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"two\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
    )
    .unwrap();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(root.join("src/lib.rs"), "mod a;\nmod b;\n").unwrap();
    std::fs::write(
        root.join("src/a.rs"),
        "pub async fn handler() {\n    crate::b::helper();\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("src/b.rs"), helper_body).unwrap();
    tmp
}

const QUIET_HELPER: &str = "pub fn helper() {\n    let _ = 1;\n}\n";
const SLEEPY_HELPER: &str =
    "pub fn helper() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";

/// `initialize` parameters of an editor with `root` as its workspace folder.
fn init_with_folder(root: &Path, capabilities: Value) -> Value {
    json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri_of(root), "name": "ws"}]})
}

#[test]
fn the_workspace_is_linted_at_startup_with_progress() {
    let tmp = two_files(SLEEPY_HELPER);
    let a = uri_of(&tmp.path().join("src/a.rs"));
    let (mut client, _) = Client::start_with(init_with_folder(
        tmp.path(),
        json!({"window": {"workDoneProgress": true}}),
    ));
    // The finding in a.rs, a file never opened, comes from the call graph.
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], a.as_str(), "{p}");
    assert_eq!(p["version"], Value::Null);
    let d = p["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "aio::blocking_sleep");
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 4}));
    let create = client
        .asked
        .iter()
        .find(|r| r.method == "window/workDoneProgress/create")
        .expect("a progress token is created");
    let token = create.params["token"].clone();
    let kinds: Vec<Value> = client
        .seen
        .iter()
        .filter(|n| n.method == "$/progress" && n.params["token"] == token)
        .map(|n| n.params["value"]["kind"].clone())
        .collect();
    assert_eq!(kinds.first(), Some(&json!("begin")), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&json!("end")), "{kinds:?}");
    assert!(kinds.contains(&json!("report")), "{kinds:?}");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);

    // Without the client's support, no token and no `$/progress`, but the same findings.
    let (mut client, _) = Client::start_with(init_with_folder(tmp.path(), json!({})));
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], a.as_str(), "{p}");
    assert!(client.asked.is_empty(), "{:?}", client.asked);
    assert!(!client.seen.iter().any(|n| n.method == "$/progress"));
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn a_change_re_lints_the_callers_in_other_files() {
    let tmp = two_files(QUIET_HELPER);
    let a = uri_of(&tmp.path().join("src/a.rs"));
    let b = uri_of(&tmp.path().join("src/b.rs"));
    let (mut client, _) = Client::start_with(init_with_folder(tmp.path(), json!({})));
    client.open(&b, QUIET_HELPER);
    assert_eq!(client.diagnostics(&b), Vec::<Value>::new());
    // The helper starts blocking: a.rs, never opened, gets the finding.
    client.change(
        &b,
        2,
        json!([{"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 14}},
                "text": "std::thread::sleep(std::time::Duration::from_millis(1));"}]),
    );
    let mut by_uri = std::collections::HashMap::new();
    while by_uri.len() < 2 {
        let p = client.next("textDocument/publishDiagnostics");
        by_uri.insert(p["uri"].as_str().unwrap().to_owned(), p);
    }
    assert_eq!(by_uri[&b]["version"], 2);
    assert_eq!(
        by_uri[&b]["diagnostics"],
        json!([]),
        "b.rs has no async caller of its own"
    );
    assert_eq!(by_uri[&a]["version"], Value::Null);
    let d = by_uri[&a]["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "aio::blocking_sleep");
    // Back to quiet: a.rs is cleared.
    client.change(&b, 3, json!([{"text": QUIET_HELPER}]));
    let (mut a_cleared, mut b_published) = (false, false);
    while !(a_cleared && b_published) {
        let p = client.next("textDocument/publishDiagnostics");
        a_cleared |= p["uri"] == a.as_str() && p["diagnostics"] == json!([]);
        b_published |= p["uri"] == b.as_str() && p["version"] == 3;
    }
    // Closing b.rs goes back to the file on disk (quiet): nothing more for a.rs.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": b}}));
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], b.as_str());
    assert_eq!(p["version"], Value::Null);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/b.rs")).unwrap(),
        QUIET_HELPER
    );
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

#[test]
fn a_configuration_edit_re_lints_the_open_documents() {
    let tmp = two_files(SLEEPY_HELPER);
    let a = uri_of(&tmp.path().join("src/a.rs"));
    let (mut client, _) = Client::start_with(init_with_folder(
        tmp.path(),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
               "window": {"workDoneProgress": true}}),
    ));
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], a.as_str());
    assert_eq!(p["diagnostics"][0]["severity"], 2, "a warning by default");
    let register = client
        .asked
        .iter()
        .find(|r| r.method == "client/registerCapability")
        .expect("the watcher is registered");
    let registration = &register.params["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"],
        json!([{"globPattern": "**/Cargo.toml"}, {"globPattern": "**/aio-lint.toml"}])
    );
    let text = std::fs::read_to_string(tmp.path().join("src/a.rs")).unwrap();
    client.open(&a, &text);
    assert_eq!(client.diagnostics(&a)[0]["severity"], 2);

    // The rule is denied on disk: the open document and the workspace follow.
    let config = tmp.path().join("aio-lint.toml");
    std::fs::write(&config, "deny = [\"blocking_sleep\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 1}]}),
    );
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], a.as_str());
    assert_eq!(p["version"], 1);
    assert_eq!(p["diagnostics"][0]["severity"], 1, "an error now");
    // A change to some other file is not a configuration change: no reload, so no new
    // progress token (the server asks for one before it answers the next request).
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&tmp.path().join("src/lib.rs")), "type": 2}]}),
    );
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": a}, "position": {"line": 0, "character": 0}}),
        )
        .unwrap();
    assert_eq!(client.asked.len(), 3, "{:?}", client.asked);
    std::fs::write(&config, "allow = [\"blocking_sleep\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&config), "type": 2}]}),
    );
    let p = client.next("textDocument/publishDiagnostics");
    assert_eq!(p["uri"], a.as_str());
    assert_eq!(p["diagnostics"], json!([]), "allowed now");
    // One registration, a progress token per load (three): every request id is new.
    let mut ids: Vec<String> = client.asked.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids.len(), 4, "{:?}", client.asked);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}

/// The binary over stdio, as an editor runs it: a reader thread turns its stdout into
/// messages.
struct Editor {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    from_server: std::sync::mpsc::Receiver<Message>,
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(BIN)
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, from_server) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(Some(m)) = Message::read(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Editor {
            child,
            stdin,
            from_server,
        }
    }

    fn send(&mut self, m: Message) {
        m.write(&mut self.stdin).unwrap();
    }

    fn recv(&self) -> Message {
        self.from_server
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the server answers")
    }

    fn response(&self, id: i32) -> Value {
        loop {
            if let Message::Response(r) = self.recv()
                && r.id == RequestId::from(id)
            {
                return r.response_result.expect("a result");
            }
        }
    }

    fn diagnostics(&self, uri: &str) -> Value {
        loop {
            if let Message::Notification(n) = self.recv()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params;
            }
        }
    }
}

#[test]
fn an_editor_session_over_stdio_end_to_end() {
    let (tmp, uri) = tokio_project(CLEAN);
    let mut s = Editor::start();
    let request = |id: i32, method: &str, params: Value| {
        Message::from(Request::new(RequestId::from(id), method.into(), params))
    };
    let notify =
        |method: &str, params: Value| Message::from(Notification::new(method.into(), params));
    s.send(request(
        1,
        "initialize",
        init_with_folder(
            tmp.path(),
            json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        ),
    ));
    assert_eq!(s.response(1)["serverInfo"]["name"], "aio-lint");
    s.send(notify("initialized", json!({})));
    s.send(notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": SLEEPY}}),
    ));
    let p = s.diagnostics(&uri);
    assert_eq!(p["version"], 1);
    let d = p["diagnostics"].as_array().unwrap().clone();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "aio::blocking_sleep");
    assert_eq!(d[0]["severity"], 2);

    s.send(request(
        2,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    ));
    let actions = s.response(2);
    assert_eq!(actions.as_array().unwrap().len(), 2, "{actions}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(
        actions[1]["title"],
        "Suppress aio::blocking_sleep on this line"
    );
    let fixed = apply_versioned(SLEEPY, &actions[0]["edit"], &uri, 1);
    assert_eq!(
        fixed,
        "async fn handler() {\n    tokio::time::sleep(std::time::Duration::from_millis(10)).await;\n}\n"
    );
    s.send(notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    ));
    let p = s.diagnostics(&uri);
    assert_eq!(p["version"], 2);
    assert_eq!(p["diagnostics"], json!([]), "the fixed finding is cleared");

    s.send(request(3, "shutdown", Value::Null));
    assert_eq!(s.response(3), Value::Null);
    s.send(notify("exit", Value::Null));
    assert_eq!(s.child.wait().unwrap().code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap(),
        CLEAN,
        "the file on disk is untouched"
    );
}

#[test]
fn a_client_that_leaves_before_initialize_gets_exit_code_1_at_once() {
    // A response where `initialize` should be ends the session (stdin still open: the
    // server must not wait for it to close).
    let mut child = Command::new(BIN)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&frame(json!({"jsonrpc": "2.0", "id": 7, "result": null})))
        .unwrap();
    stdin.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server is still running with stdin open");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    drop(stdin);
    assert_eq!(code, Some(1));
}

const SAFE_READER: &str = "use tokio::io::AsyncReadExt;\npub async fn read_message(s: &mut tokio::net::TcpStream) -> u8 {\n    let mut b = [0u8; 4];\n    let _ = s.read(&mut b).await;\n    b[0]\n}\n";

#[test]
fn a_change_to_what_an_async_fn_awaits_re_lints_the_select_loops_of_other_files() {
    let tmp = two_files(QUIET_HELPER);
    let root = tmp.path();
    std::fs::write(
        root.join("src/a.rs"),
        "pub async fn serve(mut s: tokio::net::TcpStream, mut stop: tokio::sync::mpsc::Receiver<()>) {\n    loop {\n        tokio::select! {\n            m = crate::b::read_message(&mut s) => drop(m),\n            _ = stop.recv() => break,\n        }\n    }\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("src/b.rs"), SAFE_READER).unwrap();
    let a = uri_of(&root.join("src/a.rs"));
    let b = uri_of(&root.join("src/b.rs"));
    let (mut client, _) = Client::start_with(init_with_folder(root, json!({})));
    client.open(&b, SAFE_READER);
    assert_eq!(client.diagnostics(&b), Vec::<Value>::new());
    // `read` becomes `read_exact`: a.rs, never opened, gets the finding.
    client.change(
        &b,
        2,
        json!([{"text": SAFE_READER.replace("s.read(", "s.read_exact(")}]),
    );
    let mut found = None;
    while found.is_none() {
        let p = client.next("textDocument/publishDiagnostics");
        if p["uri"] == a.as_str() {
            found = Some(p);
        }
    }
    let p = found.unwrap();
    let d = p["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "aio::cancel_unsafe_select");
    assert_eq!(d[0]["range"]["start"], json!({"line": 3, "character": 16}));
    // Back to `read`: a.rs is cleared.
    client.change(&b, 3, json!([{"text": SAFE_READER}]));
    loop {
        let p = client.next("textDocument/publishDiagnostics");
        if p["uri"] == a.as_str() {
            assert_eq!(p["diagnostics"], json!([]));
            break;
        }
    }
    assert_eq!(client.shutdown_and_exit(), Ending::Clean);
}
