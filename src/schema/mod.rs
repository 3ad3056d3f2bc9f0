//! Schema stage: every record against its kind's JSON Schema (draft 2020-12),
//! compiled once, validated in parallel, one diagnostic per violation.

mod messages;

/// Re-exported for the stages that still import it from here (link, impact).
pub use crate::suggest::closest;

use crate::diag::{Code, Diagnostic};
use crate::load::Repository;
use crate::model::{Kind, Record};
use crate::source::FileId;
use crate::value::{Repr, Value as Doc};
use jsonschema::Validator;
use rayon::prelude::*;
use serde_json::Value;

/// The schema text of a kind, as shipped in `schemas/`.
pub fn source(kind: Kind) -> &'static str {
    match kind {
        Kind::Team => include_str!("../../schemas/team.schema.json"),
        Kind::Service => include_str!("../../schemas/service.schema.json"),
        Kind::Sla => include_str!("../../schemas/sla.schema.json"),
        Kind::Ci => include_str!("../../schemas/ci.schema.json"),
        Kind::Supplier => include_str!("../../schemas/supplier.schema.json"),
        Kind::Policy => include_str!("../../schemas/policy.schema.json"),
        Kind::StandardChange => include_str!("../../schemas/standard-change.schema.json"),
        Kind::Change => include_str!("../../schemas/change.schema.json"),
        Kind::Incident => include_str!("../../schemas/incident.schema.json"),
        Kind::Problem => include_str!("../../schemas/problem.schema.json"),
        Kind::Objective => include_str!("../../schemas/objective.schema.json"),
        Kind::Risk => include_str!("../../schemas/risk.schema.json"),
        Kind::Audit => include_str!("../../schemas/audit.schema.json"),
        Kind::ManagementReview => include_str!("../../schemas/management-review.schema.json"),
        Kind::Improvement => include_str!("../../schemas/improvement.schema.json"),
        Kind::Framework => include_str!("../../schemas/framework.schema.json"),
        Kind::Release => include_str!("../../schemas/release.schema.json"),
        Kind::Customer => include_str!("../../schemas/customer.schema.json"),
        Kind::Request => include_str!("../../schemas/request.schema.json"),
    }
}

/// The schema of `itsm.yaml`.
pub const CONFIG_SOURCE: &str = include_str!("../../schemas/config.schema.json");

/// The file name of a kind's schema (`service.schema.json`).
pub fn file_name(kind: Kind) -> String {
    format!("{}.schema.json", kind.id())
}

/// The file name of the `itsm.yaml` schema.
pub const CONFIG_FILE_NAME: &str = "config.schema.json";

/// Every schema: file name and text, the kinds first, then `itsm.yaml`'s.
pub fn all() -> Vec<(String, &'static str)> {
    Kind::ALL
        .iter()
        .map(|k| (file_name(*k), source(*k)))
        .chain(std::iter::once((
            CONFIG_FILE_NAME.to_string(),
            CONFIG_SOURCE,
        )))
        .collect()
}

/// The compiled schemas.
pub struct Schemas {
    kinds: Vec<(Value, Validator<Repr>)>,
    config: (Value, Validator<Repr>),
}

impl Schemas {
    /// The schemas, compiled on first use and shared by every later run in the
    /// process (`serve` rebuilds, tests).
    pub fn get() -> &'static Schemas {
        static SCHEMAS: std::sync::OnceLock<Schemas> = std::sync::OnceLock::new();
        SCHEMAS.get_or_init(Schemas::compile)
    }

    /// Compiles every embedded schema. The schemas ship with the binary and are
    /// tested, so a failure here is a bug.
    pub fn compile() -> Schemas {
        let build = |text: &str| {
            let value: Value = serde_json::from_str(text).expect("embedded schema is JSON");
            let validator = jsonschema::options_for::<Repr>()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&value)
                .expect("embedded schema compiles");
            (value, validator)
        };
        Schemas {
            kinds: Kind::ALL.iter().map(|k| build(source(*k))).collect(),
            config: build(CONFIG_SOURCE),
        }
    }

    fn kind(&self, kind: Kind) -> &(Value, Validator<Repr>) {
        &self.kinds[kind.index()]
    }
}

