//! YAML to JSON values, with the limits hostile input needs: bounded depth, node
//! and copy budgets that stop alias bombs, duplicate keys refused, every error
//! positioned.
//!
//! Values follow the YAML 1.2 core schema: `2026-01-01` and `yes` stay strings,
//! `!!int "42"` is a number. Valid YAML that JSON cannot hold (a key that is a
//! collection, a tag outside the core schema) is noted on its document rather than
//! refused: a record must not have it, other YAML in a repository may.

use crate::value::{Interner, Text, Value};
use rustc_hash::FxHashSet as HashSet;
use saphyr_parser::{Marker, Span as YSpan};

mod builder;
mod fast;
mod scalar;

pub use scalar::resolve_plain;

/// Nesting deeper than this is refused (records are a few levels deep).
pub const MAX_DEPTH: usize = 64;
/// Nodes a file may have as written (keys, values and items of all its
/// documents): more than an 8 MiB file of usual YAML holds, a bound on memory for
/// one that packs a node in every other byte.
pub const MAX_NODES: usize = 2_000_000;
/// Nodes anchors and aliases may copy in a file (an alias is a copy of its
/// anchored node): what stops an alias bomb, in one document or spread over many.
pub const MAX_COPIES: usize = 100_000;

/// A position inside the parsed text: 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    /// Length in characters of the node's first line (at least 1).
    pub len: u32,
}

impl Pos {
    pub(crate) fn of(span: &YSpan) -> Pos {
        let len = if span.end.line() == span.start.line() {
            span.end.index().saturating_sub(span.start.index())
        } else {
            1
        };
        Pos {
            line: span.start.line() as u32,
            col: span.start.col() as u32 + 1,
            len: len.max(1) as u32,
        }
    }

    pub(crate) fn at(marker: &Marker) -> Pos {
        Pos {
            line: marker.line() as u32,
            col: marker.col() as u32 + 1,
            len: 1,
        }
    }
}

/// One YAML document of a stream.
#[derive(Debug, PartialEq)]
pub struct Document {
    pub value: Value,
    /// Index of the document in its stream.
    pub index: u32,
    /// Where the root node starts.
    pub pos: Pos,
    /// What in this valid YAML has no JSON form, in document order (at most 20):
    /// a key that is a sequence or a mapping, a tag outside the core schema or one
    /// whose scalar does not fit it, keys YAML tells apart and JSON does not. The
    /// value leaves such keys out and keeps such scalars as strings. A record must
    /// have none; other YAML is ignored.
    pub problems: Vec<SyntaxError>,
}

/// Why a stream could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
    /// What usually causes this error, when known.
    pub help: Option<&'static str>,
}

/// Parses every document of a YAML stream, alone (see [`Parser`] for many files).
pub fn parse(text: &str) -> (Vec<Document>, Option<SyntaxError>) {
    Parser::default().parse(text)
}

/// A parser of YAML streams that keeps, from one stream to the next, the
/// strings they share (one allocation for `owner` in every record) and its
/// scratch space. The loader keeps one per worker for as long as it reads a
/// repository; both go when it is dropped, the values keep their strings.
#[derive(Default)]
pub struct Parser {
    interner: Interner,
    scratch: fast::Scratch,
}

impl Parser {
    /// Parses every document of a YAML stream. Documents completed before an
    /// error are returned along with it.
    ///
    /// Texts written in the plain block style of records take a fast path; any
    /// other text, and every error, goes through saphyr.
    pub fn parse(&mut self, text: &str) -> (Vec<Document>, Option<SyntaxError>) {
        match fast::parse(text, &mut self.scratch, &mut self.interner) {
            Some(docs) => (docs, None),
            None => general(text, &mut self.interner),
        }
    }
}

/// [`parse`] through saphyr alone: the reference the fast path is held to
/// (public for the tests that compare them).
#[doc(hidden)]
pub fn parse_general(text: &str) -> (Vec<Document>, Option<SyntaxError>) {
    general(text, &mut Interner::default())
}

/// Parses through saphyr, sharing strings through `interner`.
fn general(text: &str, interner: &mut Interner) -> (Vec<Document>, Option<SyntaxError>) {
    let mut builder = builder::Builder::default();
    builder.interner = std::mem::take(interner);
    let error = build(text, &mut builder);
    *interner = std::mem::take(&mut builder.interner);
    (builder.docs, error)
}

