//! Discovery: which files of the tree are read, from disk or from a git revision.

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
}

/// Reads a file from disk, refusing one over the size limit.
///
/// No `stat` for the size first: the file is read into a buffer the thread
/// keeps, then copied out at its exact size. Most records take one `read` for
/// the bytes and one that finds the end, and at 100,000 files the system call
/// saved shows. A larger file stops being read one byte past the limit.
pub(super) fn read_disk(path: &Path) -> Content {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    const KEPT: usize = 64 * 1024;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Content::Unreadable(e.to_string()),
    };
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        buffer.reserve(KEPT);
        let read = (&file)
            .take(super::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut buffer);
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
    })
}

/// Reads a blob, refusing (without inflating) one over the size limit.
fn read_blob(repo: &git2::Repository, oid: git2::Oid) -> Content {
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

    /// The bytes of `itsm.yaml`, if there is one.
    pub fn config_text(&self) -> Result<Option<Vec<u8>>, LoadError> {
        match self {
            Reader::Disk(root) => {
                let path = root.join(CONFIG_FILE);
                match std::fs::read(&path) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(LoadError::Io { path, source }),
                }
            }
            Reader::Git { repo, tree, .. } => {
                let tree = repo.find_tree(*tree).map_err(git_error)?;
                let Some(entry) = tree.get_name(CONFIG_FILE) else {
                    return Ok(None);
                };
                let blob = repo.find_blob(entry.id()).map_err(git_error)?;
                Ok(Some(blob.content().to_vec()))
            }
        }
    }

    /// Reads every candidate file and hands it to `f`, in parallel; on disk the
    /// walk and the reading overlap. The order of the results is not defined.
    pub fn read_tree<T, F>(&self, exclude: &Exclude, f: F) -> Result<Vec<T>, LoadError>
    where
        T: Send,
        F: Fn(String, Content) -> T + Sync,
    {
        match self {
            Reader::Disk(root) => disk_walk(root, exclude)
                .par_bridge()
                .map(|rel| {
                    let rel = rel?;
                    let content = read_disk(&root.join(&rel));
                    Ok(f(rel, content))
                })
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
                        || git2::Repository::open(repo_path).ok(),
                        |repo, (path, oid)| {
                            let content = match repo.as_ref() {
                                Some(r) => read_blob(r, oid),
                                None => {
                                    Content::Unreadable("cannot open the git repository".into())
                                }
                            };
                            f(path, content)
                        },
                    )
                    .collect())
            }
        }
    }
}

/// The relative paths of the candidate files under `root`.
fn disk_walk<'a>(
    root: &'a Path,
    exclude: &'a Exclude,
) -> impl Iterator<Item = Result<String, LoadError>> + Send + 'a {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            if e.file_type().is_file() && !is_candidate(&name) {
                return false;
            }
            !exclude.needs_path(e.file_type().is_dir())
                || !exclude.skips(&relative(root, e.path()), &name)
        })
        .filter_map(move |next| match next {
            Err(err) => Some(Err(LoadError::Io {
                path: err.path().unwrap_or(root).to_path_buf(),
                source: err.into(),
            })),
            Ok(e) if !e.file_type().is_file() || e.depth() == 0 => None,
            Ok(e) => {
                let rel = relative(root, e.path());
                (rel != CONFIG_FILE).then_some(Ok(rel))
            }
        })
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let text = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn git_error(e: git2::Error) -> LoadError {
    LoadError::Git(e.message().to_string())
}

/// The git repository that holds `root`.
pub fn open_git(root: &Path) -> Result<git2::Repository, String> {
    // itsm reads git objects and never writes them. Like git itself, it does not
    // re-hash every object it reads (libgit2's default): that took a third of a
    // walk through history.
    git2::opts::strict_hash_verification(false);
    git2::Repository::discover(root).map_err(|e| {
        format!(
            "{} is not in a git repository: {}",
            root.display(),
            e.message()
        )
    })
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

fn open_revision(root: &Path, rev: &str) -> Result<Reader, LoadError> {
    let repo = open_git(root).map_err(LoadError::Git)?;
    if repo.workdir().is_none() {
        return Err(LoadError::Git("the git repository is bare".into()));
    }
    let prefix = prefix_of(&repo, root);
    let tree_id = resolve_tree(&repo, rev, &prefix)?;
    let repo_path = repo.path().to_path_buf();
    Ok(Reader::Git {
        repo_path,
        tree: tree_id,
        repo,
    })
}

fn resolve_tree(repo: &git2::Repository, rev: &str, prefix: &Path) -> Result<git2::Oid, LoadError> {
    let object = repo
        .revparse_single(rev)
        .map_err(|e| LoadError::Git(format!("cannot resolve revision `{rev}`: {}", e.message())))?;
    let tree = object
        .peel_to_tree()
        .map_err(|e| LoadError::Git(format!("`{rev}` has no tree: {}", e.message())))?;
    let tree_id = if prefix.as_os_str().is_empty() {
        tree.id()
    } else {
        let entry = tree.get_path(prefix).map_err(|_| {
            LoadError::Git(format!(
                "`{}` does not exist at revision `{rev}`",
                prefix.display()
            ))
        })?;
        entry.id()
    };
    Ok(tree_id)
}

fn git_entries(
    repo: &git2::Repository,
    tree: git2::Oid,
    exclude: &Exclude,
) -> Result<Vec<(String, git2::Oid)>, LoadError> {
    let tree = repo.find_tree(tree).map_err(git_error)?;
    let mut entries = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let name = entry.name().unwrap_or("");
        let rel = format!("{dir}{name}");
        if exclude.skips(&rel, name) {
            return git2::TreeWalkResult::Skip;
        }
        let is_blob = entry.kind() == Some(git2::ObjectType::Blob);
        // 0o120000 is a symbolic link: never followed.
        if is_blob && entry.filemode() != 0o120000 && rel != CONFIG_FILE && is_candidate(name) {
            entries.push((rel, entry.id()));
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(git_error)?;
    Ok(entries)
}
