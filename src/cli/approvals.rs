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

/// What a pull_request / pull_request_review event says about its pull request.
#[derive(Debug, serde::Deserialize)]
struct Event {
    pull_request: EventPull,
    repository: Option<EventRepo>,
}

#[derive(Debug, serde::Deserialize)]
struct EventPull {
    number: u64,
    base: EventRef,
    head: EventRef,
    user: Option<EventUser>,
}

#[derive(Debug, serde::Deserialize)]
struct EventUser {
    login: String,
}

#[derive(Debug, serde::Deserialize)]
struct EventRef {
    sha: String,
}

#[derive(Debug, serde::Deserialize)]
struct EventRepo {
    full_name: String,
}

/// Fills what the command line leaves out from the event payload.
fn apply_event(args: &mut ApprovalsArgs) -> Result<()> {
    let Some(path) = &args.event else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the event {}", path.display()))?;
    let event: Event = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a pull_request or pull_request_review event (no pull_request with number, base.sha and head.sha)",
            path.display()
        )
    })?;
    let pull = event.pull_request;
    args.base.get_or_insert(pull.base.sha);
    args.head.get_or_insert(pull.head.sha);
    args.pr.get_or_insert(pull.number);
    if let (Some(user), true) = (pull.user, args.reviews.is_some()) {
        args.author.get_or_insert(user.login);
    }
    if let Some(repo) = event.repository {
        args.github.get_or_insert(repo.full_name);
    }
    Ok(())
}

pub fn run(global: &Global, mut args: ApprovalsArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    apply_event(&mut args)?;
    let Some(base_rev) = args.base.clone() else {
        bail!("pass --base REV (the revision the pull request merges into), or --event FILE");
    };
    let head_rev = args.head.clone().unwrap_or_else(|| "HEAD".to_string());
    diff::resolve_commit(&root, &base_rev).map_err(anyhow::Error::msg)?;
    let head_sha = diff::resolve_commit(&root, &head_rev).map_err(anyhow::Error::msg)?;
    let (base, head, changed) = load(&root, &base_rev, &head_rev, global.today)?;
    global.note(started, "loaded base and head");
    if let Some(why) = approvals::undecidable(&head, &head_rev) {
        bail!("{why}");
    }
    let d = diff::compare(&base, &head.catalog, changed.as_deref());
    let paths = diff::changed_paths(&root, &base_rev, &head_rev).map_err(anyhow::Error::msg)?;
    let sides = Sides {
        base: &base,
        head: &head.catalog,
    };
    let required = approvals::requirements(&sides, &d, &paths, global.today)
        .map_err(|e| anyhow::anyhow!("cannot decide who must approve: {e}"))?;
    global.note(started, "requirements");

    let repo = args
        .github
        .clone()
        .or_else(|| base.repo.config.github.clone());
    let (pull, client) = pull_request(&args, repo.as_deref(), &head_sha)?;
    global.note(started, "reviews read");
    let outcome = review::evaluate(
        required,
        &base,
        &pull.reviews,
        &pull.author,
        &pull.head,
        args.pr,
    );
    print(&match args.format {
        GateFormat::Human => render::human(&outcome),
        GateFormat::Json => render::json(&outcome),
        GateFormat::Github => render::github(&outcome),
        GateFormat::Markdown => render::markdown(&outcome),
    });
    if let Some(path) = &args.summary {
        super::check::append(path, &render::markdown(&outcome))?;
    }
    if args.comment {
        comment(global, started, &args, repo.as_deref(), client, &outcome)?;
    }
    let met = outcome.met;
    // Both revisions' records are dropped with the process, not one by one.
    std::mem::forget((base, head, outcome, d));
    Ok(if met { Status::Clean } else { Status::Findings })
}

/// What the gate reads about the pull request: its reviews, its author, and
/// the commit approvals must be on.
struct Pull {
    reviews: Vec<review::Review>,
    author: String,
    head: String,
}

