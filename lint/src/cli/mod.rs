//! The command-line side of `cargo aio-lint`: discovery, configuration, suppression,
//! output formats. Everything here may do I/O; nothing here knows about a rule.
//!
//! [`run`] is the whole program after argument parsing: find the files, read and analyse
//! them in parallel (on threads with a large stack, so deeply nested input cannot overflow
//! it), run the engine's workspace pass, apply configured levels and suppressions, sort,
//! render, and say which exit code the findings call for.

mod args;
mod config;
mod discover;
mod fix;
mod manifest;
mod output;
mod pipeline;
mod seam;
mod server;
mod suppress;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

pub use args::{Args, ColorChoice, Command, MessageFormat, strip_cargo_subcommand};
pub use server::{Ending, serve};

use crate::Level;
use config::Settings;
use discover::Walk;
use manifest::Context;
use output::{FileReport, Report};
use pipeline::{Job, Linted, STACK_SIZE, count_lines, finish, lint_bytes, lint_one, plan};
use seam::{FileAnalysis, PARSE_ERROR};

/// How a run ended; [`Outcome::code`] is the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No finding at deny level (exit code 0).
    Clean,
    /// At least one deny-level finding, or any finding with `--deny-warnings` (exit code 1).
    Findings,
    /// A usage, configuration or I/O error (exit code 2).
    Error,
    /// The language server's client said `exit` without `shutdown`, or went away (exit
    /// code 1, as the protocol asks).
    Abandoned,
}

impl Outcome {
    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings | Outcome::Abandoned => 1,
            Outcome::Error => 2,
        }
    }
}

/// Why a run stopped early.
enum Failure {
    /// A usage, configuration or I/O error, shown on stderr.
    Error(String),
    /// The reader of stdout went away (`| head`): stop quietly with this outcome.
    Gone(Outcome),
}

/// Runs the program for already-parsed arguments; writes to stdout and stderr.
pub fn run(args: Args) -> Outcome {
    let result = match &args.command {
        Some(Command::Explain { rule }) => explain(rule),
        Some(Command::Rules) => list_rules(),
        Some(Command::Server) => Ok(match server::run_stdio() {
            Ending::Clean => Outcome::Clean,
            Ending::Abrupt => Outcome::Abandoned,
        }),
        None if args.fix || args.diff => fix(&args),
        None => lint(&args),
    };
    match result {
        Ok(outcome) | Err(Failure::Gone(outcome)) => outcome,
        Err(Failure::Error(message)) => {
            eprintln!("error: {message}");
            Outcome::Error
        }
    }
}

/// Writes everything to stdout, mapping a closed pipe to a quiet stop.
fn emit(
    outcome: Outcome,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Outcome, Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match body(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(outcome),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            // Drop the buffer without a second (failing) flush.
            let _ = out.into_parts();
            Err(Failure::Gone(outcome))
        }
        Err(e) => Err(Failure::Error(format!("cannot write the output: {e}"))),
    }
}

fn explain(name: &str) -> Result<Outcome, Failure> {
    let rules = seam::rules();
    let Some(rule) = config::lookup(rules, name).and_then(|n| rules.iter().find(|r| r.name == n))
    else {
        let hint = config::closest(rules, name).map_or_else(
            || "`cargo aio-lint rules` lists them".to_owned(),
            |n| format!("did you mean `{n}`?"),
        );
        return Err(Failure::Error(format!("unknown rule `{name}` ({hint})")));
    };
    emit(Outcome::Clean, |out| {
        writeln!(
            out,
            "# aio::{}\n\n{}.\n\nDefault level: {}\n",
            rule.name, rule.summary, rule.default_level
        )?;
        out.write_all(rule.docs.as_bytes())?;
        if !rule.docs.ends_with('\n') {
            writeln!(out)?;
        }
        Ok(())
    })
}

