//! The YAML loader: valid YAML it must read (anchors on keys, YAML that is not a
//! record), the core schema's tags, limits that say which limit, and a seeded
//! generator of hostile input (no panic, bounded time and nodes, the fast path
//! equal to saphyr wherever it answers).

mod common;

use itsm::diag::{Code, Target};
use itsm::load::yaml::{self, MAX_COPIES, MAX_DEPTH, MAX_NODES};
use itsm::load::{Content, parse_one};
use serde_json::json;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The only document of `text`, which must read without error or problem.
fn one(text: &str) -> serde_json::Value {
    let (docs, error) = yaml::parse(text);
    assert_eq!(error, None, "{text}");
    assert_eq!(docs.len(), 1, "{text}");
    assert_eq!(docs[0].problems, [], "{text}");
    docs[0].value.to_json()
}

fn error(text: &str) -> yaml::SyntaxError {
    yaml::parse(text).1.expect("an error")
}

/// The findings of one file as `load` gives them: (code, line, col, message, help).
fn findings(path: &str, bytes: &[u8]) -> Vec<(Code, u32, u32, String, String)> {
    let (_, _, diags) = parse_one(path.into(), Content::Bytes(bytes.to_vec()));
    diags
        .into_iter()
        .map(|d| {
            let span = d.location.span.expect("a yaml finding is positioned");
            let help = d.help.unwrap_or_default();
            (d.code, span.line, span.col, d.message, help)
        })
        .collect()
}

/// Places and messages of the findings, which must all be `yaml-syntax`.
fn syntax_findings(path: &str, text: &str) -> Vec<(u32, u32, String)> {
    findings(path, text.as_bytes())
        .into_iter()
        .map(|(code, line, col, message, _)| {
            assert_eq!(code, Code::YamlSyntax, "{message}");
            (line, col, message)
        })
        .collect()
}

const TEAM: &str = "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: ops\n";

#[test]
fn an_anchor_on_a_key_serves_its_aliases_as_value_and_as_key() {
    assert_eq!(
        one("&k key: value\nother: *k\n"),
        json!({"key": "value", "other": "key"})
    );
    assert_eq!(
        one("a: &k key\nb:\n  *k : v\n"),
        json!({"a": "key", "b": {"key": "v"}})
    );
    // The alias of a key stands for the key's value: `1` is a number.
    assert_eq!(one("&n 1: x\ny: *n\n"), json!({"1": "x", "y": 1}));
    let text = format!(
        "{TEAM}  labels:\n    &t tier: gold\n    copy: *t\nspec:\n  members: [{{login: a}}]\n"
    );
    assert_eq!(syntax_findings("team.yaml", &text), []);
}

#[test]
fn nodes_after_an_alias_key_are_found_at_their_place() {
    let text = "a: &k key\nb:\n  *k : v\n  ? [x]\n  : skipped\n  c: [1, 2]\n";
    let pos = itsm::load::locate::locate(
        text,
        &[
            (0, "/b/key", Target::Value),
            (0, "/b/key", Target::Key),
            (0, "/b/c/1", Target::Value),
        ],
    );
    let at: Vec<(u32, u32)> = pos
        .iter()
        .map(|p| p.map(|p| (p.line, p.col)).unwrap())
        .collect();
    assert_eq!(at, [(3, 8), (3, 3), (6, 10)]);
}

#[test]
fn yaml_that_is_not_a_record_never_fails() {
    let texts = [
        // A CloudFormation template, a GitLab pipeline, keys JSON has no form for.
        "Resources:\n  B:\n    Properties: {Name: !Sub \"${AWS::StackName}\", Arn: !GetAtt B.Arn}\n",
        ".base: &base {image: x}\njob:\n  <<: *base\n  script: [make]\n",
        "? [a, b]\n: c\n{x: 1}: y\nbase: &b [1]\n*b : z\n",
        "1: number\n\"1\": string\nn: !!int many\nf: !!float .inf\nb: !!binary aGk=\n",
        "a: !!str {b: 1}\nc: !!map [1]\n---\n!custom\n- !!seq x\n",
    ];
    for text in texts {
        assert_eq!(syntax_findings("tools/x.yaml", text), [], "{text}");
        let md = format!("---\n{text}---\n# Page\n");
        assert_eq!(syntax_findings("docs/x.md", &md), [], "{md}");
    }
}

