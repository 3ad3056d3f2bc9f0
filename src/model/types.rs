//! The value types the specs share: references, tiers, Markdown, logins,
//! maps, and the schema forms of dates and instants.

use super::decode::Decode;
use super::kind::{Kind, RecordId, Reference};
use crate::value::{Text, Value};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;
use std::marker::PhantomData;

/// What a reference field may point at: the kinds it accepts.
pub trait Target {
    /// One kind: the bare name is enough; several: the full form is needed.
    const ACCEPTS: &'static [Kind];
    /// Whether a reference may name a part of a record, `kind:name#id` (an
    /// entry with that `id` in one of its lists, e.g. an audit finding).
    const PARTS: bool = false;
}

/// A reference as written (`payments`, `team:payments`), and the identity it
/// names when that is a record of a kind the field accepts.
pub struct Ref<K> {
    text: Text,
    /// Where the name starts in `text` (after `kind:`).
    name_at: u8,
    /// Where the name ends: at `#` in a reference to a part, else the end.
    name_end: u16,
    /// The kind of the record it names; `None` when that is not an accepted kind.
    kind: Option<Kind>,
    accepts: PhantomData<fn() -> K>,
}

impl<K: Target> Ref<K> {
    /// Reads a reference of a field that accepts `K`.
    pub fn new(text: Text) -> Self {
        let r = Reference::parse(&text);
        let kind = match r.kind {
            Some(k) => Kind::from_id(k).filter(|k| K::ACCEPTS.contains(k)),
            None if K::ACCEPTS.len() == 1 => Some(K::ACCEPTS[0]),
            None => None,
        };
        let name_at = r.kind.map_or(0, |k| k.len() + 1);
        let name_end = match text.find('#') {
            Some(at) if K::PARTS && at > name_at => at,
            _ => text.len(),
        };
        Ref {
            name_at: u8::try_from(name_at).unwrap_or(0),
            name_end: u16::try_from(name_end).unwrap_or(u16::MAX),
            kind,
            text,
            accepts: PhantomData,
        }
    }
}

impl<K> Ref<K> {
    /// The reference as written.
    pub fn as_written(&self) -> &str {
        &self.text
    }

    /// The name part (`payments` of `team:payments`, `2026-internal` of
    /// `audit:2026-internal#F3`), whatever the kind.
    pub fn name(&self) -> &str {
        let end = (self.name_end as usize).min(self.text.len());
        self.text
            .get(self.name_at as usize..end)
            .unwrap_or(&self.text)
    }

    /// The part named after `#` (`F3` of `audit:2026-internal#F3`), in a
    /// field that takes references to parts.
    pub fn part(&self) -> Option<&str> {
        self.text.get(self.name_end as usize + 1..)
    }

    /// The kind of the record it names, when the field accepts that kind.
    pub fn kind(&self) -> Option<Kind> {
        self.kind
    }

    /// The identity it names, when the field accepts that kind.
    pub fn id(&self) -> Option<RecordId> {
        Some(RecordId::new(self.kind?, self.name()))
    }
}

impl<K> Clone for Ref<K> {
    fn clone(&self) -> Self {
        Ref {
            text: self.text.clone(),
            name_at: self.name_at,
            name_end: self.name_end,
            kind: self.kind,
            accepts: PhantomData,
        }
    }
}

impl<K> PartialEq for Ref<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K> std::fmt::Debug for Ref<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ref({:?})", &*self.text)
    }
}

impl<K: Target> Decode for Ref<K> {
    fn decode(value: &Value) -> Option<Self> {
        match value {
            Value::Str(s) => Some(Ref::new(s.clone())),
            _ => None,
        }
    }
}

impl<K: Target> JsonSchema for Ref<K> {
    fn schema_name() -> Cow<'static, str> {
        if K::PARTS {
            PartRefText::schema_name()
        } else if K::ACCEPTS.len() > 1 {
            FullRefText::schema_name()
        } else {
            RefText::schema_name()
        }
    }

    fn schema_id() -> Cow<'static, str> {
        if K::PARTS {
            PartRefText::schema_id()
        } else if K::ACCEPTS.len() > 1 {
            FullRefText::schema_id()
        } else {
            RefText::schema_id()
        }
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        if K::PARTS {
            PartRefText::json_schema(generator)
        } else if K::ACCEPTS.len() > 1 {
            FullRefText::json_schema(generator)
        } else {
            RefText::json_schema(generator)
        }
    }
}

/// A reference to a record of the kind the field accepts: the bare name
/// (`payments`) or the full form `kind:name` (`team:payments`).
#[derive(JsonSchema)]
#[schemars(
    rename = "ref",
    with = "String",
    extend("pattern" = "^([a-z][a-z-]*:)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
)]
struct RefText;

