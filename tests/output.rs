//! Terminal output: colour on request, NO_COLOR honoured, `-q` drops the summary.

mod common;
use common::*;
use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str], no_color: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itsm"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    String::from_utf8(common::run(&mut cmd).stdout).unwrap()
}

/// VALID plus a CI that no Service uses (a warning), owned by `owner`.
fn with_lonely_ci(owner: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let ci = format!(
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: lonely\nspec:\n  owner: {owner}\n  type: server\n  environment: test\n"
    );
    write(dir.path(), &[("cis/lonely.yaml", &ci)]);
    dir
}

/// An error (an owner that does not exist) and a warning (an orphan CI).
fn broken() -> tempfile::TempDir {
    with_lonely_ci("nobody")
}

#[test]
fn colour_when_asked_and_never_with_no_color_on_auto() {
    let dir = broken();
    let coloured = run(dir.path(), &["check", "--color", "always"], false);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    // Not a terminal: auto means no colour.
    let plain = run(dir.path(), &["check"], false);
    assert!(!plain.contains("\u{1b}["), "{plain}");
    let plain = run(dir.path(), &["check", "--color", "auto"], true);
    assert!(!plain.contains("\u{1b}["), "{plain}");
}

#[test]
fn quiet_prints_findings_only() {
    let dir = broken();
    let full = run(dir.path(), &["check"], true);
    assert!(
        full.contains("failed: 1 error and 1 warning in 5 records in 5 files"),
        "{full}"
    );
    let quiet = run(dir.path(), &["check", "-q"], true);
    assert!(
        quiet.contains("error[unresolved-ref]") && quiet.contains("warning[orphan-ci]"),
        "{quiet}"
    );
    assert!(!quiet.contains("failed:"), "{quiet}");
}

#[test]
fn deny_warnings_turns_warnings_into_a_failure() {
    let dir = with_lonely_ci("ops");
    assert_eq!(itsm(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        itsm(dir.path(), &["check", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
}

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

/// `::error|warning|notice PROPS::DATA` with known properties, their values
/// escaped (no `:` or `,`), `line` and `col` numbers.
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
            assert!(well_formed(line), "not a well-formed command: {line:?}");
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
fn source_lines_with_raw_controls_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[(
            "services/s.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  owner: ops\n  lifecycle: \u{1b}]0;title\u{7}\u{1b}[2J\u{9b}31m\u{7f} ::x ##[error]y\n  tier: 2\n",
        )],
    );
    let out = check(dir.path(), "human");
    for line in out.lines() {
        assert!(
            !runner_command(line),
            "a runner reads a command in {line:?}"
        );
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
    assert!(
        out.contains(r"lifecycle: \u{1b}]0;title\u{7}\u{1b}[2J\u{9b}31m\u{7f} ::x ##\[error]y"),
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
    assert!(out.contains("failed: 100 errors and 0 warnings"), "{out}");
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters");
    assert!(out.contains('…'), "{out}");
}

#[test]
fn json_counts_every_finding_and_lists_the_omitted() {
    let dir = one_long_line(100, 10);
    let report: serde_json::Value = serde_json::from_str(&check(dir.path(), "json")).unwrap();
    assert_eq!(report["summary"]["errors"], 100);
    assert_eq!(report["summary"]["warnings"], 0);
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 50);
    assert_eq!(
        report["summary"]["omitted"],
        serde_json::json!([{"file": "teams/big.yaml", "errors": 50, "warnings": 0}])
    );
    let github = check(dir.path(), "github");
    assert!(
        github
            .contains("\nand 50 more in teams/big.yaml (at most 50 findings per file are shown)\n"),
        "{github}"
    );
    let markdown = check(dir.path(), "markdown");
    assert!(
        markdown.contains("- and 50 more in teams/big.yaml"),
        "{markdown}"
    );
}

#[test]
fn messages_that_quote_long_values_are_clipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let key = "k".repeat(5_000);
    let team = format!(
        "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: big\nspec:\n  members: [{{login: a}}]\n  {key}: 1\n"
    );
    write(dir.path(), &[("teams/big.yaml", &team)]);
    let report: serde_json::Value = serde_json::from_str(&check(dir.path(), "json")).unwrap();
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.chars().count() < 1_100, "{message}");
    assert!(message.ends_with("more bytes)"), "{message}");
    let pointer = report["diagnostics"][0]["pointer"].as_str().unwrap();
    assert!(pointer.chars().count() < 1_100, "{pointer}");
}
