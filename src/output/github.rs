//! `--format github`: workflow commands that GitHub turns into annotations on the
//! pull request. GitHub shows at most 10 annotations of each severity per step,
//! so the first ten of each are annotations and the rest plain log lines.

use super::Report;
use crate::diag::{Counts, Severity};
use std::fmt::Write;

/// Annotations GitHub keeps per severity and step.
pub const LIMIT: usize = 10;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let mut shown = [0usize; 2];
    for f in report.flat() {
        let slot = (f.d.severity == Severity::Warning) as usize;
        let message = match &f.d.help {
            Some(help) => format!("{}\nhelp: {help}", f.d.message),
            None => f.d.message.clone(),
        };
        if shown[slot] < LIMIT {
            shown[slot] += 1;
            let mut props = Vec::new();
            if let Some(file) = f.file {
                props.push(format!("file={}", property(file)));
            }
            if let Some(line) = f.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = f.column {
                props.push(format!("col={col}"));
            }
            if let Some(end) = f.end_column {
                props.push(format!("endColumn={end}"));
            }
            props.push(format!("title={}", property(f.d.code.as_str())));
            let _ = writeln!(
                out,
                "::{} {}::{}",
                f.d.severity.as_str(),
                props.join(","),
                data(&message)
            );
        } else {
            let place = match (f.file, f.line, f.column) {
                (Some(file), Some(l), Some(c)) => format!("{file}:{l}:{c}: "),
                (Some(file), _, _) => format!("{file}: "),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "{place}{}[{}]: {}",
                f.d.severity.as_str(),
                f.d.code,
                f.d.message
            );
        }
    }
    let counts = Counts::of(report.diagnostics);
    let hidden = (counts.errors - shown[0], counts.warnings - shown[1]);
    if hidden != (0, 0) {
        let _ = writeln!(
            out,
            "::notice title=itsm::{} errors and {} warnings in all; {} errors and {} warnings are not annotated (GitHub shows {LIMIT} of each): see the log above or the job summary",
            counts.errors, counts.warnings, hidden.0, hidden.1
        );
    }
    out
}

/// Escapes the message of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
