//! Discovery: which files of the tree are read, from disk or from a git revision.

use super::git::{GitError, open_git, prefix_of, root_tree};
use super::{LoadError, Source};
use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Code, Diagnostic, Target};
use crate::source::FileId;
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Paths skipped by discovery: hidden ones, the site output folder, `exclude:`.
pub struct Exclude {
    globs: GlobSet,
    site: String,
}

impl Exclude {
    pub fn new(config: &Config, config_file: Option<FileId>, diags: &mut Vec<Diagnostic>) -> Self {
        let mut builder = GlobSetBuilder::new();
        for (i, pattern) in config.exclude.iter().enumerate() {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(e) => {
                    let mut d = Diagnostic::new(
                        Code::Schema,
                        format!("`{pattern}` is not a valid glob: {}", e.kind()),
                    );
                    if let Some(file) = config_file {
                        d = d.at(file, 0, format!("/exclude/{i}"), Target::Value);
                    }
                    diags.push(d);
                }
            }
        }
        Exclude {
            globs: builder.build().unwrap_or_else(|_| GlobSet::empty()),
            site: config.site_dir(),
        }
    }

    /// Whether [`Exclude::skips`] needs the relative path of an entry, or its name
    /// alone decides (the site folder is a folder; globs may match anything).
    pub fn needs_path(&self, is_dir: bool) -> bool {
        (is_dir && !self.site.is_empty()) || !self.globs.is_empty()
    }

    /// Whether a file or folder (relative path) is skipped.
    pub fn skips(&self, rel: &str, name: &str) -> bool {
        name.starts_with('.')
            || (!self.site.is_empty() && rel == self.site)
            || self.globs.is_match(rel)
    }
}

/// What reading a file gave.
#[derive(Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Larger than [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES): its size (a blob is not
    /// read at all; a file no further than one byte past the limit).
    TooLarge(u64),
    /// The reason it could not be read.
    Unreadable(String),
    /// An entry that is not read at all (a link, a submodule, a name that is not UTF-8).
    Refused(Refusal),
}

/// Why discovery refuses an entry of the tree: nothing is read through a link,
/// from another repository, or under a name that findings cannot print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link: on disk, or a blob of mode 120000 at a revision.
    Symlink,
    /// A submodule: a gitlink (mode 160000) at a revision, a folder holding
    /// `.git` on disk.
    Submodule,
    /// A file or folder whose name is not UTF-8.
    NonUtf8Name,
}

impl Refusal {
    /// The finding for the entry at `path` (relative, `/`-separated), not yet placed.
    pub fn diagnostic(self, path: &str) -> Diagnostic {
        let (code, message, help) = match self {
            Refusal::Symlink => (
                Code::Symlink,
                format!("`{path}` is a symbolic link: itsm reads nothing through links"),
                "replace the link with a copy of the file or folder it points to, or remove it: a link could make the checks, the site or the approval gate read files from outside the repository",
            ),
            Refusal::Submodule => (
                Code::Submodule,
                format!(
                    "`{path}` is a git submodule: itsm reads no records from another repository"
                ),
                "remove it (`git rm` the submodule), or list it under `exclude:` in itsm.yaml when it holds no records: the approval gate cannot see what changes inside a submodule",
            ),
            Refusal::NonUtf8Name => (
                Code::NonUtf8Path,
                format!("the name of `{path}` is not UTF-8 (`\\xNN` marks each byte that is not)"),
                "rename it with a UTF-8 name (findings, the site and the approval gate name files in UTF-8)",
            ),
        };
        Diagnostic::new(code, message).with_help(help)
    }
}

/// Opens a file for reading without following a symbolic link at the last
/// component of `path` (O_NOFOLLOW on Unix: no window between a check and the
/// open): `Ok(None)` when it is a link. Non-blocking too, so that a FIFO put
/// where a file was reads as empty instead of waiting for a writer.
pub fn open_no_follow(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
        match options.open(path) {
            Ok(file) => Ok(Some(file)),
            // Linux and macOS say ELOOP, FreeBSD says EMLINK.
            Err(e)
                if [rustix::io::Errno::LOOP, rustix::io::Errno::MLINK]
                    .iter()
                    .any(|n| e.raw_os_error() == Some(n.raw_os_error())) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            return Ok(None);
        }
        options.open(path).map(Some)
    }
}

