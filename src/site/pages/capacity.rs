//! Capacity (ISO/IEC 20000-1 8.4.3), as the `capacity-risk` check sees it
//! ([`crate::capacity`]): each entry of a Service or CI drawn as a chart on
//! its page (current value, forecast, limit, threshold) with its numbers as a
//! table; `capacity.html`, every entry by headroom.

use super::context::{Cx, LIST_LIMIT};
use super::panel::{end_table, panel, row, table};
use crate::capacity::{self, Assessment, HORIZON_MONTHS, Reach};
use crate::html::esc;
use crate::link::Ix;
use crate::model::spec::resources::Capacity;
use crate::site::chart::{self, Chart, Level, Series, num};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Panel;
use minijinja::Value as V;
use serde::Serialize;

/// Entries listed on `capacity.html`, least headroom first.
const PAGE_ROWS: usize = 2 * LIST_LIMIT;

impl Cx<'_> {
    /// The capacity entries of Service or CI `ix`, each a chart and a table.
    pub(super) fn capacity_panel(&self, ix: Ix) -> Option<Panel> {
        let entries = capacity::entries(self.catalog.record(ix));
        if entries.is_empty() {
            return None;
        }
        let mut html = String::new();
        for (i, e) in entries.iter().enumerate().take(LIST_LIMIT) {
            let Some(a) = capacity::assess(e, self.today) else {
                continue;
            };
            entry_html(&mut html, i, e, &a);
        }
        Some(panel("capacity", "Capacity", html))
    }

    /// `capacity.html`: every entry, least headroom (in percent of its limit) first.
    pub(super) fn capacity_page(&self) -> Result<File, ThemeError> {
        let catalog = self.catalog.all();
        let mut rows: Vec<(Ix, &Capacity, Assessment)> = capacity::all(catalog)
            .filter_map(|(ix, _, e)| Some((ix, e, capacity::assess(e, self.today)?)))
            .collect();
        rows.sort_by(|x, y| {
            let key = |a: &Assessment| a.headroom_percent.unwrap_or(f64::NEG_INFINITY);
            key(&x.2).total_cmp(&key(&y.2)).then_with(|| {
                catalog
                    .record(x.0)
                    .id
                    .name
                    .cmp(&catalog.record(y.0).id.name)
            })
        });
        let at_risk = rows.iter().filter(|r| r.2.at_risk).count();
        let entries = rows.len();
        let lines: Vec<Line> = rows
            .iter()
            .take(PAGE_ROWS)
            .map(|(ix, e, a)| self.capacity_line(*ix, e, a))
            .collect();
        let extra = minijinja::context! {
            lines => V::from_serialize(&lines),
            entries => entries,
            at_risk => at_risk,
            more => entries.saturating_sub(PAGE_ROWS),
            months => HORIZON_MONTHS,
            date => self.today.to_string(),
        };
        self.page("capacity.html".into(), "capacity.html", "Capacity", extra)
    }

    fn capacity_line(&self, ix: Ix, e: &Capacity, a: &Assessment) -> Line {
        let link = self.link(ix);
        let unit = |v: f64| with_unit(v, e.unit.as_deref());
        Line {
            title: link.title.to_string(),
            path: link.path.to_string(),
            kind: link.kind,
            metric: e.metric.as_deref().unwrap_or("capacity").to_string(),
            current: unit(e.current.unwrap_or_default()),
            peak: unit(a.peak),
            limit: unit(a.limit),
            threshold: format!("{} ({}%)", unit(a.threshold), num(a.threshold_percent)),
            headroom: unit(a.headroom),
            headroom_percent: a.headroom_percent.map(|p| format!("{}%", num(p))),
            reaches: reaches_text(a),
            at_risk: a.at_risk,
        }
    }
}

