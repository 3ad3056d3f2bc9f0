//! What differs between two git trees: the changed blobs (what record diffs
//! and the change register read), and every changed path (what the approval
//! gate guards), walking only the subtrees whose ids differ.

use super::DiffError;
use crate::config::CONFIG_FILE;
use crate::load::{GitCause, open_git, prefix_of, root_tree, tree_of};
use std::path::Path;

/// A file that differs between two trees: its path and its blob on each side
/// (`None` where it does not exist).
pub type ChangedBlob = (String, Option<git2::Oid>, Option<git2::Oid>);

/// The files (relative to the repository root) that differ between two
/// revisions, or `None` when every record must be compared (`itsm.yaml`
/// changed, so discovery itself may differ).
pub fn changed_files(
    root: &Path,
    base: &str,
    head: &str,
) -> Result<Option<Vec<String>>, DiffError> {
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
) -> Result<Option<Vec<ChangedBlob>>, DiffError> {
    let repo = open_git(root)?;
    let prefix = prefix_of(&repo, root);
    let old = root_tree(&repo, base, &prefix)?;
    let new = root_tree(&repo, head, &prefix)?;
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
pub fn changed_paths(root: &Path, base: &str, head: &str) -> Result<ChangedPaths, DiffError> {
    let repo = open_git(root)?;
    let prefix = prefix_of(&repo, root)
        .components()
        .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
        .collect();
    let (old, new) = (tree_of(&repo, base)?, tree_of(&repo, head)?);
    Ok(ChangedPaths {
        paths: changed_entries(&repo, Some(&old), Some(&new))?,
        prefix,
    })
}

/// The blobs that differ between two trees, descending only into subtrees
/// whose ids differ (libgit2's tree diff walks every entry of both trees,
/// which costs ~100 ms per commit on a 100,000-file tree). Symbolic links,
/// submodules and names that are not UTF-8 are left out.
pub fn changed_blobs(
    repo: &git2::Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
) -> Result<Vec<ChangedBlob>, DiffError> {
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
) -> Result<Vec<String>, DiffError> {
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
) -> Result<(), DiffError> {
    use git2::{ObjectType, TreeEntry};
    fn entries<'a>(t: Option<&'a git2::Tree<'_>>) -> Vec<TreeEntry<'a>> {
        t.map(|t| t.iter().collect()).unwrap_or_default()
    }
    let (a, b) = (entries(old), entries(new));
    for (i, j) in differing(&a, &b) {
        let (x, y) = (i.map(|i| &a[i.0]), j.map(|j| &b[j.0]));
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
                .map_err(|e| DiffError::Folder {
                    path: crate::output::escape::log(&path).into_owned(),
                    source: GitCause::from(e),
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

/// An index into the entries of the old tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Old(usize);

/// An index into the entries of the new tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct New(usize);

/// The entries of two trees that differ in id or mode, paired by name (a
/// folder's name with a `/` after it, as git sorts them), as indices into
/// each list, in plain name order (a name on both sides once).
fn differing(
    a: &[git2::TreeEntry<'_>],
    b: &[git2::TreeEntry<'_>],
) -> Vec<(Option<Old>, Option<New>)> {
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
            Ordering::Less => (Some(Old(i)), None),
            Ordering::Greater => (None, Some(New(j))),
            Ordering::Equal => (Some(Old(i)), Some(New(j))),
        };
        i += usize::from(order != Ordering::Greater);
        j += usize::from(order != Ordering::Less);
        if !matches!(pair, (Some(x), Some(y)) if same(&a[x.0], &b[y.0])) {
            out.push(pair);
        }
    }
    let name = |p: &(Option<Old>, Option<New>)| match p {
        (Some(x), _) => a[x.0].name_bytes().to_vec(),
        (None, Some(y)) => b[y.0].name_bytes().to_vec(),
        (None, None) => Vec::new(),
    };
    out.sort_by_cached_key(name);
    out
}
