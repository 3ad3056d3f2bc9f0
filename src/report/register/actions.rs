//! The register of nonconformities and improvements.

use super::{or_dash, owner_name};
use crate::checks::management;
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::model::spec::audit::AuditStatus;
use crate::model::spec::improvement::{Improvement, ImprovementStatus};
use crate::model::types::Slot;
use jiff::civil::Date;
use serde::Serialize;

/// Every Improvement, and every nonconformity no Improvement addresses.
#[derive(Debug, Clone, Serialize)]
pub struct Actions {
    #[serde(serialize_with = "crate::report::ser_display")]
    pub date: Date,
    pub rows: Vec<ActionRow>,
}

/// One line of the register.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    /// `improvement:NAME`, or `audit:NAME#ID` for an unaddressed finding.
    pub record: String,
    pub title: String,
    /// `correction`, `corrective-action`, `improvement`, or the finding's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it comes from (full references).
    pub source: Vec<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    /// `open`, `in-progress`, `done`, `verified`, `rejected`, or `unaddressed`.
    pub status: String,
    /// Days past `due` while open (0 when not overdue).
    pub overdue_days: i64,
    pub closed: Option<String>,
    /// `effective`, `not effective`, or `-` when not verified.
    pub verification: String,
}

/// The register as of `today`: overdue first (most overdue first), then the
/// open ones by due date, then the closed ones.
pub fn actions(catalog: &Catalog, today: Date) -> Actions {
    let mut rows: Vec<ActionRow> = catalog
        .of_kind(Kind::Improvement)
        .filter_map(|ix| improvement_row(catalog, ix, today))
        .collect();
    rows.extend(unaddressed(catalog));
    rows.sort_by(|a, b| {
        let open =
            |r: &ActionRow| matches!(r.status.as_str(), "open" | "in-progress" | "unaddressed");
        (b.overdue_days, open(b), &a.due, &a.record).cmp(&(
            a.overdue_days,
            open(a),
            &b.due,
            &b.record,
        ))
    });
    Actions { date: today, rows }
}

fn improvement_row(catalog: &Catalog, ix: Ix, today: Date) -> Option<ActionRow> {
    let record = catalog.record(ix);
    let i: &Improvement = record.spec.improvement()?;
    let open = i.status.is_some_and(ImprovementStatus::is_open);
    let overdue_days = match i.due {
        Some(due) if open && due < today => (today - due).get_days().into(),
        _ => 0,
    };
    let verification = match i.verification.as_ref().and_then(|v| v.effective) {
        Some(true) => "effective",
        Some(false) => "not effective",
        None => "-",
    };
    Some(ActionRow {
        record: record.id.to_string(),
        title: record.title().to_string(),
        kind: or_dash(i.improvement_type),
        source: i
            .source
            .iter()
            .map(|s| s.as_written().to_string())
            .collect(),
        owner: owner_name(catalog, ix),
        due: i.due.map(|d| d.to_string()),
        status: or_dash(i.status),
        overdue_days,
        closed: i.closed.map(|d| d.to_string()),
        verification: verification.to_string(),
    })
}

/// The major and minor findings of done Audits that no Improvement names.
fn unaddressed(catalog: &Catalog) -> Vec<ActionRow> {
    let addressed = management::addressed_findings(catalog, |_| true);
    let mut out = Vec::new();
    for ix in catalog.of_kind(Kind::Audit) {
        let record = catalog.record(ix);
        let Some(audit) = record.spec.audit() else {
            continue;
        };
        if audit.status != Some(AuditStatus::Done) {
            continue;
        }
        for (_, f) in Slot::fitting(&audit.findings) {
            let (Some(id), Some(kind)) = (f.id.as_deref(), f.finding_type) else {
                continue;
            };
            if !kind.is_nonconformity() || addressed.contains(&(ix, id)) {
                continue;
            }
            out.push(ActionRow {
                record: format!("{}#{id}", record.id),
                title: f.text.as_deref().unwrap_or_default().to_string(),
                kind: kind.to_string(),
                source: vec![record.id.to_string()],
                owner: None,
                due: None,
                status: "unaddressed".into(),
                overdue_days: 0,
                closed: None,
                verification: "-".into(),
            });
        }
    }
    out
}

const HEADER: [&str; 9] = [
    "record",
    "type",
    "title",
    "source",
    "owner",
    "due",
    "status",
    "closed",
    "verification",
];

fn cells(r: &ActionRow) -> Vec<String> {
    let status = if r.overdue_days > 0 {
        format!("{} ({} days overdue)", r.status, r.overdue_days)
    } else {
        r.status.clone()
    };
    vec![
        r.record.clone(),
        r.kind.clone(),
        r.title.clone(),
        r.source.join(", "),
        or_dash(r.owner.as_ref()),
        or_dash(r.due.as_ref()),
        status,
        or_dash(r.closed.as_ref()),
        r.verification.clone(),
    ]
}

impl super::Register for Actions {
    /// One block per line of the register.
    fn render_human(&self) -> String {
        let mut out = format!("Nonconformities and improvements on {}\n\n", self.date);
        for r in &self.rows {
            let c = cells(r);
            out.push_str(&format!("{} [{}] {}: {}\n", c[0], c[1], c[6], c[2]));
            out.push_str(&format!(
                "    source: {}; owner: {}; due: {}; closed: {}; verification: {}\n",
                c[3], c[4], c[5], c[7], c[8]
            ));
        }
        let overdue = self.rows.iter().filter(|r| r.overdue_days > 0).count();
        out.push_str(&format!(
            "\n{} item(s), {overdue} overdue\n",
            self.rows.len()
        ));
        crate::output::escape::each_line(&out)
    }

    fn render_markdown(&self) -> String {
        let mut out = format!("# Nonconformities and improvements, {}\n\n", self.date);
        out.push_str(&super::md_table(&HEADER, self.rows.iter().map(cells)));
        out
    }

    fn render_csv(&self) -> Result<String, csv::Error> {
        super::csv(&HEADER, self.rows.iter().map(cells))
    }
}