fn list_rules() -> Result<Outcome, Failure> {
    let rules = seam::rules();
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    emit(Outcome::Clean, |out| {
        for r in rules {
            writeln!(
                out,
                "{:<width$}  {:<4}  {}",
                r.name,
                r.default_level.to_string(),
                r.summary
            )?;
        }
        Ok(())
    })
}

fn color_for(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Counts from one run, for `--stats` and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files linted (or parsed, with `--parse-only`).
    pub files: usize,
    /// Lines in them.
    pub lines: usize,
    /// Findings reported.
    pub findings: usize,
    /// Files on which the engine panicked (each also reported as a `parse_error`).
    pub panics: usize,
    /// `parse_error` findings (files that could not be read or parsed).
    pub parse_errors: usize,
}

/// Runs the lint (or, with `args.parse_only`, only reads and parses every file) and
/// renders nothing: for benchmarks. `Err` is a usage, configuration or I/O error.
pub fn lint_only(args: &Args) -> Result<Stats, String> {
    match collect(args) {
        Ok((_, stats)) => Ok(stats),
        Err(Failure::Error(e)) => Err(e),
        Err(Failure::Gone(_)) => Ok(Stats::default()),
    }
}

/// The outcome the findings of `report` call for.
fn outcome_of(report: &Report, deny_warnings: bool) -> Outcome {
    let all = || report.files.iter().flat_map(|f| &f.diagnostics);
    if all().any(|d| d.level == Level::Deny) || (deny_warnings && all().next().is_some()) {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

fn lint(args: &Args) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let (report, stats) = collect(args)?;
    let outcome = outcome_of(&report, args.deny_warnings);
    if args.stats {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "aio-lint stats{}: {} files, {} lines, {secs:.3} s, {:.0} lines/s, {} panics, {} parse errors, {} findings",
            if args.parse_only { " (parse only)" } else { "" },
            stats.files,
            stats.lines,
            stats.lines as f64 / secs.max(1e-9),
            stats.panics,
            stats.parse_errors,
            stats.findings,
        );
    }
    if args.parse_only {
        return Ok(outcome);
    }
    let color = color_for(args.color);
    emit(outcome, |out| {
        output::write(args.message_format, &report, out, color)
    })
}

/// `--fix` / `--diff`: lint the whole run, fix each file that has something to fix,
/// then write the files and report what remains (or print the diff and write nothing).
fn fix(args: &Args) -> Result<Outcome, Failure> {
    let rules = seam::rules();
    let mode = fix::Mode {
        unsafe_fixes: args.unsafe_fixes,
    };
    let (report, _, jobs) = collect_jobs(args)?;
    let results = fix::fix_files(&report, &fix::by_file(&jobs), mode, rules);
    for r in &results {
        for rule in &r.broken {
            eprintln!(
                "error: internal error: the fix of `aio::{rule}` would leave `{}` unparseable, so it was not applied; please report this bug",
                r.display
            );
        }
    }
    let fixed: usize = results.iter().map(|r| r.fixed).sum();
    let changed: Vec<&fix::FileFix> = results.iter().filter(|r| r.after != r.before).collect();
    let counts = |report: &Report, jobs: &[Job]| {
        let by_file = fix::by_file(jobs);
        let mut remaining = 0;
        let mut more = 0;
        for f in &report.files {
            remaining += f.diagnostics.len();
            if let Some(job) = by_file.get(f.abs.as_path()) {
                more += f
                    .diagnostics
                    .iter()
                    .filter(|d| mode.only_unsafe(job, d))
                    .count();
            }
        }
        (remaining, more)
    };
    if args.diff {
        let (total, more) = counts(&report, &jobs);
        let outcome = if changed.is_empty() {
            Outcome::Clean
        } else {
            Outcome::Findings
        };
        let outcome = emit(outcome, |out| {
            for r in &changed {
                out.write_all(fix::unified_diff(&r.display, &r.before, &r.after).as_bytes())?;
            }
            Ok(())
        })?;
        eprintln!(
            "aio-lint: {}",
            fix::summary(fixed, total.saturating_sub(fixed), more, true)
        );
        return Ok(outcome);
    }
    for r in &changed {
        fix::write_atomically(&r.abs, &r.after)
            .map_err(|e| Failure::Error(format!("cannot write `{}`: {e}", r.display)))?;
    }
    let (report, jobs) = if changed.is_empty() {
        (report, jobs)
    } else {
        let (report, _, jobs) = collect_jobs(args)?;
        (report, jobs)
    };
    let (remaining, more) = counts(&report, &jobs);
    let outcome = outcome_of(&report, args.deny_warnings);
    let color = color_for(args.color);
    let outcome = emit(outcome, |out| {
        output::write(args.message_format, &report, out, color)
    })?;
    eprintln!("aio-lint: {}", fix::summary(fixed, remaining, more, false));
    Ok(outcome)
}

