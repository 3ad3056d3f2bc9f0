//! Every output format against generated hostile input: a small seeded
//! generator writes repositories whose values, keys and file names carry
//! control characters, workflow commands, `%`, line breaks, @mentions, remote
//! images, HTML, very long lines and many findings; the printers (in process,
//! and the real binary for a few seeds) must not panic, must stay bounded, and
//! must keep every byte in its place: GitHub output is our commands or plain
//! lines, human output has no raw controls, Markdown has no live mention or
//! image, JSON and SARIF parse (and SARIF validates).
//! A failing seed is printed: `SEED=N cargo test --test hostile_output` reruns it.

mod common;
#[path = "common/sarif.rs"]
mod sarif_schema;

use common::*;
use itsm::approvals::review::{Evaluated, Outcome};
use itsm::approvals::{Reason, Requirement, render};
use itsm::diag::Counts;
use itsm::output::{Format, Report};
use std::time::{Duration, Instant};

/// Pieces that mean something to a runner, a terminal or a Markdown renderer.
const NASTY: &[&str] = &[
    "::",
    "::warning title=X::injected",
    "\n::add-mask::secret",
    "\r\n  ::error file=a,line=1::b",
    "##[add-mask]z",
    "##[error]e",
    "%",
    "%0A",
    "%25",
    "\n",
    "\r",
    "@octocat",
    "@org/team",
    "#12",
    "![x](http://e.x/a.png)",
    "[l](https://e.x)",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "|",
    "\\|",
    "\\",
    "`",
    "```",
    "\u{1b}[2J",
    "\u{1b}]0;t\u{7}",
    "\u{9b}31m",
    "\u{7f}",
    "\u{0}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{85}",
    "\u{200d}",
    "\u{feff}",
    "\u{a0}",
    "\t",
    "$x$",
    "*b*",
    "_i_",
    "~s~",
    "&amp;",
    "# h",
    "- li",
    "1. ol",
    ">",
    "é",
    "😀",
    ":",
    ",",
    "'",
    "\"",
    "x",
    "payments-api",
];

/// A string of nasty pieces and random characters.
fn nasty(rng: &mut Rng, max_pieces: usize) -> String {
    let mut s = String::new();
    for _ in 0..=rng.below(max_pieces) {
        if rng.chance(70) {
            s.push_str(rng.pick::<&str>(NASTY));
        } else {
            let c = char::from_u32(rng.below(0x3000) as u32).unwrap_or('?');
            s.push(c);
        }
    }
    s
}

/// `s` as a YAML double-quoted scalar (every non-ASCII-printable escaped).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A file name: nasty, no `/`, no NUL, not hidden, a `.yaml` extension.
fn file_name(rng: &mut Rng) -> String {
    let raw: String = nasty(rng, 4)
        .chars()
        .filter(|c| *c != '/' && *c != '\0')
        .take(60)
        .collect();
    format!("f{raw}.yaml")
}

/// One record with findings in every place a value can reach a message.
fn record(rng: &mut Rng, i: usize) -> String {
    let value = |rng: &mut Rng| quoted(&nasty(rng, 8));
    let mut text = format!(
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {}\n  title: {}\nspec:\n  owner: {}\n  lifecycle: {}\n  tier: {}\n",
        if rng.chance(50) {
            format!("s{i}")
        } else {
            value(rng)
        },
        value(rng),
        value(rng),
        value(rng),
        if rng.chance(50) {
            "1".into()
        } else {
            value(rng)
        },
    );
    for _ in 0..rng.below(6) {
        text.push_str(&format!("  {}: {}\n", value(rng), value(rng)));
    }
    if rng.chance(30) {
        text.push_str(&format!("  dependsOn: [{}]\n", value(rng)));
    }
    text
}

/// One line with many unknown fields and long values.
fn long_line(rng: &mut Rng) -> String {
    let pad = nasty(rng, 3).repeat(1 + rng.below(400));
    let fields: Vec<String> = (0..20 + rng.below(100))
        .map(|k| format!("k{k}{}: {}", rng.below(1000), quoted(&pad)))
        .collect();
    format!(
        "{{apiVersion: itsm/v1, kind: Team, metadata: {{name: t}}, spec: {{members: [{{login: a}}], {}}}}}\n",
        fields.join(", ")
    )
}

/// A repository for `seed`: VALID plus hostile records, files and raw bytes.
fn repository(seed: u64) -> tempfile::TempDir {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    for i in 0..1 + rng.below(5) {
        let name = file_name(&mut rng);
        let docs: Vec<String> = (0..1 + rng.below(3))
            .map(|d| record(&mut rng, i * 10 + d))
            .collect();
        let path = dir.path().join("services").join(name);
        std::fs::write(path, docs.join("---\n")).unwrap();
    }
    if rng.chance(50) {
        std::fs::write(dir.path().join("teams/long.yaml"), long_line(&mut rng)).unwrap();
    }
    if rng.chance(40) {
        // Raw bytes, controls and invalid UTF-8 included.
        let bytes: Vec<u8> = (0..rng.below(400)).map(|_| rng.next() as u8).collect();
        let mut text =
            b"apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: raw\nspec:\n  owner: ".to_vec();
        text.extend(bytes);
        std::fs::write(dir.path().join("cis").join(file_name(&mut rng)), text).unwrap();
    }
    dir
}

