//! Printers for a record diff: human, JSON and Markdown.

use super::{FieldChange, RecordDiff, Touch};
use crate::output::markdown::cell;
use std::fmt::Write;

/// Values longer than this are shortened in human and Markdown output.
const SHOWN_CHARS: usize = 80;

/// One line per record, then one per changed field, then a summary line.
pub fn human(diff: &RecordDiff, summary: bool) -> String {
    let mut out = String::new();
    for (touch, e) in diff.touched() {
        let moved = e
            .previous_file
            .as_deref()
            .map(|p| format!(", moved from {p}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<8} {}  ({}{moved})",
            touch.as_str(),
            e.record,
            e.file
        );
        for c in &e.changes {
            let _ = writeln!(out, "  {}", change_line(c));
        }
    }
    if summary {
        let _ = writeln!(out, "{}", totals(diff));
    }
    out
}

/// `{"summary": {...}, "added": [...], "modified": [...], "removed": [...]}`.
pub fn json(diff: &RecordDiff, base: &str, head: &str) -> String {
    let doc = serde_json::json!({
        "base": base,
        "head": head,
        "summary": {
            "added": diff.added.len(),
            "modified": diff.modified.len(),
            "removed": diff.removed.len(),
        },
        "added": diff.added,
        "modified": diff.modified,
        "removed": diff.removed,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A table of records and, per modified record, a table of its changed fields.
pub fn markdown(diff: &RecordDiff, base: &str, head: &str) -> String {
    let mut out = format!("### Records changed from `{base}` to `{head}`\n\n");
    if diff.is_empty() {
        out.push_str("No record differs.\n");
        return out;
    }
    out.push_str("| change | record | file |\n|---|---|---|\n");
    for (touch, e) in diff.touched() {
        let file = match &e.previous_file {
            Some(p) => format!("`{}` (was `{}`)", cell(&e.file), cell(p)),
            None => format!("`{}`", cell(&e.file)),
        };
        let _ = writeln!(out, "| {} | `{}` | {file} |", touch.as_str(), e.record);
    }
    for e in &diff.modified {
        let _ = write!(
            out,
            "\n#### `{}`\n\n| field | before | after |\n|---|---|---|\n",
            e.record
        );
        for c in &e.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&c.pointer),
                c.old.as_ref().map_or("".into(), |v| cell(&shown(v))),
                c.new.as_ref().map_or("".into(), |v| cell(&shown(v))),
            );
        }
    }
    let _ = write!(out, "\n{}\n", totals(diff));
    out
}

/// `3 records differ: 1 added, 1 modified, 1 removed`.
pub fn totals(diff: &RecordDiff) -> String {
    let n = diff.added.len() + diff.modified.len() + diff.removed.len();
    if n == 0 {
        return "no record differs".into();
    }
    format!(
        "{n} record{} differ{}: {} added, {} modified, {} removed",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        diff.added.len(),
        diff.modified.len(),
        diff.removed.len()
    )
}

fn change_line(c: &FieldChange) -> String {
    match (&c.old, &c.new) {
        (Some(o), Some(n)) => format!("{}: {} -> {}", c.pointer, shown(o), shown(n)),
        (None, Some(n)) => format!("{}: added {}", c.pointer, shown(n)),
        (Some(o), None) => format!("{}: removed (was {})", c.pointer, shown(o)),
        (None, None) => c.pointer.clone(),
    }
}

/// A value as compact JSON, shortened.
fn shown(v: &serde_json::Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SHOWN_CHARS - 1).collect();
    format!("{cut}…")
}

impl std::fmt::Display for Touch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