#[test]
fn a_record_refuses_what_json_cannot_hold_and_says_why() {
    let text = format!(
        "{TEAM}  labels:\n    ? [a, b]\n    : c\n  annotations:\n    1: x\n    \"1\": y\nspec:\n  members: [{{login: a}}]\n"
    );
    let found = syntax_findings("team.yaml", &text);
    assert_eq!(
        found.iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(),
        [(6, 7), (10, 5)]
    );
    assert!(found[0].2.contains("whose keys are strings"), "{found:?}");
    assert!(found[1].2.contains("same one in JSON"), "{found:?}");
    // The same in front matter: lines count from the top of the file.
    let md = format!("---\n{TEAM}spec:\n  members: [{{login: a}}]\n  *x : y\n---\nbody\n");
    let md = md.replace("name: ops", "name: &x [ops]");
    let found = syntax_findings("team.md", &md);
    assert_eq!((found[0].0, found[0].1), (8, 3), "{found:?}");
}

#[test]
fn a_record_with_a_problem_does_not_stop_the_records_after_it() {
    let text = format!(
        "{TEAM}  title: !Ref x\nspec:\n  members: [{{login: a}}]\n---\n{}spec:\n  members: [{{login: b}}]\n",
        TEAM.replace("ops", "dev")
    );
    let (_, records, diags) = parse_one("teams.yaml".into(), Content::Bytes(text.into_bytes()));
    assert_eq!(diags.len(), 1);
    let names: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(names, ["team:dev"]);
}

#[test]
fn text_that_is_not_yaml_stays_an_error_in_any_file() {
    // A file that does not parse cannot say whether it was meant as a record.
    let found = syntax_findings("tools/x.yaml", "a: [1, 2\nb: 'open\n");
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn core_schema_tags_are_honoured() {
    assert_eq!(
        one(
            "a: !!int \"42\"\nb: ! 12\nc: !!float '1.5'\nd: !!bool \"true\"\ne: !!null ''\nf: !!str 12\ng: !!float 3\nh: !<tag:yaml.org,2002:int> \"7\"\ni: !!int 0x1f\n"
        ),
        json!({"a": 42, "b": "12", "c": 1.5, "d": true, "e": null, "f": "12", "g": 3.0, "h": 7, "i": 31})
    );
    assert_eq!(
        one("m: !!map {a: 1}\ns: !!seq [1]\nn: ! {a: 1}\n"),
        json!({"m": {"a": 1}, "s": [1], "n": {"a": 1}})
    );
    // A tag overrides the core schema's reading of a plain scalar in a key too,
    // and the fast path leaves every tag to saphyr.
    assert_eq!(one("!!str 1: a\n"), json!({"1": "a"}));
    assert!(yaml::parse_fast("a: !!int \"42\"\n").is_none());
}

#[test]
fn tags_that_cannot_apply_are_errors_in_a_record() {
    let text = format!(
        "{TEAM}  title: !!int abc\n  description: !Ref x\n  labels: !!str {{a: b}}\n  annotations: {{a: !!float .inf, b: !!bool yes, c: !!null x, d: !!map y}}\nspec:\n  members: [{{login: !!int 99999999999999999999}}]\n"
    );
    let found = syntax_findings("team.yaml", &text);
    let places: Vec<(u32, u32)> = found.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        places,
        [
            (5, 10),
            (6, 16),
            (7, 11),
            (8, 20),
            (8, 37),
            (8, 52),
            (8, 65),
            (10, 21)
        ]
    );
    let messages: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    for (i, part) in [
        "`abc` is not an integer",
        "`!Ref` is not one of the YAML core schema",
        "`!!str` is for a scalar, not a mapping",
        "no infinity",
        "`yes` is not a boolean",
        "`x` is not null",
        "`!!map` is for a mapping, not a scalar",
        "64-bit",
    ]
    .iter()
    .enumerate()
    {
        assert!(messages[i].contains(part), "{i}: {}", messages[i]);
    }
}

#[test]
fn a_large_mapping_is_not_an_alias_bomb() {
    let text: String = (0..50_000)
        .map(|i| format!("key{i}: value {i}\n"))
        .collect();
    let (docs, error) = yaml::parse(&text);
    assert_eq!(error, None);
    assert_eq!(docs[0].value.as_map().unwrap().len(), 50_000);
}

