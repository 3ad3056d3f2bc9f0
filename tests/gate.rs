//! The approval gate as data: each folder under `tests/fixtures/gate/` is a
//! pull request, run offline through `itsm approvals` on a real git repository
//! with two commits.
//!
//! A scenario starts from the repository in `tests/fixtures/approvals/base`:
//! - `base/`: files written over it before the base commit (optional);
//! - `head/`: files written for the head commit; `removed`: paths deleted
//!   there, one per line (both optional);
//! - `reviews.json`: the body of GitHub's "list reviews for a pull request"
//!   (default `[]`); `author`: the pull request's author (default `author`);
//! - `event.json`: a `pull_request` event payload (optional); `args`: the
//!   arguments after `approvals`, one per line (default: `--base HEAD~1 --head
//!   HEAD --reviews ${REVIEWS} --author ${AUTHOR}`; `--today` is added);
//! - `expected.txt`: `exit N`, then what the gate prints (human format), then
//!   `--- stderr` and its error output, if any; `expected.json` (optional):
//!   the `--format json` output.
//!
//! In every file `${BASE}` and `${HEAD}` stand for the commits (full or the
//! 12-character short form in outputs), `${REVIEWS}` and `${EVENT}` for the
//! files' paths. `ITSM_BLESS=1 cargo test --test gate` rewrites the expected
//! files from the actual outputs (read the diff).
//!
//! The scenarios with the default arguments run a second time through the
//! library ([`itsm::approvals::gate`]), without the binary.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const BASE_REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/approvals/base");
const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gate");

