//! `itsm audit`: the change register from git history.

use super::{Global, Status, print};
use anyhow::{Result, bail};
use itsm::approvals::review;
use itsm::audit::{self, Options, Register};
use itsm::github::{Access, Client};
use rustc_hash::FxHashMap as HashMap;

/// The change register from git history: each Change, the commits and pull requests that brought and changed it, when, by whom, and who approved
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm audit                                  Markdown register of every Change
  itsm audit --since 2026-01-01 --until 2026-06-30 --format csv > h1.csv
  itsm audit --format json --offline          without asking GitHub for approvers

History is walked along first parents from --rev: a merged pull request is its
merge or squash commit, whose message gives the pull request number
(`Merge pull request #12 from ...` or `Subject (#12)`). With GITHUB_TOKEN set and
a repository known (--github, else `github:` in itsm.yaml), the approvers of each
pull request are read from GitHub (GITHUB_API_URL for GitHub Enterprise).

Exit codes: 0 printed, 2 could not run (unknown revision, GitHub unreachable, a shallow
clone: fetch the whole history, e.g. actions/checkout with fetch-depth: 0).")]
pub struct AuditArgs {
    /// Walk history from this revision
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,
    /// Only events on or after this date (YYYY-MM-DD, UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub since: Option<jiff::civil::Date>,
    /// Only events on or before this date (YYYY-MM-DD, UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub until: Option<jiff::civil::Date>,
    /// Output format
    #[arg(long, value_enum, default_value_t = AuditFormat::Markdown)]
    pub format: AuditFormat,
    /// The GitHub repository as owner/repo [default: `github:` in itsm.yaml]
    #[arg(long, value_name = "OWNER/REPO")]
    pub github: Option<String>,
    /// Do not read approvers from GitHub, even with GITHUB_TOKEN set
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// a table, one row per event
    Markdown,
    /// one JSON document, one entry per Change with its events
    Json,
    /// one row per event
    Csv,
}

pub fn run(global: &Global, args: AuditArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    if let (Some(s), Some(u)) = (args.since, args.until)
        && s > u
    {
        bail!("--since {s} is after --until {u}");
    }
    let options = Options {
        rev: args.rev.clone(),
        since: args.since,
        until: args.until,
    };
    let mut register = audit::register(&root, &options)?;
    global.note(started, "history walked");
    if let (false, Some(access)) = (args.offline, Access::from_env()) {
        let repo = args.github.clone().or_else(|| configured_repo(&root));
        let Some(repo) = repo else {
            bail!(
                "GITHUB_TOKEN is set but no GitHub repository is known: pass --github owner/repo, set `github:` in itsm.yaml, or pass --offline"
            );
        };
        read_approvers(&mut register, &access, &repo)?;
        global.note(started, "approvers read");
    }
    let text = match args.format {
        AuditFormat::Markdown => audit::markdown(&register),
        AuditFormat::Json => audit::json(&register)?,
        AuditFormat::Csv => audit::csv(&register)?,
    };
    print(&text);
    Ok(Status::Clean)
}

/// Sets the approvers of every event of `register` from the reviews of its
/// pull request on GitHub (`repo`: owner/repo).
pub(super) fn read_approvers(register: &mut Register, access: &Access, repo: &str) -> Result<()> {
    let client = Client::new(access, repo)?;
    let mut approvers = HashMap::default();
    for n in audit::pull_requests(register) {
        let reviews = review::from_github(client.reviews(n)?);
        approvers.insert(n, audit::approvers(&reviews));
    }
    audit::set_approvers(register, &approvers);
    Ok(())
}

/// `github:` of the itsm.yaml on disk.
fn configured_repo(root: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(itsm::config::CONFIG_FILE)).ok()?;
    let doc = itsm::load::yaml::parse(&text).0.into_iter().next()?;
    itsm::config::Config::from_value(&doc.value).github
}