/// One entry: what it says in words, its chart, its numbers as a table.
fn entry_html(html: &mut String, i: usize, e: &Capacity, a: &Assessment) {
    let metric = e.metric.as_deref().unwrap_or("capacity");
    let unit = e.unit.as_deref();
    let current = e.current.unwrap_or_default();
    let measured = e.measured.map(|d| d.to_string()).unwrap_or_default();
    html.push_str(&format!(
        "<div class=\"capacity-entry{}\" id=\"capacity-{i}\">\n<h3>{}</h3>\n<p>{} of {} on {}; threshold {} ({}%). {} Headroom at the highest forecast: {}{}.</p>\n",
        if a.at_risk { " at-risk" } else { "" },
        esc(metric),
        esc(&with_unit(current, unit)),
        esc(&with_unit(a.limit, unit)),
        esc(&measured),
        esc(&with_unit(a.threshold, unit)),
        num(a.threshold_percent),
        reaches_html(a),
        esc(&with_unit(a.headroom, unit)),
        a.headroom_percent
            .map_or(String::new(), |p| format!(" ({}% of the limit)", num(p))),
    ));
    html.push_str(&chart::render(&capacity_chart(metric, e, a)));
    html.push_str("\n<details><summary>The numbers</summary>\n");
    table(html, "capacity-data", &["Date", "Value", "What"]);
    let mut points = vec![(e.measured, current, "measured")];
    points.extend(
        e.forecast
            .iter()
            .filter_map(|f| Some((f.date, f.value?, "forecast"))),
    );
    for (date, value, what) in points {
        let date = date.map(|d| d.to_string()).unwrap_or_default();
        row(
            html,
            None,
            &[esc(&date), esc(&with_unit(value, unit)), what.into()],
        );
    }
    row(
        html,
        None,
        &["".into(), esc(&with_unit(a.limit, unit)), "limit".into()],
    );
    row(
        html,
        None,
        &[
            "".into(),
            esc(&with_unit(a.threshold, unit)),
            "threshold".into(),
        ],
    );
    end_table(html);
    html.push_str("</details>\n</div>\n");
}

/// The chart of an entry: the measured value, the line to each forecast, the
/// limit and the threshold; its name says the same numbers.
fn capacity_chart<'a>(metric: &str, e: &'a Capacity, a: &Assessment) -> Chart<'a> {
    let unit = e.unit.as_deref();
    let mut forecast: Vec<_> = e
        .forecast
        .iter()
        .filter_map(|f| Some((f.date?, f.value?)))
        .collect();
    forecast.sort_by_key(|(d, _)| *d);
    let now = e.measured.zip(e.current);
    let mut label = format!(
        "{metric}: {}",
        with_unit(e.current.unwrap_or_default(), unit)
    );
    if let Some(d) = e.measured {
        label.push_str(&format!(" measured on {d}"));
    }
    for (d, v) in &forecast {
        label.push_str(&format!(", forecast {} on {d}", with_unit(*v, unit)));
    }
    label.push_str(&format!(
        "; limit {}, threshold {} ({}%)",
        with_unit(a.limit, unit),
        with_unit(a.threshold, unit),
        num(a.threshold_percent)
    ));
    let line: Vec<_> = now.into_iter().chain(forecast).collect();
    Chart {
        label,
        y_range: (0.0, a.limit),
        unit: unit.unwrap_or(""),
        levels: vec![
            level(a.limit, format!("limit {}", num(a.limit)), "limit", false),
            level(
                a.threshold,
                format!("threshold {}", num(a.threshold)),
                "threshold",
                true,
            ),
        ],
        series: vec![
            Series {
                points: line,
                class: "forecast",
            },
            Series {
                points: now.into_iter().collect(),
                class: "measured",
            },
        ],
    }
}

fn level(value: f64, text: String, class: &'static str, below: bool) -> Level {
    Level {
        value,
        text,
        class,
        below,
    }
}

/// `21.5 TB`, or `21.5` without a unit.
fn with_unit(v: f64, unit: Option<&str>) -> String {
    match unit.filter(|u| !u.is_empty()) {
        Some(u) => format!("{} {u}", num(v)),
        None => num(v),
    }
}

/// When the entry reaches its threshold, in words.
fn reaches_text(a: &Assessment) -> String {
    match a.reaches {
        Some(Reach::Now { .. }) => "now".into(),
        Some(Reach::Forecast { date, .. }) if a.at_risk => format!("{date}"),
        Some(Reach::Forecast { date, .. }) => format!("{date} (beyond {HORIZON_MONTHS} months)"),
        None => "not forecast".into(),
    }
}

fn reaches_html(a: &Assessment) -> String {
    match a.reaches {
        Some(Reach::Now { .. }) => {
            "<strong class=\"bad\">At or above its threshold now.</strong>".into()
        }
        Some(Reach::Forecast { date, value, .. }) if a.at_risk => format!(
            "<strong class=\"bad\">Forecast to reach its threshold on {date}</strong> ({}).",
            num(value)
        ),
        Some(Reach::Forecast { date, value, .. }) => format!(
            "Forecast to reach its threshold on {date} ({}), beyond the next {HORIZON_MONTHS} months.",
            num(value)
        ),
        None => "Not forecast to reach its threshold.".into(),
    }
}

/// An entry on `capacity.html`.
#[derive(Serialize)]
struct Line {
    title: String,
    path: String,
    kind: &'static str,
    metric: String,
    current: String,
    peak: String,
    limit: String,
    threshold: String,
    headroom: String,
    headroom_percent: Option<String>,
    reaches: String,
    at_risk: bool,
}
