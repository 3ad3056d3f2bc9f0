//! The home page (`index.html`): what needs attention first (see
//! [`super::attention`]), then Services by tier and lifecycle, open problems,
//! upcoming changes and the repository's health.

use super::changes::ChangeRow;
use super::context::Cx;
use crate::diag::{Diagnostic, Severity};
use crate::link::Ix;
use crate::model::{Kind, Lifecycle, ProblemStatus};
use crate::report::coverage::Coverage;
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::{Item, Link};
use minijinja::Value as V;
use serde::Serialize;

/// The lifecycles of Services, in the order of the home page's table.
const LIFECYCLES: &[Lifecycle] = Lifecycle::ALL;

/// A diagnostic as the home page lists it.
#[derive(Serialize)]
pub(super) struct Warning {
    code: &'static str,
    message: String,
    at: String,
    record: Option<Link>,
}

impl Cx<'_> {
    /// `index.html`: what needs attention first, then the catalogue at a
    /// glance; `diagnostics` are the repository's findings, `coverage` the
    /// coverage report of the site.
    pub(super) fn home(
        &self,
        diagnostics: &[Diagnostic],
        coverage: &Coverage,
    ) -> Result<File, ThemeError> {
        let c = self.catalog;
        let status = |p: Ix| c.record(p).spec.problem().and_then(|s| s.status);
        let problems: Vec<Item> = c
            .of_kind(Kind::Problem)
            .filter(|p| status(*p) != Some(ProblemStatus::Resolved))
            .take(50)
            .map(|p| Item {
                link: self.link(p),
                state: "",
                note: status(p).map_or("", ProblemStatus::as_str).to_string(),
            })
            .collect();
        let upcoming: Vec<ChangeRow> = self.upcoming().into_iter().take(15).collect();
        let attention = self.attention(diagnostics, coverage);
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
                description => format!(
                    "What needs attention in {} today: open incidents, SLA breaches, late changes, reviews due and coverage findings.",
                    c.config().name
                ),
                lifecycles => LIFECYCLES.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                tiers => self.tiers(),
                open_problems => V::from_serialize(&problems),
                upcoming => V::from_serialize(&upcoming),
                attention => V::from_serialize(&attention),
                tally => V::from_serialize(attention.tally()),
                all_clear => attention.is_empty(),
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

    /// A diagnostic with its place and record, to list.
    pub(super) fn warning(&self, d: &Diagnostic) -> Warning {
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
}
