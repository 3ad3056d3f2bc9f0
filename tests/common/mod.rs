//! Helpers shared by the integration tests: temporary repositories and the binary.
#![allow(dead_code)]

pub mod api;

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

/// Runs the `itsm` binary with `args` in `dir` (killed after [`TIMEOUT`]).
pub fn itsm(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_itsm"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1"))
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

/// `itsm check --format json` with today fixed, on the work tree or at `rev`.
pub fn check_json(dir: &Path, rev: Option<&str>) -> Output {
    let mut args = vec!["check", "--today", "2026-11-21", "--format", "json"];
    if let Some(rev) = rev {
        args.extend(["--rev", rev]);
    }
    itsm(dir, &args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
