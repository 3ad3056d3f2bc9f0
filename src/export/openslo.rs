//! The SLAs as OpenSLO v1 SLO documents: one per Service bound to an SLA, with
//! the availability target as the objective and the SLA window as a calendar
//! time window. The indicator is referenced by name (`<service>-availability`),
//! not defined: itsm records targets, the monitoring tool defines how they are
//! measured.

use crate::link::Catalog;
use crate::model::{Field, Kind};
use crate::report::sla::Period;
use jiff::civil::Date;

/// The SLOs as multi-document YAML.
pub fn render(catalog: &Catalog, today: Date) -> String {
    let mut out = String::new();
    let mut services: Vec<_> = catalog.of_kind(Kind::Service).collect();
    services.sort_by(|a, b| catalog.record(*a).id.name.cmp(&catalog.record(*b).id.name));
    for svc in services {
        let Some(sla_ix) = catalog.targets(svc, Field::Sla).next() else {
            continue;
        };
        let s = catalog.record(svc);
        let sla = catalog.record(sla_ix);
        let Some(availability) = sla
            .get("/spec/availability")
            .and_then(crate::value::Value::as_f64)
        else {
            continue;
        };
        let window = sla.str("/spec/window").unwrap_or("monthly");
        let duration = match window {
            "quarterly" => "1Q",
            "yearly" => "1Y",
            _ => "1M",
        };
        // Calendar windows start where the window holding the SLA's effective date
        // (or today) starts.
        let anchor = sla
            .str("/spec/effective")
            .and_then(crate::time::date)
            .unwrap_or(today);
        let start = Period::window(window, anchor).map_or(anchor, |p| p.start);
        let name = slo_name(&s.id.name);
        let description = format!(
            "{} availability {}% per calendar {} (SLA {}: {}, window {}), from itsm",
            s.title(),
            availability,
            match window {
                "quarterly" => "quarter",
                "yearly" => "year",
                _ => "month",
            },
            sla.id.name,
            sla.str("/spec/customer").unwrap_or(""),
            window,
        );
        out.push_str("---\napiVersion: openslo/v1\nkind: SLO\nmetadata:\n");
        out.push_str(&format!("  name: {}\n", q(&name)));
        out.push_str(&format!(
            "  displayName: {}\n",
            q(&format!("{} availability", s.title()))
        ));
        out.push_str("spec:\n");
        out.push_str(&format!("  description: {}\n", q(&description)));
        out.push_str(&format!("  service: {}\n", q(&s.id.name)));
        out.push_str(&format!("  indicatorRef: {}\n", q(&name)));
        out.push_str("  budgetingMethod: Occurrences\n");
        out.push_str("  timeWindow:\n");
        out.push_str(&format!(
            "    - duration: {duration}\n      isRolling: false\n"
        ));
        out.push_str(&format!(
            "      calendar:\n        startTime: {}\n        timeZone: UTC\n",
            q(&format!("{start} 00:00:00"))
        ));
        out.push_str("  objectives:\n");
        out.push_str(&format!(
            "    - displayName: {}\n      target: {}\n",
            q(&format!("{availability}% availability")),
            ratio(availability)
        ));
    }
    out
}

/// `<service>-availability`, shortened to 63 characters at a name boundary.
fn slo_name(service: &str) -> String {
    const SUFFIX: &str = "-availability";
    let keep = 63 - SUFFIX.len();
    // By characters: a name with schema errors may not be ASCII.
    let cut = service
        .char_indices()
        .nth(keep)
        .map_or(service.len(), |(i, _)| i);
    let base = service[..cut].trim_end_matches('-');
    format!("{base}{SUFFIX}")
}

/// A percentage as a ratio without float noise (99.95 -> 0.9995).
fn ratio(percent: f64) -> String {
    let text = format!("{:.10}", percent / 100.0);
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    trimmed.to_string()
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_names() {
        assert_eq!(ratio(99.95), "0.9995");
        assert_eq!(ratio(99.9), "0.999");
        assert_eq!(ratio(100.0), "1");
        assert_eq!(slo_name("payments"), "payments-availability");
        assert_eq!(slo_name(&"a".repeat(63)).len(), 63);
        assert_eq!(
            slo_name(&"é".repeat(60)),
            format!("{}-availability", "é".repeat(50))
        );
    }
}
