//! `--format human`: rustc-style diagnostics with the offending line, then a summary.
//! Each snippet is a window of the line around the finding, record text is
//! shown escaped, and at most [`super::MAX_PER_FILE`] findings per file are printed.

use super::{Flat, Report, escape};
use crate::diag::{Counts, Severity};
use crate::source::{FileId, Span};
use codespan_reporting::diagnostic::{Diagnostic as Cs, Label};
use codespan_reporting::files::{Error, Files as _};
use codespan_reporting::term::{self, Config};
use std::ops::Range;
use termcolor::{Buffer, WriteColor};

/// Characters of a source line shown around a finding.
pub const WINDOW: usize = 200;

/// Characters of the window kept before the finding's column.
const BEFORE: usize = 60;

/// Renders every diagnostic and the summary line; `color` adds ANSI colours.
pub fn render(report: &Report<'_>, color: bool, summary: bool) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    for f in report.flat() {
        emit(&mut buffer, &config, report, &f);
    }
    for o in report.omitted() {
        write_note(&mut buffer, &o.sentence());
    }
    if summary {
        write_summary(&mut buffer, report);
    }
    escape::lines(&String::from_utf8_lossy(buffer.as_slice()))
}

fn emit(buffer: &mut Buffer, config: &Config, report: &Report<'_>, f: &Flat<'_>) {
    let base = match f.d.severity {
        Severity::Error => Cs::error(),
        Severity::Warning => Cs::warning(),
    };
    let mut cs = base
        .with_code(f.d.code.as_str())
        .with_message(escape::log(&f.message));
    if let Some(help) = &f.help {
        cs = cs.with_notes(vec![format!("help: {}", escape::log(help))]);
    }
    let place = f.d.location.file.zip(f.d.location.span);
    let snippet = place.map(|(file, span)| Snippet::of(report, file, span));
    match snippet {
        Some((snippet, label)) => {
            let cs = cs.with_labels(vec![Label::primary((), label)]);
            let _ = term::emit_to_write_style(buffer, config, &snippet, &cs);
        }
        None => {
            let _ = term::emit_to_write_style(buffer, config, &NoFiles, &cs);
        }
    }
}

/// The one line of a finding, clipped to a window around its column and escaped,
/// as a file of one line that keeps the real line and column numbers.
struct Snippet {
    name: String,
    line: usize,
    col: usize,
    source: String,
}

impl Snippet {
    /// The snippet of `span` in `file` and the label's range inside it.
    /// The line and column are the finding's own (the ones every format prints);
    /// the window is found from its byte offsets, without reading the whole line.
    fn of(report: &Report<'_>, file: FileId, span: Span) -> (Snippet, Range<usize>) {
        let files = report.files;
        let text: &str = &files.get(file).text;
        let mut start = (span.start as usize).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let index = files.line_index(file, start).unwrap_or(0);
        let line = files.line_range(file, index).unwrap_or(start..start);
        let line_text = text[line.clone()].trim_end_matches(['\n', '\r']);
        let at = (start - line.start).min(line_text.len());
        let mut end = (span.end as usize).clamp(start, line.start + line_text.len()) - line.start;
        while !line_text.is_char_boundary(end) {
            end -= 1;
        }
        let (source, label) = window(line_text, at, end.max(at));
        let snippet = Snippet {
            name: escape::log(&files.get(file).path).into_owned(),
            line: span.line as usize,
            col: span.col as usize,
            source,
        };
        (snippet, label)
    }
}

/// At most [`WINDOW`] characters of `line` around the bytes `at..end` (a little
/// before, the rest after), escaped, with `…` where the line goes on; and where
/// `at..end` is in that text. Reads only the characters it shows.
fn window(line: &str, at: usize, end: usize) -> (String, Range<usize>) {
    let after = line[at..].chars().take(WINDOW).count();
    let budget = WINDOW.saturating_sub(after).max(BEFORE);
    let first = line[..at]
        .char_indices()
        .rev()
        .take(budget)
        .last()
        .map_or(at, |(i, _)| i);
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    let (mut start, mut stop) = (None, None);
    let mut chars = line[first..].char_indices().map(|(i, c)| (first + i, c));
    for (i, c) in chars.by_ref().take(WINDOW) {
        if i == at {
            start = Some(out.len());
        }
        if i == end {
            stop = Some(out.len());
        }
        escape::push_visible(&mut out, c);
    }
    let body = out.len();
    if chars.next().is_some() {
        out.push('…');
    }
    let start = start.unwrap_or(body);
    (out, start..stop.unwrap_or(body).max(start))
}

impl<'a> codespan_reporting::files::Files<'a> for Snippet {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, Error> {
        Ok(&self.source)
    }

    fn line_index(&'a self, (): (), _byte: usize) -> Result<usize, Error> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _line_index: usize) -> Result<usize, Error> {
        Ok(self.line)
    }

    fn column_number(&'a self, (): (), _line: usize, _byte: usize) -> Result<usize, Error> {
        Ok(self.col)
    }

    fn line_range(&'a self, (): (), _line_index: usize) -> Result<Range<usize>, Error> {
        Ok(0..self.source.len())
    }
}

/// For findings without a place: no snippet.
struct NoFiles;

impl<'a> codespan_reporting::files::Files<'a> for NoFiles {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, Error> {
        Err(Error::FileMissing)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, Error> {
        Err(Error::FileMissing)
    }

    fn line_index(&'a self, (): (), _byte: usize) -> Result<usize, Error> {
        Err(Error::FileMissing)
    }

    fn line_range(&'a self, (): (), _line_index: usize) -> Result<Range<usize>, Error> {
        Err(Error::FileMissing)
    }
}

fn write_note(buffer: &mut Buffer, text: &str) {
    use std::io::Write;
    let mut spec = termcolor::ColorSpec::new();
    spec.set_bold(true);
    let _ = buffer.set_color(&spec);
    let _ = write!(buffer, "note");
    let _ = buffer.reset();
    let _ = writeln!(buffer, ": {}\n", escape::log(text));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_whole() {
        let (text, label) = window("  sla: gold-plus", 7, 16);
        assert_eq!(text, "  sla: gold-plus");
        assert_eq!(&text[label], "gold-plus");
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let line = format!("{}TARGET{}", "a".repeat(10_000), "b".repeat(10_000));
        let (text, label) = window(&line, 10_000, 10_006);
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(text.chars().count(), WINDOW + 2);
        assert_eq!(&text[label], "TARGET");
        // A finding at the very end of a long line.
        let (text, label) = window(&line, 20_006, 20_006);
        assert!(text.starts_with('…') && !text.ends_with('…'));
        assert_eq!(label, text.len()..text.len());
    }

    #[test]
    fn a_long_label_is_cut_at_the_window() {
        let line = "x".repeat(1_000);
        let (text, label) = window(&line, 10, 910);
        assert_eq!(label.start, 10);
        assert_eq!(label.end, text.len() - '…'.len_utf8());
    }

    #[test]
    fn controls_are_escaped_and_the_label_follows() {
        let (text, label) = window("a: \"\u{1b}[2J\" x", 10, 11);
        assert_eq!(text, "a: \"\\u{1b}[2J\" x");
        assert_eq!(&text[label], "x");
    }
}
