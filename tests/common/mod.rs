//! Helpers shared by the integration tests: temporary repositories and the binary.
#![allow(dead_code)]

pub mod api;
pub mod search;
pub mod site;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Writes `files` (relative path, text) under `root`.
pub fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A minimal valid repository: config, a Team, a Service with SLA and CI.
pub const VALID: &[(&str, &str)] = &[
    (
        "itsm.yaml",
        "name: Test\nadmins: ops\ncab: ops\necab: ops\n",
    ),
    (
        "teams/ops.yaml",
        "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: ops\nspec:\n  members:\n    - {login: octocat}\n",
    ),
    (
        "slas/gold.yaml",
        "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: gold\nspec:\n  owner: ops\n  customer: Shop\n  availability: 99.9\n  window: monthly\n",
    ),
    (
        "services/shop.yaml",
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n  cis: [web]\n",
    ),
    (
        "cis/web.yaml",
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: web\nspec:\n  owner: ops\n  type: application\n  environment: production\n",
    ),
];

/// A new temporary folder holding [`VALID`], then `extra`.
pub fn valid_repo(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(dir.path(), extra);
    dir
}

/// A copy of the shared input repository `tests/cmd/repos/NAME` (the one the
/// command-line cases run in), for a test to commit or change.
pub fn repo_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cmd/repos")
        .join(name);
    copy_tree(&from, dir.path());
    dir
}

/// A git repository in a new temporary folder: [`VALID`] and `extra`, committed.
pub fn git_repo(extra: &[(&str, &str)]) -> (tempfile::TempDir, git2::Repository) {
    let dir = valid_repo(extra);
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit_all(&repo, "base");
    (dir, repo)
}

/// A pull request in a new git repository: [`VALID`] committed (the base), then
/// `change` made in the work tree and committed (the head).
pub fn pull_request(change: impl FnOnce(&Path)) -> tempfile::TempDir {
    let (dir, repo) = git_repo(&[]);
    change(dir.path());
    commit_all(&repo, "head");
    dir
}

/// A git repository in a new temporary folder with [`VALID`] in its subfolder
/// `itsm/` (the root, returned too), nothing committed yet.
pub fn nested_repo() -> (tempfile::TempDir, git2::Repository, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    let root = dir.path().join("itsm");
    write(&root, VALID);
    (dir, repo, root)
}

/// Asserts that `o` exited with `code`, showing both outputs when it did not.
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}{}", stdout(o), stderr(o));
}

/// A clone of the repository in `dir` with the last `depth` commits only, as
/// `actions/checkout` makes by default: in a new temporary folder.
pub fn shallow_clone(dir: &Path, depth: u32) -> tempfile::TempDir {
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.display());
    let git = run(Command::new("git")
        .args(["clone", "--quiet", "--depth", &depth.to_string(), &url])
        .arg(clone.path()));
    assert!(git.status.success(), "{}", stderr(&git));
    clone
}

/// Asserts that `text` holds `part`, showing `text` when it does not.
pub fn assert_has(text: &str, part: &str) {
    assert!(text.contains(part), "no `{part}` in:\n{text}");
}

/// Runs the `itsm` binary with `args` in `dir` (killed after [`TIMEOUT`]).
pub fn itsm(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_itsm"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_SERVER_URL"))
}

/// How long a process started by a test may run before it is killed and the
/// test fails: a hang must fail, not block CI.
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// [`Command::output`] with [`TIMEOUT`].
pub fn run(cmd: &mut Command) -> Output {
    run_for(cmd, TIMEOUT)
}

/// [`Command::output`], killing the process (and failing the test) after `limit`.
/// Standard input is empty.
pub fn run_for(cmd: &mut Command, limit: Duration) -> Output {
    try_run_for(cmd, limit).unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"))
}

/// [`run_for`], with an error when the program cannot be started (not installed).
pub fn try_run_for(cmd: &mut Command, limit: Duration) -> std::io::Result<Output> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = pipe(Box::new(child.stdout.take().unwrap()));
    let err = pipe(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still ran after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    })
}

