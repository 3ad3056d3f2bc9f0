//! The files of the search index (see the module above): the manifest, the
//! token shards and the chunks of documents.
//!
//! A token's records are two lists of record numbers, those whose name or
//! title holds it and the others; each list is `0` when empty, an array of
//! the gaps between ascending numbers (the first from 0), or, when that would
//! be longer, a string: the Base64 of a bitmap of every record (bit `i % 8` of
//! byte `i / 8`). So a word every record holds costs one bit per record.

use super::Entry;
use crate::model::Kind;
use crate::site::File;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Records per chunk of documents.
pub const DOC_CHUNK: usize = 50;

/// Bytes of a shard above which it is split by one more character.
pub const SHARD_BYTES: usize = 200_000;

/// Characters of the longest shard key: a shard this deep is not split.
pub const MAX_KEY_CHARS: usize = 6;

/// The shard a token belongs to: its first two characters ([`key`]).
pub fn shard_key(token: &str) -> String {
    key(token, 2)
}

/// The first `n` characters of `token`, each kept when an ASCII letter or
/// digit and `_` otherwise (so that it names a file).
pub fn key(token: &str, n: usize) -> String {
    token
        .chars()
        .take(n)
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The records of a token: by name or title, by other text.
type Postings = (Vec<u32>, Vec<u32>);

/// Every file of the index of `entries` (records without a name left out),
/// shards above [`SHARD_BYTES`] split (`ITSM_SEARCH_SHARD_BYTES` sets
/// another size, so that tests can split the shards of a small repository).
pub fn files(entries: &[Entry]) -> Vec<File> {
    let max = std::env::var("ITSM_SEARCH_SHARD_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(SHARD_BYTES);
    files_split_above(entries, max)
}

/// [`files`], splitting the shards above `max_bytes`: such a shard's file
/// becomes the summary of its tokens (per distinct prefix as long as its key,
/// the records of every token so starting: what a query word of that length
/// matches), and its longer tokens go to shards keyed by one more character,
/// split again when still too large, up to [`MAX_KEY_CHARS`]. A query word
/// so reads one file: the summary its whole length names, or the shard its
/// start names, whatever its length.
pub fn files_split_above(entries: &[Entry], max_bytes: usize) -> Vec<File> {
    let mut order: Vec<&Entry> = entries.iter().filter(|e| !e.name.is_empty()).collect();
    order.sort_by(|a, b| (kind_index(a), &a.name).cmp(&(kind_index(b), &b.name)));
    let n = order.len();
    let mut shards = Shards {
        n,
        max_bytes,
        ..Shards::default()
    };
    for (key, list) in tokens(&order) {
        shards.place(key, list);
    }
    let mut files = vec![manifest(&order, &shards.leaves, &shards.split)];
    files.append(&mut shards.files);
    for (c, chunk) in order.chunks(DOC_CHUNK).enumerate() {
        files.push(docs(c, chunk));
    }
    files
}

/// A token with its records and its entry in a shard (`"token":[head,text]`).
struct Token<'a> {
    text: &'a str,
    postings: Postings,
    json: String,
}

/// The tokens of the records in `order` (numbered by position), by shard key.
fn tokens<'a>(order: &[&'a Entry]) -> BTreeMap<String, Vec<Token<'a>>> {
    let n = order.len();
    let mut tokens: HashMap<&str, Postings> = HashMap::new();
    for (i, e) in order.iter().enumerate() {
        for t in &e.head {
            tokens.entry(t).or_default().0.push(i as u32);
        }
        for t in &e.text {
            tokens.entry(t).or_default().1.push(i as u32);
        }
    }
    let tokens: Vec<Token> = tokens
        .into_par_iter()
        .map(|(text, postings)| Token {
            json: entry_json(text, &postings, n),
            text,
            postings,
        })
        .collect();
    let mut shards: BTreeMap<String, Vec<Token>> = BTreeMap::new();
    for t in tokens {
        shards.entry(shard_key(t.text)).or_default().push(t);
    }
    shards
}

fn kind_index(e: &Entry) -> usize {
    e.kind.map_or(usize::MAX, Kind::index)
}

