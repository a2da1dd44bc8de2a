//! Linter benchmark: the full lint beside the parse-only floor, on the same files.
//!
//! The floor reads every file and runs `syn::parse_file` on it, on all cores (the
//! command line's `--parse-only`); the full lint is the command line's whole pipeline
//! (discovery, configuration, every rule, the workspace pass, suppressions) without
//! rendering. Both go through `aio_lint::cli::lint_only` with the same discovery and
//! thread pool, so the ratio is the cost of the rules.
//!
//! Files: the crates fetched by `lint/corpus/fetch.sh` (set `AIO_LINT_CORPUS` to its
//! folder; default `$CARGO_TARGET_DIR/corpus` or `target/corpus`), restricted to the async
//! ecosystem's crates (tokio, hyper, reqwest, axum, tonic, tower, sqlx, redis, actix,
//! async-std, smol, futures, ...): about the sources the speed target was set on. Without
//! a corpus it falls back to this repository's own sources.
//!
//! Run: `cargo bench --bench lint -- --warm-up-time 1 --measurement-time 20`
//! Before criterion's runs it prints one timed pass of each: lines, lines/s and the ratio.

use std::path::{Path, PathBuf};
use std::time::Instant;

use aio_lint::cli::{Args, lint_only};
use criterion::{Criterion, Throughput};

/// Crate-name prefixes picked from the corpus.
const ASYNC_CRATES: &[&str] = &[
    "tokio",
    "hyper",
    "reqwest",
    "axum",
    "tonic",
    "tower",
    "sqlx",
    "redis",
    "actix",
    "async-",
    "smol",
    "futures",
    "h2-",
    "http-",
    "mio-",
    "tracing-",
    "polling",
    "async_io",
    "blocking-",
    "bytes-",
];

fn corpus_paths() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("AIO_LINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| root.join("target"), PathBuf::from)
                .join("corpus")
        });
    let mut picked: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    ASYNC_CRATES.iter().any(|p| name.starts_with(p))
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    picked.sort();
    if picked.is_empty() {
        eprintln!(
            "no corpus at {} (run lint/corpus/fetch.sh); benchmarking this repository's sources",
            dir.display()
        );
        picked = ["src", "runtime/src", "macros/src", "lint/src"]
            .iter()
            .map(|p| root.join(p))
            .collect();
    }
    picked
}

fn args(extra: &[&str], paths: &[PathBuf]) -> Args {
    let mut v: Vec<String> = vec!["cargo-aio-lint".into(), "--no-ignore".into()];
    v.extend(extra.iter().map(|s| s.to_string()));
    v.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    Args::from_args(v).expect("valid arguments")
}

fn bench(c: &mut Criterion) {
    let paths = corpus_paths();
    let floor = args(&["--parse-only"], &paths);
    let full = args(&[], &paths);

    let t = Instant::now();
    let floor_stats = lint_only(&floor).expect("parse-only run");
    let floor_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let full_stats = lint_only(&full).expect("lint run");
    let full_secs = t.elapsed().as_secs_f64();
    assert_eq!(full_stats.panics, 0, "the linter panicked on the corpus");
    let lines = floor_stats.lines as f64;
    eprintln!(
        "lint corpus: {} files, {} lines ({} parse errors, {} findings)\n  parse-only floor: {floor_secs:.3} s, {:.0} lines/s\n  full lint:        {full_secs:.3} s, {:.0} lines/s\n  ratio full/floor: {:.2}x",
        floor_stats.files,
        floor_stats.lines,
        floor_stats.parse_errors,
        full_stats.findings,
        lines / floor_secs,
        lines / full_secs,
        full_secs / floor_secs
    );

    let mut group = c.benchmark_group("lint");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(floor_stats.lines as u64));
    group.bench_function("parse_only_floor", |b| {
        b.iter(|| lint_only(&floor).unwrap())
    });
    group.bench_function("full_lint", |b| b.iter(|| lint_only(&full).unwrap()));
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
