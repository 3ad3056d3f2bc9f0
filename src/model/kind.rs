//! The kinds of record, their identities, and the reference fields that link them.

use std::fmt;

/// One of the record kinds of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, schemars::JsonSchema)]
#[schemars(inline)]
pub enum Kind {
    Team,
    Service,
    #[schemars(rename = "SLA")]
    Sla,
    #[schemars(rename = "CI")]
    Ci,
    Supplier,
    Policy,
    StandardChange,
    Change,
    Incident,
    Problem,
    Objective,
    Risk,
    Audit,
    ManagementReview,
    Improvement,
    Framework,
    Release,
    Customer,
    Request,
}

impl Kind {
    /// Every kind, in the order the catalogue lists them.
    pub const ALL: [Kind; 19] = [
        Kind::Team,
        Kind::Service,
        Kind::Sla,
        Kind::Ci,
        Kind::Supplier,
        Kind::Policy,
        Kind::StandardChange,
        Kind::Change,
        Kind::Incident,
        Kind::Problem,
        Kind::Objective,
        Kind::Risk,
        Kind::Audit,
        Kind::ManagementReview,
        Kind::Improvement,
        Kind::Framework,
        Kind::Release,
        Kind::Customer,
        Kind::Request,
    ];

    /// A kind of the catalogue (contract v1: Team to Problem), as opposed to
    /// those of the management system, which the site lists only when a
    /// repository holds records of them.
    pub fn is_catalogue(self) -> bool {
        self.index() <= Kind::Problem.index()
    }

    /// Position in [`Kind::ALL`], for tables indexed by kind.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in `kind:` (`StandardChange`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Team => "Team",
            Kind::Service => "Service",
            Kind::Sla => "SLA",
            Kind::Ci => "CI",
            Kind::Supplier => "Supplier",
            Kind::Policy => "Policy",
            Kind::StandardChange => "StandardChange",
            Kind::Change => "Change",
            Kind::Incident => "Incident",
            Kind::Problem => "Problem",
            Kind::Objective => "Objective",
            Kind::Risk => "Risk",
            Kind::Audit => "Audit",
            Kind::ManagementReview => "ManagementReview",
            Kind::Improvement => "Improvement",
            Kind::Framework => "Framework",
            Kind::Release => "Release",
            Kind::Customer => "Customer",
            Kind::Request => "Request",
        }
    }

    /// The lower-case form used in identities and full references (`standard-change`).
    pub fn id(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Service => "service",
            Kind::Sla => "sla",
            Kind::Ci => "ci",
            Kind::Supplier => "supplier",
            Kind::Policy => "policy",
            Kind::StandardChange => "standard-change",
            Kind::Change => "change",
            Kind::Incident => "incident",
            Kind::Problem => "problem",
            Kind::Objective => "objective",
            Kind::Risk => "risk",
            Kind::Audit => "audit",
            Kind::ManagementReview => "management-review",
            Kind::Improvement => "improvement",
            Kind::Framework => "framework",
            Kind::Release => "release",
            Kind::Customer => "customer",
            Kind::Request => "request",
        }
    }

    /// The folder `itsm new` writes records of this kind into.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Team => "teams",
            Kind::Service => "services",
            Kind::Sla => "slas",
            Kind::Ci => "cis",
            Kind::Supplier => "suppliers",
            Kind::Policy => "policies",
            Kind::StandardChange => "standard-changes",
            Kind::Change => "changes",
            Kind::Incident => "incidents",
            Kind::Problem => "problems",
            Kind::Objective => "objectives",
            Kind::Risk => "risks",
            Kind::Audit => "audits",
            Kind::ManagementReview => "management-reviews",
            Kind::Improvement => "improvements",
            Kind::Framework => "frameworks",
            Kind::Release => "releases",
            Kind::Customer => "customers",
            Kind::Request => "requests",
        }
    }

    /// Parses the `kind:` value of a record (exact spelling).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Parses the kind part of a full reference (`standard-change`).
    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Parses either spelling, case-insensitively (for the command line).
    pub fn parse_loose(s: &str) -> Option<Kind> {
        let lower = s.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.id() == lower || k.name().eq_ignore_ascii_case(s) || k.folder() == lower)
    }

    /// The reference fields of this kind.
    pub fn ref_fields(self) -> &'static [RefField] {
        use fields::*;
        match self {
            Kind::Team => &[],
            Kind::Service => SERVICE,
            Kind::Supplier | Kind::StandardChange | Kind::Framework | Kind::Customer => OWNED,
            Kind::Sla => SLA,
            Kind::Ci => CI,
            Kind::Policy => POLICY,
            Kind::Change => CHANGE,
            Kind::Incident => INCIDENT,
            Kind::Problem => PROBLEM,
            Kind::Objective => OBJECTIVE,
            Kind::Risk => RISK,
            Kind::Audit => AUDIT,
            Kind::ManagementReview => REVIEW,
            Kind::Improvement => IMPROVEMENT,
            Kind::Release => RELEASE,
            Kind::Request => REQUEST,
        }
    }
}

