//! Policy rules are untrusted input: bounded in size and depth before they are
//! parsed, in cost and time while they run, in `check`, `build` and the
//! approval gate. The fixtures under `tests/fixtures/checks/rule*` pin where
//! each bound is reported; these tests pin what the findings say, that rules
//! just inside the bounds still evaluate, and, with generated hostile rules,
//! that no rule crashes, stalls or floods a run or takes much memory.

mod common;
use common::*;
use itsm::checks::rules::MAX_SOURCE_BYTES;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-21";

const TEAM: &str =
    "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: t\nspec:\n  members: [{login: alice}]\n";

/// A Service `name` with three CIs and a Markdown body.
fn service(name: &str) -> String {
    format!(
        "---\napiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  owner: t\n  lifecycle: development\n  tier: 3\n  cis: [c1, c2, c3]\n---\n# {name}\n\n{}\n",
        "Runbook text. ".repeat(40)
    )
}

fn ci(name: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {name}\nspec:\n  owner: t\n  type: application\n  environment: production\n"
    )
}

/// A Policy with `rules` (id, `when` or `assert`, expression) on Services;
/// a `when` comes with `assert: "true"`.
fn policy(rules: &[(String, &str, String)]) -> String {
    let mut out = String::from(
        "apiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  owner: t\n  clauses: [\"8.2.3\"]\n  rules:\n",
    );
    for (id, key, expr) in rules {
        // a JSON string is a YAML double-quoted scalar
        let expr = serde_json::to_string(expr).unwrap();
        out += &format!(
            "    - id: {id}\n      kind: Service\n      {key}: {expr}\n      message: broken {id}\n"
        );
        if *key == "when" {
            out += "      assert: \"true\"\n";
        }
    }
    out
}

/// A repository with a Team, Services `a`, `b`, `c`, their CIs and the rules.
fn repository(rules: &[(String, &str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        ("itsm.yaml".to_string(), "name: Test\n".to_string()),
        ("team.yaml".to_string(), TEAM.to_string()),
        ("policy.yaml".to_string(), policy(rules)),
    ];
    for s in ["a", "b", "c"] {
        files.push((format!("services/{s}.md"), service(s)));
    }
    for c in ["c1", "c2", "c3"] {
        files.push((format!("cis/{c}.yaml"), ci(c)));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(dir.path(), &files);
    dir
}

fn rule(id: &str, key: &'static str, expr: impl Into<String>) -> (String, &'static str, String) {
    (id.to_string(), key, expr.into())
}

/// `itsm check --format json`: the exit code and the diagnostics.
fn check(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let out = itsm(dir, &["check", "--today", TODAY, "--format", "json"]);
    (out.status.code(), diagnostics(&out))
}

fn diagnostics(out: &Output) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)));
    doc["diagnostics"].as_array().unwrap().clone()
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checks")
        .join(name)
}

