//! A Change: a request to change Services or CIs.

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Impact, Instant, Login, Markdown, Ref, Req};
use crate::model::{Incident, Problem, StandardChange};
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Change's type, risk, impacts, window, status, plan and review.
    #[schemars(extend(
        "if" = {"properties": {"type": {"const": "standard"}}, "required": ["type"]},
        "then" = {"required": ["standardChange"]},
        "else" = {"required": ["backout"]}
    ))]
    pub struct Change {
        /// `standard` (pre-authorised; needs `standardChange`), `normal` (owner approvals, plus the
        /// CAB for high risk or tier-1 impact) or `emergency` (ECAB approval).
        #[schemars(required)]
        "type" => change_type: Option<ChangeType>,
        /// The Change's risk: `low`, `medium` or `high`.
        #[schemars(required)]
        "risk" => risk: Option<Risk>,
        /// Services and CIs the Change touches, at least one, in the full form `kind:name` (e.g.
        /// `[service:payments-api, ci:pg-main]`).
        #[schemars(required, length(min = 1), extend("uniqueItems" = true))]
        "impacts" => impacts: Box<[Ref<Impact>]>,
        /// GitHub login of the person who requests the Change (e.g. `octocat`).
        #[schemars(required, with = "Req<Login>")]
        "requestedBy" => requested_by: Option<Login>,
        /// The implementation window `{start, end}` as RFC 3339 instants; `end` must be after
        /// `start`.
        "window" => window: Option<ChangeWindow>,
        /// Where the Change stands: `proposed`, `scheduled`, `implemented`, `rolled-back` or
        /// `cancelled`.
        "status" => status: Option<ChangeStatus>,
        /// The StandardChange this Change follows: a StandardChange name, bare or full form (e.g.
        /// `restart` or `standard-change:restart`). Required when `type` is `standard`.
        "standardChange" => standard_change: Option<Ref<StandardChange>>,
        /// The implementation plan (Markdown).
        "plan" => plan: Option<Markdown>,
        /// How to undo the Change if it fails (Markdown). Required unless `type` is `standard`.
        "backout" => backout: Option<Markdown>,
        /// Post-implementation review `{date, outcome, notes}`; an emergency Change implemented
        /// more than 14 days ago without one gets a warning.
        "review" => review: Option<Review>,
        /// Incidents related to this Change (that caused it or that it caused): Incident names,
        /// bare or full form (e.g. `[inc-2026-001]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "incidents" => incidents: Box<[Ref<Incident>]>,
        /// Problems this Change addresses: Problem names, bare or full form (e.g.
        /// `[prb-db-locks]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "problems" => problems: Box<[Ref<Problem>]>,
        /// Further description of the Change (Markdown). In a `.md` record the body is the Markdown
        /// after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// How a Change is approved.
    pub enum ChangeType {
        Standard = "standard",
        Normal = "normal",
        Emergency = "emergency",
    }
}

string_enum! {
    /// The risk of a Change.
    pub enum Risk {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

string_enum! {
    /// The risks a StandardChange may allow (its `maxRisk`).
    pub enum MaxRisk {
        Low = "low",
        Medium = "medium",
    }
}

string_enum! {
    /// Where a Change stands.
    pub enum ChangeStatus {
        Proposed = "proposed",
        Scheduled = "scheduled",
        Implemented = "implemented",
        RolledBack = "rolled-back",
        Cancelled = "cancelled",
    }
}

spec_struct! {
    /// When a Change is implemented.
    pub struct ChangeWindow {
        /// When the change window opens, RFC 3339 (e.g. `2026-03-10T22:00:00Z`).
        #[schemars(required, with = "Req<Instant>")]
        "start" => start: Option<Instant>,
        /// When the change window closes, RFC 3339, after `start` (e.g. `2026-03-11T01:00:00Z`).
        #[schemars(required, with = "Req<Instant>")]
        "end" => end: Option<Instant>,
    }
}

spec_struct! {
    /// A Change's post-implementation review.
    pub struct Review {
        /// Date of the review (e.g. `2026-03-12`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// The outcome of the Change as reviewed (e.g. `successful`, `partially successful`,
        /// `failed`).
        #[schemars(required, length(min = 1))]
        "outcome" => outcome: Option<Text>,
        /// Review notes: what went well, what to improve (Markdown).
        "notes" => notes: Option<Markdown>,
    }
}
