//! The SLAs as OpenSLO v1 SLO documents: one per Service bound to an SLA, with
//! the availability target as the objective and the SLA window as a calendar
//! time window. The indicator is referenced by name (`<service>-availability`),
//! not defined: itsm records targets, the monitoring tool defines how they are
//! measured. Every field keeps to what the OpenSLO v1 specification and its
//! SDK accept (names RFC 1123 labels, `displayName` at most 63 characters,
//! `description` at most 1,050, `target` in [0, 1)); an SLA that OpenSLO
//! cannot express is left out with a note, not bent into another promise.

use crate::import::{printable, quote};
use crate::link::{Catalog, Ix};
use crate::model::Window;
use crate::model::{Field, Kind};
use crate::report::sla::Period;
use jiff::civil::Date;
use rustc_hash::FxHashSet as HashSet;

/// Longest `metadata.name` (an RFC 1123 label) and `metadata.displayName`.
const NAME_MAX: usize = 63;
/// Longest `spec.description`.
const DESCRIPTION_MAX: usize = 1050;
/// The SLO and indicator names end with this.
const SUFFIX: &str = "-availability";

/// The SLO documents, and the Services left out with why.
#[derive(Debug, Default)]
pub struct OpenSlo {
    /// Multi-document YAML; the notes come first, as comments.
    pub text: String,
    pub notes: Vec<String>,
}

/// The SLOs of every Service bound to an SLA, in name order.
pub fn render(catalog: &Catalog, today: Date) -> OpenSlo {
    let mut services: Vec<_> = catalog.of_kind(Kind::Service).collect();
    services.sort_by(|a, b| catalog.record(*a).id.name.cmp(&catalog.record(*b).id.name));
    let mut used = Used::default();
    let mut docs = String::new();
    let mut notes = Vec::new();
    for svc in services {
        let Some(sla) = catalog.targets(svc, Field::Sla).next() else {
            continue;
        };
        match slo(catalog, svc, sla, today, &mut used) {
            Ok(doc) => docs.push_str(&doc),
            Err(note) => notes.push(note.to_string()),
        }
    }
    let mut text = String::new();
    for n in &notes {
        text.push_str(&format!("# itsm: {}\n", printable(n)));
    }
    text.push_str(&docs);
    OpenSlo { text, notes }
}

/// Names already given, which must stay unique.
#[derive(Default)]
struct Used {
    names: HashSet<String>,
    display: HashSet<String>,
}

/// Why a Service's SLA is not exported: a note beside the documents, not a
/// failure. `who` is `service:NAME (SLA NAME)`.
#[derive(Debug, thiserror::Error)]
enum NotExported {
    #[error("{who}: not an SLA: not exported")]
    NotAnSla { who: String },
    #[error("{who}: no numeric availability: not exported")]
    NoAvailability { who: String },
    #[error(
        "{who}: availability {availability}% cannot be an OpenSLO target, which must be at least 0 and below 1 (an objective needs an error budget): not exported; write this SLO by hand with the target your monitoring can hold"
    )]
    Target { who: String, availability: f64 },
    #[error("{who}: no window (monthly, quarterly or yearly): not exported")]
    NoWindow { who: String },
    #[error("{who}: its SLO name {name} is another Service's: not exported")]
    NameTaken { who: String, name: String },
}

/// One SLO document, or why the Service's SLA cannot be one.
fn slo(
    catalog: &Catalog,
    svc: Ix,
    sla_ix: Ix,
    today: Date,
    used: &mut Used,
) -> Result<String, NotExported> {
    let s = catalog.record(svc);
    let sla = catalog.record(sla_ix);
    let who = format!("service:{} (SLA {})", s.id.name, sla.id.name);
    let Some(terms) = sla.spec.sla() else {
        return Err(NotExported::NotAnSla { who });
    };
    let Some(availability) = terms.availability else {
        return Err(NotExported::NoAvailability { who });
    };
    let Some(target) = target(availability) else {
        return Err(NotExported::Target { who, availability });
    };
    let Some(window) = terms.window else {
        return Err(NotExported::NoWindow { who });
    };
    let (duration, unit) = match window {
        Window::Monthly => ("1M", "month"),
        Window::Quarterly => ("1Q", "quarter"),
        Window::Yearly => ("1Y", "year"),
    };
    let name = label(&s.id.name, SUFFIX);
    if !used.names.insert(name.clone()) {
        return Err(NotExported::NameTaken { who, name });
    }
    // Calendar windows start where the window holding the SLA's effective date
    // (or today) starts.
    let anchor = terms.effective.unwrap_or(today);
    let start = Period::window(window, anchor).map_or(anchor, |p| p.start);
    let description = format!(
        "{} availability {availability}% per calendar {unit} (SLA {}: {}, window {window}), from itsm",
        s.title(),
        sla.id.name,
        terms.customer.as_deref().unwrap_or(""),
    );
    Ok(document(&Doc {
        display: display_name(s.title(), &mut used.display),
        description: shorten(&description, DESCRIPTION_MAX),
        service: label(&s.id.name, ""),
        objective: format!("{availability}% availability"),
        name,
        duration,
        start: format!("{start} 00:00:00"),
        target,
    }))
}

