//! The in-memory form of a YAML document: compact (a map is one boxed slice),
//! validated in place by the JSON Schemas, serialisable for rules and exports.
//!
//! `serde_json::Value` costs about 4 KB per small record (B-tree nodes); this
//! form about a quarter of that, which is what lets 100,000 records fit.

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use rustc_hash::FxHashSet as HashSet;
use serde::ser::{SerializeMap, SerializeSeq};
use std::borrow::Cow;
use std::sync::Arc;

/// A string of a document. Keys and short values repeat across records
/// (`owner`, `production`, team names), so they are shared through an [`Interner`].
pub type Text = Arc<str>;

/// Distinct strings one interner shares before it stops interning. Record names
/// are short and each is written in several records (a CI's own file, the
/// Services that list it, the Changes that impact it), so sharing every one of
/// them halves the allocations of a large repository.
const INTERN_LIMIT: usize = 1 << 20;
/// Longer strings are never interned (bodies, descriptions).
const INTERN_MAX_LEN: usize = 40;

/// The short strings a parse has met, so that the same string is one
/// allocation in every value it reads. It belongs to the parser that reads a
/// repository (one per worker) and goes with it: the values keep their
/// strings, the table does not outlive the load.
#[derive(Debug, Default)]
pub struct Interner {
    set: HashSet<Text>,
}

impl Interner {
    /// A shared copy of `s`: the same allocation for the same short string.
    pub fn intern(&mut self, s: &str) -> Text {
        if s.len() > INTERN_MAX_LEN {
            return Text::from(s);
        }
        if let Some(t) = self.set.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        if self.set.len() < INTERN_LIMIT {
            self.set.insert(t.clone());
        }
        t
    }
}

/// A YAML node, as JSON sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Text),
    Seq(Box<[Value]>),
    /// Entries in document order; keys are unique.
    Map(Box<[(Text, Value)]>),
}

impl Value {
    /// The value of a mapping's key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| &**k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a JSON pointer (`/spec/impacts/0`).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let seg: Cow<'_, str> = if raw.contains('~') {
                Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(raw)
            };
            node = match node {
                Value::Map(_) => node.get(&seg)?,
                Value::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Text, Value)]> {
        match self {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The same value as `serde_json::Value` (for error messages and exports).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(v) => s.serialize_str(v),
            Value::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries.iter() {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The representation marker for `jsonschema`.
pub struct Repr;

impl Json for Repr {
    type Node<'a> = &'a Value;
    type PreparedKey = Text;
    type StringBuffer = Value;

    fn prepare_key(key: &str) -> Text {
        key.into()
    }

    fn with_string_node<T>(buffer: &mut Value, string: &str, f: impl FnOnce(&Value) -> T) -> T {
        *buffer = Value::Str(string.into());
        f(buffer)
    }
}

/// A number of a [`Value`].
pub enum Number {
    Int(i64),
    Float(f64),
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::Float(f) => {
                (f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64).then_some(f as u64)
            }
        }
    }
    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::Float(f) => (f.fract() == 0.0 && f.abs() < i64::MAX as f64).then_some(f as i64),
        }
    }
    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        })
    }
    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(match *self {
            Number::Int(i) => i.to_string(),
            Number::Float(f) => f.to_string(),
        })
    }
    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::Int(i) => serde_json::Number::from(i),
            Number::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }
    fn is_written_as_integer(&self) -> bool {
        matches!(self, Number::Int(_))
    }
}

impl<'a> Node<'a, Repr> for &'a Value {
    type Object = &'a [(Text, Value)];
    type Array = &'a [Value];
    type Number = Number;

    fn as_object(&self) -> Option<Self::Object> {
        self.as_map()
    }
    fn as_array(&self) -> Option<Self::Array> {
        self.as_seq()
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<Number> {
        match **self {
            Value::Int(i) => Some(Number::Int(i)),
            Value::Float(f) => Some(Number::Float(f)),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match **self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) | Value::Float(_) => JsonType::Number,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }
    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_json())
    }
    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Value>(*self) as usize
        ))
    }
}

impl<'a> Object<'a, Repr> for &'a [(Text, Value)] {
    type Node = &'a Value;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[(Text, Value)]>::len(self)
    }
    fn get(&self, key: &Text) -> Option<&'a Value> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The entries of a mapping, for `jsonschema`.
pub struct Members<'a>(std::slice::Iter<'a, (Text, Value)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&**k, v))
    }
}

impl<'a> Array<'a, Repr> for &'a [Value] {
    type Node = &'a Value;
    type ElementsIter = std::slice::Iter<'a, Value>;

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }
    fn elements(&self) -> std::slice::Iter<'a, Value> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        Value::Map(
            vec![
                (
                    "top".into(),
                    Value::Map(
                        vec![(
                            "a/b".into(),
                            Value::Seq(vec![Value::Int(1), Value::Float(2.5)].into()),
                        )]
                        .into(),
                    ),
                ),
                ("name".into(), Value::Str("x".into())),
            ]
            .into(),
        )
    }

    #[test]
    fn pointers_and_json() {
        let v = sample();
        assert_eq!(v.pointer("/top/a~1b/1").and_then(Value::as_f64), Some(2.5));
        assert_eq!(v.pointer("/name").and_then(Value::as_str), Some("x"));
        assert!(v.pointer("/top/a~1b/9").is_none());
        assert_eq!(
            v.to_json(),
            serde_json::json!({"top": {"a/b": [1, 2.5]}, "name": "x"})
        );
        assert_eq!(serde_json::to_value(&v).unwrap(), v.to_json());
    }

    #[test]
    fn short_strings_are_shared_and_long_ones_are_not() {
        let mut interner = Interner::default();
        let a = interner.intern("production");
        assert!(Arc::ptr_eq(&a, &interner.intern("production")));
        let long = "x".repeat(INTERN_MAX_LEN + 1);
        assert!(!Arc::ptr_eq(
            &interner.intern(&long),
            &interner.intern(&long)
        ));
        assert!(!Arc::ptr_eq(&a, &Interner::default().intern("production")));
    }

    #[test]
    fn small_enough() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
}
