//! A record's page: the card about it, its body, the blocks of its kind, the
//! records related to it, its other spec fields (references as links, Markdown
//! rendered), its labels and annotations.

use super::about::CARD_FIELDS;
use super::context::{Cx, plural};
use crate::html::esc;
use crate::link::Ix;
use crate::model::spec::policy::Rule;
use crate::model::{Kind, Record};
use crate::site::file::{File, page_path};
use crate::site::markdown;
use crate::site::theme::ThemeError;
use crate::site::view::{ExternalLink, Fact, Panel, RECORD_ROOT, RecordView, Section};
use crate::value::Value;
use minijinja::Value as V;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rustc_hash::FxHashSet;

/// Spec fields written in Markdown.
const MARKDOWN_FIELDS: &[&str] = &["plan", "backout", "workaround"];

/// What a path keeps unencoded in a URL: `/` between its folders, and the
/// characters no URL needs encoded.
const PATH_SEGMENTS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl<'a> Cx<'a> {
    /// The page of record `ix`: written by [`crate::site::native`] for the
    /// default theme, else rendered with `record.html`.
    pub(super) fn record_page(&self, ix: Ix) -> Result<File, ThemeError> {
        let r = self.catalog.record(ix);
        let view = self.record_view(ix, r);
        let path = page_path(&r.id);
        if let Some(layout) = &self.layout {
            return Ok(File {
                path,
                bytes: layout.record_page(&view).into_bytes(),
            });
        }
        let extra = minijinja::context! { record => V::from_serialize(&view) };
        self.page(path, "record.html", r.title(), extra)
    }

    /// What the page of record `ix` (`r`) shows.
    fn record_view(&self, ix: Ix, r: &'a Record) -> RecordView<'a> {
        let prefix = RECORD_ROOT;
        let graph = match r.id.kind {
            Kind::Service => self.service_graph(ix, prefix),
            _ => String::new(),
        };
        let body = r
            .body()
            .map(|b| self.markdown(b, prefix))
            .unwrap_or_default();
        let file = self.catalog.file_path(r.file);
        RecordView {
            id: r.id.to_string(),
            kind: r.id.kind.name(),
            kind_id: r.id.kind.id(),
            kind_plural: plural(r.id.kind),
            name: &r.id.name,
            title: r.title(),
            description: r.metadata("description"),
            labels: string_map(r.metadata_value("labels")),
            annotations: string_map(r.metadata_value("annotations")),
            links: links(r),
            about: self.about(r, prefix),
            facts: self.facts(ix, r, prefix),
            sections: self.sections(ix),
            body_html: V::from_safe_string(body),
            graph_svg: V::from_safe_string(graph),
            availability: self.availability(ix),
            panels: self.panels(ix),
            source: file,
            edit_url: self.repo_url().map(|repo| {
                // HEAD: GitHub shows the file on the default branch.
                let path = utf8_percent_encode(file, PATH_SEGMENTS);
                format!("{repo}/blob/HEAD/{path}")
            }),
        }
    }

    /// The blocks of record `ix`'s page made for its kind.
    fn panels(&self, ix: Ix) -> Vec<Panel> {
        match self.catalog.record(ix).id.kind {
            Kind::Service => self.service_panels(ix),
            Kind::Ci => self
                .capacity_panel(ix)
                .into_iter()
                .chain([self.ci_impact_panel(ix)])
                .collect(),
            Kind::Change => [
                self.window_panel(ix),
                Some(self.change_impact_panel(ix)),
                self.evidence_panel(ix),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Kind::Customer => self.customer_panels(ix),
            Kind::Team => self.team_panels(ix),
            Kind::Sla => self.sla_panels(ix),
            Kind::Incident => self.incident_panels(ix),
            Kind::Problem => self.problem_panels(ix),
            _ => Vec::new(),
        }
    }

    /// The lists of record `ix`'s page: its kind's own, then the records it
    /// names, then the records that refer to it (but those it names).
    fn sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let mut sections = match self.catalog.record(ix).id.kind {
            Kind::Service => self.service_sections(ix),
            Kind::Ci => self.ci_sections(ix),
            _ => Vec::new(),
        };
        sections.extend(self.outgoing_sections(ix));
        // A record it names is shown already (in the card, a list or a fact).
        let named: FxHashSet<Ix> = self.catalog.out(ix).iter().map(|l| l.to).collect();
        sections.extend(self.incoming_sections(ix, &named));
        sections
    }

    /// `text` as safe HTML, with links to records relative to the page (`prefix`: the way to the root).
    pub(super) fn markdown(&self, text: &str, prefix: &str) -> String {
        markdown::render(text, &|kind, name| {
            self.catalog
                .find(kind, name)
                .map(|ix| format!("{prefix}{}", page_path(&self.catalog.record(ix).id)))
        })
    }

    /// The spec fields in document order that neither the card, a panel nor
    /// a list of related records shows; references as links, Markdown rendered.
    fn facts(&self, ix: Ix, r: &Record, prefix: &str) -> Vec<Fact> {
        let spec = r.spec_fields();
        let has_rules = spec.iter().any(|(k, _)| &**k == "rules");
        spec.iter()
            .filter(|(k, _)| &**k != "body" && &**k != "rules")
            .filter(|(k, _)| !in_panels(r.id.kind, k))
            .filter(|(k, _)| !CARD_FIELDS.contains(&&**k))
            .filter(|(k, v)| !self.in_lists(ix, r, k, v))
            .map(|(k, v)| {
                let html = match v.as_str() {
                    Some(s) if MARKDOWN_FIELDS.contains(&&**k) => self.markdown(s, prefix),
                    _ if &**k == "findings" && r.id.kind == Kind::Audit => self
                        .findings_html(r, prefix)
                        .unwrap_or_else(|| self.value_html(r, k, v, prefix)),
                    _ => self.value_html(r, k, v, prefix),
                };
                Fact {
                    label: label(k),
                    html: V::from_safe_string(html),
                }
            })
            .chain(has_rules.then(|| rules_fact(r)).flatten())
            .collect()
    }

    /// A spec field's value as HTML: references as links to their records.
    pub(super) fn value_html(&self, r: &Record, key: &str, v: &Value, prefix: &str) -> String {
        let accepts =
            r.id.kind
                .ref_fields()
                .iter()
                .find(|f| f.path.len() == 2 && f.path[1] == key)
                .map(|f| f.accepts);
        let reference = |s: &str| -> String {
            // `kind:name#ID` names a part of a record (a finding of an Audit).
            let (whole, part) = match s.split_once('#') {
                Some((whole, part)) => (whole, Some(part)),
                None => (s, None),
            };
            match accepts.and_then(|a| self.catalog.resolve(whole, a).ok()) {
                Some(ix) => {
                    let l = self.link(ix);
                    match part {
                        Some(part) => format!(
                            "<a href=\"{}{}#{}\">{} ({})</a>",
                            esc(prefix),
                            esc(&l.path),
                            esc(part),
                            esc(&l.title),
                            esc(part)
                        ),
                        None => format!(
                            "<a href=\"{}{}\">{}</a>",
                            esc(prefix),
                            esc(&l.path),
                            esc(&l.title)
                        ),
                    }
                }
                None => esc(s),
            }
        };
        match v {
            Value::Str(s) => reference(s),
            Value::Seq(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| plain(i), &reference))
                .collect::<Vec<_>>()
                .join(", "),
            Value::Map(entries) => {
                if let Some(text) = matches!(key, "cost" | "budget").then(|| money(v)).flatten() {
                    return text;
                }
                let mut html = String::from("<dl class=\"sub\">");
                for (k, v) in entries.iter() {
                    let inner = match v.as_str() {
                        Some(s) if key == "review" && &**k == "notes" => self.markdown(s, prefix),
                        _ => plain(v),
                    };
                    html.push_str(&format!("<dt>{}</dt><dd>{inner}</dd>", esc(&label(k))));
                }
                html.push_str("</dl>");
                html
            }
            other => plain(other),
        }
    }
}

