//! The home page (`index.html`): Services by tier and lifecycle, open problems,
//! upcoming changes, reviews due and the repository's warnings.

use super::changes::ChangeRow;
use super::context::Cx;
use crate::diag::{Diagnostic, Severity};
use crate::link::Ix;
use crate::model::{Kind, Lifecycle, ProblemStatus, Spec};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::{Item, Link};
use crate::time::Duration;
use jiff::civil::Date;
use minijinja::Value as V;
use serde::Serialize;

/// The lifecycles of Services, in the order of the home page's table.
const LIFECYCLES: &[Lifecycle] = Lifecycle::ALL;

#[derive(Serialize)]
struct Warning {
    code: &'static str,
    message: String,
    at: String,
    record: Option<Link>,
}

#[derive(Serialize)]
struct Review {
    link: Link,
    due: String,
    overdue: bool,
}

impl Cx<'_> {
    /// `index.html`; `diagnostics` are the repository's findings (its warnings are shown).
    pub(super) fn home(&self, diagnostics: &[Diagnostic]) -> Result<File, ThemeError> {
        let c = self.catalog;
        let status = |p: Ix| c.record(p).spec.problem().and_then(|s| s.status);
        let problems: Vec<Item> = c
            .of_kind(Kind::Problem)
            .filter(|p| status(*p) != Some(ProblemStatus::Resolved))
            .take(50)
            .map(|p| Item {
                link: self.link(p),
                note: status(p).map_or("", ProblemStatus::as_str).to_string(),
            })
            .collect();
        let upcoming: Vec<ChangeRow> = self.upcoming().into_iter().take(15).collect();
        let (reviews, reviews_total) = self.reviews_due();
        let warnings = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning);
        let warning_count = warnings.clone().count();
        let warnings: Vec<Warning> = warnings.take(200).map(|d| self.warning(d)).collect();
        self.page(
            "index.html".into(),
            "home.html",
            &c.config().name,
            minijinja::context! {
                lifecycles => LIFECYCLES.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                tiers => self.tiers(),
                open_problems => V::from_serialize(&problems),
                upcoming => V::from_serialize(&upcoming),
                reviews => V::from_serialize(&reviews),
                reviews_total => reviews_total,
                warnings => V::from_serialize(&warnings),
                warning_count => warning_count,
                records => c.record_count(),
            },
        )
    }

    /// Services counted by tier (1 to 4) and lifecycle ([`LIFECYCLES`]).
    fn tiers(&self) -> [[usize; LIFECYCLES.len()]; 4] {
        let c = self.catalog;
        let mut tiers = [[0usize; LIFECYCLES.len()]; 4];
        for s in c.of_kind(Kind::Service) {
            let Some(spec) = c.record(s).spec.service() else {
                continue;
            };
            let tier = spec.tier.map(|t| usize::from(t.get()));
            let life = spec
                .lifecycle
                .and_then(|l| LIFECYCLES.iter().position(|x| *x == l));
            if let (Some(tier @ 1..=4), Some(l)) = (tier, life) {
                tiers[tier - 1][l] += 1;
            }
        }
        tiers
    }

    fn warning(&self, d: &Diagnostic) -> Warning {
        let c = self.catalog;
        let file = d.location.file.map(|f| c.file_path(f).to_string());
        let record = d
            .record
            .as_deref()
            .and_then(|id| c.resolve(id, &Kind::ALL).ok())
            .map(|ix| self.link(ix));
        Warning {
            code: d.code.as_str(),
            message: d.message.clone(),
            at: match (file, d.location.span) {
                (Some(f), Some(s)) => format!("{f}:{}", s.line),
                (Some(f), None) => f,
                _ => String::new(),
            },
            record: record.cloned(),
        }
    }

    /// Reviews overdue or due within 60 days (Policies, SLAs, Supplier contracts).
    fn reviews_due(&self) -> (Vec<Review>, usize) {
        let c = self.catalog;
        let horizon = self
            .today
            .checked_add(jiff::ToSpan::days(60))
            .unwrap_or(self.today);
        let mut due: Vec<(Date, Ix)> = [Kind::Policy, Kind::Sla, Kind::Supplier]
            .into_iter()
            .flat_map(|kind| c.of_kind(kind))
            .filter_map(|i| {
                let (last, every) = review_cycle(&c.record(i).spec)?;
                let next = every.after(last)?;
                (next <= horizon).then_some((next, i))
            })
            .collect();
        due.sort();
        let total = due.len();
        let rows = due
            .into_iter()
            .take(50)
            .map(|(d, i)| Review {
                link: self.link(i).clone(),
                due: d.to_string(),
                overdue: d < self.today,
            })
            .collect();
        (rows, total)
    }
}

/// When a Policy, an SLA or a Supplier's contract was last reviewed, and how
/// often it must be.
fn review_cycle(spec: &Spec) -> Option<(Date, Duration)> {
    match spec {
        Spec::Policy(s) => Some((s.last_reviewed?, s.review_every?)),
        Spec::Sla(s) => Some((s.last_reviewed?, s.review_every?)),
        Spec::Supplier(s) => {
            let contract = s.contract.as_ref()?;
            Some((contract.last_reviewed?, contract.review_every?))
        }
        _ => None,
    }
}
