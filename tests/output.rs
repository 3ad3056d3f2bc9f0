//! Printed findings as properties over inputs too many or too large to snapshot:
//! hostile values and file names in every format, and a line of 100 KB. What
//! `check` prints on a repository (colour, `-q`, `--deny-warnings`, findings
//! left out, escaped controls) is in `tests/cmd/check/`.

mod common;
use common::*;

/// A value that turns into workflow commands, a mention, a remote image and
/// terminal controls when printed raw.
const HOSTILE: &str = r#""\e[2J\a\u009b\x7f\u202e\n::warning title=INJECTED::pwned\n::add-mask::ok\r\n  ::error::x ##[add-mask]zz @octocat ![x](http://e.x/a.png) <img src=x> |""#;

/// VALID plus `n` Services whose `lifecycle` is [`HOSTILE`], in files whose
/// names are hostile too.
fn hostile(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    for i in 0..n {
        let service = format!(
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  owner: ops\n  lifecycle: {HOSTILE}\n  tier: 2\n"
        );
        let name = format!("services/::error title=P{i}::x ##[add-mask]y @octocat.yaml");
        write(dir.path(), &[(&name, &service)]);
    }
    dir
}

fn check(dir: &std::path::Path, format: &str) -> String {
    let out = itsm(dir, &["check", "--today", "2026-11-21", "--format", format]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

/// What a runner would take for a command: a line that starts with `::` after
/// white space, or `##[` anywhere.
fn runner_command(line: &str) -> bool {
    line.trim_start().starts_with("::") || line.contains("##[")
}

#[test]
fn github_lines_are_our_commands_or_plain_lines() {
    let dir = hostile(12);
    let out = check(dir.path(), "github");
    let mut commands = 0;
    for line in out.lines() {
        if line.starts_with("::") {
            assert!(
                common::well_formed(line),
                "not a well-formed command: {line:?}"
            );
            assert!(!line.contains("##["), "{line:?}");
            commands += 1;
        } else {
            assert!(
                !runner_command(line),
                "a runner reads a command in {line:?}"
            );
        }
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
    // 12 errors: 10 annotated, 2 plain, and the notice with the totals.
    assert_eq!(commands, 11, "{out}");
    assert_eq!(out.lines().count(), 13, "{out}");
}

#[test]
fn human_output_has_no_controls_and_no_commands() {
    let dir = hostile(3);
    let out = check(dir.path(), "human");
    for line in out.lines() {
        assert!(
            !runner_command(line),
            "a runner reads a command in {line:?}"
        );
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{line:?}"
        );
    }
    assert!(
        out.contains(r"`\u{1b}[2J\u{7}\u{9b}\u{7f}\u{202e}\n::warning"),
        "{out}"
    );
}

#[test]
fn markdown_keeps_record_text_as_text() {
    let dir = hostile(3);
    let summary = dir.path().join("summary.md");
    let out = check(dir.path(), "markdown");
    itsm(
        dir.path(),
        &["check", "--summary", summary.to_str().unwrap()],
    );
    for text in [out, std::fs::read_to_string(&summary).unwrap()] {
        // Nothing is live inside a code span.
        let prose: String = text.split('`').step_by(2).collect();
        assert!(!prose.contains("@octocat"), "a live mention: {text}");
        assert!(!prose.contains("](http"), "a link or image: {text}");
        assert!(!text.contains("<img"), "HTML: {text}");
        for line in text.lines() {
            assert!(!runner_command(line), "{line:?}");
            assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
            if line.starts_with('|') {
                let cells = line.replace("\\|", "").matches('|').count();
                assert_eq!(cells, 5, "a row with other columns: {line}");
            }
        }
    }
}

/// One line of `keys` unknown fields with `pad`-character values.
fn one_long_line(keys: usize, pad: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let value = "x".repeat(pad);
    let fields: Vec<String> = (0..keys).map(|i| format!("bad{i}: {value}")).collect();
    let line = format!(
        "{{apiVersion: itsm/v1, kind: Team, metadata: {{name: big}}, spec: {{members: [{{login: a}}], {}}}}}\n",
        fields.join(", ")
    );
    write(dir.path(), &[("teams/big.yaml", &line)]);
    dir
}

#[test]
fn a_long_line_with_many_findings_prints_little() {
    // 100 unknown fields on one line of 100 KB: the old printer showed the
    // whole line for each (10 MB).
    let dir = one_long_line(100, 1_000);
    let started = std::time::Instant::now();
    let out = check(dir.path(), "human");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert!(out.len() < 100_000, "{} bytes", out.len());
    assert_eq!(out.matches("error[schema]").count(), 50, "{out}");
    assert!(
        out.contains(
            "note: and 50 more in teams/big.yaml (at most 50 findings per file are shown)"
        ),
        "{out}"
    );
    assert_has(&out, "failed: 100 errors and 0 warnings");
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters");
    assert!(out.contains('…'), "{out}");
}

/// Not a case in tests/cmd: the fast YAML path takes this key of 5,000
/// characters, which the general parser refuses (YAML allows 1,024), and
/// src/load/yaml/fast.rs requires the two to agree on every file there.
#[test]
fn messages_that_quote_long_values_are_clipped() {
    // An explicit key (`? KEY`): YAML allows no implicit key over 1,024 characters.
    let key = "k".repeat(5_000);
    let team = format!(
        "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: big\nspec:\n  members: [{{login: a}}]\n  ? {key}\n  : 1\n"
    );
    let dir = valid_repo(&[("teams/big.yaml", &team)]);
    let report = json(&check_json(dir.path(), None));
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.chars().count() < 1_100, "{message}");
    assert!(message.ends_with("more bytes)"), "{message}");
    let pointer = report["diagnostics"][0]["pointer"].as_str().unwrap();
    assert!(pointer.chars().count() < 1_100, "{pointer}");
}