/// An amount of money (`{amount, currency, per}`) as `1,450 EUR per month`,
/// escaped; `None` when `v` is not one.
fn money(v: &Value) -> Option<String> {
    let Value::Map(entries) = v else {
        return None;
    };
    if entries.len() != 3 {
        return None;
    }
    let amount = v.get("amount")?.as_f64()?;
    let currency = v.get("currency")?.as_str()?;
    let per = v.get("per")?.as_str()?;
    let text = if amount.fract() == 0.0 {
        format!("{amount:.0}")
    } else {
        format!("{amount:.2}")
    };
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (n, digit) in whole.chars().enumerate() {
        if n > 0 && (whole.len() - n) % 3 == 0 && digit.is_ascii_digit() {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !cents.is_empty() {
        grouped.push('.');
        grouped.push_str(cents);
    }
    Some(format!("{grouped} {} per {}", esc(currency), esc(per)))
}

/// Spec fields that a panel of the kind's pages shows in full (not as facts).
pub(super) fn in_panels(kind: Kind, key: &str) -> bool {
    match kind {
        Kind::Service => ["continuity", "capacity"].contains(&key),
        Kind::Ci => key == "capacity",
        Kind::Customer => key == "satisfaction",
        Kind::Team => super::team::TEAM_FIELDS.contains(&key),
        Kind::Sla => super::sla_targets::SLA_FIELDS.contains(&key),
        Kind::Incident => super::resolution::INCIDENT_FIELDS.contains(&key),
        Kind::Problem => super::problem::PROBLEM_FIELDS.contains(&key),
        Kind::Change => key == "window",
        _ => false,
    }
}

/// A Policy's rules, as one fact.
fn rules_fact(r: &Record) -> Option<Fact> {
    let rules = &r.spec.policy()?.rules;
    let mut html = String::from("<ul class=\"rules\">");
    for rule in rules.iter().map(|slot| slot.0.as_ref()) {
        let s = |field: fn(&Rule) -> Option<&str>| rule.and_then(field).unwrap_or("");
        html.push_str(&format!(
            "<li><code>{}</code> ({} on {}): {}",
            esc(s(|r| r.id.as_deref())),
            esc(s(|r| r.severity.map(|s| s.as_str()))),
            esc(s(|r| r.kind.map(Kind::name))),
            esc(s(|r| r.message.as_deref()))
        ));
        let (when, assert) = (s(|r| r.when.as_deref()), s(|r| r.assert.as_deref()));
        if !when.is_empty() {
            html.push_str(&format!("<br>when <code>{}</code>", esc(when)));
        }
        if !assert.is_empty() {
            html.push_str(&format!("<br>assert <code>{}</code>", esc(assert)));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    Some(Fact {
        label: "Rules".into(),
        html: V::from_safe_string(html),
    })
}

/// `camelCase` as `Camel case`.
pub(super) fn label(key: &str) -> String {
    let mut out = String::new();
    for (i, ch) in key.chars().enumerate() {
        if i == 0 {
            out.extend(ch.to_uppercase());
        } else if ch.is_uppercase() {
            out.push(' ');
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    match out.as_str() {
        "Rto" => "RTO".into(),
        "Sla" => "SLA".into(),
        "Cis" => "CIs".into(),
        "Rpo" => "RPO".into(),
        _ => out,
    }
}

/// A value as escaped text (lists joined, maps as `key: value`).
pub(super) fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => esc(s),
        Value::Seq(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| format!("{}: {}", esc(k), plain(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A map of strings (labels, annotations) as pairs; other values as escaped text.
pub(super) fn string_map(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                v.as_str().map_or_else(|| plain(v), str::to_string),
            )
        })
        .collect()
}

/// The record's `metadata.links`.
fn links(r: &Record) -> Vec<ExternalLink> {
    r.metadata_value("links")
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let url = l.get("url").and_then(Value::as_str).unwrap_or("");
            ExternalLink {
                title: l
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or(url)
                    .to_string(),
                url: safe_url(url).then(|| url.to_string()),
            }
        })
        .collect()
}

/// Whether a URL from a record may be a link: http, https or mailto only.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(amount: Value) -> Value {
        Value::Map(Box::new([
            ("amount".into(), amount),
            ("currency".into(), Value::Str("EUR".into())),
            ("per".into(), Value::Str("month".into())),
        ]))
    }

    #[test]
    fn money_reads_as_an_amount_with_its_currency_and_period() {
        let text = |amount| money(&cost(amount));
        assert_eq!(
            text(Value::Int(1450)).as_deref(),
            Some("1,450 EUR per month")
        );
        assert_eq!(text(Value::Int(0)).as_deref(), Some("0 EUR per month"));
        assert_eq!(text(Value::Int(999)).as_deref(), Some("999 EUR per month"));
        assert_eq!(
            text(Value::Float(1234567.5)).as_deref(),
            Some("1,234,567.50 EUR per month")
        );
        assert_eq!(text(Value::Str("lots".into())), None);
        assert_eq!(money(&Value::Int(3)), None);
    }
}