/// A name or path as text: UTF-8 as it is, every other byte as `\xNN`.
pub fn escape_name(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Reads a file from disk, refusing one over the size limit.
///
/// No `stat` for the size first: the file is read into `buffer`, which the
/// caller keeps from one file to the next, then copied out at its exact size.
/// Most records take one `read` for the bytes and one that finds the end, and
/// at 100,000 files the system call saved shows. A larger file stops being
/// read one byte past the limit.
pub(super) fn read_disk(path: &Path, buffer: &mut Vec<u8>) -> Content {
    use std::io::Read;
    const KEPT: usize = 64 * 1024;
    let file = match open_no_follow(path) {
        Ok(Some(f)) => f,
        // It was a regular file when the walk saw it: replaced by a link since.
        Ok(None) => return Content::Refused(Refusal::Symlink),
        Err(e) => return Content::Unreadable(e.to_string()),
    };
    buffer.clear();
    buffer.reserve(KEPT);
    let read = (&file)
        .take(super::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(buffer);
    let content = match read {
        Ok(_) if buffer.len() > super::MAX_FILE_BYTES => {
            let size = file.metadata().map_or(buffer.len() as u64, |m| m.len());
            Content::TooLarge(size)
        }
        Ok(_) => Content::Bytes(buffer.to_vec()),
        Err(e) => Content::Unreadable(e.to_string()),
    };
    if buffer.capacity() > KEPT {
        *buffer = Vec::new();
    }
    content
}

/// Reads a blob as loading reads it: refused, without inflating it, when it
/// is over the size limit.
pub fn read_blob(repo: &git2::Repository, oid: git2::Oid) -> Content {
    let size = repo
        .odb()
        .and_then(|odb| odb.read_header(oid))
        .map(|(size, _)| size as u64);
    match size {
        Ok(size) if size > super::MAX_FILE_BYTES as u64 => Content::TooLarge(size),
        _ => match repo.find_blob(oid) {
            Ok(blob) => Content::Bytes(blob.content().to_vec()),
            Err(e) => Content::Unreadable(e.message().to_string()),
        },
    }
}

/// Whether a file name (or path) has an extension discovery reads.
pub(super) fn is_candidate(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".md")
}

/// Reads the tree, from the working tree or a git revision.
pub enum Reader {
    Disk(PathBuf),
    Git {
        repo_path: PathBuf,
        tree: git2::Oid,
        repo: git2::Repository,
    },
}

impl Reader {
    pub fn open(root: &Path, source: &Source) -> Result<Reader, LoadError> {
        match source {
            Source::WorkTree => Ok(Reader::Disk(root.to_path_buf())),
            Source::Revision(rev) => open_revision(root, rev),
        }
    }

    /// The bytes of `itsm.yaml`, if there is one. A link or a submodule there
    /// is not read (the walk reports it).
    pub fn config_text(&self) -> Result<Option<Vec<u8>>, LoadError> {
        match self {
            Reader::Disk(root) => {
                use std::io::Read;
                let path = root.join(CONFIG_FILE);
                let read = open_no_follow(&path).and_then(|file| {
                    let Some(mut file) = file else {
                        return Ok(None);
                    };
                    let mut bytes = Vec::new();
                    file.read_to_end(&mut bytes).map(|_| Some(bytes))
                });
                match read {
                    Ok(bytes) => Ok(bytes),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(LoadError::Io { path, source }),
                }
            }
            Reader::Git { repo, tree, .. } => {
                let tree = repo.find_tree(*tree).map_err(git)?;
                let Some(entry) = tree.get_name(CONFIG_FILE) else {
                    return Ok(None);
                };
                if !is_regular_blob(&entry) {
                    return Ok(None);
                }
                let blob = repo.find_blob(entry.id()).map_err(git)?;
                Ok(Some(blob.content().to_vec()))
            }
        }
    }

    /// Reads every candidate file and hands it to `f`, in parallel, with the
    /// state of the worker that read it (made by `init`, dropped with the
    /// worker); on disk the walk and the reading overlap. Entries refused
    /// ([`Refusal`]) are handed over unread. The order of the results is not
    /// defined.
    pub fn read_tree<T, S, I, F>(
        &self,
        exclude: &Exclude,
        init: I,
        f: F,
    ) -> Result<Vec<T>, LoadError>
    where
        T: Send,
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, String, Content) -> T + Sync + Send,
    {
        match self {
            Reader::Disk(root) => disk_walk(root, exclude)
                .par_bridge()
                .map_init(
                    || (Vec::new(), init()),
                    |(buffer, state), found| {
                        Ok(match found? {
                            Found::File(rel) => {
                                let content = read_disk(&root.join(&rel), buffer);
                                f(state, rel, content)
                            }
                            Found::Refused(rel, why) => f(state, rel, Content::Refused(why)),
                        })
                    },
                )
                .collect(),
            Reader::Git {
                repo,
                tree,
                repo_path,
            } => {
                let entries = git_entries(repo, *tree, exclude)?;
                Ok(entries
                    .into_par_iter()
                    .map_init(
                        || (git2::Repository::open(repo_path), init()),
                        |(repo, state), (path, found)| {
                            let content = match (found, repo.as_ref()) {
                                (Err(why), _) => Content::Refused(why),
                                (Ok(oid), Ok(r)) => read_blob(r, oid),
                                (Ok(_), Err(e)) => Content::Unreadable(format!(
                                    "cannot open the git repository: {}",
                                    e.message()
                                )),
                            };
                            f(state, path, content)
                        },
                    )
                    .collect())
            }
        }
    }
}

