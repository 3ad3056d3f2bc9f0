//! `--format human`: rustc-style diagnostics with the offending lines, then a summary.

use super::Report;
use crate::diag::{Counts, Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Cs, Label};
use codespan_reporting::term::{self, Config};
use termcolor::{Buffer, WriteColor};

/// Renders every diagnostic and the summary line; `color` adds ANSI colours.
pub fn render(report: &Report<'_>, color: bool, summary: bool) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    for d in report.diagnostics {
        let _ = term::emit_to_write_style(&mut buffer, &config, report.files, &convert(d));
    }
    if summary {
        write_summary(&mut buffer, report);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn convert(d: &Diagnostic) -> Cs<u32> {
    let base = match d.severity {
        Severity::Error => Cs::error(),
        Severity::Warning => Cs::warning(),
    };
    let mut cs = base.with_code(d.code.as_str()).with_message(&d.message);
    if let (Some(file), Some(span)) = (d.location.file, d.location.span) {
        let label = Label::primary(file, span.start as usize..span.end as usize);
        cs = cs.with_labels(vec![label]);
    }
    let mut notes = Vec::new();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs.with_notes(notes)
}

fn write_summary(buffer: &mut Buffer, report: &Report<'_>) {
    use std::io::Write;
    let counts = Counts::of(report.diagnostics);
    let scope = format!(
        "{} record{} in {} file{}",
        report.records,
        plural(report.records),
        report.files_scanned,
        plural(report.files_scanned)
    );
    let mut spec = termcolor::ColorSpec::new();
    spec.set_bold(true);
    let line = if counts == Counts::default() {
        spec.set_fg(Some(termcolor::Color::Green));
        format!("ok: {scope}, no problems")
    } else {
        let color = if counts.errors > 0 {
            termcolor::Color::Red
        } else {
            termcolor::Color::Yellow
        };
        spec.set_fg(Some(color));
        format!(
            "{}: {} error{} and {} warning{} in {scope}",
            if counts.errors > 0 { "failed" } else { "ok" },
            counts.errors,
            plural(counts.errors),
            counts.warnings,
            plural(counts.warnings)
        )
    };
    let _ = buffer.set_color(&spec);
    let _ = write!(buffer, "{line}");
    let _ = buffer.reset();
    let _ = writeln!(buffer);
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
