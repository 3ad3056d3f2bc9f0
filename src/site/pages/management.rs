//! The management system page (`management-system.html`): the Plan-Do-Check-Act
//! loop at a glance. The last internal Audit and the last held
//! ManagementReview with their age against `audits.every` and
//! `managementReview.every`, the open findings and actions, the overdue ones,
//! the top risks and the objectives on and off target; every list from the
//! registers of `itsm report` ([`crate::report::register`]).

use super::context::Cx;
use crate::link::Ix;
use crate::model::Kind;
use crate::model::spec::audit::{AuditStatus, AuditType};
use crate::model::spec::management_review::ReviewStatus;
use crate::report::register;
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use crate::time::Duration;
use jiff::civil::Date;
use minijinja::Value as V;
use serde::Serialize;

/// The kinds of the management system: a repository with a record of any of
/// them gets the management system pages.
pub(super) const KINDS: [Kind; 5] = [
    Kind::Objective,
    Kind::Risk,
    Kind::Audit,
    Kind::ManagementReview,
    Kind::Improvement,
];

/// Risks shown on the page.
const TOP_RISKS: usize = 5;

/// The last Audit or review of a kind, and how old it is.
#[derive(Serialize)]
struct Last {
    link: Link,
    date: String,
    age_days: i64,
    /// How often one is due (`12mo`).
    every: String,
    /// Older than `every`.
    overdue: bool,
}

impl Cx<'_> {
    /// `management-system.html`.
    pub(super) fn management_system(&self) -> Result<File, ThemeError> {
        let config = self.catalog.config();
        let audit = self.last(Kind::Audit, config.audits_every, |ix| {
            let a = self.catalog.record(ix).spec.audit()?;
            let done =
                a.audit_type == Some(AuditType::Internal) && a.status == Some(AuditStatus::Done);
            a.date.filter(|_| done)
        });
        let review = self.last(
            Kind::ManagementReview,
            config.management_review_every,
            |ix| {
                let r = self.catalog.record(ix).spec.management_review()?;
                r.date.filter(|_| r.status == Some(ReviewStatus::Held))
            },
        );
        let all = self.catalog.all();
        let (open, overdue) = self.action_lists();
        let risks = register::risks(all, self.today);
        let top: Vec<V> = risks
            .rows
            .iter()
            .filter(|r| r.score.is_some() && r.status != "closed")
            .take(TOP_RISKS)
            .map(|r| self.risk_row(r))
            .collect();
        let objectives = register::objectives(all, self.today);
        let on = |want: Option<bool>| -> Vec<V> {
            objectives
                .rows
                .iter()
                .filter(|r| r.on_target == want)
                .map(|r| self.objective_row(r))
                .collect()
        };
        self.page(
            "management-system.html".into(),
            "management-system.html",
            "Management system",
            minijinja::context! {
                audit => V::from_serialize(&audit),
                review => V::from_serialize(&review),
                open => open,
                overdue => overdue,
                risks => top,
                risk_count => risks.rows.len(),
                above_appetite => risks.rows.iter().filter(|r| r.above_appetite).count(),
                appetite => risks.appetite,
                off_target => on(Some(false)),
                on_target => on(Some(true)),
                unmeasured => on(None),
                date => self.today.to_string(),
            },
        )
    }

    /// The open findings and actions, and the overdue ones, of the register of actions.
    fn action_lists(&self) -> (Vec<V>, Vec<V>) {
        let actions = register::actions(self.catalog.all(), self.today);
        let row = |r: &register::ActionRow| {
            minijinja::context! {
                record => V::from_serialize(self.named(&r.record, &[])),
                title => &r.title,
                kind => &r.kind,
                status => &r.status,
                due => &r.due,
                overdue_days => r.overdue_days,
            }
        };
        let open = actions
            .rows
            .iter()
            .filter(|r| matches!(r.status.as_str(), "unaddressed" | "open" | "in-progress"))
            .map(row)
            .collect();
        let overdue = actions
            .rows
            .iter()
            .filter(|r| r.overdue_days > 0)
            .map(row)
            .collect();
        (open, overdue)
    }

    /// The record of `kind` with the latest date `dated` gives (up to today).
    fn last(
        &self,
        kind: Kind,
        every: Duration,
        dated: impl Fn(Ix) -> Option<Date>,
    ) -> Option<Last> {
        let (date, ix) = self
            .catalog
            .of_kind(kind)
            .filter_map(|ix| Some((dated(ix).filter(|d| *d <= self.today)?, ix)))
            .max()?;
        Some(Last {
            link: self.link(ix).clone(),
            date: date.to_string(),
            age_days: (self.today - date).get_days().into(),
            every: every.to_string(),
            overdue: every.before(self.today).is_some_and(|from| date < from),
        })
    }
}
