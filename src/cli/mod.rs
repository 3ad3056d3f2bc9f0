//! Command-line arguments and the dispatch to one module per command.

mod approvals;
mod audit;
mod build;
mod check;
mod diff;
mod evidence;
mod export;
mod impact;
mod import;
mod init;
mod intake;
mod new;
mod report;
mod schema;
mod serve;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use itsm::config::{CONFIG_FILE, find_root};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// What a command concluded; mapped to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: no errors (or the gate is satisfied).
    Clean,
    /// 1: the repository has errors (or the gate is not satisfied).
    Findings,
    /// 2: the command could not do its job.
    Failure,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(match s {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Failure => 2,
        })
    }
}

const ABOUT: &str = "IT service management kept as code: validate, link and publish the services, SLAs, CIs, \
teams, policies, changes, suppliers, incidents and problems of an ISO/IEC 20000 repository.";

const AFTER_HELP: &str = "\
Examples:
  itsm init my-itsm                 scaffold a new repository
  itsm check                        validate every record; exit 1 on errors
  itsm -C example-repo check        check another folder
  itsm check --format github        annotations for GitHub Actions
  itsm check --rev main             check the records as they are on main
  itsm build                        write the catalogue site (itsm serve: live preview)
  itsm new service payments-api     write a new record from a template
  itsm schema service               print the JSON Schema of Services
  itsm diff main HEAD               records added, modified and removed
  itsm approvals --base main --pr 7 the approval gate of pull request 7
  itsm audit --format csv           the change register from git history
  itsm impact ci:orders-db          what a change to a record touches
  itsm report coverage              ISO/IEC 20000-1 gap analysis, clause by clause
  itsm report sla --period 2026-Q3  SLA attainment over a quarter
  itsm export > catalogue.json      the linked catalogue as JSON
  itsm import backstage FILES       Backstage entities to Services, CIs and Teams
  itsm intake --event FILE          a GitHub issue from the service desk forms to a record

Exit codes: 0 no errors (or the approval gate is met), 1 errors found (or the gate is not met),
2 could not run (bad arguments, unreadable repository, GitHub unreachable).";

#[derive(Debug, Parser)]
#[command(name = "itsm", version, about = ABOUT, after_help = AFTER_HELP, propagate_version = true)]
pub struct Args {
    /// Repository root [default: the nearest folder upward that holds itsm.yaml]
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The date checks treat as today (YYYY-MM-DD), for reproducible runs [default: today, UTC]
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// When to colour the output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only the findings, no summary
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what is being done, with timings, on standard error
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Approvals(approvals::ApprovalsArgs),
    Audit(audit::AuditArgs),
    Check(check::CheckArgs),
    Diff(diff::DiffArgs),
    Export(export::ExportArgs),
    Impact(impact::ImpactArgs),
    Import(import::ImportArgs),
    Build(build::BuildArgs),
    Serve(serve::ServeArgs),
    Init(init::InitArgs),
    Intake(intake::IntakeArgs),
    New(new::NewArgs),
    Report(report::ReportArgs),
    Schema(schema::SchemaArgs),
}

/// A fatal error as `main` prints it (`error: ` and the cause chain), made safe
/// for the terminal or CI log it reaches. Untrusted values are escaped where
/// they are formatted; this is the backstop for any that a message (or a
/// library's error text) lets through: controls other than the line breaks
/// of a multi-line message are shown escaped, and every line is guarded
/// against being read as a workflow command ([`itsm::output::escape::lines`]).
/// A message that is already safe is printed as it is.
pub fn fatal(e: &anyhow::Error) -> String {
    let text = format!("error: {e:#}");
    let mut visible = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => visible.push('\n'),
            c => itsm::output::escape::push_visible(&mut visible, c),
        }
    }
    itsm::output::escape::lines(&visible)
}

/// A path named in a message, escaped for the terminal or CI log the message
/// reaches (a file name can hold controls, line breaks, workflow commands).
pub fn shown(path: &std::path::Path) -> String {
    itsm::output::escape::log(&path.display().to_string()).into_owned()
}

