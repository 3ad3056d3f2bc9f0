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
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Records per chunk of documents.
pub const DOC_CHUNK: usize = 50;

/// The shard a token belongs to: its first two characters, each kept when an
/// ASCII letter or digit and `_` otherwise (so that it names a file).
pub fn shard_key(token: &str) -> String {
    token
        .chars()
        .take(2)
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

/// Every file of the index of `entries` (records without a name left out).
pub fn files(entries: &[Entry]) -> Vec<File> {
    let mut order: Vec<&Entry> = entries.iter().filter(|e| !e.name.is_empty()).collect();
    order.sort_by(|a, b| (kind_index(a), &a.name).cmp(&(kind_index(b), &b.name)));
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
    let mut shards: BTreeMap<String, Vec<(&str, Postings)>> = BTreeMap::new();
    for (t, p) in tokens {
        shards.entry(shard_key(t)).or_default().push((t, p));
    }
    let mut files = vec![manifest(&order, &shards)];
    for (key, mut list) in shards {
        list.sort_unstable_by(|a, b| a.0.cmp(b.0));
        files.push(shard(&key, &list, n));
    }
    for (c, chunk) in order.chunks(DOC_CHUNK).enumerate() {
        files.push(docs(c, chunk));
    }
    files
}

fn kind_index(e: &Entry) -> usize {
    e.kind.map_or(usize::MAX, Kind::index)
}

/// `index.js`: `ITSM_SEARCH = {n, chunk, kinds: [[id, plural, first, count], ...], shards: [keys]}`.
fn manifest(order: &[&Entry], shards: &BTreeMap<String, Vec<(&str, Postings)>>) -> File {
    let mut kinds = Vec::new();
    for k in Kind::ALL {
        let first = order.partition_point(|e| kind_index(e) < k.index());
        let end = order.partition_point(|e| kind_index(e) <= k.index());
        if end > first {
            kinds.push((k.id(), crate::site::pages::plural(k), first, end - first));
        }
    }
    let keys: Vec<&String> = shards.keys().collect();
    let json = serde_json::json!({
        "n": order.len(), "chunk": DOC_CHUNK, "kinds": kinds, "shards": keys,
    });
    File {
        path: "assets/search/index.js".into(),
        bytes: format!("window.ITSM_SEARCH={json};\n").into_bytes(),
    }
}

/// `t-KEY.js`: the tokens of one shard, each with its two lists of records.
fn shard(key: &str, list: &[(&str, Postings)], n: usize) -> File {
    let mut out = format!("ITSM_SEARCH_PART(\"t-{key}\",{{");
    for (i, (t, (head, text))) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(t).unwrap_or_default());
        out.push_str(":[");
        encode(head, n, &mut out);
        out.push(',');
        encode(text, n, &mut out);
        out.push(']');
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
