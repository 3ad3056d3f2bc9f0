//! The envelope every record shares: `metadata`.

use super::decode::spec_struct;
use super::types::{Map, Name, Req};
use crate::value::Text;

spec_struct! {
    @shared
    /// Identity and descriptive data shared by every kind of record.
    #[schemars(rename = "metadata")]
    pub struct Metadata {
        /// The record's name, unique per kind: lower-case letters, digits and hyphens, 1-63
        /// characters (e.g. `payments-api`). Together with the kind it forms the identity
        /// `kind:name`.
        #[schemars(required, with = "Req<Name>")]
        "name" => name: Option<Text>,
        /// Optional display name shown on the site (e.g. `Payments API`).
        "title" => title: Option<Text>,
        /// Optional one-line summary of the record.
        "description" => description: Option<Text>,
        /// Optional free-form key/value labels, string to string (e.g. `{tier: gold, zone: eu}`).
        "labels" => labels: Option<Map<Text>>,
        /// Optional free-form key/value annotations for tools, string to string.
        "annotations" => annotations: Option<Map<Text>>,
        /// Optional related links, each `{title, url}` (e.g. `{title: Runbook, url:
        /// "https://wiki.example.com/runbook"}`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "links" => links: Box<[Link]>,
    }
}

spec_struct! {
    /// A related link of a record.
    pub struct Link {
        /// Link text (e.g. `Runbook`, `Dashboard`).
        #[schemars(required)]
        "title" => title: Option<Text>,
        /// Link target: an `http:`, `https:` or `mailto:` URL (e.g.
        /// `https://grafana.example.com/d/payments`).
        #[schemars(required, regex(pattern = r"^(https?:|mailto:)"))]
        "url" => url: Option<Text>,
    }
}