#[test]
fn the_node_limit_names_itself() {
    let text = format!("[{}]\n", "a,".repeat(MAX_NODES));
    let e = error(&text);
    assert!(
        e.message.contains(&format!("more than {MAX_NODES} nodes")),
        "{e:?}"
    );
    assert!(!e.message.contains("alias"), "{e:?}");
    assert!(e.help.unwrap().contains("split"));
    assert_eq!((e.pos.line, e.pos.col), (1, 2 * MAX_NODES as u32));
}

#[test]
fn each_other_limit_names_itself() {
    // Copies: an alias bomb.
    let e = error(&bomb(10, 10));
    assert!(
        e.message.contains(&format!(
            "copy more than {MAX_COPIES} nodes (an alias bomb?)"
        )),
        "{e:?}"
    );
    // Depth.
    let e = error(&"[".repeat(MAX_DEPTH + 1));
    assert!(
        e.message
            .contains(&format!("deeper than {MAX_DEPTH} levels")),
        "{e:?}"
    );
    assert_eq!((e.pos.line, e.pos.col), (1, MAX_DEPTH as u32 + 1));
    // File size, before any parsing.
    let (_, _, diags) = parse_one("big.yaml".into(), Content::TooLarge(9 << 20));
    assert!(
        diags[0].message.contains("9.0 MiB, more than the 8 MiB"),
        "{}",
        diags[0].message
    );
}

/// An alias bomb of `levels` levels, each aliasing the one before `fan` times.
fn bomb(levels: usize, fan: usize) -> String {
    let mut text = format!("a0: &a0 [{}]\n", vec!["x"; fan].join(", "));
    for i in 1..levels {
        let alias = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![alias; fan].join(", ")));
    }
    text
}

#[test]
fn an_alias_bomb_spread_over_documents_is_stopped_too() {
    // Each document stays under the budget; the file does not.
    let doc = bomb(4, 9);
    let text = format!("---\n{doc}").repeat(200);
    let started = Instant::now();
    let (docs, error) = yaml::parse(&text);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let e = error.expect("refused");
    assert!(e.message.contains("alias bomb"), "{e:?}");
    assert_eq!((docs.len(), e.pos.line, e.pos.col), (6, 34, 20), "{e:?}");
}

#[test]
fn nested_anchors_do_not_multiply_memory() {
    let inner = vec!["a"; 20_000].join(",");
    let text = format!(
        "k: {}[{inner}]{}\n",
        (0..40).map(|i| format!("&n{i} [")).collect::<String>(),
        "]".repeat(40)
    );
    let e = error(&text);
    assert!(e.message.contains("alias bomb"), "{e:?}");
}

#[test]
fn a_nul_byte_is_named_with_its_place() {
    for (text, col) in [("a: x\0y\n", 5), ("a: \"x\0y\"\n", 6), ("# c\0\n", 4)] {
        let e = error(text);
        assert!(e.message.contains("U+0000 (NUL)"), "{e:?}");
        assert!(e.help.unwrap().contains("UTF-16"), "{e:?}");
        assert_eq!((e.pos.line, e.pos.col), (1, col), "{text:?}");
    }
    // Documents before it are kept.
    let (docs, e) = yaml::parse("a: 1\n---\nb: é\u{1b}\n");
    assert_eq!(docs.len(), 1);
    let e = e.unwrap();
    assert!(e.message.contains("U+001B (ESC)"), "{e:?}");
    assert_eq!((e.pos.line, e.pos.col), (3, 5));
    assert!(!e.help.unwrap().contains("indent"));
}

#[test]
fn an_alias_to_an_earlier_document_says_so() {
    let e = error("a: &x 1\n---\nb: *x\n");
    assert!(e.message.contains("earlier document"), "{e:?}");
    assert_eq!((e.pos.line, e.pos.col), (3, 4));
}

#[test]
fn check_refuses_a_spread_alias_bomb_quickly() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), common::VALID);
    let bomb = format!("---\n{}", bomb(4, 9)).repeat(200);
    common::write(dir.path(), &[("tools/bomb.yaml", &bomb)]);
    let started = Instant::now();
    let out = common::check_json(dir.path(), None);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(
        report["diagnostics"][0]["code"], "yaml-syntax",
        "{report:#}"
    );
    let place = (
        &report["diagnostics"][0]["line"],
        &report["diagnostics"][0]["column"],
    );
    assert_eq!(place, (&json!(34), &json!(20)), "{report:#}");
}

