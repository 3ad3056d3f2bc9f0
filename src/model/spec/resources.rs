//! What Services, CIs, Suppliers and Teams consume and cost: capacity entries
//! (ISO/IEC 20000-1 8.4.2, 8.4.3) and amounts of money (8.4.1).

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{DateText, Req};
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// A capacity entry: a resource's limit, current use and forecast.
    pub struct Capacity {
        /// What is measured (e.g. `storage`, `requests-per-second`).
        #[schemars(required, length(min = 1))]
        "metric" => metric: Option<Text>,
        /// The unit of the values (e.g. `GB`).
        "unit" => unit: Option<Text>,
        /// The most the resource can take (e.g. `500`).
        #[schemars(required)]
        "limit" => limit: Option<f64>,
        /// The value measured (e.g. `310`).
        #[schemars(required)]
        "current" => current: Option<f64>,
        /// When `current` was measured (e.g. `2026-11-01`).
        #[schemars(required, with = "Req<DateText>")]
        "measured" => measured: Option<Date>,
        /// The share of `limit`, in percent, at which the entry needs attention (default 80;
        /// `capacity-risk`).
        #[schemars(range(min = 0, max = 100), extend("default" = 80))]
        "threshold" => threshold: Option<f64>,
        /// Expected values, each `{date, value}` (e.g. `- {date: 2027-03-01, value: 420}`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "forecast" => forecast: Box<[Forecast]>,
    }
}

spec_struct! {
    /// An expected value of a capacity entry.
    pub struct Forecast {
        /// When (e.g. `2027-03-01`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// The value expected then (e.g. `420`).
        #[schemars(required)]
        "value" => value: Option<f64>,
    }
}

spec_struct! {
    /// An amount of money per month or per year.
    pub struct Cost {
        /// The amount, at least 0 (e.g. `1200`).
        #[schemars(required, range(min = 0))]
        "amount" => amount: Option<f64>,
        /// ISO 4217 currency code (e.g. `EUR`).
        #[schemars(required, regex(pattern = r"^[A-Z]{3}$"))]
        "currency" => currency: Option<Text>,
        /// `month` or `year`: what the amount is for.
        #[schemars(required)]
        "per" => per: Option<Per>,
    }
}

string_enum! {
    /// The period an amount of money is for.
    pub enum Per {
        Month = "month",
        Year = "year",
    }
}
