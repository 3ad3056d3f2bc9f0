//! A fast path for the YAML that records are written in: block mappings and
//! sequences, plain and single-line quoted scalars, one-line flow collections and
//! literal block scalars.
//!
//! It reads a document line by line, with no event stream and no copy of a scalar
//! before it is interned, several times faster than the general parser. Anything
//! outside that subset (anchors, tags, multi-line plain or quoted scalars, folded
//! scalars, escapes, tabs, carriage returns, duplicate keys, errors of any kind)
//! makes it give up with `None`, and the caller parses the text with saphyr, which
//! also gives the error's message and place. So the fast path never decides what a
//! text means on its own: where it answers, a differential test holds its answer
//! equal to saphyr's.

use super::{Document, MAX_DEPTH, MAX_NODES, Pos, resolve_plain, seen_before};
use crate::value::{Interner, Text, Value};

/// Why the fast path gave up. The reason is not kept: the general parser reads the
/// text again and says what is wrong, if anything.
struct Unsupported;

type Fast<T> = Result<T, Unsupported>;

/// Nesting beyond this goes to the general parser, which enforces the limit.
const DEPTH: usize = MAX_DEPTH / 2;

/// Parses `text` when it stays within the subset, `None` otherwise. `scratch`
/// is the space of the caller's previous parses, so that parsing a file
/// allocates only what the file's values keep; `interner` shares its strings.
pub(super) fn parse(
    text: &str,
    scratch_out: &mut Scratch,
    interner: &mut Interner,
) -> Option<Vec<Document>> {
    if !plain_characters(text) {
        return None;
    }
    let mut scratch = std::mem::take(scratch_out);
    scratch.starts.clear();
    scratch.starts.push(0);
    let bytes = text.as_bytes();
    scratch.starts.extend(
        (0..bytes.len())
            .filter(|&i| bytes[i] == b'\n')
            .map(|i| i + 1),
    );
    if !text.ends_with('\n') {
        scratch.starts.push(text.len());
    }
    let mut p = Parser {
        text,
        lines: scratch.starts.len() - 1,
        end: 0,
        nodes: 0,
        scratch,
        interner: std::mem::take(interner),
    };
    let docs = p.documents().ok();
    p.scratch.items.clear();
    p.scratch.entries.clear();
    *interner = p.interner;
    *scratch_out = p.scratch;
    docs
}

/// Buffers a parse needs only while it runs, kept by the caller between parses.
#[derive(Default)]
pub(super) struct Scratch {
    /// Where each line starts, then where the text ends.
    starts: Vec<usize>,
    /// Children of the open collections, each collection's from its base on, so
    /// that every collection is allocated once, at its exact size.
    items: Vec<Value>,
    entries: Vec<(Text, Value)>,
    /// A block scalar being assembled.
    literal: String,
}

/// Whether the text has only characters the fast path reads the same way as YAML:
/// no tab, no carriage return, no control character, no byte order mark, no
/// character YAML treats as a line break or refuses.
fn plain_characters(text: &str) -> bool {
    let mut ascii = true;
    for &b in text.as_bytes() {
        if (b < 0x20 && b != b'\n') || b == 0x7f {
            return false;
        }
        ascii &= b < 0x80;
    }
    ascii
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
}

/// One line, without its line break: how far it is indented and what follows.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    rest: &'a str,
}

impl<'a> Line<'a> {
    fn of(raw: &'a str) -> Line<'a> {
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        let rest = raw.trim_start_matches(' ');
        Line {
            indent: raw.len() - rest.len(),
            rest,
        }
    }

    /// Blank or only a comment.
    fn is_empty(&self) -> bool {
        self.rest.is_empty() || self.rest.starts_with('#')
    }

    /// Whether the line is a block sequence entry (`- x` or a lone `-`).
    fn is_entry(&self) -> bool {
        self.rest == "-" || self.rest.starts_with("- ")
    }
}

/// A value and the next content line after it (`None` at the end of the
/// document).
type Parsed = (Value, Option<usize>);

struct Parser<'a> {
    text: &'a str,
    /// Lines in the text.
    lines: usize,
    /// The line after the current document's last.
    end: usize,
    /// Nodes of the text so far, keys included, as the general parser counts.
    nodes: usize,
    scratch: Scratch,
    interner: Interner,
}

