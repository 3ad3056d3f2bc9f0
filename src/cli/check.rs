//! `itsm check`: load, validate, link, run the checks and rules, print the findings.

use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::diag::Counts;
use itsm::load::Source;
use itsm::output::{Format, Report};
use std::path::{Path, PathBuf};

/// Validate every record, link them and run every check and Policy rule
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm check                              human-readable report
  itsm check --format json > report.json  for other tools
  itsm check --format github              annotations in GitHub Actions
  itsm check --format sarif > itsm.sarif  for code scanning
  itsm check --rev origin/main            the records at a git revision
  itsm check --today 2027-01-01           what will be overdue or expired then
  itsm check --format github --summary \"$GITHUB_STEP_SUMMARY\" --github-output \"$GITHUB_OUTPUT\"
                                          in a GitHub Actions step (what the action runs)

Exit codes: 0 no errors (warnings allowed unless --deny-warnings), 1 errors, 2 could not run.")]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Also append a Markdown report to FILE (e.g. "$GITHUB_STEP_SUMMARY")
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Also write the findings as SARIF 2.1.0 to FILE
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also append `errors=N` and `warnings=N` to FILE (e.g. "$GITHUB_OUTPUT")
    #[arg(long, value_name = "FILE")]
    pub github_output: Option<PathBuf>,
}

pub fn run(global: &Global, args: CheckArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let checked = global.check(started, &root, &Source::from(args.rev))?;
    let report = Report::of(&checked);
    let text = args.format.render(&report, global.color, !global.quiet);
    print(&text);
    let counts = Counts::of(&checked.diagnostics);
    if let Some(path) = &args.summary {
        append(path, &Format::Markdown.render(&report, false, true))?;
    }
    if let Some(path) = &args.sarif {
        itsm::scaffold::write_atomic(
            path,
            Format::Sarif.render(&report, false, true).as_bytes(),
            true,
        )
        .with_context(|| format!("cannot write the SARIF report to {}", super::shown(path)))?;
    }
    if let Some(path) = &args.github_output {
        append(
            path,
            &format!("errors={}\nwarnings={}\n", counts.errors, counts.warnings),
        )?;
    }
    global.note(started, "printed");
    super::free_at_exit(checked);
    Ok(
        if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
            Status::Findings
        } else {
            Status::Clean
        },
    )
}

/// Appends `text` to `path` (creating it): step summaries and outputs are shared
/// by every step of a job, so they are never replaced.
pub(super) fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| format!("cannot append to {}", super::shown(path)))
}
