//! Writing the site: every path checked to stay inside the output folder, the
//! whole site written into a temporary folder beside it and swapped in when
//! complete (hard-linking from the previous site the pages that did not change).

use super::file::File;
use crate::config::Config;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as a site `itsm build` wrote (and may replace).
pub const MARKER: &str = ".itsm-site";

/// Why the site could not be written where it goes.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot resolve the repository root")]
    ResolveRoot(#[source] io::Error),
    #[error("cannot resolve {}", .0.display())]
    Resolve(PathBuf, #[source] io::Error),
    #[error(
        "the site folder {} holds the repository: choose another --out (e.g. `site`)",
        out.display()
    )]
    HoldsRepository { out: PathBuf },
    #[error("{} exists and is not a folder", out.display())]
    NotAFolder { out: PathBuf },
    #[error(
        "{} is not empty and was not written by `itsm build` (no {MARKER} file): refusing to replace it; choose another --out or empty it",
        out.display()
    )]
    NotASite { out: PathBuf },
    #[error(
        "{} is a symbolic link: itsm build replaces the output folder as a whole and writes nothing through a link; pass the folder it points to as --out",
        out.display()
    )]
    OutIsLink { out: PathBuf },
    #[error(
        "{} is a symbolic link inside the repository, on the way to the output folder {}: itsm build writes nothing through a link; choose an output folder that is not below one",
        link.display(),
        out.display()
    )]
    LinkOnTheWay { link: PathBuf, out: PathBuf },
    #[error("refusing to write `{rel}`: the path would leave the site folder")]
    Leaves { rel: String },
    #[error("cannot read {}", .0.display())]
    Read(PathBuf, #[source] io::Error),
    #[error("cannot create {}", .0.display())]
    Create(PathBuf, #[source] io::Error),
    #[error("cannot create a temporary folder in {}", .0.display())]
    CreateTemporary(PathBuf, #[source] io::Error),
    #[error("cannot write {}", .0.display())]
    Write(PathBuf, #[source] io::Error),
    #[error("cannot write in {}", .0.display())]
    WriteIn(PathBuf, #[source] io::Error),
    #[error("cannot remove {}", .0.display())]
    Remove(PathBuf, #[source] io::Error),
    #[error("cannot move the previous site {} aside", .0.display())]
    MoveAside(PathBuf, #[source] io::Error),
    #[error("cannot move the new site to {}", .0.display())]
    MoveIn(PathBuf, #[source] io::Error),
    /// Writing a file of the preview's copy (its error names the file).
    #[error(transparent)]
    Replace(Box<dyn std::error::Error + Send + Sync>),
}

type Result<T, E = WriteError> = std::result::Result<T, E>;

/// An [`io::Error`] about `path` as the [`WriteError`] `make` (a variant).
fn at(
    path: &Path,
    make: fn(PathBuf, io::Error) -> WriteError,
) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| make(path.to_path_buf(), source)
}

/// The output folder: `out` (`--out`, relative to the current folder), else
/// `site.out` of itsm.yaml relative to the root.
pub fn out_dir(root: &Path, out: Option<&Path>, config: &Config) -> PathBuf {
    match out {
        Some(o) => o.to_path_buf(),
        None => root.join(config.site_dir()),
    }
}

/// Checks that `out` may be replaced by a site: not the repository root nor a
/// folder holding it, not a symbolic link nor (inside the repository) below
/// one, and either absent, empty or a site written before.
pub fn check_out(root: &Path, out: &Path) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).map(|p| normalise(&p));
    let root_abs = abs(root).map_err(WriteError::ResolveRoot)?;
    let out_abs = abs(out).map_err(at(out, WriteError::Resolve))?;
    let out_buf = || out.to_path_buf();
    if root_abs.starts_with(&out_abs) {
        return Err(WriteError::HoldsRepository { out: out_buf() });
    }
    refuse_links(&root_abs, &out_abs, out)?;
    if out.exists() {
        if !out.is_dir() {
            return Err(WriteError::NotAFolder { out: out_buf() });
        }
        let empty = std::fs::read_dir(out)
            .map_err(at(out, WriteError::Read))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            return Err(WriteError::NotASite { out: out_buf() });
        }
    }
    Ok(())
}

/// Refuses an output folder that is a symbolic link (the build replaces the
/// folder as a whole: it would replace the link, or write where the link
/// points), or that lies below a link inside the repository (a link there
/// would send the build's writes out of it).
fn refuse_links(root_abs: &Path, out_abs: &Path, out: &Path) -> Result<()> {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if is_link(out_abs) {
        return Err(WriteError::OutIsLink {
            out: out.to_path_buf(),
        });
    }
    if let Ok(below) = out_abs.strip_prefix(root_abs) {
        let mut at = root_abs.to_path_buf();
        for part in below.components() {
            at.push(part);
            if is_link(&at) {
                return Err(WriteError::LinkOnTheWay {
                    link: at,
                    out: out.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

/// `..` and `.` removed lexically (the output folder may not exist yet).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The path of a site file inside `dir`, or an error when the relative path could
/// leave it (absolute, `..`, empty or hidden components, backslashes).
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf> {
    let ok = !rel.is_empty()
        && rel.split('/').all(|c| {
            !c.is_empty()
                && !c.starts_with('.')
                && !c.contains(['\\', ':', '\0'])
                && Path::new(c)
                    .components()
                    .all(|k| matches!(k, Component::Normal(_)))
        });
    if !ok {
        return Err(WriteError::Leaves {
            rel: rel.to_string(),
        });
    }
    Ok(dir.join(rel))
}

/// Writes the whole site into a temporary folder next to `out`, then swaps it
/// in: a failed or interrupted build leaves the previous site whole.
pub fn write_site(out: &Path, files: &[File]) -> Result<()> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.put(f))?;
    staging.finish()
}

/// A site being written: a temporary folder beside the output folder.
///
/// When the output folder holds a site written before, a page whose bytes did
/// not change is hard-linked from it instead of written anew: no new inode, no
/// data written, and removing the previous site frees nothing. On a rebuild of
/// 100,000 pages this is most of the time saved (creating files is what costs).
pub struct Staging {
    tmp: tempfile::TempDir,
    out: PathBuf,
    /// The previous site, when `out` is one.
    previous: Option<PathBuf>,
    /// The folders created so far (relative paths), each with whether the
    /// previous site has it as a real folder (no link on the way), the only
    /// place pages are linked from.
    folders: Mutex<HashMap<String, bool>>,
    /// Held until the site is swapped in (dropped after `tmp`).
    _lock: BuildLock,
}

impl Staging {
    /// Creates the temporary folder beside `out`.
    pub fn new(out: &Path) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(at(parent, WriteError::Create))?;
        let lock = BuildLock::take(parent);
        let tmp = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(parent)
            .map_err(at(parent, WriteError::CreateTemporary))?;
        let previous = out.join(MARKER).is_file().then(|| out.to_path_buf());
        Ok(Staging {
            tmp,
            out: out.to_path_buf(),
            previous,
            folders: Mutex::new(HashMap::default()),
            _lock: lock,
        })
    }

    /// Writes one file (from any thread).
    pub fn put(&self, f: &File) -> Result<()> {
        let path = inside(self.tmp.path(), &f.path)?;
        let reusable = match f.path.rsplit_once('/') {
            Some((folder, _)) => self.create_folder(folder)?,
            None => true,
        };
        if let Some(previous) = self.previous.as_ref().filter(|_| reusable) {
            let old = previous.join(&f.path);
            if same_file_content(&old, &f.bytes) && std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
        }
        std::fs::write(&path, &f.bytes).map_err(at(&path, WriteError::Write))
    }

    /// Creates a folder of the site (once, whichever thread asks first).
    /// Returns whether pages of this folder may be linked from the previous site.
    fn create_folder(&self, rel: &str) -> Result<bool> {
        let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&reusable) = folders.get(rel) {
            return Ok(reusable);
        }
        let folder = self.tmp.path().join(rel);
        std::fs::create_dir_all(&folder).map_err(at(&folder, WriteError::Create))?;
        let reusable = self.previous.as_ref().is_some_and(|previous| {
            let mut path = previous.clone();
            rel.split('/').all(|part| {
                path.push(part);
                std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
            })
        });
        folders.insert(rel.to_string(), reusable);
        Ok(reusable)
    }

    /// Marks the folder as a site and swaps it in for the output folder.
    pub fn finish(self) -> Result<()> {
        std::fs::write(self.tmp.path().join(MARKER), "written by itsm build\n")
            .map_err(at(self.tmp.path(), WriteError::WriteIn))?;
        let Staging {
            tmp, out, _lock, ..
        } = self;
        let swapped = swap_in(tmp, &out);
        drop(_lock);
        swapped
    }
}

/// The prefixes of the folders a build makes beside the output folder: the
/// site being written, and the previous site being removed.
const STAGING: &str = ".itsm-build-";
const OLD: &str = ".itsm-old-";

/// A build's hold on the folder beside the output folder, where its staging
/// folders go: a shared `flock` on that folder for as long as the build runs.
/// The kernel lets go of it when the process ends, however it ends; so a build
/// that gets the lock exclusively knows that no other build is running there,
/// and that the staging folders it finds were left by interrupted builds.
/// Without `flock` (not Unix, or a file system that refuses it) nothing is cleaned.
struct BuildLock {
    #[cfg(unix)]
    _held: Option<std::fs::File>,
}

impl BuildLock {
    /// Takes the lock on `parent`, first removing the folders left there by
    /// interrupted builds when no other build runs.
    fn take(parent: &Path) -> BuildLock {
        #[cfg(unix)]
        {
            use rustix::fs::{FlockOperation, flock};
            let Ok(dir) = std::fs::File::open(parent) else {
                return BuildLock { _held: None };
            };
            if flock(&dir, FlockOperation::NonBlockingLockExclusive).is_ok() {
                remove_stale(parent);
            }
            // Shared from here on (waiting, for a while, for a build that cleans up).
            for _ in 0..600 {
                if flock(&dir, FlockOperation::NonBlockingLockShared).is_ok() {
                    return BuildLock { _held: Some(dir) };
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            BuildLock { _held: None }
        }
        #[cfg(not(unix))]
        {
            let _ = parent;
            BuildLock {}
        }
    }
}

/// Removes the staging folders in `parent` (real folders, not links, named
/// as only a build names them); called with no other build running there.
#[cfg(unix)]
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(STAGING) || n.starts_with(OLD));
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            // Leftovers of an interrupted build: one that cannot go now
            // stays for the next build to remove; this build does not need it gone.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether `path` is a regular file (not a link) holding exactly `bytes`.
fn same_file_content(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut old = Vec::with_capacity(bytes.len() + 1);
    // One byte more than expected, to notice a file that grew since.
    match (&mut file)
        .take(bytes.len() as u64 + 1)
        .read_to_end(&mut old)
    {
        Ok(_) => old == bytes,
        Err(_) => false,
    }
}

fn swap_in(tmp: tempfile::TempDir, out: &Path) -> Result<()> {
    let move_in = at(out, WriteError::MoveIn);
    if !out.exists() {
        let built = tmp.keep();
        return std::fs::rename(&built, out).map_err(move_in);
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = tempfile::Builder::new()
        .prefix(OLD)
        .tempdir_in(parent)
        .map_err(at(parent, WriteError::CreateTemporary))?;
    let old_site = old.path().join("site");
    std::fs::rename(out, &old_site).map_err(at(out, WriteError::MoveAside))?;
    let built = tmp.keep();
    if let Err(e) = std::fs::rename(&built, out) {
        // Put the previous site back and drop the new one, as well as can be:
        // the error told is the move that failed, which is what the user must fix.
        let _ = std::fs::rename(&old_site, out);
        let _ = std::fs::remove_dir_all(&built);
        return Err(move_in(e));
    }
    remove_previous(old, &old_site);
    Ok(())
}

/// Removes the previous site (moved aside to `old_site` in `old`), its files
/// in parallel (100,000 files take a while). The new site is in place: what
/// cannot be removed now stays in the folder `old` (tried again as it drops),
/// which the next build removes (see `remove_stale`).
fn remove_previous(old: tempfile::TempDir, old_site: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(old_site)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|p| {
        // See above: what stays is removed by the next build.
        let _ = std::fs::remove_file(p);
    });
    drop(old);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        let d = Path::new("/site");
        assert_eq!(
            inside(d, "service/a.html").unwrap(),
            Path::new("/site/service/a.html")
        );
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "",
            "a//b",
            ".git/x",
            "a\\..\\x",
            "c:x",
        ] {
            assert!(inside(d, bad).is_err(), "{bad}");
        }
    }

    fn build(out: &Path, files: &[(&str, &str)]) {
        let staging = Staging::new(out).unwrap();
        for (path, text) in files {
            staging
                .put(&File {
                    path: path.to_string(),
                    bytes: text.as_bytes().to_vec(),
                })
                .unwrap();
        }
        staging.finish().unwrap();
    }

    #[cfg(unix)]
    fn inode(p: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(p).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_pages_and_writes_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        build(
            &out,
            &[
                ("index.html", "home"),
                ("service/a.html", "a"),
                ("service/b.html", "b"),
            ],
        );
        let (home, a) = (
            inode(&out.join("index.html")),
            inode(&out.join("service/a.html")),
        );
        // A page someone edited by hand in the built site is not carried over.
        std::fs::write(out.join("service/b.html"), "B").unwrap();
        build(
            &out,
            &[
                ("index.html", "home"),
                ("service/a.html", "a2"),
                ("service/b.html", "b"),
            ],
        );
        assert_eq!(inode(&out.join("index.html")), home, "unchanged: linked");
        assert_ne!(inode(&out.join("service/a.html")), a, "changed: written");
        assert_eq!(
            std::fs::read_to_string(out.join("service/a.html")).unwrap(),
            "a2"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("service/b.html")).unwrap(),
            "b"
        );
        // The previous site is gone; only the new one and nothing else remain.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("site")]);
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_linked_through_a_linked_folder_of_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        build(&out, &[("service/a.html", "a")]);
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("a.html"), "a").unwrap();
        std::fs::remove_dir_all(out.join("service")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("service")).unwrap();
        build(&out, &[("service/a.html", "a")]);
        assert!(
            std::fs::symlink_metadata(out.join("service"))
                .unwrap()
                .is_dir()
        );
        assert_ne!(
            inode(&out.join("service/a.html")),
            inode(&elsewhere.join("a.html"))
        );
        assert_eq!(
            std::fs::read_to_string(out.join("service/a.html")).unwrap(),
            "a"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_previous_site_is_never_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        build(&out, &[("index.html", "home")]);
        std::fs::write(dir.path().join("secret"), "home").unwrap();
        std::fs::remove_file(out.join("index.html")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), out.join("index.html")).unwrap();
        build(&out, &[("index.html", "home")]);
        let meta = std::fs::symlink_metadata(out.join("index.html")).unwrap();
        assert!(meta.is_file(), "a regular file, not the link");
        assert_ne!(
            inode(&out.join("index.html")),
            inode(&dir.path().join("secret"))
        );
    }

    #[test]
    fn refuses_to_replace_the_repository_or_a_foreign_folder() {
        let root = tempfile::tempdir().unwrap();
        assert!(check_out(root.path(), root.path()).is_err());
        assert!(check_out(&root.path().join("a/b"), &root.path().join("a")).is_err());
        assert!(check_out(root.path(), &root.path().join("site")).is_ok());
        std::fs::create_dir(root.path().join("docs")).unwrap();
        std::fs::write(root.path().join("docs/x"), "x").unwrap();
        assert!(check_out(root.path(), &root.path().join("docs")).is_err());
        std::fs::write(root.path().join("docs").join(MARKER), "").unwrap();
        assert!(check_out(root.path(), &root.path().join("docs")).is_ok());
    }
}