impl super::decode::Decode for Kind {
    fn decode(value: &crate::value::Value) -> Option<Self> {
        Kind::from_name(value.as_str()?)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One record: a YAML document (or a Markdown file's front matter) whose
/// `apiVersion` starts with `itsm/`.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: RecordId,
    pub file: crate::source::FileId,
    /// Index of the YAML document in its file.
    pub doc: u32,
    /// The whole document as written (`apiVersion`, `kind`, `metadata`, `spec`),
    /// shared: a revision rebuilt from another shares its unchanged records.
    pub value: std::sync::Arc<crate::value::Value>,
    /// The Markdown after the front matter of a `.md` record.
    pub body: Option<std::sync::Arc<str>>,
    /// `spec`, typed: what the checks, reports and the gate read.
    pub spec: super::Spec,
}

impl Record {
    /// Reads a record of `kind` from its document: its name (`metadata.name`,
    /// empty when missing) and its decoded `spec`.
    pub fn read(
        kind: Kind,
        doc: u32,
        value: std::sync::Arc<crate::value::Value>,
        body: Option<std::sync::Arc<str>>,
    ) -> Record {
        let name = value
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(crate::value::Value::as_str)
            .unwrap_or_default();
        Record::new(RecordId::new(kind, name), doc, value, body)
    }

    /// A record of identity `id` from its document, decoding its `spec`.
    pub fn new(
        id: RecordId,
        doc: u32,
        value: std::sync::Arc<crate::value::Value>,
        body: Option<std::sync::Arc<str>>,
    ) -> Record {
        let spec = super::Spec::decode(id.kind, value.get("spec"));
        Record {
            id,
            file: 0,
            doc,
            value,
            body,
            spec,
        }
    }

    /// `spec` as written, in document order: for a dump of every field the
    /// document sets (the site's record page), as the typed spec keeps only
    /// what it reads. Empty when `spec` is not a mapping.
    pub fn spec_fields(&self) -> &[(crate::value::Text, crate::value::Value)] {
        self.value
            .get("spec")
            .and_then(crate::value::Value::as_map)
            .unwrap_or_default()
    }

    /// A value of `metadata` as written (`labels`, `annotations`, `links`),
    /// which the typed spec does not keep.
    pub fn metadata_value(&self, key: &str) -> Option<&crate::value::Value> {
        self.value.get("metadata")?.get(key)
    }

    /// The value at `node` as written, whether or not it fits its type (what a
    /// list of records shows).
    pub fn value_at(&self, node: super::Node) -> Option<&crate::value::Value> {
        self.value.pointer(&node.pointer())
    }

    /// Whether the document has a value at `node`, whether or not it fits its
    /// type (a report notes values it cannot read).
    pub fn has(&self, node: super::Node) -> bool {
        self.value.pointer(&node.pointer()).is_some()
    }

    /// The ids of the entries of the record's lists that a reference may name
    /// as a part (`audit:x#F1`): an Audit's findings, a Service's request
    /// offerings, a Framework's requirements, a Policy's rules.
    pub fn part_ids(&self) -> Vec<&str> {
        use super::Spec;
        use super::types::Slot;
        match &self.spec {
            Spec::Audit(a) => Slot::fitting(&a.findings)
                .filter_map(|(_, f)| f.id.as_deref())
                .collect(),
            Spec::Service(s) => s.requests.iter().filter_map(|o| o.id.as_deref()).collect(),
            Spec::Framework(f) => Slot::fitting(&f.requirements)
                .filter_map(|(_, r)| r.id.as_deref())
                .collect(),
            Spec::Policy(p) => p
                .rules
                .iter()
                .filter_map(|r| r.0.as_ref()?.id.as_deref())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the document sets `spec.body` (to anything).
    pub fn sets_spec_body(&self) -> bool {
        self.value.get("spec").and_then(|s| s.get("body")).is_some()
    }

    /// A string of `metadata` (`title`, `description`).
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.value.get("metadata")?.get(key)?.as_str()
    }

    /// The display title: `metadata.title`, else the name.
    pub fn title(&self) -> &str {
        self.metadata("title").unwrap_or(&self.id.name)
    }

    /// The Markdown body: after the front matter, or `spec.body`.
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref().or_else(|| self.spec.body())
    }
}

/// A record's identity, `kind:name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId {
    pub kind: Kind,
    pub name: String,
}

impl RecordId {
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        RecordId {
            kind,
            name: name.into(),
        }
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.id(), self.name)
    }
}

