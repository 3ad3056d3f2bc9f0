//! `--format markdown`: a summary and a table of findings, for a pull-request
//! comment or the job summary of GitHub Actions (`$GITHUB_STEP_SUMMARY`).
//! Record text is escaped so that it stays text: no HTML, no links or images,
//! no table breaks, no @mentions.

use super::{Report, escape};
use crate::diag::{Counts, Severity};
use std::fmt::Write;

/// Rows in the table.
pub const MAX_ROWS: usize = 1000;

/// Bytes of table after which rows stop: GitHub caps a step summary at 1 MiB
/// and a comment at 65,536 characters.
pub const MAX_BYTES: usize = 60_000;

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
    let mut rows = 0;
    for f in report.flat() {
        if rows == MAX_ROWS || out.len() > MAX_BYTES {
            break;
        }
        rows += 1;
        let icon = match f.d.severity {
            Severity::Error => ":x:",
            Severity::Warning => ":warning:",
        };
        let place = match (f.file, f.line, f.column) {
            (Some(file), Some(l), Some(c)) => format!("`{}:{l}:{c}`", code(file)),
            (Some(file), _, _) => format!("`{}`", code(file)),
            _ => String::new(),
        };
        let mut message = inline(&f.message);
        if let Some(help) = &f.help {
            let _ = write!(message, "<br>help: {}", inline(help));
        }
        let _ = writeln!(out, "| {icon} | `{}` | {place} | {message} |", f.d.code);
    }
    if rows < report.diagnostics.len() {
        write_rest(&mut out, report, report.diagnostics.len() - rows);
    }
    out
}

/// What the table leaves out: per file past the per-file cap, then the total.
fn write_rest(out: &mut String, report: &Report<'_>, rest: usize) {
    out.push('\n');
    for o in report.omitted() {
        if out.len() > MAX_BYTES + 4_000 {
            break;
        }
        let _ = writeln!(out, "- {}", cell(&o.sentence()));
    }
    let _ = writeln!(
        out,
        "\n{rest} more findings are not listed here (at most {} per file, {MAX_ROWS} in all).",
        super::MAX_PER_FILE
    );
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Text inside a table cell or a list item: no line breaks, no column
/// separators, no raw HTML, no links or images, no emphasis or code, no block
/// structure at its start, and no @mention or #reference that would notify
/// (a zero-width joiner after `@` and `#`). Backslashes are kept as written.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_text(&mut out, s, true);
    out
}

/// [`cell`] for a message that marks code with backticks (`` `spec.sla` ``):
/// the parts between backticks are code spans ([`code`]), the rest is [`cell`]
/// text, so no pairing of backticks can leave record text live.
pub fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < parts.len() {
        push_text(&mut out, parts[i], i == 0);
        match parts.get(i + 1) {
            // An unmatched backtick is text.
            Some(last) if i + 2 == parts.len() => {
                out.push_str("\\`");
                push_text(&mut out, last, false);
            }
            Some(code_part) if !code_part.is_empty() => {
                // Runs of one backtick only: a space between two code spans.
                if out.ends_with('`') {
                    out.push(' ');
                }
                out.push('`');
                out.push_str(&code(code_part));
                out.push('`');
            }
            _ => {}
        }
        i += 2;
    }
    out
}

fn push_text(out: &mut String, s: &str, mut at_start: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let block = at_start && matches!(c, '#' | '+' | '-' | '=' | '.' | ')');
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ if block => {
                out.push('\\');
                out.push(c);
            }
            c => escape::push_visible(out, c),
        }
        let next = chars.peek().copied().unwrap_or(' ');
        if (c == '@' && next.is_ascii_alphanumeric()) || (c == '#' && next.is_ascii_digit()) {
            out.push('\u{200d}');
        }
        at_start = at_start && (c.is_whitespace() || c.is_ascii_digit());
    }
}

/// Text inside a code span (where nothing can be escaped with a backslash but a
/// table's `|`): backticks become `'`, line breaks and controls are shown escaped.
pub fn code(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '`' => out.push('\''),
            // A table reads `|` as text after an odd run of backslashes.
            '|' if (out.len() - out.trim_end_matches('\\').len()) % 2 == 1 => out.push_str("\\\\|"),
            '|' => out.push_str("\\|"),
            c => escape::push_visible(&mut out, c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b\n<script>"), "a\\|b &lt;script&gt;");
        assert_eq!(cell(r"C:\x"), r"C:\\x");
    }

    #[test]
    fn cells_cannot_link_load_images_or_notify() {
        assert_eq!(
            cell("![x](http://e.x/a.png) @octocat #12"),
            "!\\[x\\](http://e.x/a.png) @\u{200d}octocat #\u{200d}12"
        );
        assert_eq!(
            cell("*b* _i_ `c` ~s~ $m$"),
            "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\$m\\$"
        );
        assert_eq!(cell("a@b.c"), "a@\u{200d}b.c");
    }

    #[test]
    fn cells_start_no_block() {
        assert_eq!(cell("# h"), "\\# h");
        assert_eq!(cell("- x"), "\\- x");
        assert_eq!(cell("12. x"), "12\\. x");
        assert_eq!(cell("a - b"), "a - b");
    }

    #[test]
    fn messages_keep_their_code_spans_and_nothing_else() {
        assert_eq!(
            inline("unknown field `ownr` in `spec`"),
            "unknown field `ownr` in `spec`"
        );
        assert_eq!(
            inline("`a` @x `[y](http://z)|` `"),
            "`a` @\u{200d}x `[y](http://z)\\|` \\`"
        );
        assert_eq!(inline("`a``b`"), "`a` `b`");
        assert_eq!(inline("``a````b`"), "ab\\`");
        assert_eq!(inline("`x`@y"), "`x`@\u{200d}y");
    }

    #[test]
    fn code_spans_stay_on_one_line_in_one_cell() {
        assert_eq!(code("a`b|c\nd\u{1b}"), "a'b\\|c\\nd\\u{1b}");
        assert_eq!(code("a\\|"), "a\\\\\\|");
        assert_eq!(code("a\\\\|"), "a\\\\\\|");
    }
}
