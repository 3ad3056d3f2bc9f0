//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other viewers.

use super::Report;
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
    let results: Vec<Value> = report
        .flat()
        .map(|f| {
            let rule_index = Code::ALL.iter().position(|c| *c == f.d.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": f.d.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(f.d.severity),
                "message": {"text": f.d.message},
            });
            if let Some(file) = f.file {
                let mut region = json!({});
                if let (Some(line), Some(col)) = (f.line, f.column) {
                    region = json!({"startLine": line, "startColumn": col});
                    if let Some(end) = f.end_column {
                        region["endColumn"] = json!(end);
                    }
                }
                let mut location = json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                    }
                });
                if region.as_object().is_some_and(|r| !r.is_empty()) {
                    location["physicalLocation"]["region"] = region;
                }
                if let Some(record) = &f.d.record {
                    location["logicalLocations"] =
                        json!([{"fullyQualifiedName": record, "kind": "object"}]);
                }
                result["locations"] = json!([location]);
            }
            let mut properties = serde_json::Map::new();
            if let Some(pointer) = &f.d.location.pointer {
                properties.insert("pointer".into(), json!(pointer));
            }
            if let Some(help) = &f.d.help {
                properties.insert("help".into(), json!(help));
            }
            if !properties.is_empty() {
                result["properties"] = Value::Object(properties);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "itsm",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