impl<'a> Parser<'a> {
    /// Line `i`, with its line break.
    fn raw(&self, i: usize) -> &'a str {
        &self.text[self.scratch.starts[i]..self.scratch.starts[i + 1]]
    }

    fn line(&self, i: usize) -> Line<'a> {
        Line::of(self.raw(i))
    }
    /// Splits the stream at `---` lines and parses each document.
    fn documents(&mut self) -> Fast<Vec<Document>> {
        let mut docs = Vec::new();
        let mut start = 0;
        let mut explicit = false;
        for i in 0..=self.lines {
            let marker = match (i < self.lines).then(|| self.raw(i)) {
                Some(raw) => {
                    let raw = raw.strip_suffix('\n').unwrap_or(raw);
                    if raw.starts_with("---") || raw.starts_with("...") || raw.starts_with('%') {
                        if raw != "---" {
                            return Err(Unsupported);
                        }
                        true
                    } else {
                        false
                    }
                }
                None => true,
            };
            if !marker {
                continue;
            }
            self.end = i;
            if let Some(first) = self.next_content(start) {
                let index = docs.len() as u32;
                docs.push(self.document(first, index)?);
            } else if explicit || !docs.is_empty() {
                // An explicitly started document with nothing in it.
                return Err(Unsupported);
            }
            start = i + 1;
            explicit = i < self.lines;
        }
        Ok(docs)
    }

    /// The document whose first content line is `first`: a block mapping at the
    /// left margin.
    fn document(&mut self, first: usize, index: u32) -> Fast<Document> {
        let line = self.line(first);
        if line.indent != 0 || line.is_entry() {
            return Err(Unsupported);
        }
        let (value, _) = self.block_map(first, 0, 0)?;
        Ok(Document {
            value,
            index,
            pos: Pos {
                line: first as u32 + 1,
                col: 1,
                len: 1,
            },
            problems: Vec::new(),
        })
    }

    /// The first line at or after `from`, in the document, that is not blank or a
    /// comment.
    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.end).find(|&i| !self.line(i).is_empty())
    }

    fn count(&mut self) -> Fast<()> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Unsupported);
        }
        Ok(())
    }

    /// A block mapping whose keys are at column `indent`, the first on line `at`
    /// (after a `- ` when the mapping is a sequence entry). Returns the mapping and
    /// the next content line, which is indented less.
    fn block_map(&mut self, mut at: usize, indent: usize, depth: usize) -> Fast<Parsed> {
        if depth >= DEPTH {
            return Err(Unsupported);
        }
        self.count()?;
        let base = self.scratch.entries.len();
        let mut seen = None;
        loop {
            let raw = self.raw(at);
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            let (key, value_text) = split_key(&raw[indent..]).ok_or(Unsupported)?;
            if seen_before(&self.scratch.entries[base..], &mut seen, key) {
                return Err(Unsupported);
            }
            self.count()?;
            let key = self.interner.intern(key);
            let (value, next) = self.value(value_text, at, indent, true, depth + 1)?;
            self.scratch.entries.push((key, value));
            match next.map(|n| self.line(n)) {
                Some(line) if line.indent == indent && !line.is_entry() => {
                    at = next.unwrap_or(at);
                }
                Some(line) if line.indent >= indent => return Err(Unsupported),
                _ => {
                    let map = Value::Map(self.scratch.entries.drain(base..).collect());
                    return Ok((map, next));
                }
            }
        }
    }

    /// A block sequence whose entries' dashes are at column `indent`, the first on
    /// line `at`.
    fn block_seq(&mut self, mut at: usize, indent: usize, depth: usize) -> Fast<Parsed> {
        if depth >= DEPTH {
            return Err(Unsupported);
        }
        self.count()?;
        let base = self.scratch.items.len();
        loop {
            let raw = self.raw(at);
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            // After the dash and the spaces that follow it.
            let after = raw[indent + 1..].trim_start_matches(' ');
            let col = raw.len() - after.len();
            let (value, next) = if after.starts_with("- ") || after == "-" {
                return Err(Unsupported);
            } else if split_key(after).is_some() {
                self.block_map(at, col, depth + 1)?
            } else if after.len() > MAX_KEY && after.contains(':') {
                return Err(Unsupported);
            } else {
                self.value(after, at, indent, false, depth + 1)?
            };
            self.scratch.items.push(value);
            match next.map(|n| self.line(n)) {
                Some(line) if line.indent == indent && line.is_entry() => {
                    at = next.unwrap_or(at);
                }
                Some(line) if line.indent > indent => return Err(Unsupported),
                // Less indented, or the next key of the mapping that holds this
                // sequence at the key's own indentation.
                _ => {
                    let seq = Value::Seq(self.scratch.items.drain(base..).collect());
                    return Ok((seq, next));
                }
            }
        }
    }

    /// The value that follows a key or a dash on line `at`, in a block indented by
    /// `indent`: inline, a block scalar, or a block collection on the lines below.
    /// In a mapping (`in_map`), a sequence may start at the key's own indentation.
    fn value(
        &mut self,
        text: &str,
        at: usize,
        indent: usize,
        in_map: bool,
        depth: usize,
    ) -> Fast<Parsed> {
        if text.is_empty() || text.starts_with('#') {
            let Some(n) = self.next_content(at + 1) else {
                self.count()?;
                return Ok((Value::Null, None));
            };
            let line = self.line(n);
            if line.is_entry() && (line.indent > indent || (in_map && line.indent == indent)) {
                return self.block_seq(n, line.indent, depth);
            }
            if line.indent > indent {
                return self.block_map(n, line.indent, depth);
            }
            self.count()?;
            return Ok((Value::Null, Some(n)));
        }
        if let Some(header) = text.strip_prefix('|') {
            return self.literal(header, at, indent);
        }
        let (value, rest) = self.inline(text, depth)?;
        if !ends_line(rest) {
            return Err(Unsupported);
        }
        self.after_value(at, indent).map(|next| (value, next))
    }

    /// A literal block scalar (`|` or `|-`), its header after the `|`.
    /// The indentation of the content of a block scalar whose header is on
    /// line `at`: that of its first non-blank line, deeper than `indent`;
    /// blank lines before it may not be indented further.
    fn literal_indent(&self, at: usize, indent: usize) -> Fast<usize> {
        let mut widest_blank = 0;
        for i in at + 1..self.end {
            let line = self.line(i);
            if !line.rest.is_empty() {
                let k = line.indent;
                return if k > indent && k >= widest_blank {
                    Ok(k)
                } else {
                    Err(Unsupported)
                };
            }
            widest_blank = widest_blank.max(line.indent);
        }
        Err(Unsupported)
    }

    fn literal(&mut self, header: &str, at: usize, indent: usize) -> Fast<Parsed> {
        let (strip, comment) = match header.strip_prefix('-') {
            Some(c) => (true, c),
            None => (false, header),
        };
        if !ends_line(comment) {
            return Err(Unsupported);
        }
        let k = self.literal_indent(at, indent)?;
        let mut value = std::mem::take(&mut self.scratch.literal);
        value.clear();
        let mut blank_run = 0;
        let mut last = at;
        for i in at + 1..self.end {
            let line = self.line(i);
            if line.rest.is_empty() {
                if line.indent > k {
                    return Err(Unsupported);
                }
                blank_run += 1;
                continue;
            }
            if line.indent < k {
                break;
            }
            // The line break that ends the previous line, then one per blank line.
            let breaks = blank_run + usize::from(last != at);
            value.extend(std::iter::repeat_n('\n', breaks));
            blank_run = 0;
            let raw = self.raw(i);
            value.push_str(raw[k..].strip_suffix('\n').unwrap_or(&raw[k..]));
            last = i;
        }
        // A scalar that runs to the end of a text without a final line break is
        // left to the general parser, which has its own view of its last line.
        if !self.text.ends_with('\n')
            && self.end == self.lines
            && (last + 1..self.end).all(|i| self.line(i).rest.is_empty())
        {
            return Err(Unsupported);
        }
        if !strip {
            value.push('\n');
        }
        self.count()?;
        let next = self.after_value(last, indent)?;
        let scalar = Value::Str(self.interner.intern(&value));
        self.scratch.literal = value;
        Ok((scalar, next))
    }

    /// The next content line after a value that ended on line `last`, in a block
    /// indented by `indent`. One indented further would continue the value over
    /// lines, or be an error: both are left to the general parser.
    fn after_value(&self, last: usize, indent: usize) -> Fast<Option<usize>> {
        let next = self.next_content(last + 1);
        if next.is_some_and(|n| self.line(n).indent > indent) {
            return Err(Unsupported);
        }
        Ok(next)
    }

    /// A value written on one line after a key or a dash: a flow collection, a
    /// quoted scalar or a plain scalar. Returns it and what follows it on the line.
    fn inline<'t>(&mut self, text: &'t str, depth: usize) -> Fast<(Value, &'t str)> {
        match text.as_bytes().first() {
            Some(b'[' | b'{') => self.flow(text, depth),
            Some(b'"' | b'\'') => self.quoted(text),
            _ => {
                let end = text.find(" #").unwrap_or(text.len());
                let scalar = text[..end].trim_end_matches(' ');
                if !plain_start(scalar) || scalar.contains(": ") || scalar.ends_with(':') {
                    return Err(Unsupported);
                }
                self.count()?;
                Ok((resolve_plain(scalar, &mut self.interner), &text[end..]))
            }
        }
    }

    /// A quoted scalar that closes on its line, without escapes.
    fn quoted<'t>(&mut self, text: &'t str) -> Fast<(Value, &'t str)> {
        self.count()?;
        let body = &text[1..];
        if text.starts_with('"') {
            let close = body.find(['"', '\\']).ok_or(Unsupported)?;
            if body.as_bytes()[close] != b'"' {
                return Err(Unsupported);
            }
            return Ok((
                Value::Str(self.interner.intern(&body[..close])),
                &body[close + 1..],
            ));
        }
        let mut value = String::new();
        let mut rest = body;
        loop {
            let close = rest.find('\'').ok_or(Unsupported)?;
            value.push_str(&rest[..close]);
            rest = &rest[close + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => return Ok((Value::Str(self.interner.intern(&value)), rest)),
            }
        }
    }

    /// A flow collection (`[a, b]` or `{k: v}`) that closes on its line.
    fn flow<'t>(&mut self, text: &'t str, depth: usize) -> Fast<(Value, &'t str)> {
        if depth >= DEPTH {
            return Err(Unsupported);
        }
        self.count()?;
        let is_map = text.starts_with('{');
        let close = if is_map { '}' } else { ']' };
        let (items, entries) = (self.scratch.items.len(), self.scratch.entries.len());
        let mut seen = None;
        let mut rest = text[1..].trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(close) {
            rest = after;
        } else {
            loop {
                if is_map {
                    let len = key_len(rest);
                    let key = &rest[..len];
                    let after = rest[len..].strip_prefix(": ").ok_or(Unsupported)?;
                    if len == 0 || seen_before(&self.scratch.entries[entries..], &mut seen, key) {
                        return Err(Unsupported);
                    }
                    self.count()?;
                    let (value, after) = self.flow_node(after.trim_start_matches(' '), depth)?;
                    self.scratch
                        .entries
                        .push((self.interner.intern(key), value));
                    rest = after;
                } else {
                    let (value, after) = self.flow_node(rest, depth)?;
                    self.scratch.items.push(value);
                    rest = after;
                }
                rest = rest.trim_start_matches(' ');
                if let Some(after) = rest.strip_prefix(',') {
                    rest = after.trim_start_matches(' ');
                    if rest.starts_with(close) {
                        // A trailing comma.
                        return Err(Unsupported);
                    }
                } else if let Some(after) = rest.strip_prefix(close) {
                    rest = after;
                    break;
                } else {
                    return Err(Unsupported);
                }
            }
        }
        let value = if is_map {
            Value::Map(self.scratch.entries.drain(entries..).collect())
        } else {
            Value::Seq(self.scratch.items.drain(items..).collect())
        };
        Ok((value, rest))
    }

    /// An entry of a flow collection.
    fn flow_node<'t>(&mut self, text: &'t str, depth: usize) -> Fast<(Value, &'t str)> {
        match text.as_bytes().first() {
            Some(b'[' | b'{') => self.flow(text, depth + 1),
            Some(b'"' | b'\'') => self.quoted(text),
            _ => {
                // A colon inside a word (`ci:edge-cdn`) is part of the scalar.
                let bytes = text.as_bytes();
                let end = (0..bytes.len())
                    .find(|&i| match bytes[i] {
                        b',' | b'[' | b']' | b'{' | b'}' | b'#' => true,
                        b':' => !bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric),
                        _ => false,
                    })
                    .unwrap_or(text.len());
                let scalar = text[..end].trim_end_matches(' ');
                // Each word starts as a plain scalar may: saphyr reads an indicator
                // after a space inside a flow collection as the start of a token.
                let words_start_plain = scalar.split(' ').all(|w| w.is_empty() || plain_start(w));
                if !plain_start(scalar)
                    || !words_start_plain
                    || matches!(bytes.get(end), Some(b':' | b'#'))
                {
                    return Err(Unsupported);
                }
                self.count()?;
                Ok((resolve_plain(scalar, &mut self.interner), &text[end..]))
            }
        }
    }
}

