//! Builds the documents of a stream from saphyr's events, within the limits, and
//! notes in each document what of its valid YAML has no JSON form (a key that is
//! a collection, a tag outside the core schema): a record must have none of it,
//! other YAML may.

use super::scalar::{self, Tag};
use super::{Document, MAX_COPIES, MAX_DEPTH, MAX_NODES, Pos, SyntaxError, seen_before};
use crate::value::{Interner, Text, Value};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use saphyr_parser::{Event, ScalarStyle, Span as YSpan};

/// Problems kept per document: enough to fix a record in one pass, not a flood.
const MAX_PROBLEMS: usize = 20;

#[derive(Default)]
pub(super) struct Builder {
    pub docs: Vec<Document>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchor>,
    /// Nodes of the stream as written, and as aliases expand them.
    written: usize,
    expanded: usize,
    /// Nodes copied for anchors and aliases.
    copied: usize,
    index: u32,
    root: Option<Value>,
    root_pos: Option<Pos>,
    problems: Vec<SyntaxError>,
    items: Vec<Value>,
    entries: Vec<(Text, Value)>,
    /// The strings of the parser this stream is read by.
    pub interner: Interner,
}

/// An anchored node, for its aliases.
struct Anchor {
    value: Value,
    /// Nodes in the value.
    size: usize,
    /// For a scalar: its text and whether YAML reads it as a string, so that an
    /// alias can stand for it as a key.
    key: Option<(Text, bool)>,
}

/// An open collection. Its children wait on the builder's shared scratch stacks
/// from `base` on, so that each collection is allocated once, at its exact size.
struct Frame {
    kind: Kind,
    anchor: usize,
    /// Nodes (expanded) when it opened.
    start: usize,
    pos: Pos,
    /// Whether the collection is itself a mapping key.
    is_key: bool,
}

enum Kind {
    Seq {
        base: usize,
    },
    Map {
        base: usize,
        /// Keys seen, once the mapping is large enough for a linear scan to cost.
        seen: Option<HashSet<Text>>,
        key: Key,
        /// The keys YAML reads as numbers, booleans or null (rare: no allocation
        /// until one comes).
        typed: HashSet<Text>,
    },
}

/// Where a mapping stands between its entries.
enum Key {
    /// Waiting for a key.
    Wanted,
    Ready(Text),
    /// The key has no JSON form: its value is read and dropped.
    Skip,
}

