//! `cargo-aio-lint`: parses arguments, calls the library, maps the result to an exit code.
fn main() {}
