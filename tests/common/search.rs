//! Helpers for the tests of the search index: its files read back, and a
//! query answered from them the way `src/site/theme/search.js` does.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The JSON a search file hands to its callback: `PREFIX{json});`.
pub fn search_json(js: &str, prefix: &str) -> serde_json::Value {
    let json = js
        .strip_prefix(prefix)
        .and_then(|j| {
            j.trim_end()
                .strip_suffix(");")
                .or(j.trim_end().strip_suffix(';'))
        })
        .unwrap_or_else(|| panic!("{prefix}: {}", &js[..js.len().min(200)]));
    serde_json::from_str(json).unwrap()
}

/// The record numbers of one list of a token (gaps, a Base64 bitmap or 0).
pub fn postings(list: &serde_json::Value) -> Vec<u64> {
    match list {
        serde_json::Value::Array(gaps) => gaps
            .iter()
            .scan(0, |at, g| {
                *at += g.as_u64().unwrap();
                Some(*at)
            })
            .collect(),
        serde_json::Value::String(b) => {
            let abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let bits: Vec<u8> = b
                .trim_end_matches('=')
                .bytes()
                .map(|c| abc.find(c as char).unwrap() as u8)
                .collect();
            let mut bytes: Vec<u8> = Vec::new();
            for c in bits.chunks(4) {
                let v = c
                    .iter()
                    .enumerate()
                    .fold(0u32, |v, (i, x)| v | (u32::from(*x) << (18 - 6 * i)));
                bytes.extend(&v.to_be_bytes()[1..c.len()]);
            }
            (0..bytes.len() as u64 * 8)
                .filter(|i| bytes[*i as usize / 8] & (1 << (i % 8)) != 0)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The token shards of a built site, as the manifest lists them.
pub struct Index {
    pub manifest: serde_json::Value,
    /// The keys of the shards holding tokens.
    pub leaves: HashSet<String>,
    /// The keys of the shards split apart (their file a summary).
    pub split: HashSet<String>,
    /// Every shard's entries (token or prefix: [head, text]), by key.
    pub shards: HashMap<String, serde_json::Map<String, serde_json::Value>>,
}

impl Index {
    /// The index of the site in `site`.
    pub fn read(site: &Path) -> Index {
        let dir = site.join("assets/search");
        let text = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        let manifest = search_json(&text("index.js"), "window.ITSM_SEARCH=");
        let keys = |field: &str| -> HashSet<String> {
            manifest[field]
                .as_array()
                .map(|a| a.iter().map(|k| k.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        let (leaves, split) = (keys("shards"), keys("split"));
        let shards = leaves
            .iter()
            .chain(&split)
            .map(|k| {
                let js = text(&format!("t-{k}.js"));
                let json = search_json(&js, &format!("ITSM_SEARCH_PART(\"t-{k}\","));
                (k.clone(), json.as_object().unwrap().clone())
            })
            .collect();
        Index {
            manifest,
            leaves,
            split,
            shards,
        }
    }

    /// The key of the one shard a query word reads, if any (`shardOf`).
    pub fn shard_of(&self, w: &str) -> Option<String> {
        let len = w.chars().count();
        let mut n = 2;
        let mut k = itsm::site::search::key(w, n);
        while self.split.contains(&k) && len > n {
            n += 1;
            k = itsm::site::search::key(w, n);
        }
        (self.leaves.contains(&k) || self.split.contains(&k)).then_some(k)
    }

    /// Record number -> score of one query word: 10 in the name or title, else 1.
    pub fn matches(&self, w: &str) -> BTreeMap<u64, u32> {
        let mut hit = BTreeMap::new();
        let Some(shard) = self.shard_of(w).map(|k| &self.shards[&k]) else {
            return hit;
        };
        for (_, lists) in shard.iter().filter(|(t, _)| t.starts_with(w)) {
            for r in postings(&lists[0]) {
                hit.insert(r, 10);
            }
            for r in postings(&lists[1]) {
                hit.entry(r).or_insert(1);
            }
        }
        hit
    }

    /// The results of a query of `words`, best first (`rank`): (record, score).
    pub fn results(&self, words: &[&str]) -> Vec<(u64, u32)> {
        let mut total: Option<BTreeMap<u64, u32>> = None;
        for w in words {
            let m = self.matches(w);
            total = Some(match total {
                None => m,
                Some(t) => t
                    .into_iter()
                    .filter_map(|(r, s)| m.get(&r).map(|s2| (r, s + s2)))
                    .collect(),
            });
        }
        let mut hits: Vec<(u64, u32)> = total.unwrap_or_default().into_iter().collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits
    }
}

/// Builds `repo` as of `today` into a new temporary folder, splitting every
/// search shard above `shard_bytes` (`ITSM_SEARCH_SHARD_BYTES`): it and the site.
pub fn build_split(
    repo: &Path,
    today: &str,
    shard_bytes: usize,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = super::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["build", "--today", today, "--out"])
            .arg(&out)
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .env("ITSM_SEARCH_SHARD_BYTES", shard_bytes.to_string()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", super::stderr(&o));
    (tmp, out)
}