// --- Generated hostile input --------------------------------------------------

/// A small deterministic generator (xorshift), so that a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
    /// Mostly small, now and then large.
    fn size(&mut self, small: usize, large: usize) -> usize {
        if self.below(20) == 0 {
            self.below(large)
        } else {
            self.below(small)
        }
    }
}

const RECORD: &str = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  labels: {tier: gold}\nspec:\n  owner: ops\n  tier: 1\n  cis: [web, db]\n  body: |\n    Text.\n";

const TAGS: &[&str] = &[
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!map",
    "!!seq",
    "!",
    "!Ref",
    "!!binary",
    "!!timestamp",
    "!<tag:yaml.org,2002:int>",
    "!<x>",
    "!e!x",
    "!!set",
    "!!omap",
];
const SCALARS: &[&str] = &[
    "42",
    "\"42\"",
    "abc",
    ".inf",
    "-.Inf",
    ".nan",
    "yes",
    "true",
    "~",
    "''",
    "0x1f",
    "0o17",
    "1e3",
    "99999999999999999999",
    "é",
    "[1]",
    "{a: 1}",
];

/// One hostile fragment.
fn piece(rng: &mut Rng) -> Vec<u8> {
    let s = match rng.below(20) {
        0 => "[".repeat(rng.size(100, 100_000)),
        1 => "{a: ".repeat(rng.size(100, 20_000)),
        2 => (0..rng.size(100, 2_000))
            .map(|i| format!("{}- x\n", " ".repeat(i)))
            .collect(),
        3 => (0..rng.size(100, 2_000))
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect(),
        4 => format!("{}: v\n", "k".repeat(rng.size(2_000, 300_000))),
        5 => format!("k: {}\n", "v ".repeat(rng.size(2_000, 300_000))),
        6 => {
            let doc = bomb(2 + rng.below(10), 2 + rng.below(9));
            let docs = 1 + rng.size(3, 300);
            format!("---\n{doc}").repeat(docs)
        }
        7 => (0..rng.size(200, 20_000))
            .map(|i| match i % 3 {
                0 => format!("k{i}: &a{i} v\n"),
                1 => format!("l{i}: *a{}\n", i - 1),
                _ => format!("*a{} : m{i}\n", i - 2),
            })
            .collect(),
        8 => "&k key: v\nother: *k\n? &c [a]\n: x\n*c : y\n*k : z\n".into(),
        9 => return (0..rng.size(64, 4_096)).map(|_| rng.next() as u8).collect(),
        10 => return vec![rng.below(32) as u8; 1 + rng.below(3)],
        11 => "\u{feff}".into(),
        12 => rng.pick(&["\r", "\r\n", "a: 1\r\nb: 2\r"]).into(),
        13 => rng
            .pick(&["\t", "a:\n\tb: 1\n", "a: \t1\n", "- \tx\n"])
            .into(),
        14 => {
            return rng
                .pick(&["\u{ff}", "\u{c3}", "\u{c0}\u{80}", "\u{ed}\u{a0}\u{80}"])
                .chars()
                .map(|c| c as u32 as u8)
                .collect();
        }
        15 => {
            let tag = rng.pick(TAGS);
            let value = rng.pick(SCALARS);
            let tag = tag.to_string();
            match rng.below(4) {
                0 => format!("k: {tag} {value}\n"),
                1 => format!("{tag} {value}: v\n"),
                2 => format!("%TAG !e! tag:e.com,2000:\n--- {tag}\n- {tag} {value}\n"),
                _ => format!("- {tag} {value}\n"),
            }
        }
        16 => rng
            .pick(&[
                "? [a, b]\n: c\n",
                "[a]: b\n",
                "{a: 1}: b\n",
                "? |\n  x\n: y\n",
                "? - a\n: b\n",
            ])
            .into(),
        17 => RECORD.into(),
        18 => rng
            .pick(&["---\n", "...\n", "%YAML 1.2\n---\n", "--- |\n  x\n"])
            .into(),
        _ => rng
            .pick(&[
                "'",
                "\"",
                "\"\\u00\"",
                "{",
                "]",
                ": ",
                "- ",
                "#",
                "&",
                "*",
                "|",
                ">",
            ])
            .into(),
    };
    s.into_bytes()
}

