//! `itsm approvals`: the approval gate for a pull request.

use super::{Global, Status, print};
use anyhow::{Result, bail};
use itsm::approvals::{self, Inputs, Saved, render};
use itsm::github::event::Event;
use itsm::github::{Access, CommentAction};
use std::path::PathBuf;

/// The approval gate: who must approve the records a pull request touches, and whether they did
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm approvals --base origin/main --head HEAD --pr 42
        read pull request 42 and its reviews from GitHub (GITHUB_TOKEN)
  itsm approvals --base main --head HEAD --pr 42 --format markdown --comment
        also create or update one sticky comment on the pull request
  itsm approvals --base main --head HEAD --reviews reviews.json --author octocat
        offline: reviews.json is the body of GitHub's \"list reviews for a pull request\"
  itsm approvals --event \"$GITHUB_EVENT_PATH\" --format github --summary \"$GITHUB_STEP_SUMMARY\"
        in GitHub Actions: base, head, number, author and repository from the
        pull_request or pull_request_review event (what the action runs)
  itsm approvals --event event.json --reviews reviews.json
        offline, the author and number from the saved event

GitHub: GITHUB_TOKEN (required online), GITHUB_API_URL (GitHub Enterprise, e.g.
https://ghe.example.com/api/v3), ITSM_GITHUB_MAX_WAIT (longest wait in seconds
between retries, default 60).

Exit codes: 0 every requirement is met, 1 not met, 2 could not decide, which fails the gate
(GitHub unreachable, the pull request's head is not the commit evaluated, a shallow clone
without the base or head commit: fetch-depth: 0).")]
pub struct ApprovalsArgs {
    /// The revision the pull request merges into (e.g. origin/main)
    #[arg(long, value_name = "REV", required_unless_present = "event")]
    pub base: Option<String>,
    /// The revision with the pull request's changes [default: HEAD]
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// A GitHub Actions event payload (pull_request or pull_request_review): the
    /// base and head SHAs, the number, the author and the repository default to
    /// the event's
    #[arg(long, value_name = "FILE")]
    pub event: Option<PathBuf>,
    /// Also append the Markdown matrix to FILE (e.g. "$GITHUB_STEP_SUMMARY")
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The pull request number
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// The GitHub repository as owner/repo [default: `github:` in itsm.yaml]
    #[arg(long, value_name = "OWNER/REPO")]
    pub github: Option<String>,
    /// Evaluate this saved review list (GitHub's JSON) instead of calling GitHub
    #[arg(long, value_name = "FILE")]
    pub reviews: Option<PathBuf>,
    /// The pull request's author (with --reviews) [default: the event's]
    #[arg(long, value_name = "LOGIN", requires = "reviews")]
    pub author: Option<String>,
    /// Output format [default: human]
    #[arg(long, value_enum, default_value_t = GateFormat::Human)]
    pub format: GateFormat,
    /// Create or update the sticky comment on the pull request (needs --pr and GITHUB_TOKEN)
    #[arg(long)]
    pub comment: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GateFormat {
    /// the approval matrix for people
    Human,
    /// one JSON document
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// the pull-request comment and step summary
    Markdown,
}

pub fn run(global: &Global, mut args: ApprovalsArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    apply_event(&mut args)?;
    let Some(base) = args.base.as_deref() else {
        bail!("pass --base REV (the revision the pull request merges into), or --event FILE");
    };
    let inputs = Inputs {
        root: &root,
        base,
        head: args.head.as_deref().unwrap_or("HEAD"),
        today: global.today,
        pull_request: args.pr,
        saved: args.reviews.as_deref().map(|file| Saved {
            file,
            author: args.author.as_deref(),
        }),
        repo: args.github.as_deref(),
        access: Access::from_env(),
    };
    let decided = approvals::gate(inputs, &mut |stage| global.note(started, stage))?;
    let outcome = &decided.outcome;
    print(&match args.format {
        GateFormat::Human => render::human(outcome),
        GateFormat::Json => render::json(outcome),
        GateFormat::Github => render::github(outcome),
        GateFormat::Markdown => render::markdown(outcome),
    });
    if let Some(path) = &args.summary {
        super::check::append(path, &render::markdown(outcome))?;
    }
    if args.comment {
        let note = match decided.comment()? {
            (n, CommentAction::Created(id)) => format!("created comment {id} on #{n}"),
            (n, CommentAction::Updated(id)) => format!("updated comment {id} on #{n}"),
        };
        global.note(started, &note);
    }
    let status = if outcome.met {
        Status::Clean
    } else {
        Status::Findings
    };
    super::free_at_exit(decided);
    Ok(status)
}

/// Fills what the command line leaves out from the event payload.
fn apply_event(args: &mut ApprovalsArgs) -> Result<()> {
    let Some(path) = &args.event else {
        return Ok(());
    };
    let pull = Event::read(path)?;
    let (pull, repository) = (pull.pull_request, pull.repository);
    args.base.get_or_insert(pull.base.sha);
    args.head.get_or_insert(pull.head.sha);
    args.pr.get_or_insert(pull.number);
    if let (Some(user), true) = (pull.user, args.reviews.is_some()) {
        args.author.get_or_insert(user.login);
    }
    if let Some(repo) = repository {
        args.github.get_or_insert(repo.full_name);
    }
    Ok(())
}
