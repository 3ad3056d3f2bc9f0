//! `--format json`: a summary and every diagnostic, as the contract shows.
//! `summary.errors` and `summary.warnings` count every finding; findings past
//! [`super::MAX_PER_FILE`] in a file are counted per file in `summary.omitted`.

use super::{Report, escape};
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
                "message": f.message,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "record": f.record,
                "pointer": f.pointer,
                "help": f.help,
            })
        })
        .collect();
    let omitted: Vec<Value> = report
        .omitted()
        .iter()
        .map(|o| json!({"file": o.file, "errors": o.errors, "warnings": o.warnings}))
        .collect();
    let doc = json!({
        "summary": {
            "files": report.files_scanned,
            "records": report.records,
            "errors": counts.errors,
            "warnings": counts.warnings,
            "omitted": omitted,
        },
        "diagnostics": diagnostics,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    escape::json(out)
}