/// A reference in the full form `kind:name`, with the kind in lower case and
/// hyphens for word breaks (e.g. `service:payments-api`, `ci:pg-main`).
#[derive(JsonSchema)]
#[schemars(
    rename = "fullRef",
    with = "String",
    extend("pattern" = "^[a-z][a-z-]*:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
)]
struct FullRefText;

/// A reference in the full form `kind:name`, or to a part of a record as
/// `kind:name#id`: the entry with that `id` in one of the record's lists (e.g.
/// `audit:2026-internal#F3`, a finding of that Audit).
#[derive(JsonSchema)]
#[schemars(
    rename = "partRef",
    with = "String",
    extend("pattern" = "^[a-z][a-z-]*:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(#[A-Za-z0-9][A-Za-z0-9._-]{0,63})?$")
)]
struct PartRefText;

/// What a Change's `impacts` may name: a Service or a CI.
pub enum Impact {}

impl Target for Impact {
    const ACCEPTS: &'static [Kind] = &[Kind::Service, Kind::Ci];
}

/// What a Risk `affects`: Services, CIs and Suppliers.
pub enum Affected {}

impl Target for Affected {
    const ACCEPTS: &'static [Kind] = &[Kind::Service, Kind::Ci, Kind::Supplier];
}

/// What treats a Risk: Improvements and Changes.
pub enum Treatment {}

impl Target for Treatment {
    const ACCEPTS: &'static [Kind] = &[Kind::Improvement, Kind::Change];
}

/// Where an Improvement comes from: audit findings (`audit:X#F1`), Incidents,
/// Problems, ManagementReviews, Risks and Customers.
pub enum Source {}

impl Target for Source {
    const ACCEPTS: &'static [Kind] = &[
        Kind::Audit,
        Kind::Incident,
        Kind::Problem,
        Kind::ManagementReview,
        Kind::Risk,
        Kind::Customer,
    ];
    const PARTS: bool = true;
}

/// Any record, in the full form (an audit finding's `records`).
pub enum AnyRecord {}

impl Target for AnyRecord {
    const ACCEPTS: &'static [Kind] = &Kind::ALL;
}

/// A requirement of a framework, `FRAMEWORK:ID` (e.g. `iso27001:A.5.1`,
/// `iso20000-1:8.5.1`); a bare clause number means ISO/IEC 20000-1 (`8.5.1`).
#[derive(Clone, Debug, PartialEq, JsonSchema)]
#[schemars(
    rename = "requirementRef",
    with = "String",
    extend("pattern" = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?:)?[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
)]
pub struct RequirementRef(pub Text);

/// The framework built in: ISO/IEC 20000-1:2018.
pub const BUILT_IN_FRAMEWORK: &str = "iso20000-1";

impl RequirementRef {
    /// The framework it names (`iso20000-1` when bare).
    pub fn framework(&self) -> &str {
        self.0
            .split_once(':')
            .map_or(BUILT_IN_FRAMEWORK, |(framework, _)| framework)
    }

    /// The requirement's id in its framework (`8.5.1`).
    pub fn id(&self) -> &str {
        self.0.split_once(':').map_or(&self.0, |(_, id)| id)
    }
}

impl Decode for RequirementRef {
    fn decode(value: &Value) -> Option<Self> {
        Text::decode(value).map(RequirementRef)
    }
}

/// A rating from 1 (lowest) to 5 (highest): a Risk's likelihood and impact, a
/// Customer's satisfaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(inline, with = "u8")]
pub struct Score(u8);

impl Score {
    /// The score as a number, 1 to 5.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Decode for Score {
    fn decode(value: &Value) -> Option<Self> {
        let score = value.as_i64()?;
        (1..=5).contains(&score).then_some(Score(score as u8))
    }
}

/// A Service's criticality, from 1 (most critical) to 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(inline, with = "u8")]
pub struct Tier(u8);

impl Tier {
    /// The tier as a number, 1 to 4.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Tier 1: changes to it need the CAB.
    pub fn is_critical(self) -> bool {
        self.0 == 1
    }
}

impl Decode for Tier {
    fn decode(value: &Value) -> Option<Self> {
        let tier = value.as_i64()?;
        (1..=4).contains(&tier).then_some(Tier(tier as u8))
    }
}

/// Markdown text.
#[derive(Clone, Debug, PartialEq, JsonSchema)]
#[schemars(rename = "markdown", with = "String")]
pub struct Markdown(pub Text);

impl std::ops::Deref for Markdown {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Decode for Markdown {
    fn decode(value: &Value) -> Option<Self> {
        Text::decode(value).map(Markdown)
    }
}

/// A GitHub login (user name), compared case-insensitively (e.g. `octocat`).
#[derive(Clone, Debug, PartialEq, JsonSchema)]
#[schemars(
    rename = "login",
    with = "String",
    extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")
)]
pub struct Login(pub Text);

