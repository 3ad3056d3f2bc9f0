//! The approval gate as one call: load base and head, work out who must
//! approve, read the reviews (saved or from GitHub) and evaluate them
//! ([`gate`]); then, if asked, the sticky comment ([`Decided::comment`]).
//! Every failure is a [`GateError`], which fails the gate closed.

use super::review::{self, Outcome, Review, SavedError};
use super::{NoTeam, Sides};
use crate::diff;
use crate::github::{self, Access, Client, CommentAction};
use crate::link::Catalog;
use crate::load::{LoadError, Source};
use crate::pipeline::Checked;
use jiff::civil::Date;
use std::path::Path;
use std::sync::Arc;

/// What the gate is asked to decide.
pub struct Inputs<'a> {
    /// The repository root.
    pub root: &'a Path,
    /// The revision the pull request merges into.
    pub base: &'a str,
    /// The revision with its changes.
    pub head: &'a str,
    pub today: Date,
    pub pull_request: Option<u64>,
    /// A saved review list; `None`: the reviews are read from GitHub.
    pub saved: Option<Saved<'a>>,
    /// The GitHub repository, owner/repo [default: `github:` of itsm.yaml at base].
    pub repo: Option<&'a str>,
    /// How to reach GitHub; `None` when there is no token.
    pub access: Option<Access>,
}

/// A saved review list (GitHub's JSON) and the pull request's author.
pub struct Saved<'a> {
    pub file: &'a Path,
    pub author: Option<&'a str>,
}

/// The gate's verdict, and what it needs to post it.
pub struct Decided {
    pub outcome: Outcome,
    pull_request: Option<u64>,
    repo: Option<String>,
    access: Option<Access>,
    client: Option<Client>,
    /// Both revisions' records, for the caller to drop (or not) at its leisure.
    _loaded: Loaded,
}

/// Why the gate could not decide; each fails it closed.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// A revision that cannot be resolved or compared.
    #[error(transparent)]
    Revision(#[from] diff::DiffError),
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The records at head hide what the pull request touches.
    #[error("{0}")]
    Undecidable(String),
    #[error("cannot decide who must approve")]
    Requirements(#[source] NoTeam),
    #[error(
        "--reviews FILE needs --author LOGIN (the pull request's author), or --event FILE to read it from"
    )]
    NoAuthor,
    #[error(transparent)]
    Saved(#[from] SavedError),
    #[error(
        "pass --pr N to read the reviews from GitHub, or --reviews FILE --author LOGIN to evaluate saved ones"
    )]
    NoPullRequest,
    #[error(
        "GITHUB_TOKEN is not set: the gate reads the reviews from GitHub (or pass --reviews FILE --author LOGIN)"
    )]
    NoToken,
    #[error("no GitHub repository: pass --github owner/repo or set `github:` in itsm.yaml")]
    NoRepository,
    #[error(transparent)]
    GitHub(#[from] github::Error),
    #[error(
        "GitHub says the head of pull request #{number} is {on_github}, but the gate evaluated {evaluated}: run it on the pull request's current head (check out that commit, or pass --head {on_github})"
    )]
    HeadMoved {
        number: u64,
        on_github: String,
        evaluated: String,
    },
    #[error("--comment needs --pr N")]
    CommentWithoutPullRequest,
}

/// Decides the gate. `progress` hears each stage as it ends (for `-v`).
pub fn gate(inputs: Inputs<'_>, progress: &mut dyn FnMut(&str)) -> Result<Decided, GateError> {
    let (root, base_rev, head_rev) = (inputs.root, inputs.base, inputs.head);
    diff::resolve_commit(root, base_rev).map_err(GateError::Revision)?;
    let head_sha = diff::resolve_commit(root, head_rev).map_err(GateError::Revision)?;
    let loaded = load(root, base_rev, head_rev, inputs.today)?;
    progress("loaded base and head");
    if let Some(why) = super::undecidable(&loaded.head, head_rev) {
        return Err(GateError::Undecidable(why));
    }
    let d = diff::compare(
        &loaded.base,
        &loaded.head.catalog,
        loaded.changed.as_deref(),
    );
    let paths = diff::changed_paths(root, base_rev, head_rev).map_err(GateError::Revision)?;
    let sides = Sides {
        base: &loaded.base,
        head: &loaded.head.catalog,
    };
    let required =
        super::requirements(&sides, &d, &paths, inputs.today).map_err(GateError::Requirements)?;
    progress("requirements");
    let repo = (inputs.repo.map(str::to_string)).or_else(|| loaded.base.repo.config.github.clone());
    let (pull, client) = pull_request(&inputs, repo.as_deref(), &head_sha)?;
    progress("reviews read");
    let outcome = review::evaluate(
        required,
        &loaded.base,
        &pull.reviews,
        &pull.author,
        &pull.head,
        inputs.pull_request,
    );
    Ok(Decided {
        outcome,
        pull_request: inputs.pull_request,
        repo,
        access: inputs.access,
        client,
        _loaded: loaded,
    })
}