/// What the walk of the tree found: a file to read, or an entry refused.
enum Found {
    File(String),
    Refused(String, Refusal),
}

/// What the disk walk does after an entry.
enum Step {
    /// Go on (into the entry, when it is a folder).
    Next,
    /// Go on, not into the entry.
    Prune,
    /// Hand the entry over (and, when it is a folder, do not go into it).
    Yield(Found),
}

// The scope of the walks, on disk and at a revision alike:
// - hidden entries (`.git`, `.github`, `.venv`, ...) are neither read nor
//   checked: nothing in them is discovered, and on disk they hold tools' state,
//   links included;
// - the site output folder and the `exclude:` globs are neither read nor
//   checked, except in the theme folder, which the build reads whatever
//   `exclude:` says: there, excluded entries are checked but not read;
// - everything else is checked: a link, a submodule or a name that is not
//   UTF-8 is refused (and not gone into), whatever its extension.

/// The theme folder (relative to the root), which the site build reads.
const THEME: &str = "theme";

fn in_theme(rel: &str) -> bool {
    rel.strip_prefix(THEME)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The candidate files and refused entries under `root`.
fn disk_walk<'a>(
    root: &'a Path,
    exclude: &'a Exclude,
) -> impl Iterator<Item = Result<Found, LoadError>> + Send + 'a {
    let mut walk = walkdir::WalkDir::new(root).follow_links(false).into_iter();
    // Deeper than this, the walk is in an excluded part of the theme folder.
    let mut checked_only: Option<usize> = None;
    std::iter::from_fn(move || {
        loop {
            let entry = match walk.next()? {
                Ok(e) => e,
                Err(err) => {
                    return Some(Err(LoadError::Io {
                        path: err.path().unwrap_or(root).to_path_buf(),
                        source: err.into(),
                    }));
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            if checked_only.is_some_and(|d| entry.depth() <= d) {
                checked_only = None;
            }
            match disk_step(root, exclude, &entry, &mut checked_only) {
                Step::Next => {}
                Step::Prune => walk.skip_current_dir(),
                Step::Yield(found) => {
                    if entry.file_type().is_dir() {
                        walk.skip_current_dir();
                    }
                    return Some(Ok(found));
                }
            }
        }
    })
}

/// One entry of the disk walk. The common case (a regular file that is not a
/// record file) is decided from the name and the type walkdir read with the
/// folder: no `stat` per file. A folder costs one, for `.git` in it.
fn disk_step(
    root: &Path,
    exclude: &Exclude,
    entry: &walkdir::DirEntry,
    checked_only: &mut Option<usize>,
) -> Step {
    let name = entry.file_name();
    let kind = entry.file_type();
    let prune = if kind.is_dir() {
        Step::Prune
    } else {
        Step::Next
    };
    if name.as_encoded_bytes().first() == Some(&b'.') {
        return prune;
    }
    let utf8 = name.to_str();
    if kind.is_file() && utf8.is_some_and(|n| !is_candidate(n)) {
        return Step::Next;
    }
    let rel = relative(root, entry.path());
    let mut read = checked_only.is_none();
    if exclude.needs_path(kind.is_dir()) && exclude.skips(&rel, &name.to_string_lossy()) {
        if !in_theme(&rel) {
            return prune;
        }
        read = false;
        if kind.is_dir() && checked_only.is_none() {
            *checked_only = Some(entry.depth());
        }
    }
    if utf8.is_none() {
        Step::Yield(Found::Refused(rel, Refusal::NonUtf8Name))
    } else if kind.is_symlink() {
        Step::Yield(Found::Refused(rel, Refusal::Symlink))
    } else if kind.is_dir() {
        match std::fs::symlink_metadata(entry.path().join(".git")) {
            Ok(_) => Step::Yield(Found::Refused(rel, Refusal::Submodule)),
            Err(_) => Step::Next,
        }
    } else if kind.is_file() && read && rel != CONFIG_FILE {
        Step::Yield(Found::File(rel))
    } else {
        Step::Next
    }
}

/// `path` relative to `root`, `/`-separated; bytes that are not UTF-8 as `\xNN`.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let text = match rel.to_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(escape_name(rel.as_os_str().as_encoded_bytes())),
    };
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// A failure of libgit2 while reading a revision.
fn git(e: git2::Error) -> LoadError {
    GitError::Other(e.into()).into()
}

