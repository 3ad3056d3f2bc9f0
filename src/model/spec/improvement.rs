//! An Improvement: a correction, corrective action or improvement (Act).

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Login, Markdown, Ref, Req, Source};
use crate::model::{Change, Team};
use jiff::civil::Date;

spec_struct! {
    /// The Improvement's owner, type, sources, status, dates, actions and verification.
    #[schemars(extend("allOf" = [
        {
            "if": {"properties": {"status": {"enum": ["done", "verified", "rejected"]}}, "required": ["status"]},
            "then": {"required": ["closed"]}
        },
        {
            "if": {"properties": {"status": {"const": "verified"}}, "required": ["status"]},
            "then": {"required": ["verification"]}
        }
    ]))]
    pub struct Improvement {
        /// The Team that owns this Improvement and approves changes to it: a Team name, bare or
        /// full form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// `correction` (fix the instance), `corrective-action` (remove the cause of a
        /// nonconformity) or `improvement`.
        #[schemars(required)]
        "type" => improvement_type: Option<ImprovementType>,
        /// Where it comes from, in the full form: audit findings (`audit:2026-internal#F3`),
        /// Incidents, Problems, ManagementReviews, Risks or Customers.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "source" => source: Box<[Ref<Source>]>,
        /// Where it stands: `open`, `in-progress`, `done`, `verified` (effectiveness checked) or
        /// `rejected`.
        #[schemars(required)]
        "status" => status: Option<ImprovementStatus>,
        /// Date by which it should be done (e.g. `2026-12-31`); past it, an open or in-progress
        /// Improvement gets the `action-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "due" => due: Option<Date>,
        /// The cause found (Markdown).
        "rootCause" => root_cause: Option<Markdown>,
        /// What is done about it (Markdown).
        "actions" => actions: Option<Markdown>,
        /// Changes that carry it out: Change names, bare or full form (e.g. `[chg-2026-050]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "changes" => changes: Box<[Ref<Change>]>,
        /// When it became done, verified or rejected (e.g. `2026-10-01`); required then.
        #[schemars(with = "Option<DateText>")]
        "closed" => closed: Option<Date>,
        /// The check that it worked: `{date, by, effective, notes}`; required when `verified`.
        "verification" => verification: Option<Verification>,
        /// Description (Markdown). In a `.md` record the body is the Markdown after the front
        /// matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// What an Improvement does.
    pub enum ImprovementType {
        Correction = "correction",
        CorrectiveAction = "corrective-action",
        Improvement = "improvement",
    }
}

string_enum! {
    /// Where an Improvement stands.
    pub enum ImprovementStatus {
        Open = "open",
        InProgress = "in-progress",
        Done = "done",
        Verified = "verified",
        Rejected = "rejected",
    }
}

impl ImprovementStatus {
    /// Open or in progress: still to be done.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ImprovementStatus::Open | ImprovementStatus::InProgress
        )
    }
}

spec_struct! {
    /// The verification of an Improvement's effectiveness.
    pub struct Verification {
        /// When it was verified (e.g. `2026-11-15`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// GitHub login of who verified it (e.g. `okafor`).
        #[schemars(required, with = "Req<Login>")]
        "by" => by: Option<Login>,
        /// Whether the action removed the cause.
        #[schemars(required)]
        "effective" => effective: Option<bool>,
        /// How it was verified (Markdown).
        "notes" => notes: Option<Markdown>,
    }
}