/// `"token":[head,text]`, the lists encoded by [`encode`].
fn entry_json(token: &str, (head, text): &Postings, n: usize) -> String {
    let mut out = serde_json::to_string(token).unwrap_or_default();
    out.push_str(":[");
    encode(head, n, &mut out);
    out.push(',');
    encode(text, n, &mut out);
    out.push(']');
    out
}

/// The token shards made so far: their files, the keys of the shards that
/// hold tokens and of those split (their file a summary).
#[derive(Default)]
struct Shards {
    n: usize,
    max_bytes: usize,
    files: Vec<File>,
    leaves: Vec<String>,
    split: Vec<String>,
}

impl Shards {
    /// Adds the shard `key` of `list`, split when above `max_bytes`.
    fn place(&mut self, name: String, mut list: Vec<Token>) {
        let depth = name.chars().count();
        let bytes: usize = list.iter().map(|t| t.json.len() + 1).sum();
        if bytes <= self.max_bytes || depth >= MAX_KEY_CHARS {
            list.sort_unstable_by(|a, b| a.text.cmp(b.text));
            self.files.push(shard(&name, list.iter().map(|t| &t.json)));
            self.leaves.push(name);
            return;
        }
        let mut prefixes: BTreeMap<&str, Postings> = BTreeMap::new();
        let mut children: BTreeMap<String, Vec<Token>> = BTreeMap::new();
        for t in list {
            let (head, text) = prefixes.entry(super::cut(t.text, depth)).or_default();
            head.extend(&t.postings.0);
            text.extend(&t.postings.1);
            if t.text.chars().nth(depth).is_some() {
                children.entry(key(t.text, depth + 1)).or_default().push(t);
            }
        }
        let summary: Vec<String> = prefixes
            .into_iter()
            .map(|(p, lists)| entry_json(p, &union(lists), self.n))
            .collect();
        self.files.push(shard(&name, summary.iter()));
        self.split.push(name);
        for (k, l) in children {
            self.place(k, l);
        }
    }
}

/// The records of a prefix from those of its tokens: each once, by name or
/// title when any token is there, else by other text (as a query ranks them).
fn union((mut head, mut text): Postings) -> Postings {
    head.sort_unstable();
    head.dedup();
    text.sort_unstable();
    text.dedup();
    text.retain(|r| head.binary_search(r).is_err());
    (head, text)
}

/// `index.js`: `ITSM_SEARCH = {n, chunk, kinds: [[id, plural, first, count], ...],
/// shards: [keys], split: [keys]}` (`split` only when a shard is split).
fn manifest(order: &[&Entry], leaves: &[String], split: &[String]) -> File {
    let mut kinds = Vec::new();
    for k in Kind::ALL {
        let first = order.partition_point(|e| kind_index(e) < k.index());
        let end = order.partition_point(|e| kind_index(e) <= k.index());
        if end > first {
            kinds.push((k.id(), crate::site::pages::plural(k), first, end - first));
        }
    }
    let mut json = serde_json::json!({
        "n": order.len(), "chunk": DOC_CHUNK, "kinds": kinds, "shards": leaves,
    });
    if let (false, Some(map)) = (split.is_empty(), json.as_object_mut()) {
        map.insert("split".into(), split.into());
    }
    File {
        path: "assets/search/index.js".into(),
        bytes: format!("window.ITSM_SEARCH={json};\n").into_bytes(),
    }
}

/// `t-KEY.js`: the entries of one shard (its tokens, or the summary of a
/// split shard), each `"token":[head,text]`.
fn shard<'a>(key: &str, entries: impl Iterator<Item = &'a String>) -> File {
    let mut out = format!("ITSM_SEARCH_PART(\"t-{key}\",{{");
    for (i, e) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str("});\n");
    File {
        path: format!("assets/search/t-{key}.js"),
        bytes: out.into_bytes(),
    }
}

