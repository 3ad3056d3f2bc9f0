//! A Release: Changes built, tested and deployed together (ISO/IEC 20000-1 8.5.3).

use crate::model::decode::{spec_struct, string_enum};
use crate::model::spec::change::ChangeWindow;
use crate::model::types::{Instant, Markdown, Ref, Req};
use crate::model::{Change, Service, Team};
use crate::value::Text;

spec_struct! {
    /// The Release's owner, version, Services, Changes, status, window and deployment.
    pub struct Release {
        /// The Team that owns this Release and approves changes to it: a Team name, bare or full
        /// form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// The version released (e.g. `2026.11.2`).
        #[schemars(required, length(min = 1))]
        "version" => version: Option<Text>,
        /// Services the Release delivers to: Service names, bare or full form (e.g.
        /// `[payments-api]`).
        #[schemars(required, length(min = 1), extend("uniqueItems" = true))]
        "services" => services: Box<[Ref<Service>]>,
        /// Changes the Release bundles: Change names, bare or full form (e.g. `[chg-2026-050]`). A
        /// deployed Release may not include a proposed or cancelled Change.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "changes" => changes: Box<[Ref<Change>]>,
        /// Where the Release stands: `planned`, `built`, `deployed`, `rolled-back` or `cancelled`.
        #[schemars(required)]
        "status" => status: Option<ReleaseStatus>,
        /// The deployment window `{start, end}` as RFC 3339 instants; `end` must be after `start`.
        "window" => window: Option<ChangeWindow>,
        /// When it was deployed, RFC 3339 (e.g. `2026-11-12T21:30:00Z`).
        "deployed" => deployed: Option<Instant>,
        /// Environments it goes to (e.g. `[staging, production]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "environments" => environments: Box<[Text]>,
        /// Acceptance criteria (Markdown).
        "acceptance" => acceptance: Option<Markdown>,
        /// How to back the Release out (Markdown).
        "backout" => backout: Option<Markdown>,
        /// Release notes (Markdown). In a `.md` record the body is the Markdown after the front
        /// matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Where a Release stands.
    pub enum ReleaseStatus {
        Planned = "planned",
        Built = "built",
        Deployed = "deployed",
        RolledBack = "rolled-back",
        Cancelled = "cancelled",
    }
}