impl Decided {
    /// Creates or updates the sticky comment with the Markdown matrix, on
    /// the pull request it returns.
    pub fn comment(&self) -> Result<(u64, CommentAction), GateError> {
        let Some(number) = self.pull_request else {
            return Err(GateError::CommentWithoutPullRequest);
        };
        let connected;
        let client = match &self.client {
            Some(c) => c,
            None => {
                connected = connect(self.repo.as_deref(), self.access.clone())?;
                &connected
            }
        };
        let body = super::render::markdown(&self.outcome);
        let action = client.upsert_comment(number, super::render::MARKER, &body)?;
        Ok((number, action))
    }
}

/// What the gate reads about the pull request: its reviews, its author, and
/// the commit approvals must be on.
struct Pull {
    reviews: Vec<Review>,
    author: String,
    head: String,
}

/// The reviews, from the saved file or from GitHub. Online, the pull
/// request's head on GitHub must be the commit evaluated: records read at one
/// commit cannot be judged by approvals of another.
fn pull_request(
    inputs: &Inputs<'_>,
    repo: Option<&str>,
    head_sha: &str,
) -> Result<(Pull, Option<Client>), GateError> {
    if let Some(saved) = &inputs.saved {
        let author = saved.author.ok_or(GateError::NoAuthor)?.to_string();
        let reviews = review::read_saved(saved.file)?;
        let head = head_sha.to_string();
        let pull = Pull {
            reviews,
            author,
            head,
        };
        return Ok((pull, None));
    }
    let number = inputs.pull_request.ok_or(GateError::NoPullRequest)?;
    let client = connect(repo, inputs.access.clone())?;
    let pr = client.pull_request(number)?;
    if !pr.head_sha.eq_ignore_ascii_case(head_sha) {
        return Err(GateError::HeadMoved {
            number,
            on_github: pr.head_sha,
            evaluated: head_sha.to_string(),
        });
    }
    let reviews = review::from_github(client.reviews(number)?);
    let pull = Pull {
        reviews,
        author: pr.author,
        head: pr.head_sha,
    };
    Ok((pull, Some(client)))
}

/// A GitHub client for the repository, or why there is none.
fn connect(repo: Option<&str>, access: Option<Access>) -> Result<Client, GateError> {
    let access = access.ok_or(GateError::NoToken)?;
    let repo = repo.ok_or(GateError::NoRepository)?;
    Ok(Client::new(&access, repo)?)
}

/// Base (linked), head (checked: the gate needs its errors) and the paths of
/// the files that differ (`None` when git cannot say).
struct Loaded {
    base: Arc<Catalog>,
    head: Checked,
    changed: Option<Vec<String>>,
}

/// Base (loaded and linked), head (checked) and the files that differ. Head
/// is loaded once; base is built from it, only the files that differ read
/// from base's blobs ([`diff::rebuild`]), and linked while head is. When
/// `itsm.yaml` differs (discovery may differ) both revisions are loaded
/// whole, in parallel.
fn load(root: &Path, base_rev: &str, head_rev: &str, today: Date) -> Result<Loaded, GateError> {
    let options = crate::checks::Options { today };
    let head_source = Source::Revision(head_rev.to_string());
    if let Ok(Some(blobs)) = diff::changed_between(root, base_rev, head_rev) {
        let checked = crate::pipeline::check_with(
            root,
            &head_source,
            options,
            |head| diff::rebuild(head, &blobs),
            |base| base.map(|repo| crate::link::link(repo, &mut Vec::new())),
        );
        // On an error, the plain path below reports it, in its order.
        if let Ok((head, Ok(base))) = checked {
            return Ok(Loaded {
                base: Arc::new(base),
                head,
                changed: Some(diff::paths_of(&blobs)),
            });
        }
    }
    load_whole(root, base_rev, head_rev, options)
}

/// Base loaded and linked whole, head checked and the files that differ, in
/// parallel.
fn load_whole(
    root: &Path,
    base_rev: &str,
    head_rev: &str,
    options: crate::checks::Options,
) -> Result<Loaded, GateError> {
    let head_source = Source::Revision(head_rev.to_string());
    let ((base, head), changed) = rayon::join(
        || {
            rayon::join(
                || diff::load_revision(root, base_rev),
                || crate::pipeline::check(root, &head_source, options),
            )
        },
        || diff::changed_files(root, base_rev, head_rev),
    );
    Ok(Loaded {
        base: Arc::new(base?),
        head: head?,
        changed: changed.map_err(GateError::Revision)?,
    })
}
