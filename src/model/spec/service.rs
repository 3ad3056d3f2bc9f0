//! A Service in the service catalogue.

use super::resources::{Capacity, Cost};
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Markdown, Ref, Req, Tier};
use crate::model::{Ci, Sla, Supplier, Team};
use crate::time::Duration;
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Service's ownership, lifecycle, criticality, SLA and dependencies.
    pub struct Service {
        /// The Team that owns this Service and approves changes to it: a Team name, bare or full
        /// form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// Lifecycle stage: `planned`, `development`, `production`, `deprecated` or `retired`. A
        /// `production` Service must have an `sla`.
        #[schemars(required)]
        "lifecycle" => lifecycle: Option<Lifecycle>,
        /// Criticality from 1 (most critical) to 4 (e.g. `1`). Changes impacting a tier-1 Service
        /// need the CAB's approval.
        #[schemars(required, range(min = 1, max = 4))]
        "tier" => tier: Option<Tier>,
        /// `business` (seen by customers) or `technical` (supports other Services).
        "type" => service_type: Option<ServiceType>,
        /// The SLA this Service is delivered under: an SLA name, bare or full form (e.g. `gold` or
        /// `sla:gold`).
        "sla" => sla: Option<Ref<Sla>>,
        /// Services this Service depends on: Service names, bare or full form (e.g. `[auth,
        /// service:ledger]`). Cycles are errors.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "dependsOn" => depends_on: Box<[Ref<Service>]>,
        /// Configuration items (CIs) that deliver this Service: CI names, bare or full form (e.g.
        /// `[payments-app, ci:pg-main]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "cis" => cis: Box<[Ref<Ci>]>,
        /// Suppliers this Service relies on: Supplier names, bare or full form (e.g.
        /// `[acme-cloud]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "suppliers" => suppliers: Box<[Ref<Supplier>]>,
        /// Who uses the Service: free text (e.g. `[Retail customers, Finance]`), or, when the
        /// repository holds Customer records, Customer names, bare or full form (e.g.
        /// `[customer:retail]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "customers" => customers: Box<[Text]>,
        /// How the Service is supported: `{hours, channel, escalation}`.
        "support" => support: Option<Support>,
        /// Service continuity: objectives `{rto, rpo}` as durations (e.g. `{rto: 4h, rpo: 15m}`),
        /// the `plan`, how often it is tested (`testEvery`) and the `tests`.
        "continuity" => continuity: Option<Continuity>,
        /// Capacity entries, each `{metric, unit, limit, current, measured, threshold, forecast}`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "capacity" => capacity: Box<[Capacity]>,
        /// What the Service itself costs: `{amount, currency, per}` (e.g. `{amount: 1200,
        /// currency: EUR, per: month}`).
        "cost" => cost: Option<Cost>,
        /// What the Service may cost in full, shared costs included: `{amount, currency, per}`.
        "budget" => budget: Option<Cost>,
        /// Service request offerings, each `{id, title, fulfilment, approval}` (e.g. `- {id:
        /// api-key, title: New API key, fulfilment: 1d}`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "requests" => requests: Box<[Offering]>,
        /// Description of the Service (Markdown). In a `.md` record the body is the Markdown after
        /// the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Where a Service is in its life.
    pub enum Lifecycle {
        Planned = "planned",
        Development = "development",
        Production = "production",
        Deprecated = "deprecated",
        Retired = "retired",
    }
}

string_enum! {
    /// Who sees a Service.
    pub enum ServiceType {
        Business = "business",
        Technical = "technical",
    }
}

spec_struct! {
    /// How a Service is supported.
    pub struct Support {
        /// Support hours (e.g. `24x7`, `business`, `Mon-Fri 08:00-18:00 CET`).
        "hours" => hours: Option<Text>,
        /// Where users ask for help (e.g. `#payments-support`, a URL or an e-mail address).
        "channel" => channel: Option<Text>,
        /// How to escalate (e.g. `PagerDuty: payments-primary`).
        "escalation" => escalation: Option<Text>,
    }
}

spec_struct! {
    /// A Service's continuity objectives.
    pub struct Continuity {
        /// Recovery time objective: the longest acceptable outage after a disaster (e.g. `4h`).
        "rto" => rto: Option<Duration>,
        /// Recovery point objective: the most data loss acceptable, as a time span (e.g. `15m`).
        "rpo" => rpo: Option<Duration>,
        /// The continuity plan: a URL or Markdown.
        "plan" => plan: Option<Markdown>,
        /// How often the plan must be tested (default `12mo`).
        #[schemars(extend("default" = "12mo"))]
        "testEvery" => test_every: Option<Duration>,
        /// Tests of the plan, each `{date, result, rtoAchieved, rpoAchieved, notes}`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "tests" => tests: Box<[ContinuityTest]>,
    }
}

impl Continuity {
    /// How often the plan must be tested: `testEvery`, else 12 months.
    pub fn every(&self) -> Duration {
        self.test_every.unwrap_or(Duration {
            amount: 12,
            unit: crate::time::Unit::Months,
        })
    }

    /// The date of the latest passed test.
    pub fn last_passed(&self) -> Option<Date> {
        self.tests
            .iter()
            .filter(|t| t.result == Some(TestResult::Passed))
            .filter_map(|t| t.date)
            .max()
    }

    /// When the next passed test is due: [`Continuity::every`] after the last
    /// passed one (`None` without one: due now).
    pub fn next_due(&self) -> Option<Date> {
        self.every().after(self.last_passed()?)
    }

    /// The latest test (the last listed of the latest date), with its index.
    pub fn latest(&self) -> Option<(usize, &ContinuityTest)> {
        self.tests
            .iter()
            .enumerate()
            .filter(|(_, t)| t.date.is_some())
            .max_by_key(|(i, t)| (t.date, *i))
    }
}

/// Whether a recovery `achieved` is within its objective `target`, compared
/// in minutes (`continuity-target-missed`).
pub fn within(achieved: Duration, target: Duration) -> bool {
    achieved.minutes() <= target.minutes()
}

spec_struct! {
    /// A test of a continuity plan.
    pub struct ContinuityTest {
        /// When the test took place (e.g. `2026-05-20`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// `passed`, `partial` or `failed`.
        #[schemars(required)]
        "result" => result: Option<TestResult>,
        /// How long recovery took (e.g. `3h`).
        "rtoAchieved" => rto_achieved: Option<Duration>,
        /// How much data was lost, as a time span (e.g. `5m`).
        "rpoAchieved" => rpo_achieved: Option<Duration>,
        /// What was learnt (Markdown).
        "notes" => notes: Option<Markdown>,
    }
}

string_enum! {
    /// How a continuity test went.
    pub enum TestResult {
        Passed = "passed",
        Partial = "partial",
        Failed = "failed",
    }
}

spec_struct! {
    /// A service request offering.
    pub struct Offering {
        /// The offering's id, unique in the Service; Requests name it in `offering` (e.g.
        /// `api-key`).
        #[schemars(required, regex(pattern = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"))]
        "id" => id: Option<Text>,
        /// What is offered (e.g. `New API key`).
        #[schemars(required, length(min = 1))]
        "title" => title: Option<Text>,
        /// The fulfilment target, from request to fulfilment (e.g. `1d`).
        #[schemars(required)]
        "fulfilment" => fulfilment: Option<Duration>,
        /// The Team that approves such requests: a Team name, bare or full form (e.g. `security`).
        "approval" => approval: Option<Ref<Team>>,
    }
}
