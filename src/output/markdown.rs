//! `--format markdown`: a summary and a table of findings, for a pull-request
//! comment or the job summary of GitHub Actions (`$GITHUB_STEP_SUMMARY`).

use super::Report;
use crate::diag::{Counts, Severity};
use std::fmt::Write;

/// Rows in the table; GitHub caps a step summary at 1 MiB.
pub const MAX_ROWS: usize = 1000;

pub fn render(report: &Report<'_>) -> String {
    let counts = Counts::of(report.diagnostics);
    let mut out = String::from("## itsm check\n\n");
    let verdict = if counts.errors > 0 {
        ":x: **failed**"
    } else if counts.warnings > 0 {
        ":warning: **passed with warnings**"
    } else {
        ":white_check_mark: **passed**"
    };
    let _ = writeln!(
        out,
        "{verdict}: {} in {} records in {} files.\n",
        plural(counts.errors, "error") + " and " + &plural(counts.warnings, "warning"),
        report.records,
        report.files_scanned,
    );
    if report.diagnostics.is_empty() {
        return out;
    }
    out.push_str("| | code | where | message |\n|---|---|---|---|\n");
    for f in report.flat().take(MAX_ROWS) {
        let icon = match f.d.severity {
            Severity::Error => ":x:",
            Severity::Warning => ":warning:",
        };
        let place = match (f.file, f.line, f.column) {
            (Some(file), Some(l), Some(c)) => format!("`{}:{l}:{c}`", code(file)),
            (Some(file), _, _) => format!("`{}`", code(file)),
            _ => String::new(),
        };
        let mut message = cell(&f.d.message);
        if let Some(help) = &f.d.help {
            let _ = write!(message, "<br>help: {}", cell(help));
        }
        let _ = writeln!(out, "| {icon} | `{}` | {place} | {message} |", f.d.code);
    }
    if report.diagnostics.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n{} more findings are not listed here: run `itsm check` to see them all.",
            report.diagnostics.len() - MAX_ROWS
        );
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Text inside a table cell: no line breaks, no column separators, no raw HTML,
/// backslashes kept as written.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span (backticks cannot be escaped there).
fn code(s: &str) -> String {
    s.replace('`', "'").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b\n<script>"), "a\\|b &lt;script&gt;");
        assert_eq!(cell(r"C:\x"), r"C:\\x");
    }
}
