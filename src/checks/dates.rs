//! Time checks: `invalid-window`, `expired`, `expiring`, `review-overdue`, `review-missing`.

use super::at;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::time::{Duration, date, instant};
use jiff::ToSpan;
use jiff::civil::Date;

/// Days before an expiry that `expiring` warns.
pub const EXPIRING_DAYS: i64 = 30;
/// Days after an emergency Change after which its review is missing.
pub const REVIEW_GRACE_DAYS: i64 = 14;

pub fn windows(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let mut check = |ix: Ix, start: &str, end: &str, instants: bool| {
        let r = catalog.record(ix);
        let (Some(a), Some(b)) = (r.str(start), r.str(end)) else {
            return;
        };
        let bad = if instants {
            matches!((instant(a), instant(b)), (Some(x), Some(y)) if y <= x)
        } else {
            matches!((date(a), date(b)), (Some(x), Some(y)) if y <= x)
        };
        if bad {
            let d = Diagnostic::new(
                Code::InvalidWindow,
                format!(
                    "{}: `{}` ({b}) is not after `{}` ({a})",
                    r.id,
                    field(end),
                    field(start)
                ),
            )
            .with_help("the end of a time range must come after its start");
            diags.push(at(catalog, ix, d, end));
        }
    };
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let ix = ix as Ix;
        match r.id.kind {
            Kind::Change => check(ix, "/spec/window/start", "/spec/window/end", true),
            Kind::Incident => check(ix, "/spec/started", "/spec/resolved", true),
            Kind::Supplier => check(ix, "/spec/contract/start", "/spec/contract/end", false),
            _ => {}
        }
    }
}

fn field(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

pub fn expiry(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    let soon = today.checked_add(EXPIRING_DAYS.days()).unwrap_or(today);
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let pointer = match r.id.kind {
            Kind::Ci if r.str("/spec/lifecycle") != Some("retired") => "/spec/expires",
            Kind::Supplier => "/spec/contract/end",
            _ => continue,
        };
        let Some(end) = r.str(pointer).and_then(date) else {
            continue;
        };
        let what = if r.id.kind == Kind::Ci {
            "expired"
        } else {
            "contract ended"
        };
        let d = if end < today {
            Diagnostic::new(Code::Expired, format!("{} {what} on {end}", r.id)).with_help(
                if r.id.kind == Kind::Ci {
                    "renew it and update `expires`, or set `lifecycle: retired`"
                } else {
                    "renew the contract and update `contract.end`, or remove the supplier"
                },
            )
        } else if end <= soon {
            let days = (end - today).get_days();
            let verb = if r.id.kind == Kind::Ci {
                "expires"
            } else {
                "contract ends"
            };
            Diagnostic::new(
                Code::Expiring,
                format!("{} {verb} on {end}, in {days} days", r.id),
            )
            .with_help("plan the renewal now")
        } else {
            continue;
        };
        diags.push(at(catalog, ix as Ix, d, pointer));
    }
}

pub fn reviews(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let base = match r.id.kind {
            Kind::Policy | Kind::Sla => "/spec",
            Kind::Supplier => "/spec/contract",
            _ => continue,
        };
        let last_ptr = format!("{base}/lastReviewed");
        let Some(last) = r.str(&last_ptr).and_then(date) else {
            continue;
        };
        let Some(every) = r
            .str(&format!("{base}/reviewEvery"))
            .and_then(Duration::parse)
        else {
            continue;
        };
        let Some(due) = every.after(last) else {
            continue;
        };
        if due < today {
            let every = r.str(&format!("{base}/reviewEvery")).unwrap_or_default();
            let d = Diagnostic::new(
                Code::ReviewOverdue,
                format!(
                    "{} was last reviewed on {last}: a review was due on {due} (every {every})",
                    r.id
                ),
            )
            .with_help(format!(
                "review it and set `{}` to the date of the review",
                field(&last_ptr)
            ));
            diags.push(at(catalog, ix as Ix, d, last_ptr));
        }
    }
}

pub fn emergency_reviews(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for c in catalog.of_kind(Kind::Change) {
        let r = catalog.record(c);
        if r.str("/spec/type") != Some("emergency")
            || r.str("/spec/status") != Some("implemented")
            || r.get("/spec/review").is_some()
        {
            continue;
        }
        let Some(done) = r
            .str("/spec/window/end")
            .or_else(|| r.str("/spec/window/start"))
            .and_then(instant)
        else {
            continue;
        };
        let done = done.to_zoned(jiff::tz::TimeZone::UTC).date();
        let Ok(grace_end) = done.checked_add(REVIEW_GRACE_DAYS.days()) else {
            continue;
        };
        if grace_end < today {
            let d = Diagnostic::new(
                Code::ReviewMissing,
                format!(
                    "{} is an emergency change implemented on {done} without a post-implementation review",
                    r.id
                ),
            )
            .with_help("add `review: {date: YYYY-MM-DD, outcome: ..., notes: ...}` under `spec`");
            diags.push(at(catalog, c, d, "/spec"));
        }
    }
}
