#!/usr/bin/env bash
# Fetches the linter's corpus: the sources of the crates in lint/corpus/Cargo.toml and all
# their dependencies, vendored by cargo (nothing is built).
#
#   lint/corpus/fetch.sh [DIR]     # default DIR: ${CARGO_TARGET_DIR:-target}/corpus
#
# Then lint it (files, lines, time, lines/s, panics and parse errors on stderr):
#
#   cargo run --release -p aio-lint -- --no-ignore --stats --message-format json DIR > /dev/null
#
# (`--no-ignore`: the default folder lies under an ignored `target/`.) The speed benchmark
# reads the same folder: `cargo bench --bench lint` (see benches/lint.rs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${1:-${CARGO_TARGET_DIR:-$root/target}/corpus}"
mkdir -p "$(dirname "$dir")"
cargo vendor --quiet --versioned-dirs --manifest-path "$here/Cargo.toml" "$dir" > /dev/null
crates=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l)
files=$(find "$dir" -name '*.rs' | wc -l)
echo "corpus: $crates crates, $files .rs files in $dir"
