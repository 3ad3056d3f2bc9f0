//! The change register from git history: for every Change record, the commit
//! that added it and each that changed or removed it, with the pull request
//! (from merge and squash commit messages), the date and the author.
//!
//! The walk follows first parents from the revision (the mainline: a merged
//! pull request is its merge or squash commit) and compares, per commit, only
//! the paths that changed, so a long history costs one tree diff per commit and
//! one parse per changed record file.

use crate::diff::{ChangedBlob, DiffError, Touch, changed_blobs};
use crate::load::yaml::Parser;
use crate::load::{GitCause, GitError, SHALLOW_FIX, open_git, prefix_of};
use crate::model::Kind;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// Why the register could not be built (or written).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Diff(#[from] DiffError),
    #[error(
        "the repository is a shallow clone: its history stops at a commit that would show as the one that added every Change it holds, with the wrong date, author and pull request; {SHALLOW_FIX}, then run `itsm audit` again"
    )]
    Shallow,
    #[error("cannot walk history")]
    Walk(#[source] GitCause),
    #[error("cannot read a commit")]
    Commit(#[source] GitCause),
    #[error("cannot read the tree of {commit}")]
    Tree {
        commit: git2::Oid,
        #[source]
        source: GitCause,
    },
    /// A blob of a record file (or of `itsm.yaml`) that cannot be read; the
    /// path escaped for the log.
    #[error("cannot read `{path}` (blob {blob}) in git")]
    Blob {
        path: String,
        blob: git2::Oid,
        #[source]
        source: GitCause,
    },
    #[error("cannot write the register")]
    Json(#[source] serde_json::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error("cannot write the register")]
    CsvFlush(#[source] std::io::Error),
    #[error("cannot write the register")]
    Utf8(#[source] std::string::FromUtf8Error),
}

/// The register: one entry per Change record, in the order they were added.
#[derive(Debug, Default, Serialize)]
pub struct Register {
    pub changes: Vec<ChangeEntry>,
}

/// A Change record and what happened to it.
#[derive(Debug, Serialize)]
pub struct ChangeEntry {
    pub record: String,
    pub title: String,
    #[serde(rename = "type")]
    pub change_type: String,
    pub risk: String,
    pub status: String,
    /// Where it lives at the revision (or last lived, when removed).
    pub file: String,
    pub removed: bool,
    pub events: Vec<Event>,
}

/// One commit that added, modified or removed a Change.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub action: Touch,
    pub commit: String,
    /// Commit time, RFC 3339 in UTC.
    pub date: String,
    pub author: String,
    pub email: String,
    pub subject: String,
    #[serde(rename = "pullRequest")]
    pub pull_request: Option<u64>,
    /// Who approved the pull request (filled from GitHub when a token is given).
    #[serde(rename = "approvedBy", skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<Vec<String>>,
}

/// Which part of history to report.
#[derive(Debug, Clone)]
pub struct Options {
    pub rev: String,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

/// What is known of a Change while walking.
struct State {
    hash: u64,
    entry: usize,
}

/// The register being built, and the last known value of each live Change.
#[derive(Default)]
struct Walker {
    register: Register,
    known: HashMap<String, State>,
}

impl Walker {
    /// Records what one commit did: `before` are the Changes in the old blobs of
    /// the files it changed, `after` those in the new blobs.
    fn commit(
        &mut self,
        commit: &git2::Commit<'_>,
        before: Vec<String>,
        after: Vec<(String, Seen)>,
    ) {
        for (name, seen) in &after {
            let action = match self.known.get(name) {
                None => Touch::Added,
                Some(s) if s.hash != seen.hash => Touch::Modified,
                Some(s) => {
                    // Moved or reformatted without a change of value.
                    self.register.changes[s.entry].file = seen.path.clone();
                    continue;
                }
            };
            let i = match self.known.get(name) {
                Some(s) => s.entry,
                None => {
                    self.register.changes.push(seen.entry(name));
                    self.register.changes.len() - 1
                }
            };
            let e = &mut self.register.changes[i];
            e.title.clone_from(&seen.title);
            e.change_type.clone_from(&seen.change_type);
            e.risk.clone_from(&seen.risk);
            e.status.clone_from(&seen.status);
            e.file.clone_from(&seen.path);
            e.events.push(event_of(commit, action));
            self.known.insert(
                name.clone(),
                State {
                    hash: seen.hash,
                    entry: i,
                },
            );
        }
        for name in before {
            if after.iter().any(|(n, _)| *n == name) {
                continue;
            }
            if let Some(state) = self.known.remove(&name) {
                let e = &mut self.register.changes[state.entry];
                e.removed = true;
                e.events.push(event_of(commit, Touch::Removed));
            }
        }
    }
}

/// Walks history and builds the register. A shallow clone is refused: its
/// history stops at a commit that would show as the one that added every
/// Change there, with the wrong date, author and pull request.
pub fn register(root: &Path, options: &Options) -> Result<Register, AuditError> {
    let repo = open_git(root)?;
    if repo.is_shallow() {
        return Err(AuditError::Shallow);
    }
    let mut history = History {
        repo: &repo,
        prefix: prefix_of(&repo, root),
        discovery: Discovery::default(),
        parser: Parser::default(),
    };
    let mut walker = Walker::default();
    for oid in first_parents(&repo, &options.rev)? {
        let oid = oid.map_err(|e| AuditError::Walk(e.into()))?;
        let commit = repo
            .find_commit(oid)
            .map_err(|e| AuditError::Commit(e.into()))?;
        let (before, after) = history.changes_of(&commit)?;
        if !before.is_empty() || !after.is_empty() {
            walker.commit(&commit, before, after);
        }
    }
    let mut register = walker.register;
    filter(&mut register, options);
    Ok(register)
}

/// The first-parent history of `rev`, oldest first.
fn first_parents<'r>(
    repo: &'r git2::Repository,
    rev: &str,
) -> Result<git2::Revwalk<'r>, AuditError> {
    let start = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::Revision {
            rev: rev.to_string(),
            source: e.into(),
        })?;
    let walk = |e: git2::Error| AuditError::Walk(e.into());
    let mut revwalk = repo.revwalk().map_err(walk)?;
    revwalk.push(start.id()).map_err(walk)?;
    revwalk.simplify_first_parent().map_err(walk)?;
    revwalk
        .set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .map_err(walk)?;
    Ok(revwalk)
}

/// What the walk reads history with: the repository, where the root is in
/// it, the skips of each `itsm.yaml` met and the parser of record blobs.
struct History<'r> {
    repo: &'r git2::Repository,
    prefix: std::path::PathBuf,
    discovery: Discovery,
    parser: Parser,
}