#[test]
fn scenarios_give_the_expected_verdicts() {
    let cases = scenarios();
    assert!(cases.len() >= 40, "only {} scenarios", cases.len());
    // Scenarios run side by side, each on its own repository.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let mut failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut failed = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        failed.extend(check(case));
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one scenario; what differs from its expected files (or, with
/// `ITSM_BLESS` set, rewrites them).
fn check(case: &Path) -> Vec<String> {
    let bless = std::env::var_os("ITSM_BLESS").is_some();
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let run = Run::new(case);
    let mut failures = Vec::new();
    for (file, format) in [("expected.txt", "human"), ("expected.json", "json")] {
        let path = case.join(file);
        if format == "json" && !path.exists() {
            continue;
        }
        let actual = run.gate(format);
        if bless {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{name} has no {file}"));
        if !same(&expected, &actual, format) {
            failures.push(format!(
                "== {name}/{file}\n-- expected\n{expected}-- actual\n{actual}"
            ));
        }
    }
    failures
}

#[test]
fn scenarios_decide_the_same_through_the_library() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in scenarios().iter().filter(|c| !c.join("args").exists()) {
        let run = Run::new(case);
        let expected = read(case, "expected.txt");
        let actual = run.restore(&run.library());
        ran += 1;
        if actual != expected {
            let name = case.file_name().unwrap().to_string_lossy();
            failures.push(format!(
                "== {name}\n-- expected\n{expected}-- actual\n{actual}"
            ));
        }
    }
    assert!(ran >= 30, "only {ran} scenarios");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every scenario has an expected verdict, and none has a file the runner
/// does not read (a typo would silently drop part of a scenario).
#[test]
fn scenarios_are_well_formed() {
    let known = [
        "base",
        "head",
        "removed",
        "reviews.json",
        "author",
        "event.json",
        "args",
        "expected.txt",
        "expected.json",
    ];
    for case in scenarios() {
        assert!(case.join("expected.txt").is_file(), "{}", case.display());
        for entry in std::fs::read_dir(&case).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(known.contains(&name.as_str()), "{}: {name}", case.display());
        }
    }
}

fn scenarios() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(SCENARIOS)
        .expect("tests/fixtures/gate")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The expected and actual outputs agree (JSON compared as values).
fn same(expected: &str, actual: &str, format: &str) -> bool {
    if format != "json" {
        return expected == actual;
    }
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
    match (parse(expected), parse(actual)) {
        (Some(a), Some(b)) => a == b,
        _ => expected == actual,
    }
}

/// A scenario's repository and files, ready to run the gate on.
struct Run {
    case: PathBuf,
    repo: tempfile::TempDir,
    files: tempfile::TempDir,
    base: String,
    head: String,
}

impl Run {
    fn new(case: &Path) -> Run {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        copy_tree(Path::new(BASE_REPO), root);
        if case.join("base").is_dir() {
            copy_tree(&case.join("base"), root);
        }
        let git = git2::Repository::init(root).unwrap();
        let base = commit_all(&git, "base").to_string();
        if case.join("head").is_dir() {
            copy_tree(&case.join("head"), root);
        }
        for path in read(case, "removed")
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            std::fs::remove_file(root.join(path.trim()))
                .unwrap_or_else(|e| panic!("{}: cannot remove {path}: {e}", case.display()));
        }
        let head = commit_all(&git, "head").to_string();
        let run = Run {
            case: case.to_path_buf(),
            repo,
            files: tempfile::tempdir().unwrap(),
            base,
            head,
        };
        let reviews = match read(case, "reviews.json") {
            text if text.is_empty() => "[]".to_string(),
            text => text,
        };
        std::fs::write(run.reviews(), run.fill(&reviews)).unwrap();
        std::fs::write(run.event(), run.fill(&read(case, "event.json"))).unwrap();
        run
    }

    fn reviews(&self) -> PathBuf {
        self.files.path().join("reviews.json")
    }

    fn event(&self) -> PathBuf {
        self.files.path().join("event.json")
    }

    /// The placeholders of a scenario's file replaced.
    fn fill(&self, text: &str) -> String {
        let author = match read(&self.case, "author").trim() {
            "" => "author".to_string(),
            a => a.to_string(),
        };
        text.replace("${BASE}", &self.base)
            .replace("${HEAD}", &self.head)
            .replace("${REVIEWS}", &self.reviews().to_string_lossy())
            .replace("${EVENT}", &self.event().to_string_lossy())
            .replace("${AUTHOR}", &author)
    }

    /// The gate's exit code and outputs in `format`, placeholders put back.
    fn gate(&self, format: &str) -> String {
        let args = match read(&self.case, "args") {
            a if a.trim().is_empty() => {
                "--base\nHEAD~1\n--head\nHEAD\n--reviews\n${REVIEWS}\n--author\n${AUTHOR}".into()
            }
            a => a,
        };
        let mut argv = vec!["approvals".to_string()];
        argv.extend(self.fill(&args).lines().map(str::to_string));
        argv.extend(["--today", "2026-11-21", "--format", format].map(String::from));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = itsm(self.repo.path(), &argv);
        let mut text = format!("exit {}\n{}", out.status.code().unwrap_or(-1), stdout(&out));
        if !out.stderr.is_empty() {
            text.push_str(&format!("--- stderr\n{}", stderr(&out)));
        }
        if format == "json" {
            text = stdout(&out);
        }
        self.restore(&text)
    }

    /// What [`Run::gate`] gives in the human format, from the library: the
    /// verdict's exit code and matrix, or the error and its causes.
    fn library(&self) -> String {
        use itsm::approvals::{self, Inputs, Saved, render};
        let author = self.fill("${AUTHOR}");
        let reviews = self.reviews();
        let inputs = Inputs {
            root: self.repo.path(),
            base: "HEAD~1",
            head: "HEAD",
            today: jiff::civil::date(2026, 11, 21),
            pull_request: None,
            saved: Some(Saved {
                file: &reviews,
                author: Some(&author),
            }),
            repo: None,
            access: None,
        };
        match approvals::gate(inputs, &mut |_| {}) {
            Ok(decided) => {
                let exit = if decided.outcome.met { 0 } else { 1 };
                format!("exit {exit}\n{}", render::human(&decided.outcome))
            }
            Err(e) => {
                let mut text = format!("exit 2\n--- stderr\nerror: {e}");
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    text.push_str(&format!(": {c}"));
                    cause = c.source();
                }
                text + "\n"
            }
        }
    }

    /// `text` with the commits and files put back as placeholders.
    fn restore(&self, text: &str) -> String {
        text.replace(&self.head, "${HEAD}")
            .replace(&self.head[..12], "${HEAD}")
            .replace(&self.base, "${BASE}")
            .replace(&self.base[..12], "${BASE}")
            .replace(&*self.reviews().to_string_lossy(), "${REVIEWS}")
            .replace(&*self.event().to_string_lossy(), "${EVENT}")
    }
}

/// A scenario's file, or `""` when it has none.
fn read(case: &Path, name: &str) -> String {
    std::fs::read_to_string(case.join(name)).unwrap_or_default()
}