impl std::ops::Deref for Login {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Decode for Login {
    fn decode(value: &Value) -> Option<Self> {
        Text::decode(value).map(Login)
    }
}

/// A record name: lower-case letters, digits and hyphens, 1-63 characters,
/// starting and ending with a letter or digit (e.g. `payments-api`), and not a
/// Windows device name (`con`, `prn`, `aux`, `nul`, `com0`-`com9`,
/// `lpt0`-`lpt9`: no page of the site could have it on Windows).
#[derive(JsonSchema)]
#[schemars(
    rename = "name",
    with = "String",
    extend("pattern" = "^(?!(con|prn|aux|nul|com[0-9]|lpt[0-9])$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
)]
pub struct Name;

/// A calendar date `YYYY-MM-DD` (e.g. `2026-03-31`).
#[derive(JsonSchema)]
#[schemars(
    rename = "date",
    with = "String",
    extend("pattern" = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format" = "date")
)]
pub struct DateText;

/// A point in time in RFC 3339 format with a time zone (e.g.
/// `2026-03-10T22:00:00Z`).
#[derive(Clone, Debug, JsonSchema)]
#[schemars(
    rename = "instant",
    with = "String",
    extend("format" = "date-time", "pattern" = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T")
)]
pub struct Instant {
    /// The instant.
    pub at: jiff::Timestamp,
    /// As written, with its offset (for messages).
    pub written: Text,
}

impl Decode for Instant {
    fn decode(value: &Value) -> Option<Self> {
        let written = Text::decode(value)?;
        let at = crate::time::instant(&written)?;
        Some(Instant { at, written })
    }
}

/// Instants compare by when they are, whatever their offsets.
impl PartialEq for Instant {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl PartialOrd for Instant {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.at.cmp(&other.at))
    }
}

impl std::fmt::Display for Instant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.written)
    }
}

/// A mapping of string keys, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Map<T>(pub Box<[(Text, T)]>);

/// A field the schema describes but no code reads typed: it stays in the
/// record's value tree (for CEL rules, the site and export), and decoding keeps
/// nothing of it, so that 70,000 CIs do not each hold a second copy of their
/// attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unread;

impl Decode for Unread {
    fn decode(_: &Value) -> Option<Self> {
        Some(Unread)
    }
}

impl<T> Default for Map<T> {
    fn default() -> Self {
        Map(Box::new([]))
    }
}

impl<T: Decode> Decode for Map<T> {
    fn decode(value: &Value) -> Option<Self> {
        let entries = value.as_map()?;
        Some(Map(entries
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), T::decode(v)?)))
            .collect()))
    }
}

impl<T: JsonSchema> JsonSchema for Map<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }
}

/// A scalar value: a string, a number or a boolean.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(Text),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Decode for Scalar {
    fn decode(value: &Value) -> Option<Self> {
        Some(match value {
            Value::Str(s) => Scalar::Str(s.clone()),
            Value::Int(i) => Scalar::Int(*i),
            Value::Float(f) => Scalar::Float(*f),
            Value::Bool(b) => Scalar::Bool(*b),
            _ => return None,
        })
    }
}

impl JsonSchema for Scalar {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({"type": ["string", "number", "boolean"]})
    }
}

/// A clause of ISO/IEC 20000-1:2018 (`8.5.1`), one of [`crate::iso20000::CLAUSES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause(pub &'static crate::iso20000::Clause);

impl Decode for Clause {
    fn decode(value: &Value) -> Option<Self> {
        let number = value.as_str()?;
        crate::iso20000::CLAUSES
            .iter()
            .find(|c| c.number == number)
            .map(Clause)
    }
}

impl JsonSchema for Clause {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Clause".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let numbers: Vec<&str> = crate::iso20000::CLAUSES.iter().map(|c| c.number).collect();
        schemars::json_schema!({"type": "string", "enum": numbers})
    }
}

/// An item of a list whose position matters (findings point at it): `None`
/// when the item does not fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot<T>(pub Option<T>);

impl<T> Slot<T> {
    /// The items of a list that fit, with their positions in the list.
    pub fn fitting(slots: &[Slot<T>]) -> impl Iterator<Item = (usize, &T)> {
        slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.0.as_ref()?)))
    }
}

impl<T: Decode> Decode for Slot<T> {
    fn decode(value: &Value) -> Option<Self> {
        Some(Slot(T::decode(value)))
    }
}

impl<T: JsonSchema> JsonSchema for Slot<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// Schema only: `T` by reference to its shared definition, for a required field
/// of a type kept in `$defs` (`#[schemars(required, with = "Req<Ref<Team>>")]`):
/// without it, a required field gets a copy of the definition.
pub struct Req<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for Req<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}
