//! Record diff: the records added, modified and removed between two git
//! revisions, matched by `kind:name` (a moved or renamed file is a modification),
//! with the changed fields as JSON pointers and their old and new values.

mod rebuild;
pub mod render;
mod trees;

pub use rebuild::rebuild;
pub use trees::{
    ChangedBlob, ChangedPaths, changed_between, changed_blobs, changed_entries, changed_files,
    changed_paths, paths_of,
};

use crate::config::CONFIG_FILE;
use crate::link::Catalog;
use crate::load::yaml::Parser;
use crate::load::{GitCause, GitError, LoadError, open_git, prefix_of, revision, root_tree};
use crate::model::{Kind, Record, RecordId};
use crate::value::Value;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use std::path::Path;

/// Why two revisions could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Git(#[from] GitError),
    /// A folder whose tree cannot be read (a missing object: a partial or
    /// damaged clone); its path escaped for the log.
    #[error("cannot read the folder `{path}` in git")]
    Folder {
        path: String,
        #[source]
        source: GitCause,
    },
    /// A file whose blob cannot be read; its path escaped for the log.
    #[error("cannot read `{path}` at revision `{rev}` in git")]
    Blob {
        path: String,
        rev: String,
        #[source]
        source: GitCause,
    },
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// What happened to a record between base and head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Touch {
    Added,
    Modified,
    Removed,
}

impl Touch {
    pub fn as_str(self) -> &'static str {
        match self {
            Touch::Added => "added",
            Touch::Modified => "modified",
            Touch::Removed => "removed",
        }
    }
}

/// The records that differ between two revisions, each list sorted by identity.
#[derive(Debug, Default, Serialize)]
pub struct RecordDiff {
    pub added: Vec<Entry>,
    pub modified: Vec<Entry>,
    pub removed: Vec<Entry>,
}

/// One record that differs.
#[derive(Debug, Serialize)]
pub struct Entry {
    #[serde(serialize_with = "display")]
    pub record: RecordId,
    /// The file at head (at base for a removed record).
    pub file: String,
    /// The file at base, when a modified record moved.
    #[serde(rename = "previousFile", skip_serializing_if = "Option::is_none")]
    pub previous_file: Option<String>,
    /// Field-level changes (modified records only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
}

/// One changed field: absent `old` means added, absent `new` means removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<serde_json::Value>,
}

impl RecordDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }

    /// Every touched record with what happened to it, in identity order per list.
    pub fn touched(&self) -> impl Iterator<Item = (Touch, &Entry)> {
        let tag = |t: Touch| move |e| (t, e);
        self.added
            .iter()
            .map(tag(Touch::Added))
            .chain(self.modified.iter().map(tag(Touch::Modified)))
            .chain(self.removed.iter().map(tag(Touch::Removed)))
    }
}

fn display<S: serde::Serializer>(id: &RecordId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

/// The full SHA of the commit a revision names.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String, DiffError> {
    let repo = open_git(root)?;
    let commit = revision(&repo, rev)?
        .peel_to_commit()
        .map_err(|e| GitError::NotACommit {
            rev: rev.to_string(),
            source: e.into(),
        })?;
    Ok(commit.id().to_string())
}

/// Compares two catalogues. With `changed`, only records in those files are
/// looked at: a record in a file whose blob did not change is the same on
/// both sides.
pub fn compare(base: &Catalog, head: &Catalog, changed: Option<&[String]>) -> RecordDiff {
    let changed: Option<HashSet<&str>> = changed.map(|c| c.iter().map(String::as_str).collect());
    fn side<'c>(
        catalog: &'c Catalog,
        changed: Option<&HashSet<&str>>,
    ) -> Vec<(String, &'c Record)> {
        // Which files count, once per file (no path copied for the others).
        let files = &catalog.repo.files;
        let counts: Vec<bool> = files
            .iter()
            .map(|(_, f)| changed.is_none_or(|set| set.contains(f.path.as_str())))
            .collect();
        catalog
            .repo
            .records
            .iter()
            .filter(|r| counts.get(r.file as usize).copied().unwrap_or(false))
            .map(|r| (files.get(r.file).path.clone(), r))
            .collect()
    }
    compare_sides(&side(base, changed.as_ref()), &side(head, changed.as_ref()))
}