/// Whether what is left of a line is nothing, or spaces and a comment.
fn ends_line(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// Splits `key: value` (or `key:` at the end of the line) into the key and the
/// text after the colon and its spaces. Keys are plain words.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let len = key_len(text);
    if len == 0 {
        return None;
    }
    let after = text[len..].strip_prefix(':')?;
    if after.is_empty() {
        return Some((&text[..len], after));
    }
    let value = after.strip_prefix(' ')?;
    Some((&text[..len], value.trim_start_matches(' ')))
}

/// The longest implicit key YAML allows (1,024 characters): a longer one is
/// left to the general parser, which refuses it.
const MAX_KEY: usize = 1024;

/// The length of the plain key at the start of `text`: a letter or digit, then
/// letters, digits, `_`, `-`, `.` and `/`; 0 if there is none or it is longer
/// than [`MAX_KEY`].
fn key_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
        return 0;
    }
    let len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')))
        .unwrap_or(bytes.len());
    if len > MAX_KEY { 0 } else { len }
}

/// Whether a plain scalar may start this way: not empty, not with an indicator.
fn plain_start(scalar: &str) -> bool {
    let bytes = scalar.as_bytes();
    match bytes.first() {
        None => false,
        Some(b'-' | b'?' | b':') => bytes.get(1).is_some_and(|&b| b != b' '),
        Some(b) => !b",[]{}#&*!|>'\"%@`".contains(b),
    }
}

