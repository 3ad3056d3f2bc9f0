//! Importers: records of other catalogues converted to `itsm` records.

pub mod backstage;
pub mod logins;

use crate::load::yaml::SyntaxError;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::fmt::Write as _;

/// A file given to an importer that is not YAML.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{}:{}: {}", .error.pos.line, .error.pos.col, .error.message)]
pub struct NotYaml {
    /// The file, as given.
    pub file: String,
    pub error: SyntaxError,
}

/// Writes a JSON value as block-style YAML: strings double-quoted (JSON string
/// syntax is valid YAML), keys bare when they are plain words.
pub fn to_yaml(value: &Json) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out);
    out
}

fn emit(value: &Json, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                block_or_inline(v, indent, out);
            }
        }
        Json::Array(items) => {
            for v in items {
                out.push_str(&pad);
                out.push_str("- ");
                match v {
                    Json::Object(map) if !map.is_empty() => {
                        // The first entry on the dash line, the others aligned under it.
                        let mut first = String::new();
                        emit(v, indent + 2, &mut first);
                        out.push_str(first.trim_start());
                    }
                    _ => {
                        out.push_str(&scalar(v));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

fn block_or_inline(v: &Json, indent: usize, out: &mut String) {
    match v {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        Json::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain { k.to_string() } else { quote(k) }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) if plain(s) => s.clone(),
        Json::String(s) => quote(s),
        Json::Array(_) => "[]".into(),
        Json::Object(_) => "{}".into(),
    }
}

/// Whether a string can stay unquoted: a word starting with a letter, made of
/// letters, digits and `-_./`, that YAML does not read as a boolean or null.
fn plain(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

/// A YAML double-quoted scalar. Beyond JSON's escapes, every character YAML
/// does not allow raw (DEL, C1 controls, U+FFFE/FFFF), reads as a line break
/// in YAML 1.1 (U+0085, U+2028, U+2029) or can hide text on a terminal or a
/// page (bidirectional and zero-width formatting characters, BOM) is escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text that reaches a terminal, with what could move the cursor, recolour,
/// reorder or hide text (controls, bidirectional and zero-width formatting
/// characters) written as `\u{..}` escapes.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Controls and invisible formatting characters.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
                | '\u{fffe}'
                | '\u{ffff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_round_trips_through_the_loader() {
        let v = serde_json::json!({
            "apiVersion": "itsm/v1",
            "metadata": {"name": "a", "labels": {"example.com/x": "y: z", "b": "yes", "c": "No", "d": "1.5", "e": "2026-01-01", "f": "a b"}, "links": [{"title": "T", "url": "https://x"}]},
            "spec": {"members": [{"login": "a", "name": "A \"B\"\n\u{1b}[31m\u{7f}\u{85}\u{9b}\u{2028}\u{202e}\u{feff}\\é"}], "tier": 3, "cis": [], "dependsOn": ["x", "y"]}
        });
        let text = to_yaml(&v);
        let (docs, err) = crate::load::yaml::parse(&text);
        assert!(err.is_none(), "{text}");
        assert_eq!(docs[0].value.to_json(), v, "{text}");
        // Nothing that a terminal or YAML 1.1 reads as a control is left raw.
        assert!(!text.chars().any(|c| c != '\n' && hidden(c)), "{text:?}");
    }

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("plain é"), "plain é");
        assert_eq!(
            printable("a\u{1b}[2Jb\nc\u{202e}d\u{9b}"),
            "a\\u{1b}[2Jb\\u{a}c\\u{202e}d\\u{9b}"
        );
    }
}
