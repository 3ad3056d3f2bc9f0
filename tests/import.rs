//! `itsm import backstage`, cases as data: each folder under
//! `tests/fixtures/import/` has `args` (one run of `itsm import backstage` per
//! line, in a repository holding a Team `ops` and the SLA `gold`, with the
//! documented Backstage examples of `tests/fixtures/reports/backstage/` in
//! `backstage/` and the case's own files `in/` in `in/`), and `expected.txt`:
//! each run's report and exit code, the findings of `itsm check` afterwards
//! (`severity code file:line:col`) and every record written.
//! `ITSM_BLESS=1 cargo test --test import` rewrites the `expected.txt` files.
//! The other tests hold the properties the reports show.

mod common;

use common::{copy_tree, files_under, itsm, stderr, stdout, write};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-21";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A repository with the config, the Team `ops` and the SLA `gold`, the
/// documented examples in `backstage/` and `case`'s inputs in `in/`.
fn repo(case: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &common::VALID[..3]);
    copy_tree(
        &fixtures().join("reports/backstage"),
        &dir.path().join("backstage"),
    );
    if let Some(input) = case.map(|c| c.join("in")).filter(|p| p.is_dir()) {
        copy_tree(&input, &dir.path().join("in"));
    }
    dir
}

fn findings(root: &Path) -> String {
    let today = itsm::time::date(TODAY).unwrap();
    let options = itsm::checks::Options { today };
    let checked = itsm::pipeline::check(root, &itsm::load::Source::WorkTree, options).unwrap();
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

/// The records written: every file under the kind folders but the repository's own.
fn written(root: &Path) -> String {
    let mut files: Vec<String> = files_under(root)
        .into_iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .filter(|p| !p.starts_with("backstage/") && !p.starts_with("in/"))
        .filter(|p| !common::VALID[..3].iter().any(|(rel, _)| rel == p))
        .collect();
    files.sort();
    files
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(rel)).unwrap();
            format!("--- {rel}\n{text}")
        })
        .collect()
}

fn run_case(case: &Path) -> String {
    let dir = repo(Some(case));
    let args = std::fs::read_to_string(case.join("args")).expect("args");
    let mut out = String::new();
    for line in args.lines().filter(|l| !l.trim().is_empty()) {
        let mut argv = vec!["import", "backstage"];
        argv.extend(line.split_whitespace());
        let o = itsm(dir.path(), &argv);
        out.push_str(&format!("=== itsm import backstage {line}\n{}", stdout(&o)));
        if !o.stderr.is_empty() {
            out.push_str(&format!("--- stderr\n{}", stderr(&o)));
        }
        out.push_str(&format!("--- exit {:?}\n", o.status.code()));
    }
    out.push_str(&format!("=== itsm check\n{}", findings(dir.path())));
    out.push_str(&format!("=== records\n{}", written(dir.path())));
    out
}

