//! Record diff: the records added, modified and removed between two git
//! revisions, matched by `kind:name` (a moved or renamed file is a modification),
//! with the changed fields as JSON pointers and their old and new values.

pub mod render;

use crate::config::CONFIG_FILE;
use crate::link::Catalog;
use crate::model::{Kind, Record, RecordId};
use crate::value::Value;
use rustc_hash::FxHashSet as HashSet;
use serde::Serialize;
use std::path::Path;

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

/// The files (relative to the repository root) that differ between two
/// revisions, or `None` when every record must be compared (`itsm.yaml`
/// changed, so discovery itself may differ).
pub fn changed_files(root: &Path, base: &str, head: &str) -> Result<Option<Vec<String>>, String> {
    let repo = git2::Repository::discover(root).map_err(|e| {
        format!(
            "{} is not in a git repository: {}",
            root.display(),
            e.message()
        )
    })?;
    let prefix = prefix_of(&repo, root);
    let tree = |rev: &str| -> Result<git2::Tree<'_>, String> {
        let object = repo
            .revparse_single(rev)
            .map_err(|e| format!("cannot resolve revision `{rev}`: {}", e.message()))?;
        let tree = object
            .peel_to_tree()
            .map_err(|e| format!("`{rev}` has no tree: {}", e.message()))?;
        if prefix.as_os_str().is_empty() {
            return Ok(tree);
        }
        let entry = tree
            .get_path(&prefix)
            .map_err(|_| format!("`{}` does not exist at revision `{rev}`", prefix.display()))?;
        repo.find_tree(entry.id())
            .map_err(|e| format!("`{}` at `{rev}`: {}", prefix.display(), e.message()))
    };
    let (old, new) = (tree(base)?, tree(head)?);
    let diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), None)
        .map_err(|e| format!("cannot compare `{base}` and `{head}`: {}", e.message()))?;
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(p) = file.path().and_then(Path::to_str) {
                if p == CONFIG_FILE {
                    return Ok(None);
                }
                paths.push(p.replace('\\', "/"));
            }
        }
    }
    paths.sort_unstable();
    paths.dedup();
    Ok(Some(paths))
}

/// The full SHA of the commit a revision names.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String, String> {
    let repo = git2::Repository::discover(root).map_err(|e| {
        format!(
            "{} is not in a git repository: {}",
            root.display(),
            e.message()
        )
    })?;
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| {
            format!(
                "cannot resolve revision `{rev}` to a commit: {}",
                e.message()
            )
        })?;
    Ok(commit.id().to_string())
}

/// The path of `root` inside the git work tree of `repo` (empty at the top).
pub fn prefix_of(repo: &git2::Repository, root: &Path) -> std::path::PathBuf {
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

/// Compares two catalogues. With `changed`, only records in those files are
/// looked at: a record in a file whose blob did not change is the same on
/// both sides.
pub fn compare(base: &Catalog, head: &Catalog, changed: Option<&[String]>) -> RecordDiff {
    let changed: Option<HashSet<&str>> = changed.map(|c| c.iter().map(String::as_str).collect());
    let in_scope = |catalog: &Catalog, r: &Record| match &changed {
        None => true,
        Some(set) => set.contains(catalog.repo.files.get(r.file).path.as_str()),
    };
    let path = |catalog: &Catalog, r: &Record| catalog.repo.files.get(r.file).path.clone();
    let mut diff = RecordDiff::default();
    let mut seen: HashSet<(Kind, &str)> = HashSet::default();
    for r in first_definitions(base).filter(|r| in_scope(base, r)) {
        seen.insert((r.id.kind, &r.id.name));
        match head.find(r.id.kind, &r.id.name) {
            None => diff.removed.push(Entry {
                record: r.id.clone(),
                file: path(base, r),
                previous_file: None,
                changes: Vec::new(),
            }),
            Some(h) => {
                let h = head.record(h);
                let changes = fields(r, h);
                if !changes.is_empty() {
                    let (old, new) = (path(base, r), path(head, h));
                    diff.modified.push(Entry {
                        record: r.id.clone(),
                        previous_file: (old != new).then_some(old),
                        file: new,
                        changes,
                    });
                }
            }
        }
    }
    for r in first_definitions(head).filter(|r| in_scope(head, r)) {
        if seen.contains(&(r.id.kind, r.id.name.as_str())) {
            continue;
        }
        match base.find(r.id.kind, &r.id.name) {
            None => diff.added.push(Entry {
                record: r.id.clone(),
                file: path(head, r),
                previous_file: None,
                changes: Vec::new(),
            }),
            Some(b) => {
                let b = base.record(b);
                let changes = fields(b, r);
                if !changes.is_empty() {
                    let (old, new) = (path(base, b), path(head, r));
                    diff.modified.push(Entry {
                        record: r.id.clone(),
                        previous_file: (old != new).then_some(old),
                        file: new,
                        changes,
                    });
                }
            }
        }
    }
    for list in [&mut diff.added, &mut diff.modified, &mut diff.removed] {
        list.sort_by(|a, b| a.record.cmp(&b.record));
    }
    diff
}

/// The records that define their identity (the first of duplicates), named.
fn first_definitions(catalog: &Catalog) -> impl Iterator<Item = &Record> {
    catalog
        .repo
        .records
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            !r.id.name.is_empty() && catalog.find(r.id.kind, &r.id.name) == Some(*i as u32)
        })
        .map(|(_, r)| r)
}

/// The field-level changes from `old` to `new` (the Markdown body of a `.md`
/// record counts as `/spec/body`).
pub fn fields(old: &Record, new: &Record) -> Vec<FieldChange> {
    let mut out = Vec::new();
    values("", &old.value, &new.value, &mut out);
    if old.body != new.body {
        let text = |b: &Option<String>| b.as_ref().map(|s| serde_json::Value::from(s.as_str()));
        out.push(FieldChange {
            pointer: "/spec/body".into(),
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

/// The diff between two revisions: both are loaded in parallel, and only the
/// records of files that changed are compared.
pub fn between(root: &Path, base: &str, head: &str) -> anyhow::Result<RecordDiff> {
    let ((old, new), changed) = rayon::join(
        || rayon::join(|| load_revision(root, base), || load_revision(root, head)),
        || changed_files(root, base, head),
    );
    let changed = changed.map_err(anyhow::Error::msg)?;
    Ok(compare(&old?, &new?, changed.as_deref()))
}
