//! A configuration item.

use super::resources::{Capacity, Cost};
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Map, Markdown, Ref, Req, Scalar, Unread};
use crate::model::{Supplier, Team};
use jiff::civil::Date;

spec_struct! {
    /// The CI's ownership, type, environment, lifecycle and dependencies.
    pub struct Ci {
        /// The Team that owns this CI and approves changes to it: a Team name, bare or full form
        /// (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// What the CI is: `application`, `server`, `virtual-machine`, `container`, `database`,
        /// `network`, `storage`, `cloud-service`, `saas`, `certificate`, `endpoint` or `other`.
        #[schemars(required)]
        "type" => ci_type: Option<CiType>,
        /// Environment the CI runs in: `production`, `staging`, `test`, `development` or `dr`
        /// (disaster recovery).
        #[schemars(required)]
        "environment" => environment: Option<Environment>,
        /// Lifecycle stage: `planned`, `active`, `maintenance` or `retired`.
        "lifecycle" => lifecycle: Option<CiLifecycle>,
        /// CIs this CI depends on: CI names, bare or full form (e.g. `[pg-main, ci:k8s-prod]`).
        /// Cycles are errors.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "dependsOn" => depends_on: Box<[Ref<Ci>]>,
        /// The Supplier that provides this CI: a Supplier name, bare or full form (e.g.
        /// `acme-cloud`).
        "supplier" => supplier: Option<Ref<Supplier>>,
        /// Date the CI expires (e.g. a certificate or licence, `2027-03-31`); past while the CI is
        /// not retired is an error, within 30 days a warning.
        #[schemars(with = "Option<DateText>")]
        "expires" => expires: Option<Date>,
        /// Free-form attributes, each a string, number or boolean (e.g. `{cpu: 8, region:
        /// eu-west-1, encrypted: true}`).
        #[schemars(with = "Option<Map<Scalar>>")]
        "attributes" => attributes: Option<Unread>,
        /// Capacity entries, each `{metric, unit, limit, current, measured, threshold, forecast}`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "capacity" => capacity: Box<[Capacity]>,
        /// What the CI costs: `{amount, currency, per}` (e.g. `{amount: 300, currency: EUR, per:
        /// month}`); split among the Services that reach it.
        "cost" => cost: Option<Cost>,
        /// Description of the CI (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// What a CI is.
    pub enum CiType {
        Application = "application",
        Server = "server",
        VirtualMachine = "virtual-machine",
        Container = "container",
        Database = "database",
        Network = "network",
        Storage = "storage",
        CloudService = "cloud-service",
        Saas = "saas",
        Certificate = "certificate",
        Endpoint = "endpoint",
        Other = "other",
    }
}

string_enum! {
    /// The environment a CI runs in.
    pub enum Environment {
        Production = "production",
        Staging = "staging",
        Test = "test",
        Development = "development",
        Dr = "dr",
    }
}

string_enum! {
    /// Where a CI is in its life.
    pub enum CiLifecycle {
        Planned = "planned",
        Active = "active",
        Maintenance = "maintenance",
        Retired = "retired",
    }
}
