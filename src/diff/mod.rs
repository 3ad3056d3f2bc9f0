//! Record diff: the records added, modified and removed between two git
//! revisions, matched by `kind:name` (a moved or renamed file is a modification),
//! with the changed fields as JSON pointers and their old and new values.

pub mod render;

use crate::config::CONFIG_FILE;
use crate::link::Catalog;
use crate::load::yaml::Parser;
use crate::load::{open_git, prefix_of};
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
    Ok(changed_between(root, base, head)?.map(|blobs| paths_of(&blobs)))
}

/// The paths of changed blobs, sorted, each once (what [`changed_files`] gives).
pub fn paths_of(blobs: &[ChangedBlob]) -> Vec<String> {
    let mut paths: Vec<String> = blobs.iter().map(|(p, _, _)| p.clone()).collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// The blobs (paths relative to the repository root) that differ between two
/// revisions, or `None` when `itsm.yaml` differs (discovery itself may then
/// differ, so every record must be compared).
pub fn changed_between(
    root: &Path,
    base: &str,
    head: &str,
) -> Result<Option<Vec<ChangedBlob>>, String> {
    let repo = open_git(root)?;
    let prefix = prefix_of(&repo, root);
    let tree = |rev: &str| -> Result<git2::Tree<'_>, String> {
        let tree = revision(&repo, rev)?
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
    // Loading reads `itsm.yaml` whatever its mode (a symbolic link included),
    // which the blob comparison below leaves out.
    let config = |t: &git2::Tree<'_>| t.get_name(CONFIG_FILE).map(|e| (e.id(), e.filemode()));
    if config(&old) != config(&new) {
        return Ok(None);
    }
    let blobs = changed_blobs(&repo, Some(&old), Some(&new))?;
    if blobs.iter().any(|(p, _, _)| p == CONFIG_FILE) {
        return Ok(None);
    }
    Ok(Some(blobs))
}

/// The repository at the other side of `changed`, built from `from`, the
/// repository loaded (by [`crate::load::load`]) at a revision with the same
/// `itsm.yaml`: `changed` are the blobs that differ (see [`changed_between`]),
/// the first oid on the side wanted, the second on `from`'s side. Files that
/// did not change keep `from`'s text and records; changed ones are read from
/// their blobs and parsed. The result is what loading the other revision
/// gives (same files, ids, records, order and count of files scanned).
pub fn rebuild(
    from: &crate::load::Repository,
    changed: &[ChangedBlob],
) -> Result<crate::load::Repository, String> {
    use crate::load::{Exclude, Repository, discovered};
    use crate::source::Files;
    use rayon::prelude::*;
    let repo = open_git(&from.root)?;
    let exclude = Exclude::new(&from.config, None, &mut Vec::new());
    let read = |path: &str| discovered(&exclude, path);
    let mut scanned = from.files_scanned;
    let mut wanted = Vec::new();
    for (path, want, have) in changed {
        if !read(path) {
            continue;
        }
        if have.is_some() {
            scanned = scanned.saturating_sub(1);
        }
        if let Some(oid) = want {
            scanned += 1;
            wanted.push((path.clone(), *oid));
        }
    }
    let git_dir = repo.path().to_path_buf();
    let mut parsed: Vec<_> = wanted
        .into_par_iter()
        .map_init(
            || (git2::Repository::open(&git_dir), Parser::default()),
            |(repo, parser), (path, oid)| {
                let content = match repo.as_ref() {
                    Ok(r) => blob_content(r, oid),
                    Err(e) => crate::load::Content::Unreadable(format!(
                        "cannot open the git repository: {}",
                        e.message()
                    )),
                };
                crate::load::parse_one_with(parser, path, content)
            },
        )
        .filter(|(_, records, diags)| !records.is_empty() || !diags.is_empty())
        .collect();
    parsed.sort_unstable_by(|a, b| a.0.path.cmp(&b.0.path));

    // `from`'s records, file by file (they are stored in file order).
    let mut ranges = vec![0..0; from.files.len()];
    let mut i = 0;
    while i < from.records.len() {
        let file = from.records[i].file;
        let start = i;
        while i < from.records.len() && from.records[i].file == file {
            i += 1;
        }
        if let Some(r) = ranges.get_mut(file as usize) {
            *r = start..i;
        }
    }
    let changed_paths: HashSet<&str> = changed.iter().map(|(p, _, _)| p.as_str()).collect();
    let kept: Vec<crate::source::FileId> = from
        .files
        .iter()
        .filter(|(id, f)| Some(*id) != from.config_file && !changed_paths.contains(f.path.as_str()))
        .map(|(id, _)| id)
        .collect();

    let mut files = Files::default();
    let config_file = from
        .config_file
        .map(|id| files.add(copy(from.files.get(id))));
    let mut records = Vec::with_capacity(from.records.len());
    let mut parsed = parsed.into_iter().peekable();
    let mut kept = kept.into_iter().peekable();
    loop {
        let take_kept = match (kept.peek(), parsed.peek()) {
            (None, None) => break,
            (Some(&k), Some((p, _, _))) => from.files.get(k).path < p.path,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if take_kept {
            let Some(k) = kept.next() else { break };
            let id = files.add(copy(from.files.get(k)));
            records.extend(from.records[ranges[k as usize].clone()].iter().map(|r| {
                let mut r = r.clone();
                r.file = id;
                r
            }));
        } else {
            let Some((file, recs, _)) = parsed.next() else {
                break;
            };
            let id = files.add(file);
            records.extend(recs.into_iter().map(|mut r| {
                r.file = id;
                r
            }));
        }
    }
    Ok(Repository {
        root: from.root.clone(),
        config: from.config.clone(),
        config_value: from.config_value.clone(),
        config_file,
        files,
        files_scanned: scanned,
        records,
    })
}

/// A copy of a file of the source map.
fn copy(file: &crate::source::SourceFile) -> crate::source::SourceFile {
    crate::source::SourceFile::with_region(file.path.clone(), file.text.clone(), file.region)
}

/// A blob's content as loading reads it: refused, without inflating it, when it
/// is over the size limit.
fn blob_content(repo: &git2::Repository, oid: git2::Oid) -> crate::load::Content {
    use crate::load::{Content, MAX_FILE_BYTES};
    let size = repo
        .odb()
        .and_then(|odb| odb.read_header(oid))
        .map(|(size, _)| size as u64);
    match size {
        Ok(size) if size > MAX_FILE_BYTES as u64 => Content::TooLarge(size),
        _ => match repo.find_blob(oid) {
            Ok(blob) => Content::Bytes(blob.content().to_vec()),
            Err(e) => Content::Unreadable(e.message().to_string()),
        },
    }
}

/// The full SHA of the commit a revision names.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String, String> {
    let repo = open_git(root)?;
    let commit = revision(&repo, rev)?.peel_to_commit().map_err(|e| {
        format!(
            "cannot resolve revision `{rev}` to a commit: {}",
            e.message()
        )
    })?;
    Ok(commit.id().to_string())
}

/// What to do when a shallow clone lacks the history a command needs.
pub const SHALLOW_FIX: &str = "fetch the whole history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`)";

/// The object a revision names; in a shallow clone, an error says how to
/// fetch the history that may be missing.
fn revision<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Object<'r>, String> {
    repo.revparse_single(rev).map_err(|e| {
        let mut message = format!("cannot resolve revision `{rev}`: {}", e.message());
        if repo.is_shallow() {
            message.push_str(&format!(
                "; the repository is a shallow clone, which may lack this commit: {SHALLOW_FIX}"
            ));
        }
        message
    })
}