/// What a reference field means; names the edges of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Owner,
    Sla,
    DependsOn,
    Cis,
    Suppliers,
    Supplier,
    Approver,
    RuleTeam,
    Impacts,
    StandardChange,
    Incidents,
    Problems,
    Services,
    Problem,
    Fix,
    Customers,
    Customer,
    Approval,
    Affects,
    Actions,
    AcceptedBy,
    Auditees,
    Records,
    Source,
    Changes,
    Service,
}

impl Field {
    /// The field's path under `spec` in a record of `kind` (`owner`,
    /// `rules.approve.team`), as the export names it.
    pub fn name(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Field::Services, Kind::Audit) => "scope.services",
            (Field::Owner, _) => "owner",
            (Field::Sla, _) => "sla",
            (Field::DependsOn, _) => "dependsOn",
            (Field::Cis, _) => "cis",
            (Field::Suppliers, _) => "suppliers",
            (Field::Supplier, _) => "supplier",
            (Field::Approver, _) => "approver",
            (Field::RuleTeam, _) => "rules.approve.team",
            (Field::Impacts, _) => "impacts",
            (Field::StandardChange, _) => "standardChange",
            (Field::Incidents, _) => "incidents",
            (Field::Problems, _) => "problems",
            (Field::Services, _) => "services",
            (Field::Problem, _) => "problem",
            (Field::Fix, _) => "fix",
            (Field::Customers, _) => "customers",
            (Field::Customer, _) => "customer",
            (Field::Approval, _) => "requests.approval",
            (Field::Affects, _) => "affects",
            (Field::Actions, _) => "actions",
            (Field::AcceptedBy, _) => "acceptedBy",
            (Field::Auditees, _) => "auditees",
            (Field::Records, _) => "findings.records",
            (Field::Source, _) => "source",
            (Field::Changes, _) => "changes",
            (Field::Service, _) => "service",
        }
    }
}

/// Where a reference field sits in a record and what it may point at.
#[derive(Debug)]
pub struct RefField {
    pub field: Field,
    /// Path from the document root; `*` walks every item of a list.
    pub path: &'static [&'static str],
    pub accepts: &'static [Kind],
    /// A list of references rather than one.
    pub many: bool,
    /// References may name a part of a record (`audit:x#F1`).
    pub parts: bool,
    /// Free text unless the repository holds a record of the accepted kind
    /// (Service `customers` and SLA `customer` name Customers only then).
    pub if_any: bool,
}

impl RefField {
    const fn one(field: Field, path: &'static [&'static str], accepts: &'static [Kind]) -> Self {
        RefField {
            field,
            path,
            accepts,
            many: false,
            parts: false,
            if_any: false,
        }
    }
    const fn many(field: Field, path: &'static [&'static str], accepts: &'static [Kind]) -> Self {
        RefField {
            field,
            path,
            accepts,
            many: true,
            parts: false,
            if_any: false,
        }
    }
    const fn parts(self) -> Self {
        RefField {
            parts: true,
            ..self
        }
    }
    const fn if_any(self) -> Self {
        RefField {
            if_any: true,
            ..self
        }
    }
}

/// A parsed reference: an optional explicit kind and a name.
#[derive(Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    pub kind: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> Reference<'a> {
    pub fn parse(s: &'a str) -> Self {
        match s.split_once(':') {
            Some((kind, name)) => Reference {
                kind: Some(kind),
                name,
            },
            None => Reference {
                kind: None,
                name: s,
            },
        }
    }
}

/// Whether `s` is a valid record name (`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`).
pub fn is_valid_name(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && ok(&b[0])
        && ok(&b[b.len() - 1])
        && b.iter().all(|c| ok(c) || *c == b'-')
}

/// The reference fields of each kind (see [`Kind::ref_fields`]).
mod fields {
    use super::super::types::{Affected, Source, Target, Treatment};
    use super::{Field::*, Kind, RefField};