/// Validates `itsm.yaml` and every record; returns one diagnostic per violation.
pub fn validate(repo: &Repository, schemas: &Schemas) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = repo
        .records
        .par_iter()
        .flat_map_iter(|r| record(r, schemas))
        .collect();
    if let Some(file) = repo.config_file {
        diags.extend(config(&repo.config_value, file, schemas));
    }
    diags
}

/// The violations of one record against its kind's schema, pointed at the
/// record's file and document.
pub fn record(record: &Record, schemas: &Schemas) -> Vec<Diagnostic> {
    let (schema, validator) = schemas.kind(record.id.kind);
    validator
        .iter_errors(&record.value)
        .flat_map(|e| messages::describe(&e, schema))
        .map(|(pointer, target, message, help)| {
            let mut d = Diagnostic::new(Code::Schema, message)
                .with_record(&record.id)
                .at(record.file, record.doc, pointer, target);
            d.help = help;
            d
        })
        .collect()
}

/// The violations of `itsm.yaml` (its value as read, `file` in the source
/// map) against its schema; an empty file is an empty mapping.
pub fn config(value: &Doc, file: FileId, schemas: &Schemas) -> Vec<Diagnostic> {
    let (schema, validator) = &schemas.config;
    let empty = Doc::Map(Box::new([]));
    let value = if value.is_null() { &empty } else { value };
    let mut diags = Vec::new();
    for e in validator.iter_errors(value) {
        for (pointer, target, message, help) in messages::describe(&e, schema) {
            let mut d = Diagnostic::new(Code::Schema, message).at(file, 0, pointer, target);
            d.help = help;
            diags.push(d);
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;

    /// (pointer, message, help) of every violation of a Service's `spec` lines.
    fn service_violations(spec: &str) -> Vec<(String, String, Option<String>)> {
        let text =
            format!("apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s\nspec:\n{spec}");
        let value = crate::load::yaml::parse(&text).0.remove(0).value;
        let (schema, validator) = Schemas::get().kind(Kind::Service);
        validator
            .iter_errors(&value)
            .flat_map(|e| messages::describe(&e, schema))
            .map(|(p, _, m, h)| (p, m, h))
            .collect()
    }

    #[test]
    fn messages_say_what_to_fix() {
        let found = service_violations("  ownr: ops\n  lifecycle: prod\n  tier: 9\n");
        // A field of `spec` ("" for `spec` itself).
        let find = |key: &str| {
            let p = format!(
                "{}{}{key}",
                Node::Spec.pointer(),
                if key.is_empty() { "" } else { "/" }
            );
            found
                .iter()
                .find(|(ptr, _, _)| *ptr == p)
                .cloned()
                .unwrap_or_else(|| panic!("{p}: {found:#?}"))
        };
        let (_, m, h) = find("ownr");
        assert_eq!(m, "unknown field `ownr` in `spec`");
        assert_eq!(h.as_deref(), Some("did you mean `owner`?"));
        let (_, m, h) = find("lifecycle");
        assert_eq!(m, "`prod` is not a valid value for `spec.lifecycle`");
        assert_eq!(h.as_deref(), Some("did you mean `production`?"));
        let (_, m, _) = find("tier");
        assert_eq!(m, "`spec.tier` is `9`, above the maximum of 4");
        let (_, m, h) = find("");
        assert_eq!(m, "`spec` is missing the required field `owner`");
        assert!(h.unwrap().starts_with("`owner`: The Team that owns"));
    }

    #[test]
    fn numbers_where_strings_belong_are_told_to_be_quoted() {
        let found = service_violations(
            "  owner: ops\n  lifecycle: planned\n  tier: 2\n  customers: [1.5]\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].1,
            "`spec.customers[0]` must be a string, not a decimal number"
        );
        assert_eq!(found[0].2.as_deref(), Some("put it in quotes: \"1.5\""));
    }
}
