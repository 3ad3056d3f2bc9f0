//! A service level agreement.

use crate::model::Team;
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Markdown, Ref, Req};
use crate::time::Duration;
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The SLA's customer, targets and review cycle.
    pub struct Sla {
        /// The Team that owns this SLA and approves changes to it: a Team name, bare or full form
        /// (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// The customer the SLA is agreed with: free text (e.g. `Retail division`, `Internal`), or,
        /// when the repository holds Customer records, a Customer name, bare or full form (e.g.
        /// `retail`).
        #[schemars(required)]
        "customer" => customer: Option<Text>,
        /// Availability target in percent, 0-100 (e.g. `99.9`).
        #[schemars(required, range(min = 0, max = 100))]
        "availability" => availability: Option<f64>,
        /// The period over which availability is measured: `monthly`, `quarterly` or `yearly`.
        #[schemars(required)]
        "window" => window: Option<Window>,
        /// When support is provided (e.g. `24x7`, `business`).
        "supportHours" => support_hours: Option<Text>,
        /// Time to first response per priority: a map of `p1`..`p4` to a duration (e.g. `{p1: 15m,
        /// p2: 1h, p3: 4h, p4: 1d}`).
        "response" => response: Option<Response>,
        /// Time to resolution per priority: a map of `p1`..`p4` to a duration (e.g. `{p1: 15m, p2:
        /// 1h, p3: 4h, p4: 1d}`).
        "resolution" => resolution: Option<Resolution>,
        /// Date from which the SLA applies (e.g. `2026-01-01`).
        #[schemars(with = "Option<DateText>")]
        "effective" => effective: Option<Date>,
        /// Date of the last review (e.g. `2026-06-01`); with `reviewEvery` it drives the
        /// `review-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "lastReviewed" => last_reviewed: Option<Date>,
        /// How often the SLA must be reviewed (e.g. `12mo`).
        "reviewEvery" => review_every: Option<Duration>,
        /// Description of the SLA (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// The period over which an SLA's availability is measured.
    pub enum Window {
        Monthly = "monthly",
        Quarterly = "quarterly",
        Yearly = "yearly",
    }
}

spec_struct! {
    /// Time to first response per priority.
    pub struct Response {
        /// Time to first response for priority p1 incidents (e.g. `15m`).
        "p1" => p1: Option<Duration>,
        /// Time to first response for priority p2 incidents (e.g. `1h`).
        "p2" => p2: Option<Duration>,
        /// Time to first response for priority p3 incidents (e.g. `4h`).
        "p3" => p3: Option<Duration>,
        /// Time to first response for priority p4 incidents (e.g. `1d`).
        "p4" => p4: Option<Duration>,
    }
}

spec_struct! {
    /// Time to resolution per priority.
    pub struct Resolution {
        /// Time to resolution for priority p1 incidents (e.g. `15m`).
        "p1" => p1: Option<Duration>,
        /// Time to resolution for priority p2 incidents (e.g. `1h`).
        "p2" => p2: Option<Duration>,
        /// Time to resolution for priority p3 incidents (e.g. `4h`).
        "p3" => p3: Option<Duration>,
        /// Time to resolution for priority p4 incidents (e.g. `1d`).
        "p4" => p4: Option<Duration>,
    }
}

impl Response {
    /// The first-response target for incidents of `priority`.
    pub fn get(&self, priority: crate::model::Priority) -> Option<Duration> {
        use crate::model::Priority::*;
        match priority {
            P1 => self.p1,
            P2 => self.p2,
            P3 => self.p3,
            P4 => self.p4,
        }
    }
}

impl Resolution {
    /// The resolution target for incidents of `priority`.
    pub fn get(&self, priority: crate::model::Priority) -> Option<Duration> {
        use crate::model::Priority::*;
        match priority {
            P1 => self.p1,
            P2 => self.p2,
            P3 => self.p3,
            P4 => self.p4,
        }
    }
}
