//! libFuzzer target: arbitrary bytes through the whole linter pipeline (analysis of up to
//! three files cut from the input, the workspace pass, suppressions, every output format).
//! A panic, an abort or a stack overflow is a crash; see `lint/fuzz/README.md`.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A 0xFF byte separates files, so one input exercises the cross-file pass too.
    let files: Vec<(PathBuf, Vec<u8>)> = data
        .split(|&b| b == 0xFF)
        .take(3)
        .enumerate()
        .map(|(i, part)| (PathBuf::from(format!("src/f{i}.rs")), part.to_vec()))
        .collect();
    for (format, _color, out) in aio_lint::cli::render_in_memory(&files) {
        let out = String::from_utf8(out).expect("output is UTF-8");
        if format == aio_lint::cli::MessageFormat::Json {
            for line in out.lines() {
                assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
            }
        }
    }
});
