//! An Incident: an unplanned interruption or degradation of Services.

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{Instant, Markdown, Ref, Req};
use crate::model::{Problem, Service};

spec_struct! {
    /// The Incident's priority, affected Services, times, impact and status.
    pub struct Incident {
        /// Priority from `p1` (most urgent) to `p4`.
        #[schemars(required)]
        "priority" => priority: Option<Priority>,
        /// Services affected: Service names, bare or full form (e.g. `[payments-api]`).
        #[schemars(required, extend("uniqueItems" = true))]
        "services" => services: Box<[Ref<Service>]>,
        /// When the Incident started, RFC 3339 (e.g. `2026-03-14T08:10:00Z`).
        #[schemars(required, with = "Req<Instant>")]
        "started" => started: Option<Instant>,
        /// When service was restored, RFC 3339, after `started` (e.g. `2026-03-14T08:45:00Z`).
        "resolved" => resolved: Option<Instant>,
        /// Effect on the Services: `outage`, `degraded` or `none`.
        #[schemars(required)]
        "impact" => impact: Option<IncidentImpact>,
        /// Where the Incident stands: `open`, `resolved` or `closed`.
        "status" => status: Option<IncidentStatus>,
        /// The Problem that records the Incident's underlying cause: a Problem name, bare or full
        /// form (e.g. `prb-db-locks`).
        "problem" => problem: Option<Ref<Problem>>,
        /// Timeline or postmortem (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// How urgent an Incident is.
    pub enum Priority {
        P1 = "p1",
        P2 = "p2",
        P3 = "p3",
        P4 = "p4",
    }
}

string_enum! {
    /// The effect of an Incident on its Services.
    pub enum IncidentImpact {
        Outage = "outage",
        Degraded = "degraded",
        None = "none",
    }
}

string_enum! {
    /// Where an Incident stands.
    pub enum IncidentStatus {
        Open = "open",
        Resolved = "resolved",
        Closed = "closed",
    }
}
