//! Finds the position of a node from its JSON pointer, by walking the YAML events of
//! a file once. Diagnostics are positioned this way at the end of a run, so that the
//! loaded records need not carry a position for every node.

use super::yaml::Pos;
use crate::diag::Target;
use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// A node to find: document index, JSON pointer, and whether the key or the value.
pub type Request<'a> = (u32, &'a str, Target);

/// Returns, for each request, the position of the node, or of its nearest ancestor
/// when the node itself is not in the text (a missing field, an expanded alias).
pub fn locate(text: &str, requests: &[Request<'_>]) -> Vec<Option<Pos>> {
    let mut wanted = Wanted::default();
    for &(doc, pointer, target) in requests {
        wanted.want(doc, pointer, target);
        let mut p = pointer;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            wanted.want(doc, p, Target::Value);
        }
    }
    walk(text, &mut wanted);
    requests
        .iter()
        .map(|&(doc, pointer, target)| {
            if let Some(pos) = wanted.found(doc, pointer, target) {
                return Some(pos);
            }
            let mut p = pointer;
            while let Some(i) = p.rfind('/') {
                p = &p[..i];
                if let Some(pos) = wanted.found(doc, p, Target::Value) {
                    return Some(pos);
                }
            }
            None
        })
        .collect()
}

/// The nodes looked for, by document and target, then pointer (so that a lookup
/// during the walk needs no allocation).
#[derive(Default)]
struct Wanted {
    nodes: HashMap<(u32, Target), HashMap<String, Option<Pos>>>,
    total: usize,
}

impl Wanted {
    fn want(&mut self, doc: u32, pointer: &str, target: Target) {
        let nodes = self.nodes.entry((doc, target)).or_default();
        if !nodes.contains_key(pointer) {
            nodes.insert(pointer.to_string(), None);
            self.total += 1;
        }
    }

    /// Records where a node is, if it is wanted and not found yet; true if it was.
    fn mark(&mut self, doc: u32, pointer: &str, target: Target, pos: Pos) -> bool {
        match self
            .nodes
            .get_mut(&(doc, target))
            .and_then(|n| n.get_mut(pointer))
        {
            Some(slot @ None) => {
                *slot = Some(pos);
                true
            }
            _ => false,
        }
    }

    fn found(&self, doc: u32, pointer: &str, target: Target) -> Option<Pos> {
        *self.nodes.get(&(doc, target))?.get(pointer)?
    }
}

enum Frame {
    Seq { next: usize, base: usize },
    Map { key: Key, base: usize },
}

/// Where a mapping stands between its entries.
#[derive(PartialEq)]
enum Key {
    Wanted,
    /// The key is in `path`.
    Named,
    /// The key is a collection, which no pointer names: its value is skipped.
    Skip,
}

/// The walk through one file's events.
#[derive(Default)]
struct Walk {
    doc: i64,
    path: String,
    stack: Vec<Frame>,
    /// The text of each anchored scalar of the document, for aliases used as keys.
    anchors: HashMap<usize, String>,
    /// Open collections inside a key that is a collection, or inside its value.
    skip: usize,
}

fn walk(text: &str, wanted: &mut Wanted) {
    let mut parser = Parser::new_from_str(text);
    let mut w = Walk {
        doc: -1,
        ..Walk::default()
    };
    let mut found = 0;
    let total = wanted.total;
    while let Some(Ok((event, span))) = parser.next_event() {
        let pos = Pos::of(&span);
        let doc = w.doc;
        w.event(event, &mut |path: &str, target: Target| {
            if wanted.mark(doc as u32, path, target, pos) {
                found += 1;
            }
        });
        if found == total {
            break;
        }
    }
}

/// Marks a path reached at the current event, as key or value.
type Mark<'m> = dyn FnMut(&str, Target) + 'm;