fn seeds() -> Vec<u64> {
    match std::env::var("SEED") {
        Ok(s) => vec![s.parse().expect("SEED is a number")],
        Err(_) => (1..=32).collect(),
    }
}

#[test]
fn every_format_survives_generated_hostile_repositories() {
    let validator = sarif_schema::sarif_validator();
    for seed in seeds() {
        let dir = repository(seed);
        let today = itsm::time::date("2026-11-21").unwrap();
        let options = itsm::checks::Options { today };
        let source = itsm::load::Source::WorkTree;
        let checked = itsm::pipeline::check(dir.path(), &source, options)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let report = Report::of(&checked);
        let counts = Counts::of(&checked.diagnostics);
        let files = checked.catalog.repo.files.len().max(1);
        for format in [
            Format::Human,
            Format::Json,
            Format::Github,
            Format::Sarif,
            Format::Markdown,
        ] {
            let colours: &[bool] = if format == Format::Human {
                &[false, true]
            } else {
                &[false]
            };
            for &color in colours {
                let started = Instant::now();
                let out = format.render(&report, color, true);
                let took = started.elapsed();
                let context = format!("seed {seed}, {format:?}, colour {color}");
                assert!(took < Duration::from_secs(5), "{context}: {took:?}");
                assert_bounded(&out, files, &context);
                match format {
                    Format::Human => assert_human(&out, color, &context),
                    Format::Github => assert_github(&out, &context),
                    Format::Markdown => assert_markdown(&out, 4, &context),
                    Format::Json => assert_json(&out, counts, &context),
                    Format::Sarif => assert_sarif(&out, &validator, &context),
                }
            }
        }
    }
}

#[test]
fn the_binary_survives_them_too() {
    for seed in seeds().into_iter().take(3) {
        let dir = repository(seed);
        for format in ["human", "json", "github", "sarif", "markdown"] {
            let out = itsm(
                dir.path(),
                &["check", "--today", "2026-11-21", "--format", format],
            );
            let context = format!("seed {seed}, {format}");
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{context}: {}",
                stderr(&out)
            );
            let text = String::from_utf8(out.stdout).expect("UTF-8 output");
            assert_bounded(&text, 64, &context);
            match format {
                "human" => assert_human(&text, false, &context),
                "github" => assert_github(&text, &context),
                "markdown" => assert_markdown(&text, 4, &context),
                _ => {
                    let _: serde_json::Value = serde_json::from_str(&text).expect(&context);
                }
            }
        }
    }
}

#[test]
fn the_approval_gate_output_survives_hostile_outcomes() {
    for seed in seeds() {
        let mut rng = Rng(seed | 1);
        let outcome = outcome(&mut rng);
        let context = format!("seed {seed}");
        assert_human(&render::human(&outcome), false, &context);
        assert_github(&render::github(&outcome), &context);
        // A valid reviewer's login is meant to notify; nothing else may.
        let markdown = render::markdown(&outcome).replace("@valid-reviewer", "valid-reviewer");
        assert_markdown(&markdown, 5, &context);
        let json = render::json(&outcome);
        assert_no_log_commands(&json, &context);
        let _: serde_json::Value = serde_json::from_str(&json).expect(&context);
    }
}

/// A gate outcome whose every text is hostile (logins too: `--reviews FILE`).
fn outcome(rng: &mut Rng) -> Outcome {
    let mut text = |n| nasty(rng, n);
    let requirements = (0..3)
        .map(|i| Evaluated {
            requirement: Requirement {
                team: text(3),
                count: 1,
                reasons: vec![Reason {
                    record: text(3),
                    why: text(6),
                }],
            },
            approved_by: vec![login(text(2)), "valid-reviewer".into()],
            changes_requested_by: vec![login(text(2))],
            stale: vec![login(text(2))],
            missing: i,
            met: i == 0,
        })
        .collect();
    Outcome {
        met: false,
        pull_request: Some(7),
        author: text(3),
        head: text(3),
        requirements,
        problems: vec![text(6), text(6)],
    }
}

/// Findings a printer may show per file (the guide, chapter Security model, says 50).
const PER_FILE: usize = 50;

/// A login that is not a GitHub login (a valid one is meant to notify).
fn login(text: String) -> String {
    format!("~{text}")
}

/// No finding-driven flood: lines stay short and the total stays proportional
/// to the files (at most [`PER_FILE`] findings each, each bounded).
fn assert_bounded(out: &str, files: usize, context: &str) {
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        longest < 20_000,
        "{context}: a line of {longest} characters"
    );
    let limit = 64_000 + files * PER_FILE * 30_000;
    assert!(out.len() < limit, "{context}: {} bytes", out.len());
}