impl Builder {
    pub fn event(&mut self, event: Event<'_>, span: &YSpan) -> Result<(), SyntaxError> {
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
                self.anchors.clear();
                self.root = None;
                self.root_pos = None;
                self.problems.clear();
            }
            Event::DocumentEnd => {
                self.docs.push(Document {
                    value: self.root.take().unwrap_or(Value::Null),
                    index: self.index,
                    pos: self.root_pos.unwrap_or(pos),
                    problems: std::mem::take(&mut self.problems),
                });
                self.index += 1;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = scalar::tag_of(tag.as_deref());
                let plain = style == ScalarStyle::Plain;
                self.count(1, pos)?;
                if self.wants_key() {
                    self.scalar_key(&text, plain, &tag, anchor, pos)?;
                } else {
                    let value = self.scalar_value(&text, plain, &tag, pos);
                    if anchor != 0 {
                        let key = (
                            text_of(&value, &text, &mut self.interner),
                            scalar::is_string(&text, plain, &tag),
                        );
                        self.anchor(anchor, value.clone(), 1, Some(key), pos)?;
                    }
                    self.attach(value);
                }
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), pos)?,
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), pos)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(pos)?,
            Event::Alias(id) => self.alias(id, pos)?,
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn wants_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: Kind::Map {
                    key: Key::Wanted,
                    ..
                },
                ..
            })
        )
    }

    /// A scalar's value; a tag that cannot apply is noted, and the text kept.
    fn scalar_value(&mut self, text: &str, plain: bool, tag: &Tag, pos: Pos) -> Value {
        scalar::scalar(text, plain, tag, &mut self.interner).unwrap_or_else(|p| {
            self.note(p.message, p.help, pos);
            Value::Str(self.interner.intern(text))
        })
    }

    fn scalar_key(
        &mut self,
        text: &str,
        plain: bool,
        tag: &Tag,
        anchor: usize,
        pos: Pos,
    ) -> Result<(), SyntaxError> {
        let is_string = scalar::is_string(text, plain, tag);
        // A key keeps its text (JSON keys are strings); its tag is checked all the same.
        if anchor != 0 || *tag != Tag::None {
            let value = self.scalar_value(text, plain, tag, pos);
            if anchor != 0 {
                let key = (self.interner.intern(text), is_string);
                self.anchor(anchor, value, 1, Some(key), pos)?;
            }
        }
        self.set_key(text, is_string, pos)
    }

    /// Takes `text` as the next key of the mapping on top.
    fn set_key(&mut self, text: &str, is_string: bool, pos: Pos) -> Result<(), SyntaxError> {
        let Some(Frame {
            kind:
                Kind::Map {
                    base,
                    seen,
                    key,
                    typed,
                },
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        if seen_before(&self.entries[*base..], seen, text) {
            // The same text: the same key, unless YAML reads one of the two as a
            // string and the other not (`1` and `"1"`), which only JSON confuses.
            let was_string = !typed.contains(text);
            if was_string == is_string {
                return Err(SyntaxError {
                    message: format!(
                        "duplicate key `{}`: a key may appear once in a mapping",
                        scalar::shown(text)
                    ),
                    pos,
                    help: Some("remove one of the two, or merge them"),
                });
            }
            *key = Key::Skip;
            self.note(
                format!(
                    "the keys `{0}` and `\"{0}\"` are two keys in YAML but the same one in JSON",
                    scalar::shown(text)
                ),
                "keep one of the two",
                pos,
            );
            return Ok(());
        }
        let text = self.interner.intern(text);
        if !is_string {
            typed.insert(text.clone());
        }
        *key = Key::Ready(text);
        Ok(())
    }

    fn alias(&mut self, id: usize, pos: Pos) -> Result<(), SyntaxError> {
        let Some(anchor) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                message: "this alias refers to an anchor of an earlier document: an anchor holds only within its own document".into(),
                pos,
                help: Some("define the anchor again in this document, or write the value out"),
            });
        };
        if self.wants_key() {
            let key = anchor.key.clone();
            self.count(1, pos)?;
            return match key {
                Some((text, is_string)) => self.set_key(&text, is_string, pos),
                None => {
                    self.complex_key(pos);
                    Ok(())
                }
            };
        }
        let size = anchor.size;
        self.copy(size, pos)?;
        let value = self.anchors[&id].value.clone();
        self.expanded += size;
        self.attach(value);
        Ok(())
    }

    /// Opens a collection, refusing nesting past the limit.
    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
        pos: Pos,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                message: format!(
                    "collections nested deeper than {MAX_DEPTH} levels (nesting deeper than records ever need)"
                ),
                pos,
                help: Some(
                    "records are a few levels deep: flatten the data, or add the file to `exclude:` in itsm.yaml",
                ),
            });
        }
        if let Err(p) = scalar::collection(&scalar::tag_of(tag), is_map) {
            self.note(p.message, p.help, pos);
        }
        let is_key = self.wants_key();
        self.count(1, pos)?;
        let kind = if is_map {
            Kind::Map {
                base: self.entries.len(),
                seen: None,
                key: Key::Wanted,
                typed: HashSet::default(),
            }
        } else {
            Kind::Seq {
                base: self.items.len(),
            }
        };
        self.stack.push(Frame {
            kind,
            anchor,
            start: self.expanded - 1,
            pos,
            is_key,
        });
        Ok(())
    }

    fn close(&mut self, pos: Pos) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            Kind::Seq { base } => Value::Seq(self.items.drain(base..).collect()),
            Kind::Map { base, .. } => Value::Map(self.entries.drain(base..).collect()),
        };
        if frame.anchor != 0 {
            let size = self.expanded - frame.start;
            self.anchor(frame.anchor, value.clone(), size, None, pos)?;
        }
        if frame.is_key {
            self.complex_key(frame.pos);
        } else {
            self.attach(value);
        }
        Ok(())
    }

    /// A sequence or a mapping as a key: valid YAML with no JSON form.
    fn complex_key(&mut self, pos: Pos) {
        if let Some(Frame {
            kind: Kind::Map { key, .. },
            ..
        }) = self.stack.last_mut()
        {
            *key = Key::Skip;
        }
        self.note(
            "a key that is a sequence or a mapping: a record is JSON, whose keys are strings"
                .into(),
            "use a plain string key",
            pos,
        );
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn anchor(
        &mut self,
        id: usize,
        value: Value,
        size: usize,
        key: Option<(Text, bool)>,
        pos: Pos,
    ) -> Result<(), SyntaxError> {
        self.copy(size, pos)?;
        self.anchors.insert(id, Anchor { value, size, key });
        Ok(())
    }

    /// Attaches a finished node to its parent (or makes it the document root).
    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame {
                kind: Kind::Seq { .. },
                ..
            }) => self.items.push(value),
            Some(Frame {
                kind: Kind::Map { key, .. },
                ..
            }) => {
                if let Key::Ready(k) = std::mem::replace(key, Key::Wanted) {
                    self.entries.push((k, value));
                }
            }
        }
    }

    fn note(&mut self, message: String, help: &'static str, pos: Pos) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(SyntaxError {
                message,
                pos,
                help: Some(help),
            });
        }
    }

    /// Counts nodes as written.
    fn count(&mut self, n: usize, pos: Pos) -> Result<(), SyntaxError> {
        self.written += n;
        self.expanded += n;
        if self.written > MAX_NODES {
            return Err(SyntaxError {
                message: format!(
                    "the file has more than {MAX_NODES} nodes (keys, values and list items, all its documents together)"
                ),
                pos,
                help: Some("split it into smaller files, or add it to `exclude:` in itsm.yaml"),
            });
        }
        Ok(())
    }

    /// Counts nodes copied for anchors and aliases.
    fn copy(&mut self, n: usize, pos: Pos) -> Result<(), SyntaxError> {
        self.copied += n;
        if self.copied > MAX_COPIES {
            return Err(SyntaxError {
                message: format!(
                    "anchors and aliases in this file copy more than {MAX_COPIES} nodes (an alias bomb?)"
                ),
                pos,
                help: Some(
                    "each alias stands for a full copy of its anchored node, and copies of copies multiply: write the values out, or alias smaller nodes",
                ),
            });
        }
        Ok(())
    }
}

/// The text a scalar value stands for as a key.
fn text_of(value: &Value, written: &str, interner: &mut Interner) -> Text {
    match value {
        Value::Str(s) => s.clone(),
        _ => interner.intern(written),
    }
}
