//! Escaping for where output goes: a terminal or a CI log (one line stays one
//! line, no terminal controls, nothing a GitHub runner takes for a workflow
//! command) and JSON text printed to a log. Record text is untrusted: it comes
//! from pull requests.

use std::borrow::Cow;

/// Record text made safe inside one line of a terminal or CI log: control
/// characters (C0, DEL, C1), line and paragraph separators and bidirectional
/// overrides are shown escaped (`\n`, `\u{1b}`), and `##[` (the runner's legacy
/// command prefix, honoured anywhere in a line) becomes `##\[`.
pub fn log(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) && !s.contains("##[") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` as [`log`] shows it (`out` is what was written so far on the line).
pub fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        '[' if out.ends_with("##") => out.push_str("\\["),
        c => out.push(c),
    }
}

/// Characters that must not reach a terminal or a log raw: C0 and C1 controls,
/// DEL, line and paragraph separators, bidirectional embeddings, overrides and
/// isolates (which reorder what a reader sees).
pub fn hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text built from [`log`]-escaped pieces, made safe line by line: a line whose
/// first visible character is `:` (a runner would read `::name::` there as a
/// command) gets that colon escaped, and any `##[` left is broken.
pub fn lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(&guard(body));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Text whose pieces were not escaped (a report that prints record text line
/// by line): every line [`log`]-escaped, then guarded as [`lines`] does.
pub fn each_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(&guard(&log(body)));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// One line, guarded as [`lines`] does.
pub fn guard(line: &str) -> Cow<'_, str> {
    let lead = line
        .char_indices()
        .find(|(_, c)| !(c.is_whitespace() || invisible(*c)))
        .map(|(i, _)| i);
    let colon = lead.filter(|&i| line[i..].starts_with(':'));
    if colon.is_none() && !line.contains("##[") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    for (i, c) in line.char_indices() {
        if Some(i) == colon {
            out.push_str("\\u{3a}");
        } else if c == '[' && out.ends_with("##") {
            out.push_str("\\[");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Format characters that collation (and so a runner's `StartsWith`) may skip.
fn invisible(c: char) -> bool {
    hidden(c)
        || matches!(c, '\u{ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Pretty JSON made safe for a log without changing what it parses to: DEL, C1
/// controls, separators and bidirectional controls become `\uXXXX` escapes, and
/// `##[` becomes `##\u005b` (such characters only occur inside JSON strings).
pub fn json(text: String) -> String {
    if !text.chars().any(hidden) && !text.contains("##[") {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '[' && out.ends_with("##") {
            out.push_str("\\u005b");
        } else if hidden(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `s` cut to at most `max` characters, saying how much was left out (in
/// bytes: counting characters would read all of a huge text).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} more bytes)", &s[..cut], s.len() - cut)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_keeps_one_line_and_no_controls() {
        assert_eq!(
            log("a\nb\r\u{1b}[31m\u{9b}\u{202e}"),
            "a\\nb\\r\\u{1b}[31m\\u{9b}\\u{202e}"
        );
        assert_eq!(log("x ##[add-mask]y"), "x ##\\[add-mask]y");
        assert_eq!(log("plain é"), "plain é");
    }

    #[test]
    fn lines_never_start_with_a_command() {
        assert_eq!(lines("::warning::x\nok\n"), "\\u{3a}:warning::x\nok\n");
        assert_eq!(
            lines("  \u{a0}\u{200d}::error::x"),
            "  \u{a0}\u{200d}\\u{3a}:error::x"
        );
        assert_eq!(lines("a ##[error]b"), "a ##\\[error]b");
        assert_eq!(lines("a::b"), "a::b");
    }

    #[test]
    fn json_stays_json() {
        let text = serde_json::to_string("a\u{7f}\u{85}##[x]\u{2028}").unwrap();
        let safe = json(text);
        assert!(!safe.contains("##[") && !safe.chars().any(hidden), "{safe}");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "a\u{7f}\u{85}##[x]\u{2028}");
    }

    #[test]
    fn clip_says_how_much_is_left_out() {
        assert_eq!(clip("abcdéf", 4), "abcd… (3 more bytes)");
        assert_eq!(clip("abcd", 4), "abcd");
    }
}
