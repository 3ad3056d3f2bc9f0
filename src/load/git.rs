//! The git edge of loading: the repository that holds a root, the tree of a
//! revision there, and the errors of reading them, shared by every stage that
//! reads git (loading at a revision, the record diff, the change register).

use std::path::{Path, PathBuf};

/// What to do when a shallow clone lacks the history a command needs.
pub const SHALLOW_FIX: &str = "fetch the whole history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`)";

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{} is not in a git repository", root.display())]
    NotInGit {
        root: PathBuf,
        #[source]
        source: GitCause,
    },
    #[error("the git repository is bare")]
    Bare,
    #[error("cannot resolve revision `{rev}`")]
    Revision {
        rev: String,
        #[source]
        source: GitCause,
    },
    #[error("cannot resolve revision `{rev}` to a commit")]
    NotACommit {
        rev: String,
        #[source]
        source: GitCause,
    },
    #[error("`{rev}` has no tree")]
    NoTree {
        rev: String,
        #[source]
        source: GitCause,
    },
    /// The root's folder is not in the revision's tree.
    #[error("`{}` does not exist at revision `{rev}`", prefix.display())]
    NoFolder { prefix: PathBuf, rev: String },
    #[error("`{}` at `{rev}`", prefix.display())]
    Folder {
        prefix: PathBuf,
        rev: String,
        #[source]
        source: GitCause,
    },
    /// Any other failure of libgit2 (a missing or damaged object).
    #[error(transparent)]
    Other(#[from] GitCause),
}

/// A failure of libgit2, shown by its message (and, in a shallow clone, what
/// to do about it). git2's own `Display` appends its class and code, which
/// tell a user nothing; the error is kept whole for code that needs them.
#[derive(Debug)]
pub struct GitCause {
    error: git2::Error,
    hint: Option<String>,
}

impl GitCause {
    /// The error libgit2 gave.
    pub fn git(&self) -> &git2::Error {
        &self.error
    }
}

impl From<git2::Error> for GitCause {
    fn from(error: git2::Error) -> GitCause {
        GitCause { error, hint: None }
    }
}

impl std::fmt::Display for GitCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.error.message())?;
        match &self.hint {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
        }
    }
}

// git2's error is held, not chained: chained, a printer of the chain would
// show its message twice (see the type's comment).
impl std::error::Error for GitCause {}

/// The git repository that holds `root`.
pub fn open_git(root: &Path) -> Result<git2::Repository, GitError> {
    // itsm reads git objects and never writes them. Like git itself, it does not
    // re-hash every object it reads (libgit2's default): that took a third of a
    // walk through history.
    git2::opts::strict_hash_verification(false);
    git2::Repository::discover(root).map_err(|e| GitError::NotInGit {
        root: root.to_path_buf(),
        source: e.into(),
    })
}

/// The short id of the commit a site is made from: the commit `rev` names when
/// given, else HEAD, of the git repository that holds `root`; `None` when
/// `root` is in no git repository or HEAD is no commit yet.
pub fn commit_short_id(root: &Path, rev: Option<&str>) -> Option<String> {
    let repo = open_git(root).ok()?;
    let commit = match rev {
        Some(rev) => revision(&repo, rev).ok()?.peel_to_commit().ok()?,
        None => repo.head().ok()?.peel_to_commit().ok()?,
    };
    let id = commit.as_object().short_id().ok()?;
    id.as_str().map(str::to_string).ok()
}

/// Where `root` is inside the repository's work tree (empty at its top).
pub fn prefix_of(repo: &git2::Repository, root: &Path) -> PathBuf {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    repo.workdir()
        .and_then(|w| {
            canon(root)
                .strip_prefix(canon(w))
                .ok()
                .map(Path::to_path_buf)
        })
        .unwrap_or_default()
}

/// The object a revision names; in a shallow clone, the error says how to
/// fetch the history that may be missing.
pub fn revision<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Object<'r>, GitError> {
    repo.revparse_single(rev).map_err(|error| {
        let hint = repo.is_shallow().then(|| {
            format!("the repository is a shallow clone, which may lack this commit: {SHALLOW_FIX}")
        });
        GitError::Revision {
            rev: rev.to_string(),
            source: GitCause { error, hint },
        }
    })
}

/// The whole tree of a revision.
pub fn tree_of<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Tree<'r>, GitError> {
    revision(repo, rev)?
        .peel_to_tree()
        .map_err(|e| GitError::NoTree {
            rev: rev.to_string(),
            source: e.into(),
        })
}

/// The tree of the folder `prefix` (the root, relative to the top of the
/// work tree) at a revision.
pub fn root_tree<'r>(
    repo: &'r git2::Repository,
    rev: &str,
    prefix: &Path,
) -> Result<git2::Tree<'r>, GitError> {
    let tree = tree_of(repo, rev)?;
    if prefix.as_os_str().is_empty() {
        return Ok(tree);
    }
    let entry = tree
        .get_path(prefix)
        .map_err(|e| folder_error(e, prefix, rev))?;
    repo.find_tree(entry.id()).map_err(|e| GitError::Folder {
        prefix: prefix.to_path_buf(),
        rev: rev.to_string(),
        source: e.into(),
    })
}

/// The root's folder missing at a revision, or its entry unreadable there.
fn folder_error(e: git2::Error, prefix: &Path, rev: &str) -> GitError {
    let (prefix, rev) = (prefix.to_path_buf(), rev.to_string());
    match e.code() {
        git2::ErrorCode::NotFound => GitError::NoFolder { prefix, rev },
        _ => GitError::Folder {
            prefix,
            rev,
            source: e.into(),
        },
    }
}