/// A value given on the command line, named in a message: escaped as [`shown`].
pub fn shown_text(text: &str) -> std::borrow::Cow<'_, str> {
    itsm::output::escape::log(text)
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    itsm::time::date(s).ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// Runs the command.
pub fn run(args: Args) -> Result<Status> {
    let global = Global::from(&args);
    match args.command {
        Command::Approvals(a) => approvals::run(&global, a),
        Command::Audit(a) => audit::run(&global, a),
        Command::Check(a) => check::run(&global, a),
        Command::Diff(a) => diff::run(&global, a),
        Command::Export(a) => export::run(&global, a),
        Command::Impact(a) => impact::run(&global, a),
        Command::Import(a) => import::run(&global, a),
        Command::Build(a) => build::run(&global, a),
        Command::Serve(a) => serve::run(&global, a),
        Command::Init(a) => init::run(&global, a),
        Command::Intake(a) => intake::run(&global, a),
        Command::New(a) => new::run(&global, a),
        Command::Report(a) => report::run(&global, a),
        Command::Schema(a) => schema::run(&global, a),
    }
}

/// The global options, resolved.
pub struct Global {
    dir: Option<PathBuf>,
    pub today: jiff::civil::Date,
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl From<&Args> for Global {
    fn from(args: &Args) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Global {
            dir: args.dir.clone(),
            today: args.today.unwrap_or_else(itsm::time::today),
            color,
            quiet: args.quiet,
            verbose: args.verbose,
        }
    }
}

impl Global {
    /// The repository root: `-C DIR`, else the nearest folder upward with itsm.yaml.
    pub fn root(&self) -> Result<PathBuf> {
        match &self.dir {
            Some(dir) => {
                if !dir.is_dir() {
                    bail!("{} is not a folder", shown(dir));
                }
                if !dir.join(CONFIG_FILE).is_file() {
                    bail!(
                        "{} has no {CONFIG_FILE}: point -C at the repository root, or create one with `itsm init {}`",
                        shown(dir),
                        shown(dir)
                    );
                }
                Ok(dir.clone())
            }
            None => {
                let cwd = std::env::current_dir().context("cannot read the current folder")?;
                find_root(&cwd).with_context(|| {
                    format!(
                        "no {CONFIG_FILE} in {} or any folder above it: run `itsm init`, or pass -C DIR",
                        shown(&cwd)
                    )
                })
            }
        }
    }

    /// A progress note on standard error, with `-v`.
    /// Loads, validates, links and checks the repository at `root`; with `-v`,
    /// prints each stage's time (relative to `started`, the command's start).
    pub fn check(
        &self,
        started: std::time::Instant,
        root: &std::path::Path,
        source: &itsm::load::Source,
    ) -> Result<itsm::pipeline::Checked> {
        let options = itsm::checks::Options { today: self.today };
        let checked = itsm::pipeline::check(root, source, options)?;
        for (stage, took) in &checked.timings {
            self.note(
                started,
                &format!("{stage}: {:.1} ms", took.as_secs_f64() * 1000.0),
            );
        }
        Ok(checked)
    }

    pub fn note(&self, started: std::time::Instant, what: &str) {
        if self.verbose {
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "[{:>7.1} ms] {what}",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
    }
}

/// Leaves `value` to the end of the process instead of dropping it: the
/// command returns to `main` and the process exits right after, and freeing a
/// loaded catalogue (100,000 records: millions of small allocations) piece by
/// piece is time the operating system saves by taking the pages back whole.
pub fn free_at_exit<T>(value: T) {
    std::mem::forget(value);
}

/// The web address of GitHub the site links to, from `GITHUB_SERVER_URL`.
pub fn github_url() -> Result<String> {
    itsm::github::server_url_from_env().map_err(|bad| {
        anyhow::anyhow!(
            "GITHUB_SERVER_URL `{}` is not a web address like https://github.example.com: set it to your GitHub's address, or unset it for {}",
            itsm::output::escape::log(&bad),
            itsm::github::DEFAULT_SERVER_URL
        )
    })
}

/// Writes to standard output, ignoring a closed pipe (`itsm check | head`).
pub fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::fatal;

    #[test]
    fn fatal_errors_are_safe_for_a_terminal_and_a_ci_log() {
        let e = anyhow::anyhow!("no record `a\u{1b}[2J\r\n::error::x` ##[add-mask]y")
            .context("cannot export\n  ::warning::z\u{9b}");
        assert_eq!(
            fatal(&e),
            "error: cannot export\n  \\u{3a}:warning::z\\u{9b}: no record `a\\u{1b}[2J\\r\n\\u{3a}:error::x` ##\\[add-mask]y"
        );
        // a safe message, multi-line included, is printed as it is
        let e = anyhow::anyhow!("--login-map m.yaml:\n  m.yaml:1:1: `x` is bad\nfix it");
        assert_eq!(fatal(&e), format!("error: {e:#}"));
    }
}
