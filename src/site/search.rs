//! The client-side search index: one compact JavaScript file (so that it loads
//! from `file://`, where `fetch` is blocked) holding, per record, its kind, name,
//! title and a short list of distinct words from its description, labels and body.

use crate::link::Catalog;
use crate::model::{Kind, Record};
use rayon::prelude::*;
use std::collections::HashSet;

/// Distinct words kept per record (besides its name and title).
const MAX_WORDS: usize = 40;
/// Characters of the body looked at.
const BODY_CHARS: usize = 2000;

/// `search-index.js`: `ITSM_SEARCH = {k: [kinds], r: [[kind, name, title, words], ...]}`.
/// The title is empty when it is the name.
pub fn index(catalog: &Catalog) -> String {
    let rows: Vec<String> = catalog.repo.records.par_iter().map(row).collect();
    assemble(&rows)
}

/// The row of one record in the index (it depends on that record alone).
pub fn row(r: &Record) -> String {
    let kind = Kind::ALL.iter().position(|k| *k == r.id.kind).unwrap_or(0);
    let title = r.title();
    let title = if title == r.id.name { "" } else { title };
    let row = (kind, &r.id.name, title, words(r, title));
    serde_json::to_string(&row).unwrap_or_default()
}

/// The index of the records whose rows are `rows`, in the catalogue's order.
pub fn assemble(rows: &[String]) -> String {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
    let mut out = String::with_capacity(rows.iter().map(|r| r.len() + 2).sum::<usize>() + 200);
    out.push_str("window.ITSM_SEARCH={k:");
    out.push_str(&serde_json::to_string(&kinds).unwrap_or_default());
    out.push_str(",r:[\n");
    out.push_str(&rows.join(",\n"));
    out.push_str("]};\n");
    out
}

/// Distinct lower-case words (3+ letters) of the description, labels and body
/// that are not already in the name or title.
fn words(r: &Record, title: &str) -> String {
    let mut seen: HashSet<String> = HashSet::new();
    let mut name_words = |s: &str| {
        for w in split(s) {
            seen.insert(w);
        }
    };
    name_words(&r.id.name);
    name_words(title);
    let mut out: Vec<String> = Vec::new();
    let mut push = |text: &str, out: &mut Vec<String>| {
        for w in split(text) {
            if out.len() >= MAX_WORDS {
                return;
            }
            if w.len() >= 3 && seen.insert(w.clone()) {
                out.push(w);
            }
        }
    };
    if let Some(labels) = r.metadata_value("labels").and_then(|v| v.as_map()) {
        for (k, v) in labels {
            push(k, &mut out);
            if let Some(v) = v.as_str() {
                push(v, &mut out);
            }
        }
    }
    if let Some(d) = r.metadata("description") {
        push(d, &mut out);
    }
    if let Some(body) = r.body() {
        let end = body
            .char_indices()
            .nth(BODY_CHARS)
            .map_or(body.len(), |(i, _)| i);
        push(&body[..end], &mut out);
    }
    out.join(" ")
}

fn split(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}