#[cfg(test)]
mod tests {
    //! The fast path against saphyr: on every text it answers, it must answer
    //! exactly what the general parser does (values, document indexes and
    //! positions), and it must answer on the texts records are usually written in.

    use super::super::{parse_fast, parse_general};
    use std::path::Path;

    /// Fails when the fast path answers differently from the general parser.
    /// Returns whether it answered.
    fn agrees(text: &str) -> bool {
        let Some(fast) = parse_fast(text) else {
            return false;
        };
        let (general, error) = parse_general(text);
        assert_eq!(
            error, None,
            "the fast path accepted a text with an error:\n{text}"
        );
        assert_eq!(fast, general, "the two parsers differ on:\n{text}");
        true
    }

    #[test]
    fn record_shapes_take_the_fast_path_and_agree() {
        let texts = [
            "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: a\nspec:\n  members:\n    - {login: u-1, name: User 1}\n    - {login: u-2, name: \"User 2\"}\n",
            "a: 1\nb: 99.9\nc: 2026-01-01\nd: yes\ne: ~\nf: '1'\ng: 0x1f\nh: 1.10.2\ni: -3\nj: true\nk: .5\nl: 1e3\nm: .inf\n",
            "a: [x, 'y z', \"w\", [1, 2], {k: v}, ci:edge-cdn, a:b:c]\nb: {}\nc: []\nd: {p1: 15m, p2: 1h}\n",
            "key:\n- a\n- b\nother: c\n",
            "list:\n  - a: 1\n    b:\n      - x\n      - y\n  -   c: 2\n  -\n    d: 3\n  - # empty\n",
            "body: |\n  line one\n\n  line two\n    indented\n\n\nnext: x\n",
            "body: |-\n  stripped\n  text\nk: v\n",
            "lead: |\n\n  after a blank line\n",
            "# comment\n\na: 1 # trailing\n  # indented comment\nb: 'it''s' # quote\n",
            "a: 1\n---\nb: 2\n",
            "---\na: 1\n",
            "# only a comment\n---\na: 1\n",
            "url: https://example.com/a#b\nchannel: \"#svc-1\"\nsentence: a, b [c] {d}\n",
            "unicode: é ü 日本\nemoji: \"🚀\"\n",
            "deep:\n  a:\n    b:\n      c:\n        - d: [e, {f: g}]\n",
            "a:\nb:\n",
            "k: v\n   \n  \nl: w",
        ];
        for text in texts {
            assert!(agrees(text), "the fast path gave up on:\n{text}");
        }
    }

