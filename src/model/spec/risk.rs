//! A Risk: what could keep the services from meeting their objectives (Plan).

use crate::model::Team;
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{Affected, DateText, Markdown, Ref, Req, Score, Treatment};
use crate::time::Duration;
use jiff::civil::Date;

spec_struct! {
    /// The Risk's owner, score, treatment, what it affects and its review cycle.
    pub struct Risk {
        /// The Team that owns this Risk and approves changes to it: a Team name, bare or full form
        /// (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// How likely the Risk is, from 1 (rare) to 5 (almost certain).
        #[schemars(required, range(min = 1, max = 5))]
        "likelihood" => likelihood: Option<Score>,
        /// How bad it would be, from 1 (negligible) to 5 (severe). Likelihood x impact above
        /// `risk.appetite` in itsm.yaml (default 12) needs treatment or an `acceptedBy`.
        #[schemars(required, range(min = 1, max = 5))]
        "impact" => impact: Option<Score>,
        /// How the Risk is treated: `accept`, `mitigate` (needs `actions`), `transfer` or `avoid`.
        #[schemars(required)]
        "treatment" => treatment: Option<RiskTreatment>,
        /// What the Risk affects: Services, CIs and Suppliers in the full form (e.g.
        /// `[service:payments-api, supplier:acme-cloud]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "affects" => affects: Box<[Ref<Affected>]>,
        /// What treats the Risk: Improvements and Changes in the full form (e.g.
        /// `[improvement:db-failover-drill]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "actions" => actions: Box<[Ref<Treatment>]>,
        /// The Team that accepted the Risk as it is: a Team name, bare or full form (e.g.
        /// `itsm-office`). Required to accept a Risk scored above the appetite.
        "acceptedBy" => accepted_by: Option<Ref<Team>>,
        /// The Risk once treated: `{likelihood, impact}`, each 1 to 5.
        "residual" => residual: Option<Residual>,
        /// Where the Risk stands: `open`, `treated` or `closed`.
        "status" => status: Option<RiskStatus>,
        /// Date of the last review (e.g. `2026-05-01`); with `reviewEvery` it drives the
        /// `review-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "lastReviewed" => last_reviewed: Option<Date>,
        /// How often the Risk must be reviewed (e.g. `6mo`).
        "reviewEvery" => review_every: Option<Duration>,
        /// Description of the Risk, its causes and consequences (Markdown). In a `.md` record the
        /// body is the Markdown after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

impl Risk {
    /// Likelihood x impact, 1 to 25, when both are set.
    pub fn score(&self) -> Option<u8> {
        Some(self.likelihood?.get() * self.impact?.get())
    }
}

string_enum! {
    /// How a Risk is treated.
    pub enum RiskTreatment {
        Accept = "accept",
        Mitigate = "mitigate",
        Transfer = "transfer",
        Avoid = "avoid",
    }
}

string_enum! {
    /// Where a Risk stands.
    pub enum RiskStatus {
        Open = "open",
        Treated = "treated",
        Closed = "closed",
    }
}

spec_struct! {
    /// A Risk once treated.
    pub struct Residual {
        /// Likelihood after treatment, 1 to 5.
        #[schemars(range(min = 1, max = 5))]
        "likelihood" => likelihood: Option<Score>,
        /// Impact after treatment, 1 to 5.
        #[schemars(range(min = 1, max = 5))]
        "impact" => impact: Option<Score>,
    }
}