/// The Changes in the old blobs of the files a commit changed (by name), and
/// those in the new blobs.
type Sides = (Vec<String>, Vec<(String, Seen)>);

impl History<'_> {
    /// The Changes a commit touched, each side read as discovery reads it
    /// there, with its own `itsm.yaml`.
    fn changes_of(&mut self, commit: &git2::Commit<'_>) -> Result<Sides, AuditError> {
        let repo = self.repo;
        let tree = subtree(repo, commit, &self.prefix)?;
        let parent = match commit.parent(0) {
            Ok(p) => subtree(repo, &p, &self.prefix)?,
            Err(_) => None,
        };
        let mut sides = Sides::default();
        if tree.as_ref().map(git2::Tree::id) == parent.as_ref().map(git2::Tree::id) {
            return Ok(sides);
        }
        let was = self.discovery.at(repo, parent.as_ref())?;
        let is = self.discovery.at(repo, tree.as_ref())?;
        let changed = changed_blobs(repo, parent.as_ref(), tree.as_ref())?;
        for (path, old, new) in &changed {
            if let Some(oid) = old.filter(|_| was.reads(path)) {
                let found = self.changes_in(oid, path)?;
                sides.0.extend(found.into_iter().map(|(n, _)| n));
            }
            if let Some(oid) = new.filter(|_| is.reads(path)) {
                sides.1.extend(self.changes_in(oid, path)?);
            }
        }
        // When `exclude:` (or the site folder) changed, files that did not
        // change may have come into view or gone out of it.
        if was.key != is.key {
            let changed: rustc_hash::FxHashSet<&str> =
                changed.iter().map(|(p, _, _)| p.as_str()).collect();
            let moved = |path: &str, from: &Skips, to: &Skips| {
                !changed.contains(path) && from.reads(path) && !to.reads(path)
            };
            for (path, oid) in every_blob(repo, parent.as_ref())? {
                if moved(&path, &was, &is) {
                    let found = self.changes_in(oid, &path)?;
                    sides.0.extend(found.into_iter().map(|(n, _)| n));
                }
            }
            for (path, oid) in every_blob(repo, tree.as_ref())? {
                if moved(&path, &is, &was) {
                    sides.1.extend(self.changes_in(oid, &path)?);
                }
            }
        }
        Ok(sides)
    }

    /// The Change records of a blob, by name.
    fn changes_in(
        &mut self,
        oid: git2::Oid,
        path: &str,
    ) -> Result<Vec<(String, Seen)>, AuditError> {
        let blob = self
            .repo
            .find_blob(oid)
            .map_err(|e| blob_error(e, path, oid))?;
        let bytes = blob.content();
        // Most record files are not Changes: skip the parse when the word is absent.
        if bytes.len() > crate::load::MAX_FILE_BYTES || !contains(bytes, b"Change") {
            return Ok(Vec::new());
        }
        crate::load::parse_records(&mut self.parser, path.to_string(), bytes.to_vec())
            .into_iter()
            .filter(|r| r.id.kind == Kind::Change && !r.id.name.is_empty())
            .map(|r| Ok((r.id.name.clone(), Seen::of(&r, path)?)))
            .collect()
    }
}