/// Feeds saphyr's events of `text` to `builder`; the error that stops it, if any.
fn build(text: &str, builder: &mut builder::Builder) -> Option<SyntaxError> {
    // YAML allows no control character but tab and line breaks; saphyr lets most
    // through and stumbles on NUL with a message about something else. The
    // documents that end before the first one (and before any other error) are kept.
    let control = control_character(text);
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let result = match next {
            Ok((event, span)) => match &control {
                Some((at, e)) if span.start.index() >= *at || span.end.index() > *at => {
                    Err(e.clone())
                }
                _ => builder.event(event, &span),
            },
            Err(e) => Err(SyntaxError {
                message: e.info().to_string(),
                pos: Pos::at(e.marker()),
                help: None,
            }),
        };
        if let Err(e) = result {
            // A control character is an error wherever saphyr stops: it may stop
            // before it (NUL ends a quoted scalar early), for its sake.
            return Some(control.map_or_else(|| refine(text, e), |(_, c)| c));
        }
    }
    control.map(|(_, e)| e)
}

/// [`parse`]'s fast path alone: `None` where it leaves the text to saphyr (public
/// for the tests that compare them).
#[doc(hidden)]
pub fn parse_fast(text: &str) -> Option<Vec<Document>> {
    fast::parse(text, &mut Default::default(), &mut Interner::default())
}

/// The first character YAML does not allow (a control character other than tab
/// and line breaks, DEL, a C1 control but NEL, U+FFFE, U+FFFF), with its index in
/// characters and the error that names it.
fn control_character(text: &str) -> Option<(usize, SyntaxError)> {
    let (index, c) = text.chars().enumerate().find(|&(_, c)| !printable(c))?;
    let byte = text.char_indices().nth(index).map_or(0, |(b, _)| b);
    let before = &text[..byte];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    let name = match c {
        '\0' => " (NUL)",
        '\u{1b}' => " (ESC)",
        '\u{7f}' => " (DEL)",
        _ => "",
    };
    let error = SyntaxError {
        message: format!(
            "the control character U+{:04X}{name} is not allowed in YAML",
            c as u32
        ),
        pos: Pos { line, col, len: 1 },
        help: Some(if c == '\0' {
            "a NUL byte means a binary file or text saved as UTF-16: save it as UTF-8 text, or add it to `exclude:` in itsm.yaml"
        } else {
            "remove it (or write it as an escape such as \\u001b in a double-quoted string), or add the file to `exclude:` in itsm.yaml"
        }),
    };
    Some((index, error))
}

/// Whether YAML allows the character in a stream (`c-printable`).
fn printable(c: char) -> bool {
    !matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'..='\u{84}'
            | '\u{86}'..='\u{9f}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

/// Mappings with more entries than this check duplicates with a hash set.
const LINEAR_KEYS: usize = 16;

/// Whether `key` is already in the mapping (and remembers it if not).
fn seen_before(entries: &[(Text, Value)], seen: &mut Option<HashSet<Text>>, key: &str) -> bool {
    if entries.len() < LINEAR_KEYS {
        return entries.iter().any(|(k, _)| &**k == key);
    }
    let set: &mut HashSet<Text> =
        seen.get_or_insert_with(|| entries.iter().map(|(k, _)| k.clone()).collect());
    !set.insert(key.into())
}

/// Puts the parser's error where a person looks for it, with a hint when the
/// cause is a usual one.
fn refine(text: &str, mut e: SyntaxError) -> SyntaxError {
    let lines: Vec<&str> = text.lines().collect();
    let line_text = |n: u32| lines.get(n.wrapping_sub(1) as usize).copied();
    // Past the end of the text (an unclosed bracket at the end of the file): the
    // end of the last line that has something on it.
    let past_end = line_text(e.pos.line)
        .is_none_or(|l| l.trim().is_empty() && e.pos.line as usize >= lines.len());
    if past_end
        && let Some((i, last)) = lines
            .iter()
            .enumerate()
            .rev()
            .find(|(_, l)| !l.trim().is_empty())
    {
        e.pos = Pos {
            line: i as u32 + 1,
            col: last.chars().count() as u32 + 1,
            len: 1,
        };
    }
    // Tabs: point at the tab, not past it.
    if mentions_tabs(&e.message)
        && let Some(l) = line_text(e.pos.line)
        && e.pos.col >= 2
        && l.chars().nth(e.pos.col as usize - 2) == Some('\t')
    {
        e.pos.col -= 1;
    }
    // A key longer than YAML allows: saphyr says only that a value is misplaced.
    if e.message.contains("mapping values are not allowed")
        && line_text(e.pos.line).is_some_and(|l| long_key(l, e.pos.col))
    {
        e.help = Some(
            "a key may be at most 1,024 characters long (YAML's limit for keys written `key: value`): shorten it",
        );
    }
    if e.help.is_none() {
        e.help = hint(&e.message);
    }
    e
}

/// Whether the text of `line` before column `col` is one plain key longer
/// than YAML's 1,024 characters (after the indentation and any `- `).
fn long_key(line: &str, col: u32) -> bool {
    let before: String = line.chars().take(col.saturating_sub(1) as usize).collect();
    let key = before.trim_start_matches(' ');
    let key = key
        .strip_prefix("- ")
        .unwrap_or(key)
        .trim_start_matches(' ');
    key.chars().count() > 1024 && !key.contains(": ") && !key.starts_with(['"', '\''])
}

/// Whether saphyr's message is about a tab (not merely a word holding "tab",
/// such as "unprintable").
fn mentions_tabs(message: &str) -> bool {
    message
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.eq_ignore_ascii_case("tab") || w.eq_ignore_ascii_case("tabs"))
}

