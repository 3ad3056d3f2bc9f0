//! The registers of the management system as pages: nonconformities and
//! improvements (`actions.html`), risks with their heat map (`risks.html`) and
//! objectives against their targets (`objectives.html`). The rows are those of
//! `itsm report actions|risks|objectives` ([`crate::report::register`]).

use super::context::Cx;
use crate::model::Kind;
use crate::report::register::{self, ObjectiveRow, RiskRow};
use crate::site::file::{File, page_path};
use crate::site::theme::ThemeError;
use minijinja::Value as V;
use serde::Serialize;

/// A record named on a page: its reference as written, and the way from the
/// site root to its page (with `#ID` for a part of it) when it exists.
#[derive(Serialize, Clone)]
pub(super) struct Named {
    pub text: String,
    pub path: Option<String>,
}

/// A cell of the heat map: how many open Risks, and how it is shaded.
#[derive(Serialize)]
struct HeatCell {
    count: usize,
    score: usize,
    /// `low`, `medium`, `high` or `critical` (by likelihood x impact).
    level: &'static str,
    above_appetite: bool,
}

impl Cx<'_> {
    /// `text` (`kind:name`, `kind:name#ID`, or a bare name of one of `bare`)
    /// with the path of the record's page when it exists.
    pub(super) fn named(&self, text: &str, bare: &[Kind]) -> Named {
        let (whole, part) = match text.split_once('#') {
            Some((whole, part)) => (whole, Some(part)),
            None => (text, None),
        };
        let accepts = if whole.contains(':') {
            &Kind::ALL[..]
        } else {
            bare
        };
        let path = self.catalog.resolve(whole, accepts).ok().map(|ix| {
            let page = page_path(&self.catalog.record(ix).id);
            match part {
                Some(part) => format!("{page}#{part}"),
                None => page,
            }
        });
        Named {
            text: text.to_string(),
            path,
        }
    }

    /// Each of `texts` as [`Named`].
    pub(super) fn all_named(&self, texts: &[String]) -> Vec<Named> {
        texts.iter().map(|t| self.named(t, &[])).collect()
    }

    /// A Team named by its name (an owner, an acceptance).
    pub(super) fn team(&self, name: Option<&String>) -> Option<Named> {
        name.map(|n| self.named(n, &[Kind::Team]))
    }

    /// `actions.html`: every Improvement and unaddressed nonconformity, overdue first.
    pub(super) fn actions_page(&self) -> Result<File, ThemeError> {
        let register = register::actions(self.catalog.all(), self.today);
        let rows: Vec<V> = register
            .rows
            .iter()
            .map(|r| {
                minijinja::context! {
                    record => V::from_serialize(self.named(&r.record, &[])),
                    title => &r.title,
                    kind => &r.kind,
                    source => V::from_serialize(self.all_named(&r.source)),
                    owner => V::from_serialize(self.team(r.owner.as_ref())),
                    due => &r.due,
                    status => &r.status,
                    overdue_days => r.overdue_days,
                    closed => &r.closed,
                    verification => &r.verification,
                }
            })
            .collect();
        let overdue = register.rows.iter().filter(|r| r.overdue_days > 0).count();
        self.page(
            "actions.html".into(),
            "actions.html",
            "Nonconformities and improvements",
            minijinja::context! { rows => rows, overdue => overdue, date => register.date.to_string() },
        )
    }

    /// `risks.html`: the heat map and the risk register, highest score first.
    pub(super) fn risks_page(&self) -> Result<File, ThemeError> {
        let register = register::risks(self.catalog.all(), self.today);
        let appetite = register.appetite as usize;
        let heat: Vec<(u8, Vec<HeatCell>)> = register
            .heat_map
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let likelihood = 5 - i;
                let cells = row
                    .iter()
                    .enumerate()
                    .map(|(j, &count)| heat_cell(count, likelihood * (j + 1), appetite))
                    .collect();
                (likelihood as u8, cells)
            })
            .collect();
        let rows: Vec<V> = register.rows.iter().map(|r| self.risk_row(r)).collect();
        let above = register.rows.iter().filter(|r| r.above_appetite).count();
        self.page(
            "risks.html".into(),
            "risks.html",
            "Risk register",
            minijinja::context! {
                heat => V::from_serialize(&heat),
                rows => rows,
                appetite => appetite,
                above => above,
                date => register.date.to_string(),
            },
        )
    }

    pub(super) fn risk_row(&self, r: &RiskRow) -> V {
        minijinja::context! {
            record => V::from_serialize(self.named(&r.record, &[])),
            title => &r.title,
            owner => V::from_serialize(self.team(r.owner.as_ref())),
            likelihood => r.likelihood,
            impact => r.impact,
            score => r.score,
            level => r.score.map(|s| level(usize::from(s))),
            above_appetite => r.above_appetite,
            treatment => &r.treatment,
            residual => r.residual,
            status => &r.status,
            accepted_by => V::from_serialize(self.team(r.accepted_by.as_ref())),
            affects => V::from_serialize(self.all_named(&r.affects)),
            actions => V::from_serialize(self.all_named(&r.actions)),
            review_due => &r.review_due,
        }
    }

    /// `objectives.html`: each Objective's latest result against its target.
    pub(super) fn objectives_page(&self) -> Result<File, ThemeError> {
        let register = register::objectives(self.catalog.all(), self.today);
        let rows: Vec<V> = register
            .rows
            .iter()
            .map(|r| self.objective_row(r))
            .collect();
        let off = register
            .rows
            .iter()
            .filter(|r| r.on_target == Some(false))
            .count();
        self.page(
            "objectives.html".into(),
            "objectives.html",
            "Objectives",
            minijinja::context! { rows => rows, off => off, date => register.date.to_string() },
        )
    }

    pub(super) fn objective_row(&self, r: &ObjectiveRow) -> V {
        let trend = match (r.latest.as_ref(), r.previous) {
            (Some((_, v)), Some(p)) if *v > p => "up",
            (Some((_, v)), Some(p)) if *v < p => "down",
            (Some(_), Some(_)) => "level",
            _ => "",
        };
        minijinja::context! {
            record => V::from_serialize(self.named(&r.record, &[])),
            title => &r.title,
            owner => V::from_serialize(self.team(r.owner.as_ref())),
            metric => &r.metric,
            unit => &r.unit,
            target => r.target.map(|t| t.to_string()),
            direction => &r.direction,
            latest_date => r.latest.as_ref().map(|(d, _)| d.clone()),
            latest => r.latest.as_ref().map(|(_, v)| v.to_string()),
            previous => r.previous.map(|p| p.to_string()),
            trend => trend,
            on_target => r.on_target,
            due => &r.due,
            status => &r.status,
            overdue => r.overdue,
        }
    }
}

fn heat_cell(count: usize, score: usize, appetite: usize) -> HeatCell {
    HeatCell {
        count,
        score,
        level: level(score),
        above_appetite: score > appetite,
    }
}

/// How a likelihood x impact score is shaded.
fn level(score: usize) -> &'static str {
    match score {
        0..=4 => "low",
        5..=9 => "medium",
        10..=15 => "high",
        _ => "critical",
    }
}