/// The reader of the tree of the root's folder at a revision.
fn open_revision(root: &Path, rev: &str) -> Result<Reader, LoadError> {
    let repo = open_git(root)?;
    if repo.workdir().is_none() {
        return Err(GitError::Bare.into());
    }
    let prefix = prefix_of(&repo, root);
    let tree = root_tree(&repo, rev, &prefix)?.id();
    let repo_path = repo.path().to_path_buf();
    Ok(Reader::Git {
        repo_path,
        tree,
        repo,
    })
}

/// A blob to read, or an entry refused, by path.
type GitEntry = (String, Result<git2::Oid, Refusal>);

/// The candidate blobs and refused entries of a tree, with the scope of the disk walk.
fn git_entries(
    repo: &git2::Repository,
    tree: git2::Oid,
    exclude: &Exclude,
) -> Result<Vec<GitEntry>, LoadError> {
    let tree = repo.find_tree(tree).map_err(git)?;
    let mut entries = Vec::new();
    // The folder (with its `/`) below which the walk is in an excluded part of the theme folder.
    let mut checked_only: Option<String> = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name_bytes();
        let is_tree = entry.kind() == Some(git2::ObjectType::Tree);
        let prune = if is_tree {
            git2::TreeWalkResult::Skip
        } else {
            git2::TreeWalkResult::Ok
        };
        if name.first() == Some(&b'.') {
            return prune;
        }
        let utf8 = std::str::from_utf8(name).ok();
        let regular = is_regular_blob(entry);
        if regular && utf8.is_some_and(|n| !is_candidate(n)) {
            return git2::TreeWalkResult::Ok;
        }
        let rel = format!(
            "{dir}{}",
            utf8.map_or_else(|| escape_name(name), str::to_string)
        );
        if checked_only
            .as_ref()
            .is_some_and(|p| !rel.starts_with(p.as_str()))
        {
            checked_only = None;
        }
        let mut read = checked_only.is_none();
        if exclude.skips(&rel, &String::from_utf8_lossy(name)) {
            if !in_theme(&rel) {
                return prune;
            }
            read = false;
            if is_tree && checked_only.is_none() {
                checked_only = Some(format!("{rel}/"));
            }
        }
        if let Some(why) = refusal(entry, utf8.is_some()) {
            entries.push((rel, Err(why)));
            return prune;
        }
        if regular && read && rel != CONFIG_FILE {
            entries.push((rel, Ok(entry.id())));
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(git)?;
    Ok(entries)
}

/// Why the walk at a revision refuses an entry (its name UTF-8 or not), if it does.
fn refusal(entry: &git2::TreeEntry<'_>, utf8: bool) -> Option<Refusal> {
    if !utf8 {
        Some(Refusal::NonUtf8Name)
    } else if entry.filemode() == 0o120000 {
        Some(Refusal::Symlink)
    } else if entry.kind() == Some(git2::ObjectType::Commit) {
        Some(Refusal::Submodule)
    } else {
        None
    }
}

/// Whether a tree entry is a file's blob (not a link, a folder or a submodule).
fn is_regular_blob(entry: &git2::TreeEntry<'_>) -> bool {
    entry.kind() == Some(git2::ObjectType::Blob) && entry.filemode() & 0o170000 == 0o100000
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// `itsm.yaml` read on another thread, or `None` when that takes over 10 s.
    fn config_within_seconds(root: &Path) -> Option<Result<Option<Vec<u8>>, String>> {
        let reader = Reader::Disk(root.to_path_buf());
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(reader.config_text().map_err(|e| e.to_string()));
        });
        receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .ok()
    }

    fn fifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
    }

    #[test]
    fn itsm_yaml_is_read_through_no_link_and_never_waits_on_a_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(dir.path().join("other.yaml"), "name: Elsewhere\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("other.yaml"), root.join(CONFIG_FILE)).unwrap();
        assert_eq!(config_within_seconds(&root), Some(Ok(None)), "a link");
        std::fs::remove_file(root.join(CONFIG_FILE)).unwrap();
        fifo(&dir.path().join("pipe"));
        std::os::unix::fs::symlink(dir.path().join("pipe"), root.join(CONFIG_FILE)).unwrap();
        assert_eq!(
            config_within_seconds(&root),
            Some(Ok(None)),
            "a link to a FIFO"
        );
        std::fs::remove_file(root.join(CONFIG_FILE)).unwrap();
        fifo(&root.join(CONFIG_FILE));
        assert_eq!(
            config_within_seconds(&root),
            Some(Ok(Some(Vec::new()))),
            "a FIFO"
        );
    }

    #[test]
    fn names_that_are_not_utf8_are_escaped_byte_by_byte() {
        assert_eq!(escape_name(b"caf\xc3\xa9.yaml"), "café.yaml");
        assert_eq!(
            escape_name(b"caf\xe9/\xff\xfe.yaml"),
            "caf\\xe9/\\xff\\xfe.yaml"
        );
    }
}