/// Compares two lists of records with their files (each in file order):
/// records match by `kind:name`, the first definition of a name counts.
pub fn compare_sides(base: &[(String, &Record)], head: &[(String, &Record)]) -> RecordDiff {
    let (old_ix, new_ix) = (index::<BaseIx>(base), index::<HeadIx>(head));
    let entry = |id: &RecordId, file: &str| Entry {
        record: id.clone(),
        file: file.to_string(),
        previous_file: None,
        changes: Vec::new(),
    };
    let mut diff = RecordDiff::default();
    let mut old_sorted: Vec<&(Kind, &str)> = old_ix.keys().collect();
    old_sorted.sort();
    for key in old_sorted {
        let (old_path, old) = &base[old_ix[key].0];
        match new_ix.get(key) {
            None => diff.removed.push(entry(&old.id, old_path)),
            Some(&h) => {
                let (new_path, new) = &head[h.0];
                let changes = fields(old, new);
                if !changes.is_empty() {
                    diff.modified.push(Entry {
                        previous_file: (old_path != new_path).then(|| old_path.clone()),
                        changes,
                        ..entry(&new.id, new_path)
                    });
                }
            }
        }
    }
    for (key, &h) in &new_ix {
        if !old_ix.contains_key(key) {
            let (path, r) = &head[h.0];
            diff.added.push(entry(&r.id, path));
        }
    }
    for list in [&mut diff.added, &mut diff.modified, &mut diff.removed] {
        list.sort_by(|a, b| a.record.cmp(&b.record));
    }
    diff
}

/// An index into the base side's records.
#[derive(Clone, Copy)]
struct BaseIx(usize);

/// An index into the head side's records.
#[derive(Clone, Copy)]
struct HeadIx(usize);

impl From<usize> for BaseIx {
    fn from(i: usize) -> BaseIx {
        BaseIx(i)
    }
}

impl From<usize> for HeadIx {
    fn from(i: usize) -> HeadIx {
        HeadIx(i)
    }
}