/// Every path that differs between two revisions, in the whole git tree.
#[derive(Debug, Default)]
pub struct ChangedPaths {
    /// Paths relative to the top of the work tree, `/`-separated.
    pub paths: Vec<String>,
    /// Where the root is below the top: empty, or a folder path ending in `/`.
    pub prefix: String,
}

impl ChangedPaths {
    /// Each path, and where it is relative to the root (`None` outside it).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.paths
            .iter()
            .map(|p| (p.as_str(), p.strip_prefix(self.prefix.as_str())))
    }
}

/// The paths whose entries differ between two revisions, anywhere in the git
/// tree (`.github/` sits at its top even when the root is a folder below):
/// files, symbolic links and submodules, a change of mode included.
pub fn changed_paths(root: &Path, base: &str, head: &str) -> Result<ChangedPaths, String> {
    let repo = open_git(root)?;
    let prefix = prefix_of(&repo, root)
        .components()
        .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
        .collect();
    let tree = |rev: &str| {
        revision(&repo, rev)?
            .peel_to_tree()
            .map_err(|e| format!("`{rev}` has no tree: {}", e.message()))
    };
    let (old, new) = (tree(base)?, tree(head)?);
    Ok(ChangedPaths {
        paths: changed_entries(&repo, Some(&old), Some(&new))?,
        prefix,
    })
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
    fn index<'r>(side: &[(String, &'r Record)]) -> rustc_hash::FxHashMap<(Kind, &'r str), usize> {
        let mut map: rustc_hash::FxHashMap<(Kind, &'r str), usize> = Default::default();
        for (i, (_, r)) in side.iter().enumerate() {
            if !r.id.name.is_empty() {
                map.entry((r.id.kind, r.id.name.as_str())).or_insert(i);
            }
        }
        map
    }
    let (old_ix, new_ix) = (index(base), index(head));
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
        let (old_path, old) = &base[old_ix[key]];
        match new_ix.get(key) {
            None => diff.removed.push(entry(&old.id, old_path)),
            Some(&h) => {
                let (new_path, new) = &head[h];
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
            let (path, r) = &head[h];
            diff.added.push(entry(&r.id, path));
        }
    }
    for list in [&mut diff.added, &mut diff.modified, &mut diff.removed] {
        list.sort_by(|a, b| a.record.cmp(&b.record));
    }
    diff
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
pub fn between(root: &Path, base: &str, head: &str) -> anyhow::Result<RecordDiff> {
    let changed = changed_files(root, base, head).map_err(anyhow::Error::msg)?;
    let Some(changed) = changed else {
        let (old, new) = rayon::join(|| load_revision(root, base), || load_revision(root, head));
        return Ok(compare(&old?, &new?, None));
    };
    let (old, new) = rayon::join(
        || read_files(root, base, &changed),
        || read_files(root, head, &changed),
    );
    let (old, new) = (
        old.map_err(anyhow::Error::msg)?,
        new.map_err(anyhow::Error::msg)?,
    );
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
) -> Result<Vec<(String, Vec<Record>)>, String> {
    use rayon::prelude::*;
    let repo = open_git(root)?;
    let prefix = prefix_of(&repo, root);
    let tree = revision(&repo, rev)?
        .peel_to_tree()
        .map_err(|e| format!("`{rev}` has no tree: {}", e.message()))?;
    let at = |rel: &str| -> Option<git2::Oid> {
        let full = prefix.join(rel);
        let entry = tree.get_path(&full).ok()?;
        (entry.kind() == Some(git2::ObjectType::Blob) && entry.filemode() != 0o120000)
            .then(|| entry.id())
    };
    let config = match at(CONFIG_FILE).and_then(|oid| repo.find_blob(oid).ok()) {
        Some(blob) => {
            let text = String::from_utf8_lossy(blob.content()).into_owned();
            let doc = crate::load::yaml::parse(&text).0.into_iter().next();
            crate::config::Config::from_value(&doc.map(|d| d.value).unwrap_or_default())
        }
        None => crate::config::Config::default(),
    };
    let exclude = crate::load::Exclude::new(&config, None, &mut Vec::new());
    let wanted: Vec<(String, git2::Oid)> = paths
        .iter()
        .filter(|p| crate::load::discovered(&exclude, p))
        .filter_map(|p| Some((p.clone(), at(p)?)))
        .collect();
    let repo_path = repo.path().to_path_buf();
    let mut files: Vec<(String, Vec<Record>)> = wanted
        .into_par_iter()
        .map_init(
            || (git2::Repository::open(&repo_path).ok(), Parser::default()),
            |(repo, parser), (path, oid)| {
                let bytes = repo
                    .as_ref()
                    .and_then(|r| r.find_blob(oid).ok())
                    .filter(|b| b.size() <= crate::load::MAX_FILE_BYTES)
                    .map(|b| b.content().to_vec())
                    .unwrap_or_default();
                let records = crate::load::parse_records(parser, path.clone(), bytes);
                (path, records)
            },
        )
        .collect();
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// A file that differs between two trees: its path and its blob on each side
/// (`None` where it does not exist).
pub type ChangedBlob = (String, Option<git2::Oid>, Option<git2::Oid>);

/// The blobs that differ between two trees, descending only into subtrees
/// whose ids differ (libgit2's tree diff walks every entry of both trees,
/// which costs ~100 ms per commit on a 100,000-file tree). Symbolic links,
/// submodules and names that are not UTF-8 are left out.
pub fn changed_blobs(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
) -> Result<Vec<ChangedBlob>, String> {
    let mut out = Vec::new();
    let blob_of = |e: Option<&git2::TreeEntry<'_>>| {
        e.filter(|e| e.kind() == Some(git2::ObjectType::Blob) && e.filemode() != LINK)
            .map(git2::TreeEntry::id)
    };
    walk_trees(repo, old, new, "", false, &mut |path, x, y| {
        let (a, b) = (blob_of(x), blob_of(y));
        if a != b {
            out.push((path.to_string(), a, b));
        }
    })?;
    Ok(out)
}

/// Every path whose entry differs between two trees: files, symbolic links
/// and submodules, a change of mode included; a name that is not UTF-8 is
/// given with U+FFFD in place of its bad bytes.
pub fn changed_entries(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    walk_trees(repo, old, new, "", true, &mut |path, _, _| {
        out.push(path.to_string())
    })?;
    Ok(out)
}

/// The mode of a symbolic link in a git tree.
const LINK: i32 = 0o120000;

/// What [`walk_trees`] calls for each entry that differs: its path and its
/// entry on each side.
type Visit<'v> = dyn FnMut(&str, Option<&git2::TreeEntry<'_>>, Option<&git2::TreeEntry<'_>>) + 'v;

/// Calls `visit` with the path and both entries of every non-folder entry
/// whose id or mode differs, in name order (a folder is descended into
/// before an entry of the same name that is not a folder is visited). A
/// folder whose tree cannot be read (a missing object: a partial or damaged
/// clone) is an error, never taken for an empty folder.
fn walk_trees(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    dir: &str,
    lossy: bool,
    visit: &mut Visit<'_>,
) -> Result<(), String> {
    use git2::{ObjectType, TreeEntry};
    fn entries<'a>(t: Option<&'a git2::Tree<'_>>) -> Vec<TreeEntry<'a>> {
        t.map(|t| t.iter().collect()).unwrap_or_default()
    }
    let (a, b) = (entries(old), entries(new));
    for (i, j) in differing(&a, &b) {
        let (x, y) = (i.map(|i| &a[i]), j.map(|j| &b[j]));
        let Some(e) = x.or(y) else { continue };
        let entry_name = match (e.name(), lossy) {
            (Ok(name), _) => std::borrow::Cow::Borrowed(name),
            (Err(_), true) => String::from_utf8_lossy(e.name_bytes()),
            (Err(_), false) => continue,
        };
        let path = format!("{dir}{entry_name}");
        let is_tree = |e: &&TreeEntry<'_>| e.kind() == Some(ObjectType::Tree);
        let tree_of = |e: Option<&TreeEntry<'_>>| {
            e.filter(is_tree)
                .map(|e| repo.find_tree(e.id()))
                .transpose()
                .map_err(|e| {
                    let path = crate::output::escape::log(&path);
                    format!("cannot read the folder `{path}` in git: {}", e.message())
                })
        };
        let (ta, tb) = (tree_of(x)?, tree_of(y)?);
        if ta.is_some() || tb.is_some() {
            let sub = format!("{path}/");
            walk_trees(repo, ta.as_ref(), tb.as_ref(), &sub, lossy, visit)?;
        }
        let (fa, fb) = (x.filter(|e| !is_tree(e)), y.filter(|e| !is_tree(e)));
        if fa.is_some() || fb.is_some() {
            visit(&path, fa, fb);
        }
    }
    Ok(())
}

