//! A Request: a service request for one of a Service's offerings (ISO/IEC 20000-1 8.6.2).

use crate::model::Service;
use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{Instant, Login, Markdown, Ref, Req};
use crate::value::Text;

spec_struct! {
    /// The Request's Service and offering, who asked, when, and where it stands. A Request has no
    /// owner: changes to it are approved by `admins`.
    pub struct Request {
        /// The Service asked: a Service name, bare or full form (e.g. `payments-api`).
        #[schemars(required, with = "Req<Ref<Service>>")]
        "service" => service: Option<Ref<Service>>,
        /// The id of one of the Service's `requests` offerings (e.g. `api-key`).
        #[schemars(required, length(min = 1))]
        "offering" => offering: Option<Text>,
        /// GitHub login of who asked (e.g. `octocat`).
        #[schemars(required, with = "Req<Login>")]
        "requestedBy" => requested_by: Option<Login>,
        /// When it was asked, RFC 3339 (e.g. `2026-11-02T09:15:00Z`).
        #[schemars(required, with = "Req<Instant>")]
        "requested" => requested: Option<Instant>,
        /// When it was fulfilled, RFC 3339 (e.g. `2026-11-02T15:40:00Z`).
        "fulfilled" => fulfilled: Option<Instant>,
        /// Where it stands: `open`, `fulfilled`, `rejected` or `cancelled`.
        #[schemars(required)]
        "status" => status: Option<RequestStatus>,
        /// Details of the Request (Markdown). In a `.md` record the body is the Markdown after the
        /// front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Where a Request stands.
    pub enum RequestStatus {
        Open = "open",
        Fulfilled = "fulfilled",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}