    #[test]
    fn texts_outside_the_subset_go_to_the_general_parser() {
        let texts = [
            "a: &x 1\nb: *x\n",
            "&k a: 1\nb: *k\n",
            "a: !!str 1\n",
            "a: !!int \"42\"\n",
            "a: ! 12\n",
            "a: [! 12]\n",
            "a: {b: !!int \"1\"}\n",
            "[a]: 1\n",
            "a: x\u{1}y\n",
            "a: >\n  folded\n",
            "a: |+\n  kept\n\n",
            "a: |2\n   x\n",
            "a: \"esc\\n\"\n",
            "a: multi\n  line\n",
            "a: 'multi\n  line'\n",
            "a:\n\tb: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: 1\na: 2\n",
            "{a: 1}\n",
            "- a\n- b\n",
            "scalar\n",
            "a: [1, 2\n",
            "a: [1, 2,]\n",
            "a: {b:1}\n",
            "'a': 1\n",
            "a: b: c\n",
            "a: 1\n---\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "\u{feff}a: 1\n",
            "a: |\n  no final break",
            "a: 1\n  b: 2\n",
            "a:\n  b: 1\n c: 2\n",
            "a: - b\n",
            "? a\n: b\n",
            "a: \"x\"#c\n",
            &format!("{}: 1\n", "k".repeat(1025)),
            &format!("- {}: 1\n", "k".repeat(1025)),
            &format!("a: {{{}: 1}}\n", "k".repeat(1025)),
        ];
        for text in texts {
            assert!(
                parse_fast(text).is_none(),
                "the fast path answered:\n{text}"
            );
        }
    }

