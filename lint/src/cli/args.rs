//! The command line of `cargo-aio-lint`, declared with clap's derive API.
//!
//! This module only describes flags and subcommands; it does not validate paths,
//! read files or decide exit codes (that is [`crate::cli::run`]'s job).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// `cargo aio-lint [OPTIONS] [PATHS]...`: lint async Rust code for the pitfalls of the asyncio notes.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-aio-lint",
    bin_name = "cargo aio-lint",
    version,
    args_conflicts_with_subcommands = true,
    about = "Lint async Rust code (aio, tokio, async-std, smol) for blocking calls, unawaited futures and other pitfalls",
    after_help = "Exit codes: 0 no deny-level findings, 1 deny-level findings (or any finding with \
                  --deny-warnings; with --diff, something would change), 2 usage, configuration or \
                  I/O error."
)]
#[command(group(clap::ArgGroup::new("fix_mode").args(["fix", "diff"]).multiple(true)))]
pub struct Args {
    /// What to do instead of linting.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or folders to lint. Default: every member of the current cargo workspace.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FMT")]
    pub message_format: MessageFormat,

    /// Colour in human output: `auto` colours only when stdout is a terminal (and NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Number of threads (default: one per core).
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Lint every `.rs` file: do not honour .gitignore/.ignore, do not skip hidden folders or `target/`.
    #[arg(long)]
    pub no_ignore: bool,

    /// Exit with code 1 when there is any finding, warnings included.
    #[arg(long, short = 'D')]
    pub deny_warnings: bool,

    /// Print files, lines, time, lines per second, panics and parse errors to stderr.
    #[arg(long)]
    pub stats: bool,

    /// Only read and parse every file (no rules, no output): the speed floor, with `--stats`.
    #[arg(long)]
    pub parse_only: bool,

    /// The workspace to lint when no path is given (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Apply the safe fixes in place (`MachineApplicable` suggestions), then report what remains.
    #[arg(long, conflicts_with = "parse_only")]
    pub fix: bool,

    /// With `--fix` or `--diff`: also apply the fixes that may change behaviour (`MaybeIncorrect`).
    #[arg(long, requires = "fix_mode")]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change and write nothing (exit code 1 when
    /// something would change).
    #[arg(long, conflicts_with = "parse_only")]
    pub diff: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a rule's documentation (What it does / Why is this bad / Example / Use instead).
    Explain {
        /// The rule's name, e.g. `blocking_sleep` (an `aio::` prefix is accepted).
        rule: String,
    },
    /// List every rule with its default level and a one-line summary.
    Rules,
    /// Run a language server on stdin/stdout (LSP): diagnostics as you type, hover docs, and
    /// a "suppress on this line" code action, for any editor.
    Server,
}

/// `--message-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style source snippets and a one-line summary.
    Human,
    /// One cargo `compiler-message` JSON object per line (rustc's diagnostic schema).
    Json,
    /// One SARIF 2.1.0 document.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=...::message`).
    Github,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Args {
    /// Parses `args` (the first is the program name) without exiting on error; for callers
    /// that do not depend on clap (benchmarks, tests).
    pub fn from_args<I, T>(args: I) -> Result<Args, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        Args::try_parse_from(args).map_err(|e| e.to_string())
    }
}

/// Drops the `aio-lint` that cargo (and the repository's alias) passes as the first
/// argument when the binary runs as `cargo aio-lint`, so that both `cargo aio-lint x`
/// and `cargo-aio-lint x` see the same arguments.
pub fn strip_cargo_subcommand(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "aio-lint") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_subcommand_argument_is_dropped_only_in_first_position() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            strip_cargo_subcommand(os(&["cargo-aio-lint", "aio-lint", "src"])),
            os(&["cargo-aio-lint", "src"])
        );
        assert_eq!(
            strip_cargo_subcommand(os(&["cargo-aio-lint", "src", "aio-lint"])),
            os(&["cargo-aio-lint", "src", "aio-lint"])
        );
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }

    #[test]
    fn subcommands_win_over_paths() {
        let a = Args::parse_from(["x", "explain", "blocking_sleep"]);
        assert!(
            matches!(a.command, Some(Command::Explain { ref rule }) if rule == "blocking_sleep")
        );
        let a = Args::parse_from(["x", "-j", "3", "src", "tests"]);
        assert_eq!(a.jobs, Some(3));
        assert_eq!(a.paths.len(), 2);
        assert!(Args::try_parse_from(["x", "-j", "0"]).is_err());
    }
}
