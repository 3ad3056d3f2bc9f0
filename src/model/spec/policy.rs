//! A Policy, the ISO/IEC 20000-1 clauses it addresses and its rules.

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{Clause, DateText, Markdown, Ref, Req, RequirementRef, Slot};
use crate::model::{Kind, Team};
use crate::time::Duration;
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Policy's ownership, the clauses it addresses, its review cycle and its rules.
    #[schemars(extend(
        "if" = {"properties": {"requirements": false}},
        "then" = {"required": ["clauses"]}
    ))]
    pub struct Policy {
        /// The Team that owns this Policy and approves changes to it: a Team name, bare or full
        /// form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// ISO/IEC 20000-1:2018 clause numbers the Policy addresses, quoted as strings (e.g.
        /// `["8.5.1", "8.5.2"]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        "clauses" => clauses: Box<[Clause]>,
        /// Requirements of any framework the Policy addresses, as requirement references:
        /// `FRAMEWORK:ID` or a bare ISO/IEC 20000-1 clause number (e.g. `["iso27001:A.5.1"]`). A
        /// Policy names `clauses`, `requirements` or both.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
        "requirements" => requirements: Box<[Slot<RequirementRef>]>,
        /// The Team that approves the Policy: a Team name, bare or full form (e.g. `itsm-office`).
        "approver" => approver: Option<Ref<Team>>,
        /// Date from which the Policy applies (e.g. `2026-01-01`).
        #[schemars(with = "Option<DateText>")]
        "effective" => effective: Option<Date>,
        /// Date of the last review (e.g. `2026-05-01`); with `reviewEvery` it drives the
        /// `review-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "lastReviewed" => last_reviewed: Option<Date>,
        /// How often the Policy must be reviewed (e.g. `12mo`).
        "reviewEvery" => review_every: Option<Duration>,
        /// Rules that make the Policy enforceable: each applies to one kind, optionally only `when`
        /// a CEL condition holds, and either asserts a CEL expression or adds an approval
        /// requirement. CEL environment: `self` is the record as a map (`apiVersion`, `kind`,
        /// `metadata`, `spec`; in a `.md` record `spec.body` holds the Markdown body), `today` is
        /// the current date as a `YYYY-MM-DD` string, and `ref(kind, name)` (bare or full name) or
        /// `ref("kind:name")` returns the referenced record.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "rules" => rules: Box<[Slot<Rule>]>,
        /// The policy text (Markdown). In a `.md` record the body is the Markdown after the front
        /// matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// A Policy rule: `id` and `kind`, plus `assert` and/or `approve`.
    #[schemars(extend("anyOf" = [{"required": ["assert"]}, {"required": ["approve"]}]))]
    pub struct Rule {
        /// The rule's identifier, unique in the Policy and quoted in its findings: lower-case
        /// letters, digits and hyphens (e.g. `tier1-needs-gold-sla`).
        #[schemars(required, regex(pattern = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"))]
        "id" => id: Option<Text>,
        /// The kind of record the rule applies to: `Team`, `Service`, `SLA`, `CI`, `Supplier`,
        /// `Policy`, `StandardChange`, `Change`, `Incident` or `Problem`.
        #[schemars(required)]
        "kind" => kind: Option<Kind>,
        /// Optional CEL condition: the rule applies only to records where it is true (e.g.
        /// `self.spec.tier == 1`). CEL environment: `self` is the record as a map (`apiVersion`,
        /// `kind`, `metadata`, `spec`; in a `.md` record `spec.body` holds the Markdown body),
        /// `today` is the current date as a `YYYY-MM-DD` string, and `ref(kind, name)` (bare or
        /// full name) or `ref("kind:name")` returns the referenced record.
        "when" => when: Option<Text>,
        /// CEL expression that must be true for every matching record (e.g. `ref('sla',
        /// self.spec.sla).spec.availability >= 99.9`). CEL environment: `self` is the record as a
        /// map (`apiVersion`, `kind`, `metadata`, `spec`; in a `.md` record `spec.body` holds the
        /// Markdown body), `today` is the current date as a `YYYY-MM-DD` string, and `ref(kind,
        /// name)` (bare or full name) or `ref("kind:name")` returns the referenced record.
        "assert" => assert: Option<Text>,
        /// Severity of a failed `assert`: `error` (default) or `warning`.
        #[schemars(extend("default" = "error"))]
        "severity" => severity: Option<RuleSeverity>,
        /// What to tell the user when the assertion fails (e.g. `A tier-1 Service needs an SLA of
        /// at least 99.9%`).
        "message" => message: Option<Text>,
        /// An extra approval requirement for pull requests that touch a matching record: `{team,
        /// count}` (e.g. `{team: security, count: 2}`).
        "approve" => approve: Option<Approve>,
    }
}

string_enum! {
    /// The severity of a rule's findings.
    pub enum RuleSeverity {
        Error = "error",
        Warning = "warning",
    }
}

spec_struct! {
    /// An approval requirement a rule adds.
    pub struct Approve {
        /// The Team whose approval is required: a Team name, bare or full form (e.g. `security`).
        /// Defaults to the matching record's owner.
        "team" => team: Option<Ref<Team>>,
        /// How many distinct members of the Team must approve (at least 1; default 1).
        #[schemars(range(min = 1), extend("default" = 1))]
        "count" => count: Option<i64>,
    }
}