/// What the library's `check` finds in `root` read from `source` on `today`, a
/// finding a line: `severity code file:line:col` (`severity code file` for a
/// finding about a whole file, `-` for none).
pub fn findings(root: &Path, source: &itsm::load::Source, today: &str) -> String {
    let today = itsm::time::date(today).unwrap();
    let options = itsm::checks::Options { today };
    let checked = itsm::pipeline::check(root, source, options).expect("loads");
    let files = &checked.catalog.repo.files;
    checked
        .diagnostics
        .iter()
        .map(|d| {
            let place = match (d.location.file, d.location.span) {
                (Some(f), Some(s)) => format!("{}:{}:{}", files.get(f).path, s.line, s.col),
                (Some(f), None) => files.get(f).path.clone(),
                _ => "-".into(),
            };
            format!("{} {} {place}\n", d.severity.as_str(), d.code)
        })
        .collect()
}

/// `itsm check --format json` with today fixed, on the work tree or at `rev`.
pub fn check_json(dir: &Path, rev: Option<&str>) -> Output {
    let mut args = vec!["check", "--today", "2026-11-21", "--format", "json"];
    if let Some(rev) = rev {
        args.extend(["--rev", rev]);
    }
    itsm(dir, &args)
}

/// The standard output of `o` read as JSON (both outputs shown if it is not JSON).
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Commits the work tree of `repo` (files added, changed and removed) on HEAD
/// as `sig`, HEAD's commit and `extra` its parents (a merge when given).
pub fn commit_as(
    repo: &git2::Repository,
    message: &str,
    sig: &git2::Signature<'_>,
    extra: &[git2::Oid],
) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let mut parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    parents.extend(extra.iter().map(|o| repo.find_commit(*o).unwrap()));
    let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), sig, sig, message, &tree, &refs)
        .unwrap()
}

/// Commits every file of the work tree of `repo` on HEAD; a git repository in
/// it becomes a submodule (a gitlink to its HEAD), as `git add` makes it.
pub fn commit_all(repo: &git2::Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().unwrap();
    let workdir = repo.workdir().unwrap().to_path_buf();
    let mut nested = Vec::new();
    let mut skip_nested = |path: &Path, _: &[u8]| -> i32 {
        if workdir.join(path).join(".git").exists() {
            nested.push(path.to_path_buf());
            1
        } else {
            0
        }
    };
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, Some(&mut skip_nested))
        .unwrap();
    for path in nested {
        let inner = git2::Repository::open(workdir.join(&path)).unwrap();
        let head = inner.head().unwrap().target().unwrap();
        index.add(&gitlink(&path, head)).unwrap();
    }
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// The index entry of a submodule at `path` (no trailing `/`) on `commit`.
fn gitlink(path: &Path, commit: git2::Oid) -> git2::IndexEntry {
    let text = path.to_str().unwrap().trim_end_matches('/');
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o160000,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: commit,
        flags: 0,
        flags_extended: 0,
        path: text.as_bytes().to_vec(),
    }
}

/// Copies the folder `from` into `to` (created if missing): files and subfolders.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The folders in `dir` (one level), sorted: the cases of a folder of cases.
pub fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Every file under `dir`, subfolders included, in no particular order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A GitHub workflow command as `itsm` writes them: `::error|warning|notice
/// PROPS::DATA` with known properties, their values escaped (no `:` in a value),
/// `line` and `col` numbers.
pub fn well_formed(line: &str) -> bool {
    let Some((head, _data)) = line.strip_prefix("::").and_then(|l| l.split_once("::")) else {
        return false;
    };
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    ["error", "warning", "notice"].contains(&name)
        && props
            .split(',')
            .filter(|p| !p.is_empty())
            .all(|p| match p.split_once('=') {
                Some(("line" | "col", n)) => n.parse::<u32>().is_ok(),
                Some(("file" | "title", v)) => !v.contains(':'),
                _ => false,
            })
}

/// xorshift64*: a small seeded generator for generated test input, the same
/// on every machine, so that a failure reproduces from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
