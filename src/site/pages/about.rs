//! The "about" card under a record's title: who owns it, how critical it is,
//! where it stands, its SLA and its support, as label/value pairs (a Team's
//! chat and email are in its members panel).

use super::context::Cx;
use super::record::{label, plain};
use crate::model::Record;
use crate::site::view::Fact;
use crate::value::Value;
use minijinja::Value as V;

/// Spec fields the card shows, in this order (and the facts do not repeat).
pub(super) const CARD_FIELDS: &[&str] = &[
    "owner",
    "tier",
    "lifecycle",
    "status",
    "priority",
    "sla",
    "support",
];

impl Cx<'_> {
    /// The card of record `r`: references as links (relative to the page: `prefix`),
    /// tier, lifecycle, status and priority as badges, each support entry on its own.
    pub(super) fn about(&self, r: &Record, prefix: &str) -> Vec<Fact> {
        let spec = r.spec_fields();
        let mut out = Vec::new();
        for key in CARD_FIELDS {
            let Some((_, v)) = spec.iter().find(|(k, _)| &**k == *key) else {
                continue;
            };
            match *key {
                "owner" | "sla" => out.push(fact(label(key), self.value_html(r, key, v, prefix))),
                "support" => out.extend(support(v)),
                _ => out.push(fact(label(key), badge(key, v))),
            }
        }
        out
    }
}

fn fact(label: String, html: String) -> Fact {
    Fact {
        label,
        html: V::from_safe_string(html),
    }
}

/// A value as a badge: a tier as `Tier 1` (class `tier-1`), a word as itself
/// (its class: the colours of `production`, `open`, `p1`...).
fn badge(key: &str, v: &Value) -> String {
    let text = plain(v);
    match v {
        Value::Int(n) if key == "tier" => {
            let class = if (1..=4).contains(n) {
                format!(" tier-{n}")
            } else {
                String::new()
            };
            format!("<span class=\"badge{class}\">Tier {text}</span>")
        }
        Value::Str(s) if is_word(s) => format!("<span class=\"badge {s}\">{text}</span>"),
        _ => format!("<span class=\"badge\">{text}</span>"),
    }
}

/// A short lower-case word that may be a class name.
fn is_word(s: &str) -> bool {
    (1..=24).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A Service's `support`, one pair per entry (`hours`, `channel`,
/// `escalation`, any other such as an on-call rota).
fn support(v: &Value) -> Vec<Fact> {
    match v.as_map() {
        Some(entries) => entries
            .iter()
            .map(|(k, v)| {
                let name = match &**k {
                    "hours" => "Support hours".to_string(),
                    "channel" => "Support channel".to_string(),
                    other => label(other),
                };
                fact(name, plain(v))
            })
            .collect(),
        None => vec![fact("Support".into(), plain(v))],
    }
}