    /// The YAML and Markdown files under `dir`.
    fn files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "md")
                {
                    found.push(path);
                }
            }
        }
        found
    }

    /// Every record and fixture of the repository's own examples, and those under
    /// `ITSM_YAML_DIR` when it is set (a generated corpus, a user's repository).
    #[test]
    #[expect(clippy::print_stdout, reason = "coverage, shown with --nocapture")]
    fn example_repo_and_fixtures_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs: Vec<_> = ["example-repo", "tests/fixtures", "tests/cmd"]
            .map(|d| root.join(d))
            .into();
        dirs.extend(std::env::var_os("ITSM_YAML_DIR").map(Into::into));
        let (mut answered, mut total) = (0, 0);
        for dir in dirs {
            for path in files(&dir) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let yaml = match crate::load::front_matter(&text) {
                    crate::load::FrontMatter::Found { region, .. } => {
                        &text[region.start as usize..region.end as usize]
                    }
                    _ => &text,
                };
                total += 1;
                if agrees(yaml) {
                    answered += 1;
                } else if total - answered <= 10 {
                    println!("general parser: {}", path.display());
                }
            }
        }
        println!("the fast path answered {answered} of {total} files");
        // example-repo is written the way records usually are: most take the fast path.
        assert!(total > 100 && answered * 2 > total, "{answered} of {total}");
    }

    /// A small deterministic generator (xorshift), so that a failure repeats.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
    }

    const KEYS: &[&str] = &[
        "a", "b-c", "x_1", "k.y", "1", "true", "null", "key/x", "Name", "a",
    ];
    const SCALARS: &[&str] = &[
        "plain",
        "two words",
        "a:b",
        "http://x.y/z#f",
        "-1",
        "0x1F",
        "0o17",
        "1.5",
        "1e3",
        ".5",
        "+1",
        "-.5",
        ".inf",
        "1_000",
        "~",
        "null",
        "NULL",
        "true",
        "False",
        "yes",
        "2026-01-01",
        "a#b",
        "a #b",
        "a, b",
        "[x",
        "x]",
        "{x",
        "é ü 日本",
        "a'b",
        "a\"b",
        "12:30",
        "!x",
        "&x",
        "*x",
        "-",
        "- a",
        "? x",
        "?x",
        ":x",
        "a: b",
        "a:",
        "%x",
        "@x",
        "`x",
        "|",
        ">",
        "'q'",
        "\"q\"",
        "''",
        "\"\"",
        "'it''s'",
        "\"a\\tb\"",
        "'open",
        "\"open",
        "x  y",
        "trail  ",
        "1.10.2",
        "00",
        "-0",
        "0.",
        "1e",
        "e3",
        "#c",
        " # c",
        "'a' b",
        "\"a\" #c",
        "a & b",
        "a - b",
        "a ? b",
        "a * b",
        "a ! b",
        "a | b",
        "a > b",
        "a % b",
        "a @ b",
        "a ` b",
        "a { b",
        "a ' b",
        "a \" b",
        "a -b",
        "a :b",
        "a -",
        "a ?",
        "(a) b",
        "a.",
        "ci:x",
        "a:b:c",
        "a::b",
        "--- x",
        "...",
        "- x",
        "k: v",
        "|-",
        "[]",
        "{}",
        "[a, b]",
        "{k: v}",
        "Ω",
        "\u{85}",
        "a\u{a0}b",
        "\u{2028}",
        "x\u{feff}",
        "! 12",
        "!!int \"42\"",
        "!!str 1",
        "&k x",
        "x\u{1b}y",
        "日本: x",
    ];

    /// Scalars that records usually hold.
    const USUAL: &[&str] = &[
        "plain",
        "two words",
        "svc-001",
        "99.9",
        "3",
        "2026-01-01",
        "User 1-0",
        "team-0001",
        "\"2026-08-14T08:10:00Z\"",
        "'quoted'",
        "\"#svc\"",
        "true",
        "24x7",
    ];

    fn scalar(rng: &mut Rng) -> String {
        let pool = if rng.chance(70) { USUAL } else { SCALARS };
        rng.pick(pool).to_string()
    }

    fn flow(rng: &mut Rng, depth: usize) -> String {
        let n = rng.below(4);
        let is_map = rng.chance(40);
        let items: Vec<String> = (0..n)
            .map(|_| {
                let value = if depth < 3 && rng.chance(20) {
                    flow(rng, depth + 1)
                } else {
                    scalar(rng)
                };
                if is_map {
                    format!("{}: {value}", rng.pick(KEYS))
                } else {
                    value
                }
            })
            .collect();
        let sep = rng.pick(&[", ", ",", " , "]);
        if is_map {
            format!("{{{}}}", items.join(sep))
        } else {
            format!("[{}]", items.join(sep))
        }
    }

    fn literal(rng: &mut Rng, indent: usize, out: &mut String) {
        out.push_str(rng.pick(&["|", "|-", "|+", "| # c", "|2", ">"]));
        out.push('\n');
        let inner = indent + rng.pick(&["1", "2", "2", "4"]).parse::<usize>().unwrap();
        for _ in 0..rng.below(5) {
            match rng.below(6) {
                0 => out.push('\n'),
                1 => out.push_str(&format!("{}\n", " ".repeat(rng.below(inner + 3)))),
                2 => out.push_str(&format!("{}  more {}\n", " ".repeat(inner), scalar(rng))),
                _ => out.push_str(&format!("{}{}\n", " ".repeat(inner), scalar(rng))),
            }
        }
    }

    /// A value after `key:` or `-`, then its line break and nested lines.
    fn value(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
        match rng.below(10) {
            0 | 1 if depth < 5 => {
                out.push('\n');
                let step = if rng.chance(15) { 0 } else { 1 + rng.below(4) };
                if rng.chance(50) {
                    block_seq(rng, indent + step, depth + 1, out);
                } else {
                    block_map(rng, indent + step.max(1), depth + 1, out);
                }
            }
            2 => literal(rng, indent, out),
            3 => out.push_str(&format!("{}\n", flow(rng, 0))),
            4 => out.push('\n'),
            _ => {
                out.push_str(&scalar(rng));
                if rng.chance(10) {
                    out.push_str(" # note");
                }
                out.push('\n');
            }
        }
    }

    fn block_map(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
        for i in 0..1 + rng.below(4) {
            if i > 0 || !out.ends_with("- ") {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(rng.pick(KEYS));
            out.push(':');
            out.push_str(rng.pick(&[" ", " ", "  ", ""]));
            value(rng, indent, depth, out);
            if rng.chance(8) {
                out.push_str(&" ".repeat(rng.below(indent + 4)));
                out.push_str(rng.pick(&["\n", "# c\n", "#\n"]));
            }
        }
    }

    fn block_seq(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
        for _ in 0..1 + rng.below(4) {
            out.push_str(&" ".repeat(indent));
            out.push('-');
            if rng.chance(30) && depth < 5 {
                out.push_str(rng.pick(&[" ", " ", "   "]));
                let inner = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
                block_map(rng, inner, depth + 1, out);
            } else {
                out.push_str(rng.pick(&[" ", " ", ""]));
                value(rng, indent, depth, out);
            }
        }
    }

    fn document(rng: &mut Rng) -> String {
        let mut out = String::new();
        for i in 0..1 + usize::from(rng.chance(20)) {
            if i > 0 || rng.chance(10) {
                out.push_str("---\n");
            }
            block_map(rng, 0, 0, &mut out);
        }
        if rng.chance(10) {
            out.pop();
        }
        out
    }

    /// Small edits of the kinds people make: a character typed or lost, a line
    /// repeated, an indentation off by a few spaces.
    fn mutate(rng: &mut Rng, text: &str) -> String {
        const TYPED: &[&str] = &[
            " ", ":", "-", "#", "'", "\"", "[", "]", "{", "}", ",", "|", ">", "&", "*", "!", "\n",
            "?", "%", "@", "`", "\t", "\r", "\\", "é", "---\n", "...", "  ",
        ];
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 | 1 => {
                    let typed: Vec<char> = rng.pick(TYPED).chars().collect();
                    chars.splice(at..at, typed);
                }
                2 if at < chars.len() => {
                    chars.remove(at);
                }
                _ => {
                    let line_start = chars[..at]
                        .iter()
                        .rposition(|&c| c == '\n')
                        .map_or(0, |i| i + 1);
                    if rng.chance(50) {
                        chars.splice(line_start..line_start, [' ', ' ']);
                    } else if chars.get(line_start) == Some(&' ') {
                        chars.remove(line_start);
                    }
                }
            }
        }
        chars.into_iter().collect()
    }

    /// Generated texts and edits of them: wherever the fast path answers, it
    /// agrees. Set `ITSM_YAML_CASES` to run more (in release mode, millions).
    #[test]
    #[expect(clippy::print_stdout, reason = "coverage, shown with --nocapture")]
    fn generated_and_edited_texts_agree() {
        let cases: usize = std::env::var("ITSM_YAML_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(20_000);
        let seed = std::env::var("ITSM_YAML_SEED")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        let mut rng = Rng(seed);
        let (mut generated, mut edited) = (0, 0);
        for _ in 0..cases {
            let text = document(&mut rng);
            generated += usize::from(agrees(&text));
            edited += usize::from(agrees(&mutate(&mut rng, &text)));
        }
        println!(
            "the fast path answered {generated} generated and {edited} edited texts of {cases}"
        );
        // Both kinds of text reach the fast path often enough to be tested by it.
        assert!(
            generated * 10 > cases && edited * 20 > cases,
            "{generated} and {edited} of {cases}"
        );
    }
}
