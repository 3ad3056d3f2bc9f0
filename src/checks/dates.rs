//! Time checks: `invalid-window`, `expired`, `expiring`, `review-overdue`, `review-missing`.

use super::at;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::{ChangeStatus, ChangeType, CiLifecycle, Kind, Node, Spec};
use jiff::ToSpan;
use jiff::civil::Date;

/// Days before an expiry that `expiring` warns.
pub const EXPIRING_DAYS: i64 = 30;
/// Days after an emergency Change after which its review is missing.
pub const REVIEW_GRACE_DAYS: i64 = 14;

pub fn windows(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let ix = ix as Ix;
        match &r.spec {
            Spec::Change(c) => {
                let window = c.window.as_ref();
                let start = window.and_then(|w| w.start.clone());
                let end = window.and_then(|w| w.end.clone());
                check_window(
                    catalog,
                    ix,
                    (Node::WindowStart, start),
                    (Node::WindowEnd, end),
                    diags,
                );
            }
            Spec::Release(rel) => {
                let window = rel.window.as_ref();
                let start = (Node::WindowStart, window.and_then(|w| w.start.clone()));
                let end = (Node::WindowEnd, window.and_then(|w| w.end.clone()));
                check_window(catalog, ix, start, end, diags);
            }
            Spec::Incident(i) => {
                let start = (Node::Started, i.started.clone());
                let end = (Node::Resolved, i.resolved.clone());
                check_window(catalog, ix, start, end, diags);
            }
            Spec::Supplier(s) => {
                let contract = s.contract.as_ref();
                let start = (Node::ContractStart, contract.and_then(|c| c.start));
                let end = (Node::ContractEnd, contract.and_then(|c| c.end));
                check_window(catalog, ix, start, end, diags);
            }
            _ => {}
        }
    }
}

/// An `invalid-window` at `end` when it is not after `start`.
fn check_window<T: PartialOrd + std::fmt::Display>(
    catalog: &Catalog,
    ix: Ix,
    (start, a): (Node, Option<T>),
    (end, b): (Node, Option<T>),
    diags: &mut Vec<Diagnostic>,
) {
    let (Some(a), Some(b)) = (a, b) else {
        return;
    };
    if b > a {
        return;
    }
    let r = catalog.record(ix);
    let d = Diagnostic::new(
        Code::InvalidWindow,
        format!(
            "{}: `{}` ({}) is not after `{}` ({})",
            r.id,
            end.path(),
            b,
            start.path(),
            a
        ),
    )
    .with_help("the end of a time range must come after its start");
    diags.push(at(catalog, ix, d, end));
}

pub fn expiry(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    let soon = today.checked_add(EXPIRING_DAYS.days()).unwrap_or(today);
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let (node, end) = match &r.spec {
            Spec::Ci(c) if c.lifecycle != Some(CiLifecycle::Retired) => (Node::Expires, c.expires),
            Spec::Supplier(s) => (Node::ContractEnd, s.contract.as_ref().and_then(|c| c.end)),
            _ => continue,
        };
        let Some(end) = end else {
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
        diags.push(at(catalog, ix as Ix, d, node));
    }
}

pub fn reviews(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for (ix, r) in catalog.repo.records.iter().enumerate() {
        let (node, last, every) = match &r.spec {
            Spec::Policy(p) => (Node::LastReviewed, p.last_reviewed, p.review_every),
            Spec::Sla(s) => (Node::LastReviewed, s.last_reviewed, s.review_every),
            Spec::Risk(s) => (Node::LastReviewed, s.last_reviewed, s.review_every),
            Spec::Supplier(s) => match &s.contract {
                Some(c) => (Node::ContractLastReviewed, c.last_reviewed, c.review_every),
                None => continue,
            },
            _ => continue,
        };
        let (Some(last), Some(every)) = (last, every) else {
            continue;
        };
        let Some(due) = every.after(last) else {
            continue;
        };
        if due < today {
            let d = Diagnostic::new(
                Code::ReviewOverdue,
                format!(
                    "{} was last reviewed on {last}: a review was due on {due} (every {every})",
                    r.id
                ),
            )
            .with_help(format!(
                "review it and set `{}` to the date of the review",
                node.path()
            ));
            diags.push(at(catalog, ix as Ix, d, node));
        }
    }
}

pub fn emergency_reviews(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for c in catalog.of_kind(Kind::Change) {
        let r = catalog.record(c);
        let Some(change) = r.spec.change() else {
            continue;
        };
        if change.change_type != Some(ChangeType::Emergency)
            || change.status != Some(ChangeStatus::Implemented)
            || change.review.is_some()
        {
            continue;
        }
        let window = change.window.as_ref();
        let Some(done) = window.and_then(|w| w.end.as_ref().or(w.start.as_ref())) else {
            continue;
        };
        let done = done.at.to_zoned(jiff::tz::TimeZone::UTC).date();
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
            diags.push(at(catalog, c, d, Node::Spec));
        }
    }
}