#[test]
fn cases_report_and_write_exactly_what_is_expected() {
    let root = fixtures().join("import");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "{cases:?}");
    let bless = std::env::var_os("ITSM_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases {
        let actual = run_case(&case);
        let path = case.join("expected.txt");
        if bless {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "== {}\n-- expected\n{expected}-- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn import(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut argv = vec!["import", "backstage"];
    argv.extend(args);
    let o = itsm(dir, &argv);
    (o.status.code(), stdout(&o), stderr(&o))
}

/// Every `login:` of the Teams imported (all but `teams/ops.yaml`).
fn logins(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for p in files_under(&dir.join("teams")) {
        if p.ends_with("teams/ops.yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let (docs, err) = itsm::load::yaml::parse(&text);
        assert!(err.is_none(), "{text}");
        let v = docs[0].value.to_json();
        for m in v["spec"]["members"].as_array().unwrap() {
            if let Some(l) = m["login"].as_str() {
                out.push(format!("{}: {l}", v["metadata"]["name"].as_str().unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_users_name_is_never_taken_as_its_github_login() {
    // Backstage's new-app example: the User `guest`, no annotation.
    let case = fixtures().join("import/create-app-guest");
    let dir = repo(Some(&case));
    let (code, report, _) = import(dir.path(), &["in/org.yaml", "in/entities.yaml"]);
    assert_eq!(code, Some(0));
    // The Team the imported Services are owned by is written, with no login:
    // the GitHub account `guest` gets no say.
    assert_eq!(logins(dir.path()), [] as [String; 0]);
    let guests = std::fs::read_to_string(dir.path().join("teams/guests.yaml")).unwrap();
    assert!(
        guests.contains("  members:\n    - name: \"user:default/guest\"\n"),
        "{guests}"
    );
    assert!(
        report.contains("team:guests: user:default/guest has no known GitHub login"),
        "{report}"
    );
    // `check` fails on the Team file, saying what to fill in, and nowhere else.
    let found = findings(dir.path());
    assert!(!found.is_empty());
    assert!(
        found
            .lines()
            .all(|l| l.starts_with("error schema teams/guests.yaml:")),
        "{found}"
    );
    // With a login map, the same import checks clean.
    let dir = repo(Some(&case));
    write(dir.path(), &[("in/logins.yaml", "guest: octocat\n")]);
    let (code, report, _) = import(
        dir.path(),
        &[
            "in/org.yaml",
            "in/entities.yaml",
            "--login-map",
            "in/logins.yaml",
        ],
    );
    assert_eq!(code, Some(0));
    assert_eq!(logins(dir.path()), ["guests: octocat"]);
    assert!(report.contains(
        "team:guests: octocat is user:default/guest (from the login map (in/logins.yaml:1:1))"
    ));
    assert_eq!(findings(dir.path()), "");
}

#[test]
fn logins_come_from_the_annotation_or_the_map_and_respect_namespaces() {
    let dir = repo(Some(&fixtures().join("import/namespaces-and-collisions")));
    let (code, report, _) = import(dir.path(), &["in/org.yaml", "in/catalog.yaml"]);
    assert_eq!(code, Some(0), "{report}");
    // jane-gh is user:default/jane's login; user:payments/jane has none, and
    // group:payments/platform would become team:platform too: it is skipped.
    assert_eq!(logins(dir.path()), ["platform: jane-gh"]);
    assert!(
        report.contains("\nSkipped:\n  group:payments/platform (in/org.yaml): it would become team:platform, as group:default/platform does\n"),
        "{report}"
    );
    // What payments/platform owns is not given to default/platform's Team.
    let checkout = std::fs::read_to_string(dir.path().join("services/checkout.yaml")).unwrap();
    assert!(!checkout.contains("owner"), "{checkout}");
    assert!(report.contains("component:payments/checkout: owner group:payments/platform was skipped (it would become team:platform, as group:default/platform does): spec.owner not set"));
}

#[test]
fn a_reimport_reports_what_exists_apart_from_what_is_not_mapped() {
    let dir = repo(None);
    let args = [
        "backstage/catalog-info.yaml",
        "backstage/org.yaml",
        "--sla",
        "gold",
    ];
    let (_, first, _) = import(dir.path(), &args);
    assert!(first.contains("6 records written"), "{first}");
    let (code, second, _) = import(dir.path(), &args);
    assert_eq!(code, Some(0));
    let section = |name: &str| -> Vec<String> {
        let start = second
            .find(&format!("\n{name}:\n"))
            .map(|i| i + name.len() + 3);
        start.map_or_else(Vec::new, |s| {
            second[s..]
                .lines()
                .take_while(|l| l.starts_with("  "))
                .map(str::to_string)
                .collect()
        })
    };
    let existing = section("Already in the repository");
    assert_eq!(existing.len(), 6, "{second}");
    assert!(existing.contains(&"  component:default/artist-web (backstage/catalog-info.yaml): service:artist-web is already in the repository: not written (references to it are kept)".to_string()));
    let unmapped = section("Not mapped");
    assert_eq!(unmapped.len(), 3, "{second}");
    assert!(unmapped.iter().all(|l| !l.contains("already")), "{second}");
    assert!(
        second.contains("0 records written, 6 already in the repository, 2 skipped, 3 not mapped.")
    );
}

#[test]
fn a_bad_login_map_writes_nothing_and_names_every_problem() {
    let dir = repo(None);
    write(
        dir.path(),
        &[(
            "in/logins.yaml",
            "jdoe: jenny--doe\ngroup:ops: x\nbob.jones: \"bob\\e[2J\"\n",
        )],
    );
    let (code, _, err) = import(
        dir.path(),
        &["backstage/org.yaml", "--login-map", "in/logins.yaml"],
    );
    assert_eq!(code, Some(2), "{err}");
    for line in [
        "in/logins.yaml:1:1: user:default/jdoe: `jenny--doe` is not a GitHub login",
        "in/logins.yaml:2:1: `group:ops` is not a User reference",
        // The terminal escape is shown, not sent.
        "in/logins.yaml:3:1: user:default/bob.jones: `bob\\u{1b}[2J` is not a GitHub login",
        "nothing was written",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    assert!(!err.contains('\u{1b}'));
    assert!(!dir.path().join("teams/infrastructure.yaml").exists());
    let (code, _, err) = import(
        dir.path(),
        &["backstage/org.yaml", "--login-map", "in/missing.yaml"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read in/missing.yaml"), "{err}");
}

#[test]
fn production_services_without_an_sla_are_reported() {
    let dir = repo(None);
    let (code, report, _) = import(dir.path(), &["backstage/catalog-info.yaml"]);
    assert_eq!(code, Some(0));
    assert!(
        report.contains(
            "component:default/artist-web: a production Service needs an SLA: pass --sla NAME"
        ),
        "{report}"
    );
    let (code, _, err) = import(dir.path(), &["backstage/org.yaml", "--sla", "nope"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--sla nope: no SLA of that name"));
}

#[test]
fn broken_yaml_or_a_missing_file_writes_nothing() {
    let dir = repo(None);
    write(
        dir.path(),
        &[(
            "in/bad.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: [\n",
        )],
    );
    let (code, _, err) = import(dir.path(), &["backstage/catalog-info.yaml", "in/bad.yaml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!dir.path().join("services/artist-web.yaml").exists());
    let (code, _, err) = import(dir.path(), &["missing.yaml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read missing.yaml"));
}

#[test]
fn an_existing_file_or_a_linked_folder_is_never_written() {
    let dir = repo(None);
    write(dir.path(), &[("cis/artists-db.yaml", "# mine\n")]);
    let (_, report, _) = import(dir.path(), &["backstage/catalog-info.yaml"]);
    assert!(
        report.contains("skipped cis/artists-db.yaml: the file exists"),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cis/artists-db.yaml")).unwrap(),
        "# mine\n"
    );
    #[cfg(unix)]
    {
        let dir = repo(None);
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("services")).unwrap();
        let (_, report, _) = import(dir.path(), &["backstage/catalog-info.yaml"]);
        assert!(
            report.contains("skipped services/artist-web.yaml: services/ is a symbolic link"),
            "{report}"
        );
        assert!(files_under(outside.path()).is_empty());
    }
    // A dry run writes nothing.
    let dir = repo(None);
    let (_, report, _) = import(dir.path(), &["backstage/catalog-info.yaml", "--dry-run"]);
    assert!(report.contains("# services/artist-web.yaml (from component:default/artist-web)\n---\napiVersion: itsm/v1\nkind: Service\n"), "{report}");
    assert!(!dir.path().join("services").exists());
}
