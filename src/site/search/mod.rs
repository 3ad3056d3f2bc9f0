//! The client-side search index, sharded so that a query loads only what it
//! needs (every file a script, so that it loads from `file://`, where `fetch`
//! is blocked):
//!
//! - `assets/search/index.js`: the manifest: the kinds (each a range of record
//!   numbers: records are numbered by kind, then name), the shards that exist
//!   (those split apart) and the size of a chunk of documents;
//! - `assets/search/t-XY.js`: the tokens starting with `XY` ([`shard_key`]),
//!   each with the records whose name or title holds it and the records whose
//!   other text does (see [`shards`] for the encoding); a shard above
//!   [`SHARD_BYTES`] is split by a third character (`t-XYZ.js`, and so on),
//!   its own file then the summary of its tokens ([`files_split_above`]), so
//!   that no query word loads more than one file of about that size;
//! - `assets/search/d-N.js`: chunk `N` of the documents: per record its name,
//!   title and the text a snippet is cut from (description, annotations, ...).
//!
//! Tokens are words of letters and digits, lower case, at least two
//! characters; a clause number (`8.5.1`) is one token.

mod shards;

pub use shards::{DOC_CHUNK, MAX_KEY_CHARS, SHARD_BYTES, files, files_split_above, key, shard_key};

use crate::link::Catalog;
use crate::model::{Kind, Record};
use crate::site::file::file_stem;
use crate::value::Value;
use rayon::prelude::*;
use std::collections::HashSet;

/// Distinct tokens kept per record besides those of its name and title.
const MAX_TOKENS: usize = 160;
/// Characters of the body looked at.
const BODY_CHARS: usize = 2000;
/// Characters of the spec's strings looked at (team members, clauses, ...).
const SPEC_CHARS: usize = 2000;
/// Characters of a token kept (longer tokens are cut).
const TOKEN_CHARS: usize = 40;
/// Characters of the text a snippet is cut from.
const SNIPPET_CHARS: usize = 300;

/// What the index holds of one record.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub kind: Option<Kind>,
    /// Empty for a record without a name (it has no page and is left out).
    pub name: String,
    /// The page's file stem, when it is not the name.
    pub stem: Option<String>,
    /// Empty when it is the name.
    pub title: String,
    /// The tokens of the name and title.
    pub head: Vec<String>,
    /// The other tokens, distinct, none of `head`.
    pub text: Vec<String>,
    /// The text a snippet is cut from.
    pub snippet: String,
}

/// The files of the index of every record of `catalog`.
pub fn index(catalog: &Catalog) -> Vec<crate::site::File> {
    let entries: Vec<Entry> = catalog.repo.records.par_iter().map(entry).collect();
    files(&entries)
}

/// What the index holds of `r` (it depends on that record alone).
pub fn entry(r: &Record) -> Entry {
    let title = r.title();
    let title = if title == r.id.name { "" } else { title };
    let mut seen = HashSet::new();
    let mut head = Vec::new();
    for t in tokens(&r.id.name).chain(tokens(title)) {
        if seen.insert(t.clone()) {
            head.push(t);
        }
    }
    let mut text = Vec::new();
    for part in texts(r) {
        for t in tokens(&part) {
            if text.len() >= MAX_TOKENS {
                break;
            }
            if seen.insert(t.clone()) {
                text.push(t);
            }
        }
    }
    let stem = file_stem(&r.id.name);
    Entry {
        kind: Some(r.id.kind),
        stem: (stem != r.id.name).then_some(stem),
        name: r.id.name.clone(),
        title: title.to_string(),
        head,
        text,
        snippet: snippet(r),
    }
}

/// The text of a record searched besides its name and title: labels,
/// description, annotations, the strings of its spec, the start of its body.
fn texts(r: &Record) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["labels", "annotations"] {
        for (k, v) in r.metadata_value(key).and_then(Value::as_map).unwrap_or(&[]) {
            out.push(k.to_string());
            out.extend(v.as_str().map(str::to_string));
        }
    }
    out.extend(r.metadata("description").map(str::to_string));
    let mut budget = SPEC_CHARS;
    if let Some(spec) = r.value.get("spec") {
        spec_strings(spec, &mut budget, &mut out);
    }
    out.extend(r.body().map(|b| cut(b, BODY_CHARS).to_string()));
    out
}

/// The strings of a spec (not its `body`), until `budget` characters are taken.
fn spec_strings(v: &Value, budget: &mut usize, out: &mut Vec<String>) {
    match v {
        Value::Str(s) if *budget > 0 => {
            let s = cut(s, *budget);
            *budget -= s.chars().count();
            out.push(s.to_string());
        }
        Value::Seq(items) => items.iter().for_each(|i| spec_strings(i, budget, out)),
        Value::Map(entries) => entries
            .iter()
            .filter(|(k, _)| &**k != "body")
            .for_each(|(_, v)| spec_strings(v, budget, out)),
        _ => {}
    }
}

/// The text a result's snippet is cut from: the description, then the
/// annotations and the labels (`key: value`), at most [`SNIPPET_CHARS`].
fn snippet(r: &Record) -> String {
    let mut parts: Vec<String> = r
        .metadata("description")
        .map(str::to_string)
        .into_iter()
        .collect();
    for key in ["annotations", "labels"] {
        for (k, v) in r.metadata_value(key).and_then(Value::as_map).unwrap_or(&[]) {
            if let Some(v) = v.as_str() {
                parts.push(format!("{k}: {v}"));
            }
        }
    }
    let text = parts.join(" · ");
    cut(&text, SNIPPET_CHARS).to_string()
}

/// The first `n` characters of `s`.
fn cut(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The tokens of `text`, in order: lower-case runs of letters and digits of
/// two characters or more, a clause number (`8.5.1`: digits and dots) kept whole.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .flat_map(|run| {
            let run = run.trim_matches('.');
            let clause = run.contains('.') && run.chars().all(|c| c.is_ascii_digit() || c == '.');
            let parts: Vec<&str> = if clause {
                vec![run]
            } else {
                run.split('.').collect()
            };
            parts
        })
        .filter(|t| t.chars().nth(1).is_some())
        .map(|t| cut(&t.to_lowercase(), TOKEN_CHARS).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_clause_numbers_and_split_the_rest() {
        let t: Vec<String> =
            tokens("See 8.5.1, amara.okafor@north-wind.example: PAY0001 a 8. x.y").collect();
        assert_eq!(
            t,
            [
                "see", "8.5.1", "amara", "okafor", "north", "wind", "example", "pay0001"
            ]
        );
    }
}
