//! Objectives with their measured results against target.

use super::{or_dash, owner_name};
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::model::spec::objective::{Direction, Objective, ObjectiveStatus};
use jiff::civil::Date;
use serde::Serialize;

/// Every Objective.
#[derive(Debug, Clone, Serialize)]
pub struct Objectives {
    #[serde(serialize_with = "crate::report::ser_display")]
    pub date: Date,
    pub rows: Vec<ObjectiveRow>,
}

/// One Objective and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveRow {
    pub record: String,
    pub title: String,
    pub owner: Option<String>,
    pub metric: String,
    pub unit: Option<String>,
    pub target: Option<f64>,
    pub direction: String,
    /// The latest result: date and value.
    pub latest: Option<(String, f64)>,
    /// The result before it, for the trend.
    pub previous: Option<f64>,
    /// Whether the latest result meets the target.
    pub on_target: Option<bool>,
    pub due: Option<String>,
    pub status: String,
    /// Past `due` and not achieved, missed or dropped.
    pub overdue: bool,
}

/// The Objectives as of `today`: off target first, then by name.
pub fn objectives(catalog: &Catalog, today: Date) -> Objectives {
    let mut rows: Vec<ObjectiveRow> = catalog
        .of_kind(Kind::Objective)
        .filter_map(|ix| row(catalog, ix, today))
        .collect();
    rows.sort_by(|a, b| (a.on_target, &a.record).cmp(&(b.on_target, &b.record)));
    Objectives { date: today, rows }
}

fn row(catalog: &Catalog, ix: Ix, today: Date) -> Option<ObjectiveRow> {
    let record = catalog.record(ix);
    let o: &Objective = record.spec.objective()?;
    let mut results: Vec<(Date, f64)> = o
        .results
        .iter()
        .filter_map(|r| Some((r.date?, r.value?)))
        .filter(|(d, _)| *d <= today)
        .collect();
    results.sort_by_key(|(d, _)| *d);
    let measure = o.measure.as_ref();
    let target = measure.and_then(|m| m.target);
    let direction = measure.and_then(|m| m.direction);
    let latest = results.last().copied();
    let on_target = match (latest, target, direction) {
        (Some((_, v)), Some(t), Some(d)) => Some(d.meets(v, t)),
        _ => None,
    };
    let done = matches!(
        o.status,
        Some(ObjectiveStatus::Achieved | ObjectiveStatus::Missed | ObjectiveStatus::Dropped)
    );
    Some(ObjectiveRow {
        record: record.id.to_string(),
        title: record.title().to_string(),
        owner: owner_name(catalog, ix),
        metric: measure
            .and_then(|m| m.metric.as_deref())
            .unwrap_or_default()
            .to_string(),
        unit: measure.and_then(|m| m.unit.as_deref()).map(str::to_string),
        target,
        direction: or_dash(direction.map(Direction::as_str)),
        latest: latest.map(|(d, v)| (d.to_string(), v)),
        previous: results.iter().rev().nth(1).map(|(_, v)| *v),
        on_target,
        due: o.due.map(|d| d.to_string()),
        status: or_dash(o.status),
        overdue: !done && o.due.is_some_and(|d| d < today),
    })
}

const HEADER: [&str; 9] = [
    "record",
    "title",
    "owner",
    "metric",
    "target",
    "latest",
    "on_target",
    "due",
    "status",
];

fn cells(r: &ObjectiveRow) -> Vec<String> {
    let unit = r
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let target = r
        .target
        .map(|t| format!("{} {t}{unit}", r.direction))
        .unwrap_or_else(|| "-".into());
    let latest = match (&r.latest, r.previous) {
        (Some((d, v)), Some(p)) => format!("{v}{unit} on {d} (was {p})"),
        (Some((d, v)), None) => format!("{v}{unit} on {d}"),
        (None, _) => "-".into(),
    };
    let on_target = match r.on_target {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    };
    let status = if r.overdue {
        format!("{} (overdue)", r.status)
    } else {
        r.status.clone()
    };
    vec![
        r.record.clone(),
        r.title.clone(),
        or_dash(r.owner.as_ref()),
        r.metric.clone(),
        target,
        latest,
        on_target.to_string(),
        or_dash(r.due.as_ref()),
        status,
    ]
}

impl super::Register for Objectives {
    fn render_human(&self) -> String {
        let mut out = format!("Objectives on {}\n\n", self.date);
        for r in &self.rows {
            let c = cells(r);
            out.push_str(&format!("{} [{}]: {}\n", c[0], c[8], c[1]));
            out.push_str(&format!(
                "    {}: target {}, latest {}, on target: {}; owner: {}; due: {}\n",
                c[3], c[4], c[5], c[6], c[2], c[7]
            ));
        }
        let off = self
            .rows
            .iter()
            .filter(|r| r.on_target == Some(false))
            .count();
        out.push_str(&format!(
            "\n{} objective(s), {off} off target\n",
            self.rows.len()
        ));
        crate::output::escape::each_line(&out)
    }

    fn render_markdown(&self) -> String {
        let mut out = format!("# Objectives, {}\n\n", self.date);
        out.push_str(&super::md_table(&HEADER, self.rows.iter().map(cells)));
        out
    }

    fn render_csv(&self) -> Result<String, csv::Error> {
        super::csv(&HEADER, self.rows.iter().map(cells))
    }
}
