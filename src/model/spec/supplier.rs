//! A Supplier and its contract.

use super::resources::Cost;
use crate::model::Team;
use crate::model::decode::spec_struct;
use crate::model::types::{DateText, Markdown, Ref, Req};
use crate::time::Duration;
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Supplier's ownership, contract and what it provides.
    pub struct Supplier {
        /// The Team that owns this Supplier relationship and approves changes to it: a Team name,
        /// bare or full form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// The contract with the Supplier: `{reference, start, end, lastReviewed, reviewEvery}`.
        "contract" => contract: Option<Contract>,
        /// What the Supplier provides, as free text (e.g. `[Hosting, Backup]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "provides" => provides: Box<[Text]>,
        /// How to reach the Supplier (e.g. `support@acme-cloud.example`, a phone number or a portal
        /// URL).
        "contact" => contact: Option<Text>,
        /// Description of the Supplier (Markdown). In a `.md` record the body is the Markdown after
        /// the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// A contract with a Supplier.
    pub struct Contract {
        /// The contract's reference or number (e.g. `C-2025-017`).
        "reference" => reference: Option<Text>,
        /// Date the contract starts (e.g. `2025-01-01`).
        #[schemars(with = "Option<DateText>")]
        "start" => start: Option<Date>,
        /// Date the contract ends (e.g. `2028-12-31`); past is an error, within 30 days a warning.
        #[schemars(with = "Option<DateText>")]
        "end" => end: Option<Date>,
        /// Date the contract was last reviewed (e.g. `2026-02-01`); with `reviewEvery` it drives
        /// the `review-overdue` warning.
        #[schemars(with = "Option<DateText>")]
        "lastReviewed" => last_reviewed: Option<Date>,
        /// How often the contract must be reviewed (e.g. `12mo`).
        "reviewEvery" => review_every: Option<Duration>,
        /// What the contract costs: `{amount, currency, per}` (e.g. `{amount: 24000, currency:
        /// EUR, per: year}`); split among the Services whose `suppliers` name the Supplier.
        "cost" => cost: Option<Cost>,
    }
}
