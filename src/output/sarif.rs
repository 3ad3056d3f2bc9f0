//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other viewers.
//! File paths are relative URI references (percent-encoded) against
//! `%SRCROOT%`; findings past [`super::MAX_PER_FILE`] in a file are counted in
//! one tool notification per file.

use super::{Flat, Report, escape};
use crate::diag::{Code, Severity};
use serde_json::{Value, json};

pub fn render(report: &Report<'_>) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.description()},
                "defaultConfiguration": {"level": level(code.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = report.flat().map(|f| result(&f)).collect();
    let notifications: Vec<Value> = report
        .omitted()
        .iter()
        .map(|o| {
            let mut n = json!({"level": "note", "message": {"text": text(&o.sentence())}});
            if let Some(file) = o.file {
                n["locations"] = json!([{"physicalLocation": artifact(file)}]);
            }
            n
        })
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "itsm",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if !notifications.is_empty() {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    escape::json(out)
}

/// A file path as a relative URI reference (RFC 3986): every byte but the
/// unreserved characters and `/` is percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Flat<'_>) -> Value {
    let rule_index = Code::ALL.iter().position(|c| *c == f.d.code).unwrap_or(0);
    let mut result = json!({
        "ruleId": f.d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(f.d.severity),
        "message": {"text": text(&f.message)},
    });
    if let Some(file) = f.file {
        let mut location = json!({"physicalLocation": artifact(file)});
        if let (Some(line), Some(col)) = (f.line, f.column) {
            let mut region = json!({"startLine": line, "startColumn": col});
            if let Some(end) = f.end_column {
                region["endColumn"] = json!(end);
            }
            location["physicalLocation"]["region"] = region;
        }
        if let Some(record) = &f.record {
            location["logicalLocations"] =
                json!([{"fullyQualifiedName": record, "kind": "object"}]);
        }
        result["locations"] = json!([location]);
    }
    let mut properties = serde_json::Map::new();
    if let Some(pointer) = &f.pointer {
        properties.insert("pointer".into(), json!(pointer));
    }
    if let Some(help) = &f.help {
        properties.insert("help".into(), json!(help));
    }
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    result
}

fn artifact(file: &str) -> Value {
    json!({"artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"}})
}

/// A message's text: SARIF viewers read `[text](target)` as a link, so literal
/// brackets are escaped with a backslash (SARIF 2.1.0, 3.11.6).
fn text(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded_uri_references() {
        assert_eq!(
            uri("services/with space/bad é.yaml"),
            "services/with%20space/bad%20%C3%A9.yaml"
        );
        assert_eq!(uri("a:b/%#?[x].yaml"), "a%3Ab/%25%23%3F%5Bx%5D.yaml");
        assert_eq!(uri("ok/x-1_2.~y"), "ok/x-1_2.~y");
    }

    #[test]
    fn message_brackets_are_not_links() {
        assert_eq!(text("see [here](http://e.x)"), "see \\[here\\](http://e.x)");
    }
}