fn collect(args: &Args) -> Result<(Report, Stats), Failure> {
    collect_jobs(args).map(|(report, stats, _)| (report, stats))
}

/// [`collect`], and the jobs it ran (what `--fix` needs to re-lint a file).
fn collect_jobs(args: &Args) -> Result<(Report, Stats, Vec<Job>), Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Error(format!("cannot read the current folder: {e}")))?;
    let rules = seam::rules();
    let walk = Walk {
        cwd: &cwd,
        no_ignore: args.no_ignore,
        manifest_path: args.manifest_path.as_deref(),
    };
    let mut found = discover::discover(&args.paths, walk).map_err(Failure::Error)?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    let mut cx = Context::new(rules);
    for p in std::mem::take(&mut found.packages) {
        cx.add_known_package(p);
    }
    // Paths are shown relative to the workspace root (as cargo and clippy show them),
    // whatever the current folder; outside it, absolute.
    let base = found.root.clone().unwrap_or_else(|| cwd.clone());
    let jobs = plan(&found, &mut cx, &base).map_err(Failure::Error)?;

    let mut builder = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("aio-lint-{i}"));
    if let Some(j) = args.jobs {
        builder = builder.num_threads(usize::from(j));
    }
    let pool = builder
        .build()
        .map_err(|e| Failure::Error(format!("cannot start threads: {e}")))?;
    if args.parse_only {
        let results: Vec<(usize, bool)> = pool.install(|| jobs.par_iter().map(parse_one).collect());
        let stats = Stats {
            files: jobs.len(),
            lines: results.iter().map(|r| r.0).sum(),
            parse_errors: results.iter().filter(|r| !r.1).count(),
            ..Stats::default()
        };
        return Ok((
            Report {
                files: Vec::new(),
                checked: jobs.len(),
                rules,
            },
            stats,
            jobs,
        ));
    }
    let mut linted: Vec<Linted> = pool.install(|| jobs.par_iter().map(lint_one).collect());
    let mut panics = linted.iter().filter(|l| l.panicked).count();
    let mut analyses: Vec<FileAnalysis> = linted
        .iter_mut()
        .filter_map(|l| l.analysis.take())
        .collect();
    if pool
        .install(|| {
            catch_unwind(AssertUnwindSafe(|| {
                seam::link_relative_to(&mut analyses, &base)
            }))
        })
        .is_err()
    {
        eprintln!(
            "warning: internal error: the workspace pass panicked; cross-file findings are incomplete"
        );
        panics += 1;
    }
    let mut analyses = analyses.into_iter();
    for l in linted.iter_mut().filter(|l| !l.own_only()) {
        l.analysis = analyses.next();
    }

    let mut files: Vec<FileReport> = jobs
        .iter()
        .zip(linted.iter_mut())
        .filter_map(|(job, l)| finish(job, l, rules))
        .collect();
    for (path, message) in &found.errors {
        let display = discover::display_path(path, &base);
        let settings = path
            .parent()
            .and_then(|d| cx.dir(d).ok())
            .map(|d| d.settings.clone())
            .unwrap_or_default();
        if let Some(level) = settings.level(PARSE_ERROR, Level::Warn) {
            let mut d = seam::parse_error(
                seam::start_of_file(),
                format!("cannot read `{display}`: {message}"),
            );
            d.level = level;
            files.push(FileReport {
                display,
                abs: path.clone(),
                source: Arc::from(""),
                package: None,
                diagnostics: vec![d],
            });
        }
    }
    files.sort_by(|a, b| a.abs.cmp(&b.abs));
    let all = || files.iter().flat_map(|f| &f.diagnostics);
    let stats = Stats {
        files: jobs.len(),
        lines: linted.iter().map(|l| l.lines).sum(),
        findings: all().count(),
        panics,
        parse_errors: all().filter(|d| d.rule == PARSE_ERROR).count(),
    };
    Ok((
        Report {
            files,
            checked: jobs.len(),
            rules,
        },
        stats,
        jobs,
    ))
}