    pub(super) const TEAM: &[Kind] = &[Kind::Team];
    pub(super) const OWNER: RefField = RefField::one(Owner, &["spec", "owner"], TEAM);
    pub(super) const SERVICE: &[RefField] = &[
        OWNER,
        RefField::one(Sla, &["spec", "sla"], &[Kind::Sla]),
        RefField::many(DependsOn, &["spec", "dependsOn"], &[Kind::Service]),
        RefField::many(Cis, &["spec", "cis"], &[Kind::Ci]),
        RefField::many(Suppliers, &["spec", "suppliers"], &[Kind::Supplier]),
        RefField::many(Customers, &["spec", "customers"], &[Kind::Customer]).if_any(),
        RefField::one(Approval, &["spec", "requests", "*", "approval"], TEAM),
    ];
    pub(super) const OWNED: &[RefField] = &[OWNER];
    pub(super) const CI: &[RefField] = &[
        OWNER,
        RefField::many(DependsOn, &["spec", "dependsOn"], &[Kind::Ci]),
        RefField::one(Supplier, &["spec", "supplier"], &[Kind::Supplier]),
    ];
    pub(super) const POLICY: &[RefField] = &[
        OWNER,
        RefField::one(Approver, &["spec", "approver"], TEAM),
        RefField::one(RuleTeam, &["spec", "rules", "*", "approve", "team"], TEAM),
    ];
    pub(super) const CHANGE: &[RefField] = &[
        RefField::many(Impacts, &["spec", "impacts"], &[Kind::Service, Kind::Ci]),
        RefField::one(
            StandardChange,
            &["spec", "standardChange"],
            &[Kind::StandardChange],
        ),
        RefField::many(Incidents, &["spec", "incidents"], &[Kind::Incident]),
        RefField::many(Problems, &["spec", "problems"], &[Kind::Problem]),
    ];
    pub(super) const INCIDENT: &[RefField] = &[
        RefField::many(Services, &["spec", "services"], &[Kind::Service]),
        RefField::one(Problem, &["spec", "problem"], &[Kind::Problem]),
    ];
    pub(super) const PROBLEM: &[RefField] = &[
        OWNER,
        RefField::many(Incidents, &["spec", "incidents"], &[Kind::Incident]),
        RefField::one(Fix, &["spec", "fix"], &[Kind::Change]),
    ];
    pub(super) const SLA: &[RefField] = &[
        OWNER,
        RefField::one(Customer, &["spec", "customer"], &[Kind::Customer]).if_any(),
    ];
    pub(super) const OBJECTIVE: &[RefField] = &[
        OWNER,
        RefField::many(Services, &["spec", "services"], &[Kind::Service]),
    ];
    pub(super) const RISK: &[RefField] = &[
        OWNER,
        RefField::many(Affects, &["spec", "affects"], Affected::ACCEPTS),
        RefField::many(Actions, &["spec", "actions"], Treatment::ACCEPTS),
        RefField::one(AcceptedBy, &["spec", "acceptedBy"], TEAM),
    ];
    pub(super) const AUDIT: &[RefField] = &[
        RefField::many(Services, &["spec", "scope", "services"], &[Kind::Service]),
        RefField::many(Auditees, &["spec", "auditees"], TEAM),
        RefField::many(Records, &["spec", "findings", "*", "records"], &Kind::ALL),
    ];
    pub(super) const REVIEW: &[RefField] = &[RefField::many(
        Actions,
        &["spec", "actions"],
        &[Kind::Improvement],
    )];
    pub(super) const IMPROVEMENT: &[RefField] = &[
        OWNER,
        RefField::many(Source, &["spec", "source"], Source::ACCEPTS).parts(),
        RefField::many(Changes, &["spec", "changes"], &[Kind::Change]),
    ];
    pub(super) const RELEASE: &[RefField] = &[
        OWNER,
        RefField::many(Services, &["spec", "services"], &[Kind::Service]),
        RefField::many(Changes, &["spec", "changes"], &[Kind::Change]),
    ];
    pub(super) const REQUEST: &[RefField] = &[RefField::one(
        Service,
        &["spec", "service"],
        &[Kind::Service],
    )];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(Kind::from_name(k.name()), Some(k));
            assert_eq!(Kind::from_id(k.id()), Some(k));
            assert_eq!(Kind::parse_loose(k.folder()), Some(k));
        }
        assert_eq!(
            Kind::parse_loose("standardchange"),
            Some(Kind::StandardChange)
        );
    }

    #[test]
    fn names() {
        assert!(is_valid_name("payments-api"));
        assert!(is_valid_name("a"));
        assert!(!is_valid_name("-a"));
        assert!(!is_valid_name("a-"));
        assert!(!is_valid_name("../../x"));
        assert!(!is_valid_name("Payments"));
        assert!(!is_valid_name(&"a".repeat(64)));
    }
}
