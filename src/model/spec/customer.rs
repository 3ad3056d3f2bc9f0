//! A Customer: who the services are for (ISO/IEC 20000-1 8.3.2).

use crate::model::Team;
use crate::model::decode::spec_struct;
use crate::model::types::{DateText, Markdown, Ref, Req, Score};
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Customer's relationship owner, contacts and satisfaction measurements.
    pub struct Customer {
        /// The Team that manages the relationship and approves changes to this record: a Team
        /// name, bare or full form (e.g. `sales` or `team:sales`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// People to talk to, each `{name, email, role}`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "contacts" => contacts: Box<[Contact]>,
        /// Satisfaction measurements, each `{date, score, notes}` with a score from 1 to 5.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "satisfaction" => satisfaction: Box<[Satisfaction]>,
        /// Description of the Customer and the relationship (Markdown). In a `.md` record the body
        /// is the Markdown after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// A contact person of a Customer.
    pub struct Contact {
        /// The contact's name (e.g. `Ana Ruiz`).
        #[schemars(required, length(min = 1))]
        "name" => name: Option<Text>,
        /// The contact's e-mail address (e.g. `ana.ruiz@retail.example`).
        "email" => email: Option<Text>,
        /// The contact's role (e.g. `head of operations`).
        "role" => role: Option<Text>,
    }
}

spec_struct! {
    /// A satisfaction measurement of a Customer.
    pub struct Satisfaction {
        /// When it was measured (e.g. `2026-06-30`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// The score, from 1 (very dissatisfied) to 5 (very satisfied).
        #[schemars(required, range(min = 1, max = 5))]
        "score" => score: Option<Score>,
        /// What the Customer said (Markdown).
        "notes" => notes: Option<Markdown>,
    }
}
