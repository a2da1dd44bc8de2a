#!/bin/sh
# The pre-commit hook (.pre-commit-hooks.yaml at the repository's root): builds
# cargo-aio-lint from this checkout the first time (into target/pre-commit/ beside it),
# then runs it with the hook's arguments and the files pre-commit passes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../target/pre-commit"
if [ ! -x "$root/bin/cargo-aio-lint" ]; then
    echo "aio-lint: building cargo-aio-lint (first run only)..." >&2
    cargo install --quiet --locked --path "$here" --root "$root" >&2
fi
exec "$root/bin/cargo-aio-lint" "$@"
