//! A Problem: the underlying cause of Incidents.

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{Markdown, Ref, Req};
use crate::model::{Change, Incident, Team};

spec_struct! {
    /// The Problem's ownership, status, Incidents, workaround and fix.
    pub struct Problem {
        /// The Team that owns this Problem and approves changes to it: a Team name, bare or full
        /// form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// Where the Problem stands: `open`, `known-error` (cause known, workaround documented) or
        /// `resolved`.
        #[schemars(required)]
        "status" => status: Option<ProblemStatus>,
        /// Incidents caused by this Problem: Incident names, bare or full form (e.g.
        /// `[inc-2026-001, incident:inc-2026-004]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "incidents" => incidents: Box<[Ref<Incident>]>,
        /// How to work around the Problem until it is fixed (Markdown).
        "workaround" => workaround: Option<Markdown>,
        /// The Change that fixes the Problem: a Change name, bare or full form (e.g.
        /// `chg-2026-042`).
        "fix" => fix: Option<Ref<Change>>,
        /// Root cause analysis (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Where a Problem stands.
    pub enum ProblemStatus {
        Open = "open",
        KnownError = "known-error",
        Resolved = "resolved",
    }
}