/// Where each named record of a side is (the first definition of a name).
fn index<'r, I: From<usize>>(
    side: &[(String, &'r Record)],
) -> rustc_hash::FxHashMap<(Kind, &'r str), I> {
    let mut map: rustc_hash::FxHashMap<(Kind, &'r str), I> = Default::default();
    for (i, (_, r)) in side.iter().enumerate() {
        if !r.id.name.is_empty() {
            map.entry((r.id.kind, r.id.name.as_str()))
                .or_insert_with(|| I::from(i));
        }
    }
    map
}

/// The field-level changes from `old` to `new` (the Markdown body of a `.md`
/// record counts as `/spec/body`).
pub fn fields(old: &Record, new: &Record) -> Vec<FieldChange> {
    let mut out = Vec::new();
    values("", &old.value, &new.value, &mut out);
    if old.body != new.body {
        let text = |b: &Option<std::sync::Arc<str>>| b.as_deref().map(serde_json::Value::from);
        out.push(FieldChange {
            pointer: crate::model::Node::Body.pointer(),
            old: text(&old.body),
            new: text(&new.body),
        });
    }
    out
}

/// Walks two values side by side. Maps compare key by key; lists of the same
/// length item by item; anything else that differs is one change.
fn values(pointer: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Map(a), Value::Map(b)) => {
            for (k, va) in a.iter() {
                let p = format!("{pointer}/{}", escape(k));
                match new.get(k) {
                    Some(vb) => values(&p, va, vb, out),
                    None => out.push(FieldChange {
                        pointer: p,
                        old: Some(va.to_json()),
                        new: None,
                    }),
                }
            }
            for (k, vb) in b.iter().filter(|(k, _)| old.get(k).is_none()) {
                out.push(FieldChange {
                    pointer: format!("{pointer}/{}", escape(k)),
                    old: None,
                    new: Some(vb.to_json()),
                });
            }
        }
        (Value::Seq(a), Value::Seq(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b.iter()).enumerate() {
                values(&format!("{pointer}/{i}"), va, vb, out);
            }
        }
        _ => out.push(FieldChange {
            pointer: pointer.to_string(),
            old: Some(old.to_json()),
            new: Some(new.to_json()),
        }),
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Loads and links the records at a revision (no checks: what a diff needs).
pub fn load_revision(root: &Path, rev: &str) -> Result<Catalog, crate::load::LoadError> {
    let mut diags = Vec::new();
    let source = crate::load::Source::Revision(rev.to_string());
    let repo = crate::load::load(root, &source, &mut diags)?;
    Ok(crate::link::link(repo, &mut diags))
}

/// The diff between two revisions. When `itsm.yaml` did not change, only the
/// blobs of the files that differ are read and parsed; otherwise both
/// revisions are loaded whole, in parallel.
pub fn between(root: &Path, base: &str, head: &str) -> Result<RecordDiff, DiffError> {
    let Some(changed) = changed_files(root, base, head)? else {
        let (old, new) = rayon::join(|| load_revision(root, base), || load_revision(root, head));
        return Ok(compare(&old?, &new?, None));
    };
    let (old, new) = rayon::join(
        || read_files(root, base, &changed),
        || read_files(root, head, &changed),
    );
    let (old, new) = (old?, new?);
    fn side(files: &[(String, Vec<Record>)]) -> Vec<(String, &Record)> {
        files
            .iter()
            .flat_map(|(p, rs)| rs.iter().map(move |r| (p.clone(), r)))
            .collect()
    }
    Ok(compare_sides(&side(&old), &side(&new)))
}

/// The records of `paths` (relative to the root) at a revision, read straight
/// from their blobs, skipping what discovery skips (hidden folders, the site
/// folder, `exclude:` globs of the revision's `itsm.yaml`).
fn read_files(
    root: &Path,
    rev: &str,
    paths: &[String],
) -> Result<Vec<(String, Vec<Record>)>, DiffError> {
    use rayon::prelude::*;
    let repo = open_git(root)?;
    let tree = root_tree(&repo, rev, &prefix_of(&repo, root))?;
    let exclude = crate::load::Exclude::new(&config_at(&repo, &tree, rev)?, None, &mut Vec::new());
    let mut wanted = Vec::new();
    for path in paths
        .iter()
        .filter(|p| crate::load::discovered(&exclude, p))
    {
        if let Some(oid) = blob_at(&tree, path, rev)? {
            wanted.push((path.clone(), oid));
        }
    }
    let repo_path = repo.path().to_path_buf();
    let mut files = wanted
        .into_par_iter()
        .map_init(
            || (git2::Repository::open(&repo_path), Parser::default()),
            |(repo, parser), (path, oid)| {
                // Each worker holds its own handle; a failure to open it is
                // the failure of every blob it reads.
                let bytes = match repo {
                    Ok(r) => r.find_blob(oid).map(|b| blob_bytes(&b)),
                    Err(e) => Err(git2::Error::new(e.code(), e.class(), e.message())),
                }
                .map_err(|e| blob_error(e, &path, rev))?;
                let records = crate::load::parse_records(parser, path.clone(), bytes);
                Ok((path, records))
            },
        )
        .collect::<Result<Vec<_>, DiffError>>()?;
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The bytes of a blob as loading reads them: none over the size limit.
fn blob_bytes(blob: &git2::Blob<'_>) -> Vec<u8> {
    if blob.size() > crate::load::MAX_FILE_BYTES {
        return Vec::new();
    }
    blob.content().to_vec()
}

/// `itsm.yaml` of a revision's root tree, read as loading reads it.
fn config_at(
    repo: &git2::Repository,
    tree: &git2::Tree<'_>,
    rev: &str,
) -> Result<crate::config::Config, DiffError> {
    let Some(oid) = blob_at(tree, CONFIG_FILE, rev)? else {
        return Ok(crate::config::Config::default());
    };
    let blob = repo
        .find_blob(oid)
        .map_err(|e| blob_error(e, CONFIG_FILE, rev))?;
    let text = String::from_utf8_lossy(blob.content()).into_owned();
    let doc = crate::load::yaml::parse(&text).0.into_iter().next();
    Ok(crate::config::Config::from_value(
        &doc.map(|d| d.value).unwrap_or_default(),
    ))
}

/// The blob of the file at `rel` in a root tree: `None` when there is none
/// (or a link, a folder or a submodule is there).
fn blob_at(tree: &git2::Tree<'_>, rel: &str, rev: &str) -> Result<Option<git2::Oid>, DiffError> {
    let entry = match tree.get_path(Path::new(rel)) {
        Ok(entry) => entry,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(blob_error(e, rel, rev)),
    };
    let is_file = entry.kind() == Some(git2::ObjectType::Blob) && entry.filemode() != 0o120000;
    Ok(is_file.then(|| entry.id()))
}

fn blob_error(e: git2::Error, path: &str, rev: &str) -> DiffError {
    DiffError::Blob {
        path: crate::output::escape::log(path).into_owned(),
        rev: rev.to_string(),
        source: e.into(),
    }
}
