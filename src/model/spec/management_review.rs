//! A ManagementReview: top management reviews the service management system (Check).

use crate::model::Improvement;
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Login, Markdown, Ref, Req};
use jiff::civil::Date;

spec_struct! {
    /// The review's date, status, attendees, inputs, decisions and actions. A ManagementReview has
    /// no owner: changes to it are approved by `admins`.
    pub struct ManagementReview {
        /// When the review is planned or was held (e.g. `2026-11-20`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// `planned` or `held`.
        #[schemars(required)]
        "status" => status: Option<ReviewStatus>,
        /// GitHub logins of those who attended (e.g. `[okafor, lindqvist]`).
        #[schemars(required, length(min = 1), extend("uniqueItems" = true))]
        "attendees" => attendees: Box<[Login]>,
        /// What the review considered, each `{topic, notes}`; a held review should cover every
        /// topic ISO/IEC 20000-1 9.3 lists (`review-inputs`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "inputs" => inputs: Box<[Input]>,
        /// What was decided (Markdown).
        "decisions" => decisions: Option<Markdown>,
        /// Improvements the review decided: Improvement names, bare or full form (e.g.
        /// `[imp-change-lead-time]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "actions" => actions: Box<[Ref<Improvement>]>,
        /// Minutes of the review (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Whether a ManagementReview has taken place.
    pub enum ReviewStatus {
        Planned = "planned",
        Held = "held",
    }
}

spec_struct! {
    /// An input of a ManagementReview.
    pub struct Input {
        /// The topic, one of those ISO/IEC 20000-1 9.3 lists.
        #[schemars(required)]
        "topic" => topic: Option<Topic>,
        /// What was said about it (Markdown).
        "notes" => notes: Option<Markdown>,
    }
}

string_enum! {
    /// The inputs a management review considers (ISO/IEC 20000-1 9.3).
    pub enum Topic {
        PreviousActions = "previous-actions",
        ContextChanges = "context-changes",
        Objectives = "objectives",
        Nonconformities = "nonconformities",
        Monitoring = "monitoring",
        AuditResults = "audit-results",
        CustomerFeedback = "customer-feedback",
        SupplierPerformance = "supplier-performance",
        Risks = "risks",
        ServicePerformance = "service-performance",
        Resources = "resources",
        Improvements = "improvements",
    }
}
