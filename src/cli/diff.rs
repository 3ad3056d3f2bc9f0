//! `itsm diff BASE HEAD`: the records added, modified and removed between two revisions.

use super::{Global, Status, print};
use anyhow::Result;
use itsm::diff::{self, render};

/// Records added, modified and removed between two git revisions, field by field
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm diff main HEAD                   what this branch changes
  itsm diff HEAD~1 HEAD --format json   the last commit, for other tools
  itsm diff v1.0 v1.1 --format markdown for release notes

Records are matched by kind:name, so a moved or renamed file is a modification.
Revisions are read from the git object database (no checkout).

Exit codes: 0 printed (whether or not records differ), 2 could not run.")]
pub struct DiffArgs {
    /// The old revision (a branch, tag or SHA)
    #[arg(value_name = "BASE")]
    pub base: String,
    /// The new revision
    #[arg(value_name = "HEAD")]
    pub head: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// one line per record and per changed field
    Human,
    /// one JSON document
    Json,
    /// tables, for pull-request comments and release notes
    Markdown,
}

pub fn run(global: &Global, args: DiffArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let d = diff::between(&root, &args.base, &args.head)?;
    global.note(started, "compared");
    let text = match args.format {
        DiffFormat::Human => render::human(&d, !global.quiet),
        DiffFormat::Json => render::json(&d, &args.base, &args.head),
        DiffFormat::Markdown => render::markdown(&d, &args.base, &args.head),
    };
    print(&text);
    Ok(Status::Clean)
}