/// The parse-only floor for one file: read, decode, `syn::parse_file`. Returns the line
/// count and whether it parsed.
fn parse_one(job: &Job) -> (usize, bool) {
    let Ok(bytes) = std::fs::read(&job.abs) else {
        return (0, false);
    };
    let lines = count_lines(&bytes);
    let Ok(text) = String::from_utf8(bytes) else {
        return (lines, false);
    };
    let ok = syn::parse_file(&text).is_ok();
    proc_macro2::extra::invalidate_current_thread_spans();
    (lines, ok)
}

/// The whole pipeline on in-memory files, without the file system: analysis of each file,
/// the workspace pass, suppressions and levels, sorting, and rendering in every format
/// (human without and with colour, JSON, SARIF, GitHub). Returns each format's output.
/// For the fuzz target and the property tests; not a stable API.
#[doc(hidden)]
pub fn render_in_memory(files: &[(PathBuf, Vec<u8>)]) -> Vec<(MessageFormat, bool, Vec<u8>)> {
    let rules = seam::rules();
    let settings = Arc::new(Settings::default());
    let jobs: Vec<Job> = files
        .iter()
        .map(|(path, _)| Job {
            abs: path.clone(),
            display: path.to_string_lossy().into_owned(),
            settings: settings.clone(),
            package: None,
        })
        .collect();
    let mut linted: Vec<Linted> = jobs
        .iter()
        .zip(files)
        .map(|(job, (_, bytes))| {
            let mut l = lint_bytes(job, bytes.clone());
            if l.source.is_none() {
                l.source = Some(Arc::from(String::from_utf8_lossy(bytes).as_ref()));
            }
            l
        })
        .collect();
    let mut analyses: Vec<FileAnalysis> = linted
        .iter_mut()
        .filter_map(|l| l.analysis.take())
        .collect();
    seam::link(&mut analyses);
    let mut analyses = analyses.into_iter();
    for l in linted.iter_mut().filter(|l| !l.own_only()) {
        l.analysis = analyses.next();
    }
    let mut reports: Vec<FileReport> = jobs
        .iter()
        .zip(linted.iter_mut())
        .filter_map(|(job, l)| finish(job, l, rules))
        .collect();
    reports.sort_by(|a, b| a.abs.cmp(&b.abs));
    let report = Report {
        files: reports,
        checked: jobs.len(),
        rules,
    };
    let formats = [
        (MessageFormat::Human, false),
        (MessageFormat::Human, true),
        (MessageFormat::Json, false),
        (MessageFormat::Sarif, false),
        (MessageFormat::Github, false),
    ];
    formats
        .into_iter()
        .map(|(format, color)| {
            let mut out = Vec::new();
            output::write(format, &report, &mut out, color).expect("writing to memory");
            (format, color, out)
        })
        .collect()
}
