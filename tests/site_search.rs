//! The search index of a generated repository split into small shards
//! (`ITSM_SEARCH_SHARD_BYTES`): every query finds what it finds unsplit,
//! each token sits in one shard and no shard that could be split is large.

mod common;

use common::search::{Index, build_split};
use common::{VALID, write};
use itsm::site::search::{MAX_KEY_CHARS, key};
use std::collections::BTreeSet;

const TODAY: &str = "2026-11-21";

/// Words of the generated descriptions: numbers, clauses, accents, CJK.
const WORDS: &[&str] = &[
    "payments",
    "payroll",
    "pagerduty",
    "écran",
    "écrou",
    "über",
    "übung",
    "ñandú",
    "東京",
    "東北",
    "café",
    "cafés",
    "8.5.1",
    "8.5.1.3",
    "8.5.2",
    "0042",
    "00420",
    "z9",
    "zz-top",
    "x_y",
];

/// VALID and `n` Services named by number (`s-00000`, ...), each described
/// by a few of [`WORDS`] and one of 60 `pagerN`.
fn generated(n: usize) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let docs: Vec<String> = (0..n)
        .map(|i| {
            let words: Vec<&str> = (0..4).map(|k| WORDS[(i * 7 + k * 13 + i / 3) % WORDS.len()]).collect();
            format!("apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s-{i:05}\n  title: Service {} {i}\n  description: \"{} pager{}\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: {}\n  sla: gold\n", WORDS[i % WORDS.len()], words.join(" "), i * 37 % 60, i % 4 + 1)
        })
        .collect();
    write(repo.path(), &[("services/many.yaml", &docs.join("---\n"))]);
    write(repo.path(), &[("services/hostile.yaml", HOSTILE)]);
    repo
}

/// A Service whose title and description try to close the script they end in.
const HOSTILE: &str = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s-hostile\n  title: \"</script><script>alert('x')</script> \\\"quoted\\\" </svg>\"\n  description: \"pager7 </svg><b>bold</b>\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n";

#[test]
fn split_shards_answer_every_query_as_the_whole_index_does() {
    let repo = generated(600);
    let (_a, whole) = build_split(repo.path(), TODAY, usize::MAX);
    let (_b, small) = build_split(repo.path(), TODAY, 400);
    let (whole, small) = (Index::read(&whole), Index::read(&small));
    assert!(whole.split.is_empty());
    assert!(whole.manifest.get("split").is_none());
    // Split to the deepest key: `s-00123` gives the token `00123`.
    assert!(
        small.split.contains("00") && small.split.contains("001"),
        "{:?}",
        small.split
    );
    assert!(small.split.iter().any(|k| k.len() == MAX_KEY_CHARS - 1));
    assert!(small.leaves.iter().any(|k| k.len() == MAX_KEY_CHARS));
    assert!(small.shards.len() > whole.shards.len() + 90);
    // Each token in one shard, the one named by as many of its characters,
    let tokens: BTreeSet<String> = whole
        .shards
        .values()
        .flat_map(|s| s.keys().cloned())
        .collect();
    let mut placed = BTreeSet::new();
    for k in &small.leaves {
        for t in small.shards[k].keys() {
            assert_eq!(key(t, k.len()), *k, "{t}");
            assert!(placed.insert(t.clone()), "{t} twice");
        }
    }
    // The others are as long as the key of a split shard: its summary has them.
    for t in tokens.difference(&placed) {
        let k = key(t, t.chars().count());
        assert!(
            small.split.contains(&k) && small.shards[&k].contains_key(t),
            "{t}"
        );
    }
    assert!(placed.is_subset(&tokens));
    assert!(
        placed.len() > tokens.len() - 10,
        "{} of {}",
        placed.len(),
        tokens.len()
    );
    // Shards hold words and record numbers only, never markup from a record.
    for k in small.leaves.iter().chain(&small.split) {
        let js = std::fs::read_to_string(_b.path().join(format!("site/assets/search/t-{k}.js")))
            .unwrap();
        assert!(!js.contains('<') && !js.contains('\''), "t-{k}.js: {js}");
    }
    assert_eq!(small.results(&["alert"]), whole.results(&["alert"]));
    assert_eq!(small.results(&["alert"]).len(), 1);
    // A shard is above the limit only when it cannot be split further.
    for k in small.leaves.iter().filter(|k| k.len() < MAX_KEY_CHARS) {
        let bytes = std::fs::metadata(_b.path().join(format!("site/assets/search/t-{k}.js")))
            .unwrap()
            .len();
        assert!(bytes < 400 + 64, "t-{k}.js: {bytes} bytes");
    }
    // Every prefix of every token, alone and beside another word, and words
    // no token starts with: the same records, the same scores, the same order.
    let mut queries: Vec<Vec<String>> = Vec::new();
    for t in &tokens {
        let chars: Vec<char> = t.chars().collect();
        for n in 2..=chars.len() {
            let w: String = chars[..n].iter().collect();
            queries.push(vec![w.clone()]);
            queries.push(vec![w, "service".into()]);
        }
    }
    for q in ["0000999", "écz", "東京x", "8.5.9", "zz", "001239"] {
        queries.push(vec![q.into()]);
    }
    let mut found = 0;
    for q in &queries {
        let words: Vec<&str> = q.iter().map(String::as_str).collect();
        let results = whole.results(&words);
        assert_eq!(small.results(&words), results, "{q:?}");
        found += usize::from(!results.is_empty());
    }
    assert!(found > queries.len() / 2, "{found} of {}", queries.len());
    let s00123 = whole.results(&["00123"]);
    assert_eq!(s00123.len(), 1);
    assert_eq!(s00123[0].1, 10);
}