/// The values of an SLO document, each within its limits.
struct Doc {
    name: String,
    display: String,
    description: String,
    service: String,
    duration: &'static str,
    start: String,
    objective: String,
    target: String,
}

fn document(d: &Doc) -> String {
    format!(
        "---\napiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: {name}\n  displayName: {display}\nspec:\n  description: {description}\n  service: {service}\n  indicatorRef: {name}\n  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: {duration}\n      isRolling: false\n      calendar:\n        startTime: {start}\n        timeZone: UTC\n  objectives:\n    - displayName: {objective}\n      target: {target}\n",
        name = quote(&d.name),
        display = quote(&d.display),
        description = quote(&d.description),
        service = quote(&d.service),
        duration = d.duration,
        start = quote(&d.start),
        objective = quote(&d.objective),
        target = d.target,
    )
}

/// The objective's `target`: the percentage as a ratio, digit for digit
/// (99.95 -> 0.9995, no float noise), when it is in [0, 100): OpenSLO
/// targets are in [0, 1). 100% (no error budget at all) has no target.
fn target(percent: f64) -> Option<String> {
    if !(0.0..100.0).contains(&percent) {
        return None;
    }
    if percent == 0.0 {
        return Some("0".into());
    }
    // Display never uses an exponent, and gives the shortest exact digits.
    let text = percent.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let ratio = format!("0.{int:0>2}{frac}");
    Some(ratio.trim_end_matches('0').to_string())
}

/// `name` + `suffix` as an RFC 1123 label of at most 63 characters: as it is
/// when it is one; otherwise its letters and digits, shortened, and a hash of
/// the whole name, so that two names never share a label.
fn label(name: &str, suffix: &str) -> String {
    let room = NAME_MAX - suffix.len();
    if crate::model::is_valid_name(name) && name.len() <= room {
        return format!("{name}{suffix}");
    }
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let hash = format!("{:08x}", fnv1a(name));
    let keep = room - hash.len() - 1;
    let base: String = slug.trim_start_matches('-').chars().take(keep).collect();
    let base = base.trim_end_matches('-');
    if base.is_empty() {
        format!("{hash}{suffix}")
    } else {
        format!("{base}-{hash}{suffix}")
    }
}

/// FNV-1a, 32 bits: short, stable across versions and platforms.
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// `<title> availability` in at most 63 characters, unique: a long title is
/// cut with an ellipsis, and a name already given gets ` (2)`, ` (3)`...
fn display_name(title: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = String::new();
    // One of the first `used.len() + 1` numbers is free.
    for n in 1..=used.len() + 1 {
        let suffix = if n == 1 {
            " availability".to_string()
        } else {
            format!(" availability ({n})")
        };
        let room = NAME_MAX - suffix.chars().count();
        candidate = format!("{}{suffix}", shorten(title, room));
        if used.insert(candidate.clone()) {
            break;
        }
    }
    candidate
}

/// `s` in at most `max` characters (not bytes): cut on a character boundary,
/// with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_exact_ratios_below_one() {
        assert_eq!(target(99.95).as_deref(), Some("0.9995"));
        assert_eq!(target(99.9).as_deref(), Some("0.999"));
        assert_eq!(target(99.0).as_deref(), Some("0.99"));
        assert_eq!(target(5.0).as_deref(), Some("0.05"));
        assert_eq!(target(0.5).as_deref(), Some("0.005"));
        assert_eq!(target(0.0).as_deref(), Some("0"));
        assert_eq!(target(100.0), None);
        assert_eq!(target(100.5), None);
        assert_eq!(target(-1.0), None);
        assert_eq!(target(f64::NAN), None);
        // The largest percentage below 100 still reads back below 1.
        let below = f64::from_bits(100f64.to_bits() - 1);
        let t = target(below).unwrap();
        assert!(t.parse::<f64>().unwrap() < 1.0, "{t}");
    }

    #[test]
    fn names_are_unique_rfc1123_labels() {
        assert_eq!(label("payments", SUFFIX), "payments-availability");
        let long_a = format!("{}-a", "x".repeat(55));
        let long_b = format!("{}-b", "x".repeat(55));
        let (a, b) = (label(&long_a, SUFFIX), label(&long_b, SUFFIX));
        assert_ne!(a, b);
        for n in [
            &a,
            &b,
            &label("Pay_Ments", SUFFIX),
            &label("é", SUFFIX),
            &label("", ""),
        ] {
            assert!(n.len() <= 63, "{n}");
            assert!(crate::model::is_valid_name(n), "{n}");
        }
        assert_eq!(label("payments", ""), "payments");
    }

    #[test]
    fn display_names_fit_in_63_characters_and_stay_unique() {
        let mut used = HashSet::default();
        assert_eq!(display_name("Payments", &mut used), "Payments availability");
        let long = "Ä".repeat(70);
        let first = display_name(&long, &mut used);
        assert_eq!(first.chars().count(), 63);
        assert!(first.ends_with("… availability"), "{first}");
        let second = display_name(&long, &mut used);
        assert_eq!(second.chars().count(), 63);
        assert!(second.ends_with("… availability (2)"), "{second}");
        assert_eq!(
            display_name("Payments", &mut used),
            "Payments availability (2)"
        );
        assert_eq!(shorten(&"a".repeat(2000), 1050).chars().count(), 1050);
    }
}
