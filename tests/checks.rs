//! Every check as data: each folder under `tests/fixtures/checks/` is a small
//! repository and `expected.txt` lists the findings it must produce, one per line
//! as `severity code file:line:col`, in output order (nothing else may be found).
//! Folders named `<code>--...` must trigger the code; `<code>-ok--...` are near
//! misses that must not. Every code has both.

use itsm::checks::Options;
use itsm::diag::Code;
use itsm::load::Source;
use std::path::Path;

const TODAY: &str = "2026-11-21";

fn findings(root: &Path) -> String {
    let today = itsm::time::date(TODAY).unwrap();
    let checked = itsm::pipeline::check(root, &Source::WorkTree, Options { today }).expect("loads");
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

fn cases() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for case in cases() {
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{} has no expected.txt", case.display()));
        let actual = findings(&case);
        if actual != expected {
            failures.push(format!(
                "== {}\n-- expected\n{expected}-- actual\n{actual}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_has_a_trigger_and_a_near_miss() {
    let names: Vec<String> = cases()
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL {
        let c = code.as_str();
        let triggers: Vec<&String> = names
            .iter()
            .filter(|n| n.starts_with(&format!("{c}--")))
            .collect();
        assert!(!triggers.is_empty(), "no fixture triggers `{c}`");
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{c}-ok--"))),
            "no near-miss fixture for `{c}`"
        );
        for t in triggers {
            let expected = std::fs::read_to_string(
                cases()
                    .into_iter()
                    .find(|p| p.ends_with(t))
                    .unwrap()
                    .join("expected.txt"),
            )
            .unwrap();
            assert!(
                expected.lines().any(|l| l.split(' ').nth(1) == Some(c)),
                "{t} does not expect `{c}`"
            );
        }
    }
}
