//! `itsm approvals`: the approval gate for a pull request.

use super::{Global, Status, print};
use anyhow::{Context, Result, bail};
use itsm::approvals::{self, Sides, render, review};
use itsm::diff;
use itsm::github::{self, Client, CommentAction};
use itsm::load::Source;
use std::path::PathBuf;
use std::sync::Arc;

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

GitHub: GITHUB_TOKEN (required online), GITHUB_API_URL (GitHub Enterprise, e.g.
https://ghe.example.com/api/v3), ITSM_GITHUB_MAX_WAIT (longest wait in seconds
between retries, default 60).

Exit codes: 0 every requirement is met, 1 not met, 2 could not decide (which fails the gate).")]
pub struct ApprovalsArgs {
    /// The revision the pull request merges into (e.g. origin/main)
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The revision with the pull request's changes
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,
    /// The pull request number
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// The GitHub repository as owner/repo [default: `github:` in itsm.yaml]
    #[arg(long, value_name = "OWNER/REPO")]
    pub github: Option<String>,
    /// Evaluate this saved review list (GitHub's JSON) instead of calling GitHub
    #[arg(long, value_name = "FILE", requires = "author")]
    pub reviews: Option<PathBuf>,
    /// The pull request's author (with --reviews)
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

pub fn run(global: &Global, args: ApprovalsArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let head_sha = diff::resolve_commit(&root, &args.head).map_err(anyhow::Error::msg)?;
    let (base, head, changed) = load(&root, &args, global.today)?;
    global.note(started, "loaded base and head");
    if let Some(why) = approvals::undecidable(&head, &args.head) {
        bail!("{why}");
    }
    let d = diff::compare(&base, &head.catalog, changed.as_deref());
    let sides = Sides {
        base: &base,
        head: &head.catalog,
    };
    let required = approvals::requirements(&sides, &d, global.today)
        .map_err(|e| anyhow::anyhow!("cannot decide who must approve: {e}"))?;
    global.note(started, "requirements");

    let repo = args
        .github
        .clone()
        .or_else(|| base.repo.config.github.clone());
    let mut client = None;
    let (reviews, author, approvals_on) = match (&args.reviews, &args.author) {
        (Some(file), Some(author)) => (saved_reviews(file)?, author.clone(), head_sha.clone()),
        _ => {
            let Some(number) = args.pr else {
                bail!(
                    "pass --pr N to read the reviews from GitHub, or --reviews FILE --author LOGIN to evaluate saved ones"
                );
            };
            let c = connect(repo.as_deref())?;
            let pr = c.pull_request(number)?;
            let reviews = c.reviews(number)?;
            if !pr.head.sha.eq_ignore_ascii_case(&head_sha) && !global.quiet {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!(
                        "note: the records are read at --head {head_sha}; GitHub says the pull request's head is {}, and approvals must be on that commit",
                        pr.head.sha
                    );
                }
            }
            client = Some(c);
            (reviews, pr.user.login, pr.head.sha)
        }
    };
    global.note(started, "reviews read");
    let outcome = review::evaluate(required, &base, &reviews, &author, &approvals_on, args.pr);
    print(&match args.format {
        GateFormat::Human => render::human(&outcome),
        GateFormat::Json => render::json(&outcome),
        GateFormat::Github => render::github(&outcome),
        GateFormat::Markdown => render::markdown(&outcome),
    });
    if args.comment {
        let Some(number) = args.pr else {
            bail!("--comment needs --pr N");
        };
        let c = match client {
            Some(c) => c,
            None => connect(repo.as_deref())?,
        };
        let action = c.upsert_comment(number, render::MARKER, &render::markdown(&outcome))?;
        let note = match action {
            CommentAction::Created(id) => format!("created comment {id} on #{number}"),
            CommentAction::Updated(id) => format!("updated comment {id} on #{number}"),
        };
        global.note(started, &note);
    }
    Ok(if outcome.met {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// Base (loaded and linked), head (checked: the gate needs its errors) and the
/// files that differ, all in parallel.
fn load(
    root: &std::path::Path,
    args: &ApprovalsArgs,
    today: jiff::civil::Date,
) -> Result<(
    Arc<itsm::link::Catalog>,
    itsm::pipeline::Checked,
    Option<Vec<String>>,
)> {
    let ((base, head), changed) = rayon::join(
        || {
            rayon::join(
                || diff::load_revision(root, &args.base),
                || {
                    let options = itsm::checks::Options { today };
                    itsm::pipeline::check(root, &Source::Revision(args.head.clone()), options)
                },
            )
        },
        || diff::changed_files(root, &args.base, &args.head),
    );
    Ok((Arc::new(base?), head?, changed.map_err(anyhow::Error::msg)?))
}

/// A saved review list: GitHub's JSON array of review objects.
fn saved_reviews(file: &std::path::Path) -> Result<Vec<review::Review>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the reviews {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not GitHub's list of reviews (a JSON array of review objects)",
            file.display()
        )
    })
}

/// A GitHub client from GITHUB_TOKEN, GITHUB_API_URL and the repository.
fn connect(repo: Option<&str>) -> Result<Client> {
    let token = std::env::var("GITHUB_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        bail!(
            "GITHUB_TOKEN is not set: the gate reads the reviews from GitHub (or pass --reviews FILE --author LOGIN)"
        );
    }
    let Some(repo) = repo else {
        bail!("no GitHub repository: pass --github owner/repo or set `github:` in itsm.yaml");
    };
    let api = std::env::var("GITHUB_API_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| github::DEFAULT_API_URL.to_string());
    Client::new(&api, token.trim(), repo)
}
