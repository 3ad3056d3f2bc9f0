//! The risk register: every Risk scored and treated, highest first, and the
//! heat map of likelihood by impact.

use super::{or_dash, owner_name};
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::model::spec::risk::{Risk, RiskStatus};
use jiff::civil::Date;
use serde::Serialize;

/// Every Risk, the appetite, and how many open Risks fall in each cell.
#[derive(Debug, Clone, Serialize)]
pub struct Risks {
    #[serde(serialize_with = "crate::report::ser_display")]
    pub date: Date,
    /// Likelihood x impact above this needs treatment or an `acceptedBy`.
    pub appetite: u32,
    pub rows: Vec<RiskRow>,
    /// Open Risks (not closed) by likelihood (rows, 5 first) and impact
    /// (columns, 1 first).
    pub heat_map: [[usize; 5]; 5],
}

/// One Risk.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub record: String,
    pub title: String,
    pub owner: Option<String>,
    pub likelihood: Option<u8>,
    pub impact: Option<u8>,
    pub score: Option<u8>,
    pub above_appetite: bool,
    pub treatment: String,
    pub residual: Option<u8>,
    pub status: String,
    pub accepted_by: Option<String>,
    pub affects: Vec<String>,
    pub actions: Vec<String>,
    pub last_reviewed: Option<String>,
    /// When the next review is due (`lastReviewed` + `reviewEvery`).
    pub review_due: Option<String>,
}

/// The register as of `today`, highest score first.
pub fn risks(catalog: &Catalog, today: Date) -> Risks {
    let appetite = catalog.repo.config.risk_appetite;
    let mut rows: Vec<RiskRow> = catalog
        .of_kind(Kind::Risk)
        .filter_map(|ix| row(catalog, ix, appetite))
        .collect();
    rows.sort_by(|a, b| (b.score, &a.record).cmp(&(a.score, &b.record)));
    let mut heat_map = [[0usize; 5]; 5];
    for ix in catalog.of_kind(Kind::Risk) {
        let Some(risk) = catalog.record(ix).spec.risk() else {
            continue;
        };
        if risk.status == Some(RiskStatus::Closed) {
            continue;
        }
        if let (Some(l), Some(i)) = (risk.likelihood, risk.impact) {
            heat_map[5 - usize::from(l.get())][usize::from(i.get()) - 1] += 1;
        }
    }
    Risks {
        date: today,
        appetite,
        rows,
        heat_map,
    }
}

fn row(catalog: &Catalog, ix: Ix, appetite: u32) -> Option<RiskRow> {
    let record = catalog.record(ix);
    let risk: &Risk = record.spec.risk()?;
    let score = risk.score();
    let residual = risk
        .residual
        .as_ref()
        .and_then(|r| Some(r.likelihood?.get() * r.impact?.get()));
    let review_due = risk
        .review_every
        .zip(risk.last_reviewed)
        .and_then(|(every, last)| every.after(last));
    Some(RiskRow {
        record: record.id.to_string(),
        title: record.title().to_string(),
        owner: owner_name(catalog, ix),
        likelihood: risk.likelihood.map(|s| s.get()),
        impact: risk.impact.map(|s| s.get()),
        score,
        above_appetite: score.is_some_and(|s| u32::from(s) > appetite),
        treatment: or_dash(risk.treatment),
        residual,
        status: or_dash(risk.status),
        accepted_by: risk
            .accepted_by
            .as_ref()
            .map(|t| t.as_written().to_string()),
        affects: risk
            .affects
            .iter()
            .map(|r| r.as_written().to_string())
            .collect(),
        actions: risk
            .actions
            .iter()
            .map(|r| r.as_written().to_string())
            .collect(),
        last_reviewed: risk.last_reviewed.map(|d| d.to_string()),
        review_due: review_due.map(|d| d.to_string()),
    })
}

const HEADER: [&str; 11] = [
    "record",
    "title",
    "owner",
    "likelihood",
    "impact",
    "score",
    "treatment",
    "residual",
    "status",
    "accepted_by",
    "review_due",
];

fn cells(r: &RiskRow) -> Vec<String> {
    let score = match (r.score, r.above_appetite) {
        (Some(s), true) => format!("{s} (above appetite)"),
        (s, _) => or_dash(s),
    };
    vec![
        r.record.clone(),
        r.title.clone(),
        or_dash(r.owner.as_ref()),
        or_dash(r.likelihood),
        or_dash(r.impact),
        score,
        r.treatment.clone(),
        or_dash(r.residual),
        r.status.clone(),
        or_dash(r.accepted_by.as_ref()),
        or_dash(r.review_due.as_ref()),
    ]
}

impl Risks {
    /// The heat map as text: likelihood 5 at the top, impact 1 to 5 across.
    fn heat_map_text(&self) -> String {
        let mut out = String::from("likelihood \\ impact   1   2   3   4   5\n");
        for (i, row) in self.heat_map.iter().enumerate() {
            let counts: String = row.iter().map(|n| format!("{n:>4}")).collect();
            out.push_str(&format!("{:>19} {counts}\n", 5 - i));
        }
        out
    }
}

impl super::Register for Risks {
    fn render_human(&self) -> String {
        let mut out = format!(
            "Risk register on {} (appetite: {})\n\n{}\n",
            self.date,
            self.appetite,
            self.heat_map_text()
        );
        for r in &self.rows {
            let c = cells(r);
            out.push_str(&format!(
                "{} score {}: {} [{}, {}]\n",
                c[0], c[5], c[1], c[6], c[8]
            ));
            out.push_str(&format!(
                "    owner: {}; likelihood {} x impact {}; residual: {}; accepted by: {}; review due: {}\n",
                c[2], c[3], c[4], c[7], c[9], c[10]
            ));
        }
        let above = self.rows.iter().filter(|r| r.above_appetite).count();
        out.push_str(&format!(
            "\n{} risk(s), {above} above the appetite\n",
            self.rows.len()
        ));
        crate::output::escape::each_line(&out)
    }

    fn render_markdown(&self) -> String {
        let mut out = format!(
            "# Risk register, {}\n\nAppetite: {}.\n\n| likelihood \\\\ impact | 1 | 2 | 3 | 4 | 5 |\n|---|---|---|---|---|---|\n",
            self.date, self.appetite
        );
        for (i, row) in self.heat_map.iter().enumerate() {
            let counts: Vec<String> = row.iter().map(usize::to_string).collect();
            out.push_str(&format!("| {} | {} |\n", 5 - i, counts.join(" | ")));
        }
        out.push('\n');
        out.push_str(&super::md_table(&HEADER, self.rows.iter().map(cells)));
        out
    }

    fn render_csv(&self) -> Result<String, csv::Error> {
        super::csv(&HEADER, self.rows.iter().map(cells))
    }
}