/// The reviews, from the saved file (`--reviews`) or from GitHub. Online,
/// the pull request's head on GitHub must be the commit evaluated: records
/// read at one commit cannot be judged by approvals of another.
fn pull_request(
    args: &ApprovalsArgs,
    repo: Option<&str>,
    head_sha: &str,
) -> Result<(Pull, Option<Client>)> {
    if let Some(file) = &args.reviews {
        let Some(author) = args.author.clone() else {
            bail!(
                "--reviews FILE needs --author LOGIN (the pull request's author), or --event FILE to read it from"
            );
        };
        let reviews = saved_reviews(file)?;
        let head = head_sha.to_string();
        return Ok((
            Pull {
                reviews,
                author,
                head,
            },
            None,
        ));
    }
    let Some(number) = args.pr else {
        bail!(
            "pass --pr N to read the reviews from GitHub, or --reviews FILE --author LOGIN to evaluate saved ones"
        );
    };
    let c = connect(repo)?;
    let pr = c.pull_request(number)?;
    if !pr.head.sha.eq_ignore_ascii_case(head_sha) {
        bail!(
            "GitHub says the head of pull request #{number} is {}, but the gate evaluated {head_sha}: run it on the pull request's current head (check out that commit, or pass --head {})",
            pr.head.sha,
            pr.head.sha
        );
    }
    let reviews = c.reviews(number)?;
    let pull = Pull {
        reviews,
        author: pr.user.login,
        head: pr.head.sha,
    };
    Ok((pull, Some(c)))
}

/// Creates or updates the sticky comment.
fn comment(
    global: &Global,
    started: std::time::Instant,
    args: &ApprovalsArgs,
    repo: Option<&str>,
    client: Option<Client>,
    outcome: &review::Outcome,
) -> Result<()> {
    let Some(number) = args.pr else {
        bail!("--comment needs --pr N");
    };
    let c = match client {
        Some(c) => c,
        None => connect(repo)?,
    };
    let action = c.upsert_comment(number, render::MARKER, &render::markdown(outcome))?;
    let note = match action {
        CommentAction::Created(id) => format!("created comment {id} on #{number}"),
        CommentAction::Updated(id) => format!("updated comment {id} on #{number}"),
    };
    global.note(started, &note);
    Ok(())
}

/// Base (linked), head (checked: the gate needs its errors) and the paths of
/// the files that differ (`None` when git cannot say).
type Loaded = (
    Arc<itsm::link::Catalog>,
    itsm::pipeline::Checked,
    Option<Vec<String>>,
);

/// Base (loaded and linked), head (checked: the gate needs its errors) and the
/// files that differ. Head is loaded once; base is built from it, only the
/// files that differ read from base's blobs ([`diff::rebuild`]), and linked
/// while head is. When `itsm.yaml` differs (discovery may differ) both
/// revisions are loaded whole, in parallel.
fn load(
    root: &std::path::Path,
    base_rev: &str,
    head_rev: &str,
    today: jiff::civil::Date,
) -> Result<Loaded> {
    let options = itsm::checks::Options { today };
    let head_source = Source::Revision(head_rev.to_string());
    if let Ok(Some(blobs)) = diff::changed_between(root, base_rev, head_rev) {
        let checked = itsm::pipeline::check_with(
            root,
            &head_source,
            options,
            |head| diff::rebuild(head, &blobs),
            |base| base.map(|repo| itsm::link::link(repo, &mut Vec::new())),
        );
        match checked {
            Ok((head, Ok(base))) => {
                return Ok((Arc::new(base), head, Some(diff::paths_of(&blobs))));
            }
            // The errors, in the order of the plain path below.
            Ok((_, Err(_))) | Err(_) => {}
        }
    }
    load_whole(root, base_rev, head_rev, options)
}

/// Base loaded and linked whole, head checked and the files that differ, in
/// parallel.
fn load_whole(
    root: &std::path::Path,
    base_rev: &str,
    head_rev: &str,
    options: itsm::checks::Options,
) -> Result<Loaded> {
    let ((base, head), changed) = rayon::join(
        || {
            rayon::join(
                || diff::load_revision(root, base_rev),
                || itsm::pipeline::check(root, &Source::Revision(head_rev.to_string()), options),
            )
        },
        || diff::changed_files(root, base_rev, head_rev),
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