/// (pointer, message) of every diagnostic.
fn findings(diags: &[Value]) -> Vec<(String, String)> {
    diags
        .iter()
        .map(|d| {
            (
                d["pointer"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_bound_is_a_rule_error_naming_the_rule_and_the_bound() {
    let expect: &[(&str, &[(&str, &str)])] = &[
        (
            "rule--too-long",
            &[(
                "/spec/rules/0/assert",
                "[too-long] `assert` is 5517 bytes long, more than the 4096 bytes",
            )],
        ),
        (
            "rule--too-deep",
            &[
                (
                    "/spec/rules/0/assert",
                    "[plus-chain] `assert` nests 33 levels deep or more, more than the 32",
                ),
                (
                    "/spec/rules/1/when",
                    "[select-chain] `when` nests 33 levels deep or more, more than the 32",
                ),
                (
                    "/spec/rules/2/assert",
                    "[brackets] `assert` nests 33 levels deep or more, more than the 32",
                ),
            ],
        ),
        (
            "rule--too-costly",
            &[
                (
                    "/spec/rules/0/assert",
                    "[nested-map] `assert` exceeded the ",
                ),
                (
                    "/spec/rules/1/assert",
                    "[regex-literal] `assert` has a `matches` pattern of about 1000000 automaton states, more than the 20000",
                ),
                (
                    "/spec/rules/2/when",
                    "[regex-built] `when` gave `matches` a pattern larger than the 20000 estimated automaton states",
                ),
                ("/spec/rules/3/assert", "[lists] `assert` exceeded the "),
            ],
        ),
    ];
    for (case, expected) in expect {
        let (code, diags) = check(&fixture(case));
        assert_eq!(code, Some(1), "{case}");
        let found = findings(&diags);
        assert_eq!(found.len(), expected.len(), "{case}: {found:?}");
        for ((pointer, message), (want_pointer, want)) in found.iter().zip(expected.iter()) {
            assert_eq!(pointer, want_pointer, "{case}");
            assert!(message.starts_with(want), "{case}: {message}");
            assert!(
                diags
                    .iter()
                    .all(|d| d["code"] == "rule" && d["severity"] == "error")
            );
        }
        // cost: the budget, or the deadline on a machine too slow to spend it in time
        for (_, message) in found.iter().filter(|(_, m)| m.contains("exceeded the ")) {
            assert!(
                message.contains(
                    "exceeded the cost budget of 1000000 units for one record (on service:a)"
                ) || message
                    .contains("exceeded the time limit of 2 s for one record (on service:a)"),
                "{message}"
            );
        }
    }
}

/// `head`, as many `'x'` as it takes, then `tail`: exactly the longest rule.
fn padded(head: &str, tail: &str) -> String {
    let pad = MAX_SOURCE_BYTES - head.len() - tail.len() - ", ''".len();
    let text = format!("{head}, '{}'{tail}", "x".repeat(pad));
    assert_eq!(text.len(), MAX_SOURCE_BYTES);
    text
}

/// Rules just inside each bound, as in the near-miss fixture, true and false:
/// both are evaluated (the false ones fail) and no bound is reported.
#[test]
fn rules_just_inside_the_bounds_evaluate() {
    let names: Vec<String> = (0..300).map(|i| format!("'n{i}'")).collect();
    let names = names.join(", ");
    let list = format!(
        "[{}]",
        (0..20).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let deepest = |n: u32| format!("self.spec.tier{} == {n}", " + 0".repeat(27));
    let costly = |n: u32| format!("{list}.all(a, {list}.all(b, {list}.all(c, a + b + c >= {n})))");
    let near: Vec<(&str, String, String)> = vec![
        (
            "longest",
            padded(
                &format!("self.metadata.name in ['a', 'b', 'c', {names}"),
                "]",
            ),
            padded(&format!("self.metadata.name in ['y', 'z', {names}"), "]"),
        ),
        ("deepest", deepest(3), deepest(4)),
        ("costly", costly(0), costly(1)),
        (
            "pattern",
            r"!self.metadata.name.matches(r'^\w{19}$')".to_string(),
            r"self.metadata.name.matches(r'^\w{19}$')".to_string(),
        ),
        (
            "body",
            "self.spec.body.contains('Runbook') && size(self.spec.body) > 500".to_string(),
            "self.spec.body.contains('Runbook') && size(self.spec.body) > 5000".to_string(),
        ),
        (
            "refs",
            "self.spec.cis.all(c, ref('ci', c).spec.owner == 't')".to_string(),
            "self.spec.cis.all(c, ref('ci', c).spec.owner == 'a')".to_string(),
        ),
    ];
    let mut rules = Vec::new();
    for (id, holds, fails) in &near {
        rules.push(rule(id, "assert", holds.clone()));
        rules.push(rule(&format!("{id}-fails"), "assert", fails.clone()));
    }
    let dir = repository(&rules);
    let (code, diags) = check(dir.path());
    assert_eq!(code, Some(1));
    let mut found: Vec<String> = diags
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["record"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    let mut expected = Vec::new();
    for s in ["a", "b", "c"] {
        for (id, _, _) in &near {
            expected.push(format!("service:{s} [{id}-fails] broken {id}-fails"));
        }
    }
    expected.sort();
    assert_eq!(found, expected);
}

/// The same bounds hold where rules are evaluated for pages and the gate.
#[test]
fn build_reports_rules_out_of_bounds_instead_of_crashing() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = itsm(
        &fixture("rule--too-deep"),
        &[
            "build",
            "--today",
            TODAY,
            "--out",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains("[plus-chain] `assert` nests 33 levels deep"),
        "{text}"
    );
}

const APPROVALS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/approvals/base");

/// The approval fixture with `base_policy` committed, then `head_policy` and
/// an edit of shop committed on top: the gate's verdict on that pull request.
fn gate(base_policy: &str, head_policy: &str) -> (Option<i32>, Value, Duration) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(APPROVALS), dir.path());
    write(dir.path(), &[("policies/bounded.yaml", base_policy)]);
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit_all(&repo, "base");
    let shop = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: payments\n  lifecycle: development\n  tier: 2\n  cis: [web]\n";
    write(
        dir.path(),
        &[
            ("policies/bounded.yaml", head_policy),
            ("services/shop.yaml", shop),
        ],
    );
    commit_all(&repo, "head");
    let reviews = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(reviews.path(), "[]").unwrap();
    let started = Instant::now();
    let out = itsm(
        dir.path(),
        &[
            "approvals",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--reviews",
            reviews.path().to_str().unwrap(),
            "--author",
            "author",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
    );
    let elapsed = started.elapsed();
    let doc = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code(), doc, elapsed)
}

fn approval_policy(rules: &[(&str, String)]) -> String {
    let mut out = String::from(
        "apiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: bounded\nspec:\n  owner: office\n  clauses: [\"8.5.1\"]\n  rules:\n",
    );
    for (id, when) in rules {
        let when = serde_json::to_string(when).unwrap();
        out += &format!(
            "    - id: {id}\n      kind: Service\n      when: {when}\n      approve: {{team: cab}}\n"
        );
    }
    out
}

/// In the gate a `when` out of bounds cannot be decided: it counts as
/// matching, so a pull request cannot dodge a rule by making it costly, and a
/// hostile rule neither crashes nor stalls the gate.
#[test]
fn the_gate_counts_a_rule_out_of_bounds_as_matching() {
    let list = format!(
        "[{}]",
        (0..25).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let costly = format!(
        "{list}.map(a, {list}.map(b, {list}.map(c, {list}.map(d, a + b + c + d)))).size() == 0"
    );
    let base = approval_policy(&[("costly", costly)]);
    let deep = format!("{} > 0", vec!["1"; 2000].join("+"));
    let head = approval_policy(&[("deep", deep), ("shallow", "self.spec.tier == 99".into())]);
    let (code, doc, elapsed) = gate(&base, &head);
    assert_eq!(code, Some(1), "{doc}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    let cab = doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["team"] == "cab")
        .unwrap_or_else(|| panic!("no cab requirement: {doc}"));
    let whys: Vec<&str> = cab["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["why"].as_str().unwrap())
        .collect();
    // each rule is tried on both versions of shop; `shallow` matches neither
    let counted = |rule: &str, bound: &str| {
        whys.iter().any(|w| {
            w.starts_with(&format!("rule `{rule}` of policy:bounded (`when` {bound}"))
                && w.ends_with("; counted as matching)")
        })
    };
    assert!(counted("costly", "exceeded the "), "{whys:?}");
    assert!(
        counted("deep", "nests 33 levels deep or more, more than the 32"),
        "{whys:?}"
    );
    assert!(whys.iter().all(|w| !w.contains("shallow")), "{whys:?}");
}

// ---- generated hostile rules ----

/// A hostile expression: deep nesting, long chains, big comprehensions,
/// costly patterns, or random tokens.
fn hostile(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => nested(rng),
        1 => chain(rng),
        2 | 3 => comprehension(rng),
        4 => pattern(rng),
        5 => tokens(rng),
        _ => {
            // a hostile part inside an ordinary rule
            let inner = hostile(rng);
            format!("self.spec.tier == 3 && ({inner}) || has(self.spec.sla)")
        }
    }
}

/// Depth around the bound (or far past it) with one kind of nesting.
fn nested(rng: &mut Rng) -> String {
    let n = if rng.below(5) == 0 {
        500 + rng.below(3000)
    } else {
        10 + rng.below(30)
    };
    let (open, core, close) = *rng.pick(&[
        ("(", "true", ")"),
        ("[", "1", "]"),
        ("size(", "'a'", ")"),
        ("{'k': ", "1", "}"),
        ("-(", "1", ")"),
        ("!", "true", ""),
        ("true ? ", "1", " : 2"),
        ("[1].map(x, ", "x", ")"),
        ("self.spec.cis.all(c, ", "true", ")"),
        ("has(self.spec.", "x", ")"),
        ("string(", "self.spec.body", ")"),
        ("ref('team', ", "'t'", ").spec.members"),
    ]);
    format!("{}{core}{}", open.repeat(n), close.repeat(n))
}

/// A long chain of one operator.
fn chain(rng: &mut Rng) -> String {
    let n = if rng.below(3) == 0 {
        1000 + rng.below(5000)
    } else {
        10 + rng.below(40)
    };
    let (head, link) = *rng.pick(&[
        ("1", " + 1"),
        ("self", ".spec"),
        ("self.spec.cis", "[0]"),
        ("true", " && true"),
        ("false", " || false"),
        ("1", " == 1"),
        ("'a'", " + 'a'"),
        ("[1]", " + [1]"),
        ("self.spec.body", " + self.spec.body"),
        ("1", " in [1]"),
    ]);
    format!("{head}{}", link.repeat(n))
}

/// Nested comprehensions over literal lists, the record's lists and built
/// ones, shallow enough to pass the depth bound: the cost bound must stop them.
fn comprehension(rng: &mut Rng) -> String {
    let levels = 2 + rng.below(5);
    let mut body = rng
        .pick(&[
            "v0 + v1",
            "[v0, v1, self.spec.body]",
            "string(v0) + string(v1)",
            "ref('team', 't')",
            "self",
            "v0 == v1",
        ])
        .to_string();
    for level in (0..levels).rev() {
        let n = 2 + rng.below(120);
        let range = match rng.below(4) {
            0 => format!(
                "[{}]",
                (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            ),
            1 => "self.spec.cis".to_string(),
            2 => format!("[{}]", vec!["self"; n.min(40)].join(",")),
            _ => format!("[{}]", vec!["self.spec.body"; n.min(40)].join(",")),
        };
        let op = if level == 0 {
            *rng.pick(&["map", "all", "exists", "exists_one", "filter"])
        } else {
            "map"
        };
        body = match op {
            "map" => format!("{range}.map(v{level}, {body})"),
            _ => format!("{range}.{op}(v{level}, {body} != null)"),
        };
    }
    format!("size({body}) > 0")
}

/// `matches` with patterns from small to pathological, literal or built.
fn pattern(rng: &mut Rng) -> String {
    let atoms = [
        r"\w", r"\p{L}", "a", "[a-z]", ".", r"\d", "(a|b)", r"(?i)x", "[^a]",
    ];
    let mut p = String::new();
    for _ in 0..1 + rng.below(6) {
        p += *rng.pick(&atoms);
        p += *rng.pick(&["", "*", "+", "?", "{5}", "{100}", "{1000}", "{2,30}"]);
        if rng.below(4) == 0 {
            p = format!("({p}){{{}}}", 1 + rng.below(200));
        }
    }
    let p = p.replace('\'', "");
    match rng.below(3) {
        0 => format!("self.spec.body.matches(r'{p}')"),
        1 => format!("self.spec.body.matches(r'{p}' + string(self.spec.tier))"),
        _ => format!("[1,2,3,4,5,6,7,8,9,10].all(i, !self.spec.body.matches(r'{p}'))"),
    }
}

/// Random tokens: mostly not CEL at all.
fn tokens(rng: &mut Rng) -> String {
    let vocabulary = [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ".",
        ",",
        ":",
        "?",
        "!",
        "-",
        "+",
        "*",
        "/",
        "%",
        "==",
        "!=",
        "<",
        ">=",
        "&&",
        "||",
        " in ",
        "self",
        "spec",
        "a",
        "1",
        "1.5e9",
        "0x1F",
        "2u",
        "'s'",
        "\"q\"",
        "'''t'''",
        "r'\\d'",
        "b'x'",
        "'unterminated",
        "'\\u00e9'",
        "null",
        "true",
        ".map(x, ",
        ".all(x, ",
        "has(",
        "size(",
        "ref(",
        "matches(",
        "@result",
        "é",
        "😀",
        "\u{0}",
        "\n",
        "\t",
        "//",
        ".?",
        "[?",
    ];
    let most = if rng.below(4) == 0 { 3000 } else { 60 };
    let n = 1 + rng.below(most);
    (0..n).map(|_| *rng.pick(&vocabulary)).collect()
}

/// The peak resident memory, in KiB, of the processes whose command line
/// holds `marker`, while `f` runs (read from /proc every few milliseconds).
fn peak_rss_while<T>(marker: &str, f: impl FnOnce() -> T) -> (T, u64) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (done, marker) = (done.clone(), marker.to_string());
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_of(&marker));
                std::thread::sleep(Duration::from_millis(3));
            }
            peak
        })
    };
    let value = f();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (value, watcher.join().unwrap())
}

/// The largest VmHWM (peak RSS, KiB) of the processes whose command line holds `marker`.
fn rss_of(marker: &str) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut peak = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(cmdline) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        if !String::from_utf8_lossy(&cmdline).contains(marker) {
            continue;
        }
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        let hwm = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        peak = peak.max(hwm);
    }
    peak
}