/// A generated input: hostile fragments, alone or spliced into a record.
fn input(rng: &mut Rng) -> Vec<u8> {
    let mut bytes = if rng.below(3) == 0 {
        RECORD.as_bytes().to_vec()
    } else {
        Vec::new()
    };
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        let p = piece(rng);
        bytes.splice(at..at, p);
    }
    bytes
}

fn nodes(v: &itsm::value::Value) -> usize {
    use itsm::value::Value;
    1 + match v {
        Value::Seq(items) => items.iter().map(nodes).sum(),
        Value::Map(entries) => entries.iter().map(|(_, v)| 1 + nodes(v)).sum(),
        _ => 0,
    }
}

/// What one input must satisfy; returns whether the fast path answered.
fn holds(bytes: &[u8]) -> bool {
    for path in ["x.yaml", "x.md"] {
        let (_, _, diags) = parse_one(path.into(), Content::Bytes(bytes.to_vec()));
        assert!(diags.len() <= 1 + 20 * 300, "{} findings", diags.len());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let (docs, error) = yaml::parse(text);
    let total: usize = docs.iter().map(|d| nodes(&d.value)).sum();
    assert!(total <= MAX_NODES + MAX_COPIES, "{total} nodes");
    assert!(docs.iter().all(|d| d.problems.len() <= 20));
    match yaml::parse_fast(text) {
        Some(fast) => {
            assert_eq!(error, None, "the fast path accepted a text with an error");
            assert_eq!(fast, docs, "the fast path and saphyr differ");
            true
        }
        None => false,
    }
}

/// Generated hostile inputs: no panic, every one within a time bound (a stall
/// fails the test rather than hanging it), nodes within the budgets, and the fast
/// path equal to saphyr where it answers. `ITSM_YAML_FUZZ_CASES` and
/// `ITSM_YAML_FUZZ_SEED` run more or others.
#[test]
fn generated_hostile_input_is_refused_within_bounds() {
    let cases: usize = std::env::var("ITSM_YAML_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_500);
    let seed: u64 = std::env::var("ITSM_YAML_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x2545_f491_4f6c_dd1d);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut rng = Rng(seed);
        let mut fast = 0;
        for i in 0..cases {
            let bytes = input(&mut rng);
            let _ = tx.send(Progress::Started(i, bytes.clone()));
            let answered = std::panic::catch_unwind(|| holds(&bytes));
            match answered {
                Ok(a) => fast += usize::from(a),
                Err(_) => {
                    let _ = tx.send(Progress::Failed(i));
                    return;
                }
            }
        }
        let _ = tx.send(Progress::Done(fast));
    });
    // Per case, in a debug build on a loaded machine.
    let limit = Duration::from_secs(20);
    let mut current = (0, Vec::new());
    loop {
        match rx.recv_timeout(limit) {
            Ok(Progress::Started(i, bytes)) => current = (i, bytes),
            Ok(Progress::Failed(i)) => panic!(
                "case {i} of seed {seed} failed on {:?}",
                String::from_utf8_lossy(&current.1[..current.1.len().min(2_000)])
            ),
            Ok(Progress::Done(fast)) => {
                assert!(fast > 0, "the fast path answered no case: nothing compared");
                return;
            }
            Err(_) => panic!(
                "case {} of seed {seed} ran longer than {limit:?}: {:?}",
                current.0,
                String::from_utf8_lossy(&current.1[..current.1.len().min(2_000)])
            ),
        }
    }
}

enum Progress {
    Started(usize, Vec<u8>),
    Failed(usize),
    Done(usize),
}

#[test]
fn an_implicit_key_over_1024_characters_is_refused_and_1024_is_not() {
    let at_limit = format!("{}: 1\n", "k".repeat(1024));
    assert_eq!(one(&at_limit), json!({ "k".repeat(1024): 1 }));
    // A long value with `: ` in it keeps the usual help.
    let value = format!("a: {}: b\n", "v".repeat(1100));
    assert!(error(&value).help.is_some_and(|h| h.contains("quoted")));
    for text in [
        format!("{}: 1\n", "k".repeat(1025)),
        format!("- {}: 1\n", "k".repeat(1025)),
        format!("a:\n  {}: 1\n", "k".repeat(1025)),
    ] {
        let e = error(&text);
        assert_eq!(e.pos.line, 1 + u32::from(text.starts_with("a:")), "{e:?}");
        assert!(e.help.is_some_and(|h| h.contains("1,024")), "{e:?}");
    }
}