fn hint(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    Some(if mentions_tabs(&m) {
        "indent with spaces: YAML does not allow tabs in indentation"
    } else if m.contains("flow")
        || m.contains("expected ','")
        || m.contains("']'")
        || m.contains("'}'")
    {
        "a `[` or `{` opened before this point is not closed, or a line inside it is indented less than the key that holds it"
    } else if m.contains("mapping values are not allowed") {
        "a value that contains `: ` must be quoted, e.g. title: \"Note: this\""
    } else if m.contains("cannot start any token") {
        "quote the value: characters such as @, ` and % cannot start a plain value"
    } else if m.contains("block") || m.contains("indentation") || m.contains("expected key") {
        "check the indentation: the keys of one mapping must line up in the same column"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> serde_json::Value {
        let (docs, err) = parse(text);
        assert_eq!(err, None);
        docs.into_iter().next().unwrap().value.to_json()
    }

    fn error(text: &str) -> SyntaxError {
        parse(text).1.expect("an error")
    }

    #[test]
    fn core_schema_scalars() {
        assert_eq!(
            one(
                "a: 1\nb: 99.9\nc: 2026-01-01\nd: yes\ne: ~\nf: '1'\ng: 0x1f\nh: 1.10.2\ni: -3\nj: true\nk: .5\nl: 1e3\nm: .inf"
            ),
            json!({"a": 1, "b": 99.9, "c": "2026-01-01", "d": "yes", "e": null, "f": "1", "g": 31,
                   "h": "1.10.2", "i": -3, "j": true, "k": 0.5, "l": 1000.0, "m": ".inf"})
        );
        assert_eq!(one("!!str 12"), json!("12"));
    }

    #[test]
    fn multi_document_streams_keep_positions() {
        let (docs, err) = parse("a: 1\n---\n# c\nb: [1, 2]\n");
        assert_eq!(err, None);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].index, 1);
        assert_eq!((docs[1].pos.line, docs[1].pos.col), (4, 1));
        assert_eq!(docs[1].value.to_json(), json!({"b": [1, 2]}));
    }

    #[test]
    fn anchors_and_aliases_expand() {
        assert_eq!(
            one("a: &x {b: 1}\nc: *x"),
            json!({"a": {"b": 1}, "c": {"b": 1}})
        );
    }

    #[test]
    fn large_mappings_find_duplicates_too() {
        let text: String = (0..40).map(|i| format!("k{i}: 1\n")).collect::<String>() + "k7: 2\n";
        let e = error(&text);
        assert_eq!(e.pos.line, 41);
    }

    #[test]
    fn duplicate_keys_are_refused_at_the_second() {
        let e = error("a: 1\nb: 2\na: 3\n");
        assert!(e.message.contains("duplicate key `a`"), "{e:?}");
        assert_eq!((e.pos.line, e.pos.col), (3, 1));
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = error(&text);
        assert!(e.message.contains("alias bomb"), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let flow = error(&"[".repeat(100_000));
        assert!(flow.pos.col < 300, "{flow:?}");
        let e = error(&"[".repeat(100));
        assert!(e.message.contains("nesting deeper"), "{e:?}");
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(error(&block).message.contains("nesting deeper"));
    }

    #[test]
    fn tabs_and_garbage_are_errors_not_panics() {
        assert!(parse("a:\n\tb: 1\n").1.is_some());
        assert!(parse("a: [1, 2\n").1.is_some());
        let (docs, err) = parse("{a: 1}: 2\n");
        assert_eq!((err, docs[0].problems.len()), (None, 1));
        assert!(parse("*x\n").1.is_some());
        let _ = parse("\u{0}\u{1}---\n- !<tag:x> ]");
    }
}