/// Every blob of a tree, by path (what changes from no tree to it).
fn every_blob(
    repo: &git2::Repository,
    tree: Option<&git2::Tree<'_>>,
) -> Result<Vec<(String, git2::Oid)>, AuditError> {
    Ok(changed_blobs(repo, None, tree)?
        .into_iter()
        .filter_map(|(path, _, oid): ChangedBlob| Some((path, oid?)))
        .collect())
}

fn blob_error(e: git2::Error, path: &str, blob: git2::Oid) -> AuditError {
    AuditError::Blob {
        path: crate::output::escape::log(path).into_owned(),
        blob,
        source: e.into(),
    }
}

/// Keeps the events within `--since` / `--until`, and the Changes that have any.
fn filter(register: &mut Register, options: &Options) {
    let day = |e: &Event| e.date.get(..10).and_then(crate::time::date);
    for c in &mut register.changes {
        c.events.retain(|e| {
            let d = day(e);
            options.since.is_none_or(|s| d.is_some_and(|d| d >= s))
                && options.until.is_none_or(|u| d.is_some_and(|d| d <= u))
        });
    }
    register.changes.retain(|c| !c.events.is_empty());
}

/// The tree of the repository root at a commit (`None` when it does not exist there).
fn subtree<'r>(
    repo: &'r git2::Repository,
    commit: &git2::Commit<'r>,
    prefix: &Path,
) -> Result<Option<git2::Tree<'r>>, AuditError> {
    let tree_error = |e: git2::Error| AuditError::Tree {
        commit: commit.id(),
        source: e.into(),
    };
    let tree = commit.tree().map_err(tree_error)?;
    if prefix.as_os_str().is_empty() {
        return Ok(Some(tree));
    }
    match tree.get_path(prefix) {
        Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
            repo.find_tree(entry.id()).map(Some).map_err(tree_error)
        }
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(tree_error(e)),
    }
}

/// What discovery skips at one commit: hidden paths, the site folder and the
/// `exclude:` globs of that commit's `itsm.yaml`.
struct Skips {
    /// The exclude globs and the site folder, to tell when they change.
    key: (Vec<String>, String),
    exclude: crate::load::Exclude,
}

impl Skips {
    /// The skips of the `itsm.yaml` blob `oid` (`None`: no `itsm.yaml`),
    /// read as loading reads it (whatever the entry's mode).
    fn of(repo: &git2::Repository, oid: Option<git2::Oid>) -> Result<Skips, AuditError> {
        let path = crate::config::CONFIG_FILE;
        let text = match oid {
            Some(oid) => {
                let blob = repo.find_blob(oid).map_err(|e| blob_error(e, path, oid))?;
                String::from_utf8_lossy(blob.content()).into_owned()
            }
            None => String::new(),
        };
        let value = crate::load::yaml::parse(&text)
            .0
            .into_iter()
            .next()
            .map(|d| d.value)
            .unwrap_or_default();
        let config = crate::config::Config::from_value(&value);
        Ok(Skips {
            key: (config.exclude.clone(), config.site_dir()),
            exclude: crate::load::Exclude::new(&config, None, &mut Vec::new()),
        })
    }