/// Appends one list of ascending record numbers: `0`, gaps, or a bitmap.
fn encode(list: &[u32], n: usize, out: &mut String) {
    if list.is_empty() {
        out.push('0');
        return;
    }
    let mut gaps = String::from("[");
    let mut last = 0;
    for (i, &r) in list.iter().enumerate() {
        if i > 0 {
            gaps.push(',');
        }
        let _ = write!(gaps, "{}", r - last);
        last = r;
    }
    gaps.push(']');
    let bitmap_len = n.div_ceil(8).div_ceil(3) * 4 + 2;
    if gaps.len() <= bitmap_len {
        out.push_str(&gaps);
        return;
    }
    let mut bits = vec![0u8; n.div_ceil(8)];
    for &r in list {
        bits[r as usize / 8] |= 1 << (r % 8);
    }
    out.push('"');
    out.push_str(&base64(&bits));
    out.push('"');
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                out.push(ABC[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `d-N.js`: chunk `N` of the documents, `[name, title, snippet, stem?]` each.
fn docs(c: usize, chunk: &[&Entry]) -> File {
    let rows: Vec<serde_json::Value> = chunk
        .iter()
        .map(|e| {
            let mut row = serde_json::json!([e.name, e.title, e.snippet]);
            if let (Some(stem), Some(a)) = (&e.stem, row.as_array_mut()) {
                a.push(stem.as_str().into());
            }
            row
        })
        .collect();
    let json = serde_json::Value::Array(rows);
    File {
        path: format!("assets/search/d-{c}.js"),
        bytes: format!("ITSM_SEARCH_PART(\"d-{c}\",{json});\n").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path and text of each file of the index but the documents.
    fn shard_files(max_bytes: usize) -> Vec<(String, String)> {
        let entry = |name: &str, head: &[&str], text: &[&str]| Entry {
            kind: Some(Kind::Service),
            name: name.into(),
            head: head.iter().map(|t| t.to_string()).collect(),
            text: text.iter().map(|t| t.to_string()).collect(),
            ..Entry::default()
        };
        let entries = [
            entry("y", &["abd"], &["ab"]),
            entry("x", &["abc", "ab"], &[]),
        ];
        files_split_above(&entries, max_bytes)
            .into_iter()
            .filter(|f| !f.path.contains("/d-"))
            .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
            .collect()
    }

    #[test]
    fn a_split_shard_is_the_summary_of_its_prefixes() {
        let whole = shard_files(usize::MAX);
        assert_eq!(whole.len(), 2);
        assert!(
            whole[0].1.ends_with("\"shards\":[\"ab\"]};\n"),
            "{}",
            whole[0].1
        );
        assert_eq!(
            whole[1],
            (
                "assets/search/t-ab.js".into(),
                "ITSM_SEARCH_PART(\"t-ab\",{\"ab\":[[0],[1]],\"abc\":[[0],0],\"abd\":[[1],0]});\n"
                    .into()
            )
        );
        // Split to the end: `ab` holds the records of every token starting so.
        let split = shard_files(0);
        assert!(
            split[0]
                .1
                .ends_with("\"shards\":[],\"split\":[\"ab\",\"abc\",\"abd\"]};\n"),
            "{}",
            split[0].1
        );
        let split: Vec<&str> = split[1..].iter().map(|(_, text)| text.as_str()).collect();
        assert_eq!(
            split,
            [
                "ITSM_SEARCH_PART(\"t-ab\",{\"ab\":[[0,1],0]});\n",
                "ITSM_SEARCH_PART(\"t-abc\",{\"abc\":[[0],0]});\n",
                "ITSM_SEARCH_PART(\"t-abd\",{\"abd\":[[1],0]});\n",
            ]
        );
        // Split above 40 bytes: `ab` (43 bytes of entries) only.
        let some = shard_files(40);
        assert!(
            some[0]
                .1
                .ends_with("\"shards\":[\"abc\",\"abd\"],\"split\":[\"ab\"]};\n"),
            "{}",
            some[0].1
        );
    }

    #[test]
    fn keys_name_files() {
        assert_eq!(shard_key("8.5.1"), "8_");
        assert_eq!(key("8.5.1", 4), "8_5_");
        assert_eq!(key("écran", 3), "_cr");
        assert_eq!(key("ab", 6), "ab");
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
    }

    #[test]
    fn lists_are_gaps_or_a_bitmap() {
        let mut out = String::new();
        encode(&[2, 5, 9], 1000, &mut out);
        assert_eq!(out, "[2,3,4]");
        out.clear();
        encode(&(0..16).collect::<Vec<_>>(), 16, &mut out);
        assert_eq!(out, "\"//8=\"");
    }
}