/// How long a run of generated rules may take: the run's own time limit for
/// rules (30 s), plus loading and a slow, shared machine.
const ROUND_TIME: Duration = Duration::from_secs(75);

/// How much memory a run may take: a rule's budget bounds what it builds to
/// tens of MiB; the rest is the program.
const ROUND_MEMORY_KB: u64 = 512 * 1024;

#[test]
fn generated_hostile_rules_never_crash_stall_or_flood() {
    let rounds: usize = std::env::var("ITSM_RULE_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(6);
    for round in 0..rounds {
        let seed = 0x9e37_79b9_7f4a_7c15 ^ (round as u64 + 1);
        let mut rng = Rng(seed);
        let mut rules: Vec<(String, &str, String)> = (0..14)
            .map(|i| {
                let key: &&'static str = rng.pick(&["when", "assert"]);
                rule(&format!("r{i}"), key, hostile(&mut rng))
            })
            .collect();
        // a rule that fails on every Service: rules are still evaluated
        rules.push(rule("canary", "assert", "self.metadata.name == 'none'"));
        let dir = repository(&rules);
        let marker = dir.path().to_str().unwrap().to_string();
        let started = Instant::now();
        let (out, peak) = peak_rss_while(&marker, || {
            run_for(
                Command::new(env!("CARGO_BIN_EXE_itsm"))
                    .args(["-C", &marker, "check", "--today", TODAY, "--format", "json"])
                    .env("NO_COLOR", "1"),
                ROUND_TIME * 2,
            )
        });
        let elapsed = started.elapsed();
        let context = format!("round {round} (seed {seed:#x}), rules:\n{rules:#?}");
        assert_eq!(out.status.code(), Some(1), "{context}\n{}", stderr(&out));
        assert!(elapsed < ROUND_TIME, "{elapsed:?}: {context}");
        if cfg!(target_os = "linux") {
            assert!(peak > 0, "the run was not seen in /proc");
            assert!(peak < ROUND_MEMORY_KB, "{peak} KiB: {context}");
        }
        assert!(
            out.stdout.len() < 64 * 1024 * rules.len(),
            "{} bytes",
            out.stdout.len()
        );
        let diags = diagnostics(&out);
        judge(&diags, &rules, &context);
    }
}

/// Every finding is about a rule, says which, and is short; the canary fails
/// on every Service, unless the run's budget stopped it.
fn judge(diags: &[Value], rules: &[(String, &str, String)], context: &str) {
    let mut canary = 0;
    let mut stopped = false;
    for d in diags {
        let message = d["message"].as_str().unwrap();
        assert!(message.len() < 1200, "{} bytes: {context}", message.len());
        let code = d["code"].as_str().unwrap();
        assert!(code == "rule" || code == "schema", "{d}: {context}");
        let about = |id: &str| {
            message.starts_with(&format!("[{id}]")) || message.starts_with(&format!("rule `{id}`"))
        };
        assert!(
            rules.iter().any(|(id, _, _)| about(id)),
            "{message}: {context}"
        );
        canary += usize::from(message == "[canary] broken canary");
        stopped |= message.starts_with("[canary] `assert` was stopped: the rules together");
    }
    assert!(
        canary == 3 || stopped,
        "{canary} canary findings: {context}"
    );
}