/// The entries of two trees that differ in id or mode, paired by name (a
/// folder's name with a `/` after it, as git sorts them), as indices into
/// each list, in plain name order (a name on both sides once).
fn differing(
    a: &[git2::TreeEntry<'_>],
    b: &[git2::TreeEntry<'_>],
) -> Vec<(Option<usize>, Option<usize>)> {
    use git2::{ObjectType, TreeEntry};
    use std::cmp::Ordering;
    // Git keeps tree entries sorted by that key: both lists are walked side by
    // side, with no map and no copy of the names.
    fn key<'e>(e: &'e TreeEntry<'_>) -> impl Iterator<Item = u8> + 'e {
        let slash = (e.kind() == Some(ObjectType::Tree)).then_some(b'/');
        e.name_bytes().iter().copied().chain(slash)
    }
    let same =
        |x: &TreeEntry<'_>, y: &TreeEntry<'_>| x.id() == y.id() && x.filemode() == y.filemode();
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => key(x).cmp(key(y)),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        let pair = match order {
            Ordering::Less => (Some(i), None),
            Ordering::Greater => (None, Some(j)),
            Ordering::Equal => (Some(i), Some(j)),
        };
        i += usize::from(order != Ordering::Greater);
        j += usize::from(order != Ordering::Less);
        if !matches!(pair, (Some(x), Some(y)) if same(&a[x], &b[y])) {
            out.push(pair);
        }
    }
    let name = |p: &(Option<usize>, Option<usize>)| match p {
        (Some(x), _) => a[*x].name_bytes().to_vec(),
        (None, Some(y)) => b[*y].name_bytes().to_vec(),
        (None, None) => Vec::new(),
    };
    out.sort_by_cached_key(name);
    out
}
