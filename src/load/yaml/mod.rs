//! YAML to JSON values, with the limits hostile input needs: bounded depth, a node
//! budget that stops alias bombs, duplicate keys refused, every error positioned.
//!
//! Values follow the YAML 1.2 core schema: `2026-01-01` and `yes` stay strings.

use crate::value::{Text, Value, intern};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan};

mod fast;

/// Nesting deeper than this is refused (records are a few levels deep).
pub const MAX_DEPTH: usize = 64;
/// Nodes per document, aliases expanded, beyond which a document is refused.
pub const MAX_NODES: usize = 100_000;

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
}

/// Why a stream could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
    /// What usually causes this error, when known.
    pub help: Option<&'static str>,
}

/// Parses every document of a YAML stream. Documents completed before an error are
/// returned along with it.
///
/// Texts written in the plain block style of records take a fast path; any other
/// text, and every error, goes through saphyr.
pub fn parse(text: &str) -> (Vec<Document>, Option<SyntaxError>) {
    match fast::parse(text) {
        Some(docs) => (docs, None),
        None => parse_general(text),
    }
}

/// [`parse`] through saphyr alone: the reference the fast path is tested against.
fn parse_general(text: &str) -> (Vec<Document>, Option<SyntaxError>) {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let result = match next {
            Ok((event, span)) => builder.event(event, &span),
            Err(e) => Err(SyntaxError {
                message: e.info().to_string(),
                pos: Pos::at(e.marker()),
                help: None,
            }),
        };
        if let Err(e) = result {
            return (builder.docs, Some(refine(text, e)));
        }
    }
    (builder.docs, None)
}

#[derive(Default)]
struct Builder {
    docs: Vec<Document>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    index: u32,
    root: Option<(Value, Pos)>,
    root_pos: Option<Pos>,
    items: Vec<Value>,
    entries: Vec<(Text, Value)>,
}

/// An open collection. Its children wait on the builder's shared scratch stacks
/// from `base` on, so that each collection is allocated once, at its exact size.
enum Frame {
    Seq {
        base: usize,
        anchor: usize,
        start: usize,
    },
    Map {
        base: usize,
        /// Keys seen, once the mapping is large enough for a linear scan to cost.
        seen: Option<HashSet<Text>>,
        key: Option<Text>,
        anchor: usize,
        start: usize,
    },
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

impl Builder {
    fn event(&mut self, event: Event<'_>, span: &YSpan) -> Result<(), SyntaxError> {
        let pos = Pos::of(span);
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if starts_node && self.stack.is_empty() && self.root_pos.is_none() {
            self.root_pos = Some(pos);
        }
        match event {
            Event::DocumentStart(_) => {
                self.nodes = 0;
                self.anchors.clear();
                self.root = None;
                self.root_pos = None;
            }
            Event::DocumentEnd => {
                let (value, pos) = self.root.take().unwrap_or((Value::Null, pos));
                self.docs.push(Document {
                    value,
                    index: self.index,
                    pos,
                });
                self.index += 1;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(Frame::Map {
                    key: key @ None,
                    base,
                    seen,
                    ..
                }) = self.stack.last_mut()
                {
                    if seen_before(&self.entries[*base..], seen, &text) {
                        return Err(SyntaxError {
                            message: format!(
                                "duplicate key `{text}`: a key may appear once in a mapping"
                            ),
                            pos,
                            help: Some("remove one of the two, or merge them"),
                        });
                    }
                    *key = Some(intern(&text));
                    return self.count(1, pos);
                }
                let is_str = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !is_str {
                    resolve_plain(&text)
                } else {
                    Value::Str(intern(&text))
                };
                self.count(1, pos)?;
                self.complete(value, anchor, self.nodes - 1, pos)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Seq {
                    base: self.items.len(),
                    anchor,
                    start: self.nodes,
                });
                self.count(1, pos)?;
            }
            Event::MappingStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Map {
                    base: self.entries.len(),
                    seen: None,
                    key: None,
                    anchor,
                    start: self.nodes,
                });
                self.count(1, pos)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, start) = match self.stack.pop() {
                    Some(Frame::Seq {
                        base,
                        anchor,
                        start,
                    }) => (
                        Value::Seq(self.items.drain(base..).collect()),
                        anchor,
                        start,
                    ),
                    Some(Frame::Map {
                        base,
                        anchor,
                        start,
                        ..
                    }) => (
                        Value::Map(self.entries.drain(base..).collect()),
                        anchor,
                        start,
                    ),
                    None => return Ok(()),
                };
                self.complete(value, anchor, start, pos)?;
            }
            Event::Alias(id) => {
                let Some((value, size)) = self.anchors.get(&id).cloned() else {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".into(),
                        pos,
                        help: None,
                    });
                };
                if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
                    return Err(SyntaxError {
                        message: "an alias cannot be used as a mapping key".into(),
                        pos,
                        help: None,
                    });
                }
                self.count(size, pos)?;
                self.complete(value, 0, self.nodes, pos)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Refuses collections as keys and nesting past the limit.
    fn open(&self, pos: Pos) -> Result<(), SyntaxError> {
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(SyntaxError {
                message: "complex mapping keys are not supported: use a plain string key".into(),
                pos,
                help: None,
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos,
                help: None,
            });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), SyntaxError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                message: format!(
                    "document has more than {MAX_NODES} nodes once aliases are expanded (an alias bomb?)"
                ),
                pos,
                help: None,
            });
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or makes it the document root).
    fn complete(
        &mut self,
        value: Value,
        anchor: usize,
        start: usize,
        pos: Pos,
    ) -> Result<(), SyntaxError> {
        if anchor != 0 {
            let size = (self.nodes - start).max(1);
            self.anchors.insert(anchor, (value.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                let root_pos = self.root_pos.unwrap_or(pos);
                self.root = Some((value, root_pos));
            }
            Some(Frame::Seq { .. }) => self.items.push(value),
            Some(Frame::Map { key, .. }) => {
                if let Some(k) = key.take() {
                    self.entries.push((k, value));
                }
            }
        }
        Ok(())
    }
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
    if e.message.contains("tab")
        && let Some(l) = line_text(e.pos.line)
        && e.pos.col >= 2
        && l.chars().nth(e.pos.col as usize - 2) == Some('\t')
    {
        e.pos.col -= 1;
    }
    if e.help.is_none() {
        e.help = hint(&e.message);
    }
    e
}

fn hint(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    Some(if m.contains("tab") {
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

/// Resolves a plain scalar by the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(intern(text));
    }
    if let Some(n) = parse_int(text) {
        return n;
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
        && f.is_finite()
    {
        return Value::Float(f);
    }
    Value::Str(intern(text))
}

fn parse_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (oct, 8)
    } else {
        (text, 10)
    };
    let unsigned = digits.strip_prefix(['-', '+']).unwrap_or(digits);
    if unsigned.is_empty()
        || !unsigned.chars().all(|c| c.is_digit(radix))
        || (radix != 10 && unsigned.len() != digits.len())
    {
        return None;
    }
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if let Ok(i) = i64::from_str_radix(digits, radix) {
        return Some(Value::Int(i));
    }
    // Beyond i64: keep the digits as written rather than lose precision.
    Some(Value::Str(text.into()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
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
        assert!(parse("{a: 1}: 2\n").1.is_some());
        assert!(parse("*x\n").1.is_some());
        let _ = parse("\u{0}\u{1}---\n- !<tag:x> ]");
    }
}
