//! `cargo-aio-lint`: parses arguments, calls the library, maps the result to an exit code.
//!
//! Works as `cargo aio-lint ...` (cargo passes `aio-lint` as the first argument) and as
//! `cargo-aio-lint ...` run directly.

use std::process::ExitCode;

use aio_lint::cli::{self, Args};
use clap::Parser;

fn main() -> ExitCode {
    let args = Args::parse_from(cli::strip_cargo_subcommand(std::env::args_os()));
    ExitCode::from(cli::run(args).code())
}
