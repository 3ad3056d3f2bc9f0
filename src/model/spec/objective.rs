//! An Objective: a measurable aim of the service management system (Plan).

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Markdown, Ref, Req};
use crate::model::{Service, Team};
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Objective's owner, measure, target date, status and measured results.
    pub struct Objective {
        /// The Team that owns this Objective and approves changes to it: a Team name, bare or full
        /// form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// How the Objective is measured: `{metric, unit, target, direction}` (e.g. `{metric:
        /// p1-mttr, unit: hours, target: 4, direction: at-most}`).
        #[schemars(required)]
        "measure" => measure: Option<Measure>,
        /// Date by which the target should be reached (e.g. `2026-12-31`); past it, an Objective
        /// not achieved, missed or dropped gets the `action-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "due" => due: Option<Date>,
        /// Where the Objective stands: `planned`, `on-track`, `at-risk`, `achieved`, `missed` or
        /// `dropped`.
        "status" => status: Option<ObjectiveStatus>,
        /// Services the Objective is about: Service names, bare or full form (e.g.
        /// `[payments-api]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "services" => services: Box<[Ref<Service>]>,
        /// Measured results, each `{date, value}` (e.g. `- {date: 2026-09-30, value: 3.5}`); the
        /// latest dates the Objective as evidence.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "results" => results: Box<[Measurement]>,
        /// Why the Objective matters and how it is pursued (Markdown). In a `.md` record the body
        /// is the Markdown after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// How an Objective is measured.
    pub struct Measure {
        /// What is measured (e.g. `p1-mttr`, `availability`, `customer-satisfaction`).
        #[schemars(required, length(min = 1))]
        "metric" => metric: Option<Text>,
        /// The unit of the values (e.g. `hours`, `%`).
        "unit" => unit: Option<Text>,
        /// The value to reach (e.g. `4`).
        #[schemars(required)]
        "target" => target: Option<f64>,
        /// `at-least` (higher is better) or `at-most` (lower is better).
        #[schemars(required)]
        "direction" => direction: Option<Direction>,
    }
}

string_enum! {
    /// Which way an Objective's measure is better.
    pub enum Direction {
        AtLeast = "at-least",
        AtMost = "at-most",
    }
}

impl Direction {
    /// Whether `value` meets `target` in this direction.
    pub fn meets(self, value: f64, target: f64) -> bool {
        match self {
            Direction::AtLeast => value >= target,
            Direction::AtMost => value <= target,
        }
    }
}

string_enum! {
    /// Where an Objective stands.
    pub enum ObjectiveStatus {
        Planned = "planned",
        OnTrack = "on-track",
        AtRisk = "at-risk",
        Achieved = "achieved",
        Missed = "missed",
        Dropped = "dropped",
    }
}

spec_struct! {
    /// A measured result of an Objective.
    pub struct Measurement {
        /// When it was measured (e.g. `2026-09-30`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// The measured value, in the measure's unit (e.g. `3.5`).
        #[schemars(required)]
        "value" => value: Option<f64>,
    }
}
