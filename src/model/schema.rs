//! The JSON Schemas of the kinds, generated from the types of [`super::spec`]
//! (doc comments are the descriptions), in the form committed in `schemas/`.

use super::Kind;
use super::metadata::Metadata;
use super::spec::{
    Audit, Change, Ci, Customer, Framework, Improvement, Incident, ManagementReview, Objective,
    Policy, Problem, Release, Request, Risk, Service, Sla, StandardChange, Supplier, Team,
};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The schema of a kind, as the text committed in `schemas/`.
pub fn generate(kind: Kind) -> String {
    let schema = match kind {
        Kind::Team => root::<TeamRecord>(),
        Kind::Service => root::<ServiceRecord>(),
        Kind::Sla => root::<SlaRecord>(),
        Kind::Ci => root::<CiRecord>(),
        Kind::Supplier => root::<SupplierRecord>(),
        Kind::Policy => root::<PolicyRecord>(),
        Kind::StandardChange => root::<StandardChangeRecord>(),
        Kind::Change => root::<ChangeRecord>(),
        Kind::Incident => root::<IncidentRecord>(),
        Kind::Problem => root::<ProblemRecord>(),
        Kind::Objective => root::<ObjectiveRecord>(),
        Kind::Risk => root::<RiskRecord>(),
        Kind::Audit => root::<AuditRecord>(),
        Kind::ManagementReview => root::<ManagementReviewRecord>(),
        Kind::Improvement => root::<ImprovementRecord>(),
        Kind::Framework => root::<FrameworkRecord>(),
        Kind::Release => root::<ReleaseRecord>(),
        Kind::Customer => root::<CustomerRecord>(),
        Kind::Request => root::<RequestRecord>(),
    };
    text(schema)
}

/// The schema of a type as generated, in the committed form.
pub fn generate_for<T: JsonSchema>() -> String {
    text(root::<T>())
}

fn root<T: JsonSchema>() -> Value {
    let generator = SchemaGenerator::new(SchemaSettings::draft2020_12());
    let mut value = generator.into_root_schema_for::<T>().to_value();
    tidy(&mut value);
    order(&mut value, Place::Top);
    value
}

fn text(value: Value) -> String {
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// What the generator gives that the schemas do not say: `null` beside optional
/// fields (an absent field is not `null`), number formats (`uint8`), and the
/// line breaks of doc comments.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            unwrap_null(map);
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !matches!(f, "date" | "date-time"))
            {
                map.shift_remove("format");
            }
            if let Some(Value::String(d)) = map.get_mut("description") {
                *d = d.replace('\n', " ");
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// `{"anyOf": [X, {"type": "null"}], ...}` becomes X with the other keys.
fn unwrap_null(map: &mut Map<String, Value>) {
    let Some(Value::Array(any)) = map.get("anyOf") else {
        return;
    };
    let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
    if any.len() != 2 || !any.iter().any(is_null) {
        return;
    }
    let Some(Value::Object(inner)) = any.iter().find(|v| !is_null(v)).cloned() else {
        return;
    };
    map.shift_remove("anyOf");
    let rest = std::mem::take(map);
    map.extend(inner);
    map.extend(rest);
}

/// Where a schema object sits: the root and `$defs` entries open with their
/// description; field schemas say what they are before what they mean.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Top,
    Field,
}

/// The keys of a schema object in the order the committed schemas use.
const ORDER: &[&str] = &[
    "$schema",
    "title",
    "$ref",
    "type",
    "const",
    "enum",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "minItems",
    "uniqueItems",
    "description",
    "default",
    "additionalProperties",
    "required",
    "anyOf",
    "properties",
    "items",
    "if",
    "then",
    "else",
    "$defs",
];

/// The shared definitions in the order the committed schemas list them.
const DEFS: &[&str] = &[
    "name", "metadata", "duration", "date", "instant", "ref", "fullRef", "login", "markdown",
];

fn order(value: &mut Value, place: Place) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(|v| order(v, Place::Field));
        }
        return;
    };
    let container = ["properties", "items", "additionalProperties"]
        .iter()
        .any(|k| map.get(*k).is_some_and(Value::is_object));
    // Twice the position in ORDER; a description goes right after `title`
    // (at the top) or after `type` (of a list or a mapping).
    let rank = |key: &str| -> usize {
        let at = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len()) * 2;
        match key {
            "description" if place == Place::Top => at("title") + 1,
            "description" if container => at("type") + 1,
            _ => at(key),
        }
    };
    let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    entries.sort_by_key(|(k, _)| rank(k));
    for (key, mut v) in entries {
        match key.as_str() {
            "properties" => {
                if let Value::Object(props) = &mut v {
                    props.values_mut().for_each(|p| order(p, Place::Field));
                }
            }
            "$defs" => {
                if let Value::Object(defs) = &mut v {
                    let mut list: Vec<(String, Value)> = std::mem::take(defs).into_iter().collect();
                    list.sort_by_key(|(k, _)| {
                        DEFS.iter().position(|d| d == k).unwrap_or(DEFS.len())
                    });
                    for (name, mut def) in list {
                        order(&mut def, Place::Top);
                        defs.insert(name, def);
                    }
                }
            }
            "const" | "enum" | "default" | "required" | "description" | "pattern" | "type" => {}
            _ => order(&mut v, Place::Field),
        }
        map.insert(key, v);
    }
}

/// A schema with no constraint of its own (`const` is added beside it).
struct Anything;

impl JsonSchema for Anything {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Anything".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({})
    }
}