    /// Whether discovery reads the record file at `path` there.
    fn reads(&self, path: &str) -> bool {
        crate::load::discovered(&self.exclude, path)
    }
}

/// The [`Skips`] of each `itsm.yaml` blob met so far.
#[derive(Default)]
struct Discovery {
    by_config: HashMap<Option<git2::Oid>, std::rc::Rc<Skips>>,
}

impl Discovery {
    /// The skips at a tree (the repository root at a commit; `None`: absent).
    fn at(
        &mut self,
        repo: &git2::Repository,
        tree: Option<&git2::Tree<'_>>,
    ) -> Result<std::rc::Rc<Skips>, AuditError> {
        let oid = tree
            .and_then(|t| t.get_name(crate::config::CONFIG_FILE))
            .map(|e| e.id());
        if let Some(skips) = self.by_config.get(&oid) {
            return Ok(skips.clone());
        }
        let skips = std::rc::Rc::new(Skips::of(repo, oid)?);
        self.by_config.insert(oid, skips.clone());
        Ok(skips)
    }
}

/// A Change as found in one blob.
struct Seen {
    hash: u64,
    path: String,
    title: String,
    change_type: String,
    risk: String,
    status: String,
}

impl Seen {
    /// A Change record as found in the blob at `path`.
    fn of(r: &crate::model::Record, path: &str) -> Result<Seen, AuditError> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_string(&r.value)
            .map_err(AuditError::Json)?
            .hash(&mut h);
        r.body.hash(&mut h);
        let change = r.spec.change();
        let text = |t: Option<&'static str>| t.unwrap_or_default().to_string();
        Ok(Seen {
            hash: h.finish(),
            path: path.to_string(),
            title: r.title().to_string(),
            change_type: text(change.and_then(|c| Some(c.change_type?.as_str()))),
            risk: text(change.and_then(|c| Some(c.risk?.as_str()))),
            status: text(change.and_then(|c| Some(c.status?.as_str()))),
        })
    }

    fn entry(&self, name: &str) -> ChangeEntry {
        ChangeEntry {
            record: format!("change:{name}"),
            title: self.title.clone(),
            change_type: self.change_type.clone(),
            risk: self.risk.clone(),
            status: self.status.clone(),
            file: self.path.clone(),
            removed: false,
            events: Vec::new(),
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn event_of(commit: &git2::Commit<'_>, action: Touch) -> Event {
    let author = commit.author();
    let date = jiff::Timestamp::from_second(commit.time().seconds())
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    let message = commit.message().unwrap_or_default();
    Event {
        action,
        commit: commit.id().to_string(),
        date,
        author: author.name().unwrap_or_default().to_string(),
        email: author.email().unwrap_or_default().to_string(),
        subject: message.lines().next().unwrap_or_default().to_string(),
        pull_request: pull_request_of(message),
        approved_by: None,
    }
}

/// The pull request a commit message names: `Merge pull request #123 from ...`
/// (merge commits) or a subject ending in `(#123)` (squash merges).
pub fn pull_request_of(message: &str) -> Option<u64> {
    let subject = message.lines().next()?.trim();
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok();
    }
    let inner = subject.strip_suffix(')')?;
    let open = inner.rfind("(#")?;
    inner[open + 2..].parse().ok()
}

/// The pull requests the register names, each once, in order.
pub fn pull_requests(register: &Register) -> Vec<u64> {
    let mut out: Vec<u64> = register
        .changes
        .iter()
        .flat_map(|c| c.events.iter().filter_map(|e| e.pull_request))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Sets `approvedBy` of every event from the approvers of its pull request.
pub fn set_approvers(register: &mut Register, approvers: &HashMap<u64, Vec<String>>) {
    for c in &mut register.changes {
        for e in &mut c.events {
            e.approved_by = Some(
                e.pull_request
                    .and_then(|n| approvers.get(&n).cloned())
                    .unwrap_or_default(),
            );
        }
    }
}

/// The logins whose standing on a pull request is APPROVED, sorted.
pub fn approvers(reviews: &[crate::approvals::review::Review]) -> Vec<String> {
    use crate::approvals::review::{Standing, standings};
    standings(reviews, "")
        .into_iter()
        .filter(|(_, s)| matches!(s, Standing::Approved(_)))
        .map(|(login, _)| login)
        .collect()
}

/// The register as Markdown: one row per event.
pub fn markdown(register: &Register) -> String {
    use crate::output::markdown::cell;
    use std::fmt::Write;
    let mut out = String::from("# Change register\n\n");
    if register.changes.is_empty() {
        out.push_str("No Change record in this part of history.\n");
        return out;
    }
    let with_approvers = register
        .changes
        .iter()
        .any(|c| c.events.iter().any(|e| e.approved_by.is_some()));
    out.push_str(
        "| Change | type | risk | status | event | date | commit | pull request | author |",
    );
    out.push_str(if with_approvers {
        " approved by |\n"
    } else {
        "\n"
    });
    out.push_str("|---|---|---|---|---|---|---|---|---|");
    out.push_str(if with_approvers { "---|\n" } else { "\n" });
    for c in &register.changes {
        for e in &c.events {
            let _ = write!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | `{}` | {} | {} |",
                c.record,
                cell(&c.change_type),
                cell(&c.risk),
                cell(&c.status),
                e.action,
                e.date.get(..10).unwrap_or(&e.date),
                &e.commit[..e.commit.len().min(12)],
                e.pull_request.map(|n| format!("#{n}")).unwrap_or_default(),
                cell(&e.author),
            );
            if let Some(a) = &e.approved_by {
                let _ = write!(out, " {} |", a.join(", "));
            }
            out.push('\n');
        }
    }
    let events: usize = register.changes.iter().map(|c| c.events.len()).sum();
    let _ = write!(
        out,
        "\n{} Change records, {events} events.\n",
        register.changes.len()
    );
    out
}

/// The register as JSON.
pub fn json(register: &Register) -> Result<String, AuditError> {
    let mut text = serde_json::to_string_pretty(register).map_err(AuditError::Json)?;
    text.push('\n');
    Ok(text)
}

/// The register as CSV: one row per event.
pub fn csv(register: &Register) -> Result<String, AuditError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "change",
        "title",
        "type",
        "risk",
        "status",
        "event",
        "date",
        "commit",
        "pull_request",
        "author",
        "email",
        "subject",
        "approved_by",
    ];
    w.write_record(header)?;
    for c in &register.changes {
        for e in &c.events {
            let pr = e.pull_request.map(|n| n.to_string()).unwrap_or_default();
            let approved = e
                .approved_by
                .as_deref()
                .map(|a| a.join(" "))
                .unwrap_or_default();
            w.write_record([
                c.record.as_str(),
                &c.title,
                &c.change_type,
                &c.risk,
                &c.status,
                e.action.as_str(),
                &e.date,
                &e.commit,
                &pr,
                &e.author,
                &e.email,
                &e.subject,
                &approved,
            ])?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AuditError::CsvFlush(e.into_error()))?;
    String::from_utf8(bytes).map_err(AuditError::Utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_request_numbers_from_merge_and_squash_messages() {
        assert_eq!(
            pull_request_of("Merge pull request #123 from acme/db\n\nUpgrade"),
            Some(123)
        );
        assert_eq!(
            pull_request_of("Upgrade the database (#45)\n\n* wip"),
            Some(45)
        );
        assert_eq!(pull_request_of("Fix #12 in the parser"), None);
        assert_eq!(pull_request_of("Plain commit"), None);
        assert_eq!(pull_request_of(""), None);
    }

    #[test]
    fn record_files() {
        let config = crate::config::Config::from_value(
            &crate::load::yaml::parse("exclude: [drafts/**]\nsite: {out: public}\n").0[0].value,
        );
        let skips = Skips {
            key: Default::default(),
            exclude: crate::load::Exclude::new(&config, None, &mut Vec::new()),
        };
        assert!(skips.reads("changes/a.yaml"));
        assert!(skips.reads("changes/b.md"));
        assert!(!skips.reads(".github/workflows/x.yml"));
        assert!(!skips.reads("itsm.yaml"));
        assert!(!skips.reads("notes.txt"));
        assert!(!skips.reads("drafts/c.yaml"));
        assert!(!skips.reads("public/d.md"));
    }
}
