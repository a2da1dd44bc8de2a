//! The language server's numbers, measured as an editor would see them: an in-process
//! client drives `cargo aio-lint server` (through `Connection::memory()`) over a large
//! workspace and prints
//!
//! - the initial analysis of the workspace (from `initialized` to the end of its progress),
//! - the memory the server holds once it is done (live heap bytes, counted by this
//!   program's allocator, minus what was live before the server started; counted in a
//!   second session, so that counting does not slow the timed one),
//! - the time from a `didChange` of a file of about 2,000 lines to its diagnostics, minus
//!   the server's debounce.
//!
//! ```text
//! AIO_LINT_BENCH_WORKSPACE=/path/to/tokio cargo run --release -p aio-lint --example lsp_client
//! ```
//!
//! Without the variable it looks for tokio's sources in `/tmp/precision/vendor`, and says
//! so and stops if they are not there.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use aio_lint::cli::serve;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count(bytes: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
    }
}

// SAFETY: every call goes to `System` with the caller's arguments; the counter is only
// arithmetic on the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: the caller's contract is `System::dealloc`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: the caller's contract is `System::realloc`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The server's debounce of changes (`DEBOUNCE` in `lint/src/cli/server/mod.rs`).
const DEBOUNCE: Duration = Duration::from_millis(50);
const EDITS: usize = 21;

fn workspace() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("AIO_LINT_BENCH_WORKSPACE") {
        return Some(PathBuf::from(dir));
    }
    let vendor = Path::new("/tmp/precision/vendor");
    let mut tokio: Vec<PathBuf> = std::fs::read_dir(vendor)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("tokio-1."))
        })
        .collect();
    tokio.sort();
    tokio.pop()
}

/// The `.rs` file under `dir` whose line count is nearest 2,000, with its text.
fn file_of_about_2000_lines(dir: &Path) -> Option<(PathBuf, String)> {
    let mut best: Option<(usize, PathBuf, String)> = None;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                let off = text.lines().count().abs_diff(2000);
                if best.as_ref().is_none_or(|b| off < b.0) {
                    best = Some((off, p, text));
                }
            }
        }
    }
    best.map(|(_, p, t)| (p, t))
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

struct Client {
    conn: Connection,
    next_id: i32,
}

impl Client {
    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn
            .sender
            .send(n.into())
            .expect("the server is there");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.into(), params);
        self.conn
            .sender
            .send(r.into())
            .expect("the server is there");
        loop {
            if let Message::Response(r) = self.recv()
                && r.id == id
            {
                return r.response_result.unwrap_or_default();
            }
        }
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("the server answers")
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Some(root) = workspace().filter(|d| d.is_dir()) else {
        println!(
            "lsp_client: no workspace to measure (set AIO_LINT_BENCH_WORKSPACE to a folder of Rust sources, e.g. tokio's); skipped"
        );
        return;
    };
    let Some((big, big_text)) = file_of_about_2000_lines(&root) else {
        println!("lsp_client: no .rs file under {}; skipped", root.display());
        return;
    };
    let timed = session(&root, Some((&big, &big_text)));
    COUNTING.store(true, Ordering::Relaxed);
    let counted = session(&root, None);
    println!("workspace: {} ({})", root.display(), timed.summary);
    println!(
        "initial analysis: {:.0} ms to the end of its progress, {} files with findings published",
        timed.load.as_secs_f64() * 1e3,
        timed.published
    );
    println!(
        "memory held after the load: {:.1} MB",
        counted.held as f64 / 1e6
    );
    let latencies = timed.latencies;
    println!(
        "didChange of {} ({} lines) to diagnostics, after the {} ms debounce: median {:.1} ms, min {:.1}, max {:.1} ({EDITS} edits)",
        big.strip_prefix(&root).unwrap_or(&big).display(),
        big_text.lines().count(),
        DEBOUNCE.as_millis(),
        median(latencies.clone()),
        latencies.iter().copied().fold(f64::INFINITY, f64::min),
        latencies.iter().copied().fold(0.0, f64::max),
    );
}

struct Session {
    summary: String,
    load: Duration,
    published: usize,
    held: isize,
    latencies: Vec<f64>,
}

/// One session: initialize with `root` as the workspace folder, wait for the load and its
/// findings, then (with `edit`) open the file and time `EDITS` changes.
fn session(root: &Path, edit: Option<(&Path, &str)>) -> Session {
    let before = LIVE.load(Ordering::Relaxed);
    let (server_side, conn) = Connection::memory();
    let server = std::thread::spawn(move || serve(&server_side));
    let mut client = Client { conn, next_id: 0 };
    client.request(
        "initialize",
        json!({"capabilities": {"window": {"workDoneProgress": true}},
               "workspaceFolders": [{"uri": uri_of(root), "name": "bench"}]}),
    );
    let started = Instant::now();
    client.notify("initialized", json!({}));
    let mut published = 0;
    let (load, summary) = loop {
        match client.recv() {
            Message::Notification(n)
                if n.method == "$/progress" && n.params["value"]["kind"] == "end" =>
            {
                let summary = n.params["value"]["message"].as_str().unwrap_or_default();
                break (started.elapsed(), summary.to_owned());
            }
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                published += 1;
            }
            _ => {}
        }
    };
    // "N files, M with findings, in T ms": the M publications follow the end.
    let expected: usize = summary
        .split(", ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    while published < expected {
        if let Message::Notification(n) = client.recv()
            && n.method == "textDocument/publishDiagnostics"
        {
            published += 1;
        }
    }
    let held = LIVE.load(Ordering::Relaxed) - before;
    let mut latencies = Vec::new();
    if let Some((big, text)) = edit {
        let uri = uri_of(big);
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
        );
        wait_for(&client, &uri, 1);
        let lines = text.lines().count() as u32;
        for version in 2..2 + EDITS as i32 {
            // Type a comment at the end of the file, one character per edit.
            let at = json!({"line": lines, "character": 0});
            let typed = if version == 2 { "//" } else { "x" };
            let sent = Instant::now();
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": at, "end": at}, "text": typed}]}),
            );
            wait_for(&client, &uri, version);
            latencies.push(sent.elapsed().saturating_sub(DEBOUNCE).as_secs_f64() * 1e3);
        }
    }
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = server.join();
    Session {
        summary,
        load,
        published,
        held,
        latencies,
    }
}

/// Waits for the diagnostics of `uri` at `version`.
fn wait_for(client: &Client, uri: &str, version: i32) {
    loop {
        if let Message::Notification(n) = client.recv()
            && n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri
            && n.params["version"] == version
        {
            return;
        }
    }
}