impl Walk {
    /// Follows one event, marking with `mark` the nodes it reaches.
    fn event(&mut self, event: Event<'_>, mark: &mut Mark<'_>) {
        match event {
            Event::DocumentStart(_) => self.start_document(),
            Event::Scalar(text, _, anchor, _) => self.scalar(&text, anchor, mark),
            Event::Alias(id) => self.alias(id, mark),
            Event::SequenceStart(..) => self.open(true, mark),
            Event::MappingStart(..) => self.open(false, mark),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
    }

    fn start_document(&mut self) {
        self.doc += 1;
        self.path.clear();
        self.stack.clear();
        self.anchors.clear();
        self.skip = 0;
    }

    fn scalar(&mut self, text: &str, anchor: usize, mark: &mut Mark<'_>) {
        if anchor != 0 {
            self.anchors.insert(anchor, text.to_string());
        }
        if self.skip == 0 && !self.key(text, |p| mark(p, Target::Key)) {
            self.value(|p| mark(p, Target::Value));
        }
    }

    fn alias(&mut self, id: usize, mark: &mut Mark<'_>) {
        if self.skip > 0 {
            return;
        }
        if !self.wants_key() {
            self.value(|p| mark(p, Target::Value));
            return;
        }
        match self.anchors.get(&id).cloned() {
            Some(text) => {
                self.key(&text, |p| mark(p, Target::Key));
            }
            None => self.set_key(Key::Skip),
        }
    }

    /// A sequence (`is_seq`) or a mapping opens.
    fn open(&mut self, is_seq: bool, mark: &mut Mark<'_>) {
        if self.skip > 0 || self.wants_key() || self.skips_value() {
            self.skip += 1;
            return;
        }
        enter(&mut self.stack, &mut self.path);
        mark(&self.path, Target::Value);
        let base = self.path.len();
        self.stack.push(if is_seq {
            Frame::Seq { next: 0, base }
        } else {
            Frame::Map {
                key: Key::Wanted,
                base,
            }
        });
    }

    fn close(&mut self) {
        if self.skip == 0 {
            self.stack.pop();
            leave(&mut self.stack);
            return;
        }
        self.skip -= 1;
        if self.skip == 0 {
            // A key that is a collection ends (its value is skipped next), or
            // that value ends.
            let next = if self.skips_value() {
                Key::Wanted
            } else {
                Key::Skip
            };
            self.set_key(next);
        }
    }
}

impl Walk {
    fn wants_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                key: Key::Wanted,
                ..
            })
        )
    }

    fn skips_value(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: Key::Skip, .. }))
    }

    fn set_key(&mut self, to: Key) {
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = to;
        }
    }

    /// Takes `text` as the key of the mapping on top, if it wants one.
    fn key(&mut self, text: &str, mark: impl FnOnce(&str)) -> bool {
        let Some(Frame::Map { key, base }) = self.stack.last_mut() else {
            return false;
        };
        if *key != Key::Wanted {
            return false;
        }
        self.path.truncate(*base);
        push_segment(&mut self.path, text);
        *key = Key::Named;
        mark(&self.path);
        true
    }

    /// A scalar or an alias as a value.
    fn value(&mut self, mark: impl FnOnce(&str)) {
        if self.skips_value() {
            self.set_key(Key::Wanted);
            return;
        }
        enter(&mut self.stack, &mut self.path);
        mark(&self.path);
        leave(&mut self.stack);
    }
}

/// Sets `path` to the pointer of the next value node.
fn enter(stack: &mut [Frame], path: &mut String) {
    if let Some(Frame::Seq { next, base }) = stack.last_mut() {
        path.truncate(*base);
        path.push('/');
        path.push_str(&next.to_string());
        *next += 1;
    }
}

/// After a value node ends, the mapping it belonged to waits for the next key.
fn leave(stack: &mut [Frame]) {
    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
        *key = Key::Wanted;
    }
}

/// Appends `/segment` with JSON pointer escaping.
pub fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a: 1\n---\nkind: Service\ndata:\n  owner: x\n  cis: [one, two]\n  deep:\n    - k: v\n  a/b: 1\n";

    fn at(doc: u32, pointer: &str, target: Target) -> (u32, u32) {
        let pos = locate(TEXT, &[(doc, pointer, target)])[0].expect("found");
        (pos.line, pos.col)
    }

    #[test]
    fn finds_values_keys_and_items() {
        assert_eq!(at(1, "/data/owner", Target::Value), (5, 10));
        assert_eq!(at(1, "/data/owner", Target::Key), (5, 3));
        assert_eq!(at(1, "/data/cis/1", Target::Value), (6, 14));
        assert_eq!(at(1, "/data/deep/0/k", Target::Value), (8, 10));
        assert_eq!(at(1, "/data/a~1b", Target::Key), (9, 3));
        assert_eq!(at(0, "/a", Target::Value), (1, 4));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        assert_eq!(at(1, "/data/sla", Target::Value), (5, 3));
        assert_eq!(at(1, "/data/cis/7", Target::Value), (6, 8));
        assert_eq!(at(1, "", Target::Value), (3, 1));
    }
}