/// What a runner reads as a command: `::` first after white space, or `##[`.
fn assert_no_log_commands(out: &str, context: &str) {
    for line in out.lines() {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "{context}: a runner reads a command in {line:?}"
        );
    }
}

/// Raw control characters other than line breaks (and our colours).
fn raw_control(line: &str, color: bool) -> Option<char> {
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if color && c == '\u{1b}' && chars.peek() == Some(&'[') {
            continue;
        }
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
        if c.is_control() || bidi {
            return Some(c);
        }
    }
    None
}

fn assert_human(out: &str, color: bool, context: &str) {
    assert_no_log_commands(out, context);
    for line in out.lines() {
        assert_eq!(raw_control(line, color), None, "{context}: {line:?}");
    }
}

fn assert_github(out: &str, context: &str) {
    for line in out.lines() {
        if line.starts_with("::") {
            assert!(
                common::well_formed(line),
                "{context}: not a well-formed command: {line:?}"
            );
        } else {
            assert_no_log_commands(line, context);
        }
        assert!(!line.contains("##["), "{context}: {line:?}");
        assert_eq!(raw_control(line, false), None, "{context}: {line:?}");
    }
}

/// No live @mention, link, image or HTML outside code spans; every table row
/// keeps its `columns` (pipes a table reads as separators).
fn assert_markdown(out: &str, columns: usize, context: &str) {
    assert_no_log_commands(out, context);
    for line in out.lines() {
        assert_eq!(raw_control(line, false), None, "{context}: {line:?}");
        let prose = outside_code(line);
        let mut chars = prose.chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars.peek().copied().unwrap_or(' ');
            assert!(
                !(c == '@' && next.is_ascii_alphanumeric()),
                "{context}: a live mention in {line:?}"
            );
        }
        assert!(
            !unescaped(&prose, "](") && !unescaped(&prose, "!["),
            "{context}: {line:?}"
        );
        let html = prose
            .replace("<br>", "")
            .replace("<!-- itsm-approvals -->", "");
        assert!(!html.contains('<'), "{context}: HTML in {line:?}");
        if line.starts_with('|') {
            assert_eq!(separators(line), columns + 1, "{context}: {line:?}");
        }
    }
}

/// The line without its code spans (single backticks, as our printers write).
fn outside_code(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut escaped = false;
    for c in line.chars() {
        if c == '`' && !escaped && !in_code {
            in_code = true;
        } else if c == '`' && in_code {
            in_code = false;
        } else if !in_code {
            out.push(c);
        }
        escaped = !in_code && c == '\\' && !escaped;
    }
    out
}

/// Whether `pattern` occurs with its first character not backslash-escaped.
fn unescaped(text: &str, pattern: &str) -> bool {
    text.match_indices(pattern).any(|(i, _)| {
        let slashes = text[..i].len() - text[..i].trim_end_matches('\\').len();
        slashes.is_multiple_of(2)
    })
}

/// Pipes a GitHub table reads as column separators (a backslash escapes the
/// next character).
fn separators(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

fn assert_json(out: &str, counts: Counts, context: &str) {
    assert_no_log_commands(out, context);
    assert!(
        !out.chars()
            .any(|c| c != '\n' && raw_control(&c.to_string(), false).is_some()),
        "{context}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(out).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_eq!(doc["summary"]["errors"], counts.errors, "{context}");
    assert_eq!(doc["summary"]["warnings"], counts.warnings, "{context}");
}

fn assert_sarif(out: &str, validator: &jsonschema::Validator, context: &str) {
    assert_no_log_commands(out, context);
    let doc: serde_json::Value =
        serde_json::from_str(out).unwrap_or_else(|e| panic!("{context}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{context}: SARIF is invalid: {errors:#?}"
    );
}

#[test]
fn the_checks_of_this_test_catch_what_they_look_for() {
    // Each assertion fails on what it is meant to catch.
    let fails = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    assert!(fails(&|| assert_github("x\n::add-mask::y\n", "")));
    assert!(fails(&|| assert_github("::error file=a:b::m\n", "")));
    assert!(fails(&|| assert_human("a \u{1b}[2J\n", false, "")));
    assert!(fails(&|| assert_human("a ##[error]b\n", false, "")));
    assert!(fails(&|| assert_markdown("| a | @octocat |\n", 2, "")));
    assert!(fails(&|| assert_markdown(
        "![x](http://e.x/a.png)\n",
        2,
        ""
    )));
    assert!(fails(&|| assert_markdown("| a | b | c |\n", 2, "")));
    assert!(fails(&|| assert_markdown("<img src=x>\n", 2, "")));
    assert_markdown("| `@x` | \\![x\\](y) a\\|b |\n", 2, "");
    assert_github(
        "::error file=a%3Ab,line=1,title=t::m %0A::x\nplain ::x\n",
        "",
    );
}
