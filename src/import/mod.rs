//! Importers: records of other catalogues converted to `itsm` records.

pub mod backstage;

use serde_json::Value as Json;

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

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_round_trips_through_the_loader() {
        let v = serde_json::json!({
            "apiVersion": "itsm/v1",
            "metadata": {"name": "a", "labels": {"example.com/x": "y: z", "b": "yes", "c": "No", "d": "1.5", "e": "2026-01-01", "f": "a b"}, "links": [{"title": "T", "url": "https://x"}]},
            "spec": {"members": [{"login": "a", "name": "A \"B\"\n"}], "tier": 3, "cis": [], "dependsOn": ["x", "y"]}
        });
        let text = to_yaml(&v);
        let (docs, err) = crate::load::yaml::parse(&text);
        assert!(err.is_none(), "{text}");
        assert_eq!(docs[0].value.to_json(), v, "{text}");
    }
}
