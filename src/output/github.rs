//! `--format github`: workflow commands that GitHub turns into annotations on the
//! pull request. GitHub shows at most 10 annotations of each severity per step,
//! so the first ten of each are annotations and the rest plain log lines.
//! Every line is either one of these commands, escaped as GitHub's toolkit
//! escapes them, or a plain line that a runner cannot take for a command.

use super::{Report, escape};
use crate::diag::{Counts, Severity};
use std::fmt::Write;

/// Annotations GitHub keeps per severity and step.
pub const LIMIT: usize = 10;

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    let mut shown = [0usize; 2];
    for f in report.flat() {
        let slot = (f.d.severity == Severity::Warning) as usize;
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
            props.push(format!("title={}", property(f.d.code.as_str())));
            let _ = writeln!(
                out,
                "::{} {}::{}",
                f.d.severity.as_str(),
                props.join(","),
                data(&f.message)
            );
        } else {
            let place = match (f.file, f.line, f.column) {
                (Some(file), Some(l), Some(c)) => format!("{file}:{l}:{c}: "),
                (Some(file), _, _) => format!("{file}: "),
                _ => String::new(),
            };
            let line = format!(
                "{place}{}[{}]: {}",
                f.d.severity.as_str(),
                f.d.code,
                f.message
            );
            let _ = writeln!(out, "{}", plain(&line));
        }
    }
    for o in report.omitted() {
        let _ = writeln!(out, "{}", plain(&o.sentence()));
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

/// A log line that is not a command: escaped, and guarded so that a runner
/// never reads it as one.
pub(crate) fn plain(s: &str) -> String {
    escape::guard(&escape::log(s)).into_owned()
}

/// Escapes the message of a workflow command as GitHub's toolkit does (`%`,
/// CR, LF), and shows other control characters escaped.
pub(crate) fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => escape::push_visible(&mut out, c),
        }
    }
    out
}

/// Escapes a property value of a workflow command as GitHub's toolkit does
/// (also `:` and `,`).
pub(crate) fn property(s: &str) -> String {
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

#[cfg(test)]
mod limit_tests {
    use super::*;
    use crate::diag::{Code, Diagnostic};
    use crate::source::{Files, SourceFile, Span};

    #[test]
    fn at_most_ten_annotations_per_severity_then_plain_lines_and_a_notice() {
        let mut files = Files::default();
        let file = files.add(SourceFile::new("a.yaml".into(), "x: 1\n".repeat(40)));
        let span = |line| Span {
            start: 0,
            end: 1,
            line,
            col: 1,
        };
        let mut diagnostics: Vec<Diagnostic> = (1..=12)
            .map(|l| Diagnostic::new(Code::Schema, format!("e{l}")).at_span(file, span(l)))
            .collect();
        diagnostics.extend(
            (13..=25)
                .map(|l| Diagnostic::new(Code::OrphanCi, format!("w{l}")).at_span(file, span(l))),
        );
        let report = Report {
            files: &files,
            diagnostics: &diagnostics,
            files_scanned: 1,
            records: 0,
        };
        let out = render(&report);
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::error ")).count(),
            10
        );
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::warning ")).count(),
            10
        );
        assert!(out.contains("a.yaml:11:1: error[schema]: e11\n"), "{out}");
        assert!(
            out.contains("a.yaml:25:1: warning[orphan-ci]: w25\n"),
            "{out}"
        );
        let notice = out.lines().last().unwrap();
        assert!(notice.starts_with("::notice title=itsm::12 errors and 13 warnings in all; 2 errors and 3 warnings are not annotated"), "{notice}");
    }
}