/// The whole record of a kind: the envelope around its spec.
macro_rules! record {
    ($(#[$meta:meta])* $root:ident, $spec:ty, $kind:literal) => {
        $(#[$meta])*
        #[derive(JsonSchema)]
        #[schemars(title = concat!("itsm ", $kind))]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct $root {
            /// The record format version: always `itsm/v1`.
            #[schemars(rename = "apiVersion", extend("const" = "itsm/v1"))]
            api_version: Anything,
            #[doc = concat!("The kind of record: always `", $kind, "` for this schema.")]
            #[schemars(extend("const" = $kind))]
            kind: Anything,
            /// Identity and descriptive data: `name` (required), `title`, `description`,
            /// `labels`, `annotations`, `links`.
            metadata: Metadata,
            spec: $spec,
        }
    };
}

record!(
    /// A Team: the people who own records and approve changes to them. Its identity is
    /// `team:<name>`.
    TeamRecord, Team, "Team"
);
record!(
    /// A Service in the service catalogue: what is delivered, who owns it, its SLA and what it
    /// depends on. Its identity is `service:<name>`.
    ServiceRecord, Service, "Service"
);
record!(
    /// A service level agreement: the availability, response and resolution targets agreed with
    /// a customer. Its identity is `sla:<name>`.
    SlaRecord, Sla, "SLA"
);
record!(
    /// A configuration item: a component (application, server, database, certificate...) that
    /// delivers Services. Its identity is `ci:<name>`.
    CiRecord, Ci, "CI"
);
record!(
    /// A Supplier: an external party that provides services or CIs, with its contract. Its
    /// identity is `supplier:<name>`.
    SupplierRecord, Supplier, "Supplier"
);
record!(
    /// A Policy: a documented policy that addresses ISO/IEC 20000-1:2018 clauses, optionally
    /// with machine-checked rules and approval requirements. Its identity is `policy:<name>`;
    /// usually written as a `.md` record whose body is the policy text.
    PolicyRecord, Policy, "Policy"
);
record!(
    /// A StandardChange: a pre-authorised, low-risk change procedure that standard Changes
    /// follow. Its identity is `standard-change:<name>`; usually a `.md` record whose body is
    /// the procedure.
    StandardChangeRecord, StandardChange, "StandardChange"
);
record!(
    /// A Change: a request to change Services or CIs, with its risk, window, plan and review. Its
    /// identity is `change:<name>`. Its approvals follow pull-request reviews.
    ChangeRecord, Change, "Change"
);
record!(
    /// An Incident: an unplanned interruption or degradation of Services. Its identity is
    /// `incident:<name>`; usually a `.md` record whose body is the timeline or postmortem.
    IncidentRecord, Incident, "Incident"
);
record!(
    /// A Problem: the underlying cause of one or more Incidents. Its identity is
    /// `problem:<name>`; usually a `.md` record whose body is the root cause analysis.
    ProblemRecord, Problem, "Problem"
);
record!(
    /// An Objective: a measurable aim of the service management system, with its target and
    /// measured results (ISO/IEC 20000-1 6.2). Its identity is `objective:<name>`.
    ObjectiveRecord, Objective, "Objective"
);
record!(
    /// A Risk: what could keep the services from meeting their objectives, scored and treated
    /// (ISO/IEC 20000-1 6.1). Its identity is `risk:<name>`.
    RiskRecord, Risk, "Risk"
);
record!(
    /// An Audit: an internal, external or certification audit, its scope and findings (ISO/IEC
    /// 20000-1 9.2). Its identity is `audit:<name>`; a finding is `audit:<name>#<id>`. Usually a
    /// `.md` record whose body is the audit report.
    AuditRecord, Audit, "Audit"
);
record!(
    /// A ManagementReview: top management's review of the service management system, its
    /// inputs, decisions and actions (ISO/IEC 20000-1 9.3). Its identity is
    /// `management-review:<name>`.
    ManagementReviewRecord, ManagementReview, "ManagementReview"
);
record!(
    /// An Improvement: a correction, corrective action or improvement, where it comes from and
    /// whether it worked (ISO/IEC 20000-1 10). Its identity is `improvement:<name>`.
    ImprovementRecord, Improvement, "Improvement"
);
record!(
    /// A Framework: a standard's requirements (ISO/IEC 27001, ISO 9001...), the records that
    /// evidence them, and how they map to other frameworks. Its identity is `framework:<name>`;
    /// the name is the framework's id in requirement references.
    FrameworkRecord, Framework, "Framework"
);
record!(
    /// A Release: Changes built, tested and deployed together to one or more Services (ISO/IEC
    /// 20000-1 8.5.3). Its identity is `release:<name>`.
    ReleaseRecord, Release, "Release"
);
record!(
    /// A Customer: who the services are for, the contacts and their satisfaction (ISO/IEC
    /// 20000-1 8.3.2). Its identity is `customer:<name>`.
    CustomerRecord, Customer, "Customer"
);
record!(
    /// A Request: a service request for one of a Service's offerings (ISO/IEC 20000-1 8.6.2). Its
    /// identity is `request:<name>`.
    RequestRecord, Request, "Request"
);

#[cfg(test)]
mod tests {
    use super::*;

    /// `schemas/` holds what the types give; `ITSM_BLESS=1` rewrites it.
    #[test]
    fn the_committed_schemas_are_what_the_types_give() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut stale = Vec::new();
        let kinds = Kind::ALL.map(|k| (crate::schema::file_name(k), generate(k)));
        let config = (
            crate::schema::CONFIG_FILE_NAME.to_string(),
            generate_for::<crate::config::ConfigFile>(),
        );
        for (name, generated) in kinds.into_iter().chain([config]) {
            let path = dir.join(name);
            if std::env::var_os("ITSM_BLESS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale schemas (ITSM_BLESS=1 cargo test --lib schema rewrites them): {stale:?}"
        );
    }
}
