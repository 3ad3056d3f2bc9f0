//! `--format json`: a summary and every diagnostic, as the contract shows.

use super::Report;
use crate::diag::Counts;
use serde_json::{Value, json};

pub fn render(report: &Report<'_>) -> String {
    let counts = Counts::of(report.diagnostics);
    let diagnostics: Vec<Value> = report
        .flat()
        .map(|f| {
            json!({
                "severity": f.d.severity.as_str(),
                "code": f.d.code.as_str(),
                "message": f.d.message,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "record": f.d.record,
                "pointer": f.d.location.pointer,
                "help": f.d.help,
            })
        })
        .collect();
    let doc = json!({
        "summary": {
            "files": report.files_scanned,
            "records": report.records,
            "errors": counts.errors,
            "warnings": counts.warnings,
        },
        "diagnostics": diagnostics,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
