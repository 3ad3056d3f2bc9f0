//! The GitHub issue forms `itsm init` and `itsm intake --write-forms` write
//! (`.github/ISSUE_TEMPLATE/`), their choices taken from the catalogue.

use crate::link::Catalog;
use crate::model::{IncidentImpact, Kind, Priority, is_valid_name};
use std::path::PathBuf;

pub const INCIDENT_LABEL: &str = "itsm:incident";
pub const REQUEST_LABEL: &str = "itsm:request";
pub const SERVICE: &str = "Service";
pub const PRIORITY: &str = "Priority";
pub const IMPACT: &str = "Impact";
pub const STARTED: &str = "Started";
pub const DESCRIPTION: &str = "What happened";
pub const OFFERING: &str = "Request";
pub const DETAILS: &str = "Details";

/// The folder of the forms.
pub const FOLDER: &str = ".github/ISSUE_TEMPLATE";

/// The forms for `catalog`: reporting an incident (on a Service that is not
/// retired) and, when a Service offers requests, asking for one.
pub fn forms(catalog: &Catalog) -> Vec<(PathBuf, String)> {
    let mut services: Vec<&str> = catalog
        .of_kind(Kind::Service)
        .map(|ix| catalog.record(ix))
        .filter(|r| {
            r.spec.service().and_then(|s| s.lifecycle) != Some(crate::model::Lifecycle::Retired)
        })
        .map(|r| r.id.name.as_str())
        .filter(|n| is_valid_name(n))
        .collect();
    services.sort_unstable();
    services.dedup();
    for_choices(&services, &offerings(catalog))
}

/// The forms offering these Services and offerings (`service / offering:
/// title`); a form with no choice is left out (GitHub refuses an empty dropdown).
pub fn for_choices(services: &[&str], offerings: &[String]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    if !services.is_empty() {
        out.push((
            PathBuf::from(FOLDER).join("itsm-incident.yml"),
            incident_form(services),
        ));
    }
    if !offerings.is_empty() {
        out.push((
            PathBuf::from(FOLDER).join("itsm-request.yml"),
            request_form(offerings),
        ));
    }
    out
}

/// A YAML list of choices: each one quoted.
fn options(choices: &[String]) -> String {
    choices
        .iter()
        .map(|c| format!("        - {}\n", crate::import::quote(c)))
        .collect()
}

fn incident_form(services: &[&str]) -> String {
    let services: Vec<String> = services.iter().map(|s| s.to_string()).collect();
    let priorities: Vec<String> = Priority::ALL.iter().map(|p| p.as_str().into()).collect();
    let impacts: Vec<String> = IncidentImpact::ALL
        .iter()
        .map(|p| p.as_str().into())
        .collect();
    format!(
        "# Written by itsm from the catalogue (`itsm intake --write-forms` writes it again).\n# An issue opened from it becomes an Incident record: `itsm intake --event FILE`.\nname: Report an incident\ndescription: A service is down, degraded or misbehaving.\ntitle: \"Incident: \"\nlabels: [\"{INCIDENT_LABEL}\"]\nbody:\n  - type: dropdown\n    id: service\n    attributes:\n      label: {SERVICE}\n      description: The affected service.\n      options:\n{}    validations:\n      required: true\n  - type: dropdown\n    id: priority\n    attributes:\n      label: {PRIORITY}\n      description: p1 is the most urgent.\n      options:\n{}    validations:\n      required: true\n  - type: dropdown\n    id: impact\n    attributes:\n      label: {IMPACT}\n      options:\n{}    validations:\n      required: true\n  - type: input\n    id: started\n    attributes:\n      label: {STARTED}\n      description: When it started, RFC 3339 (empty for when the issue is opened).\n      placeholder: \"2026-11-21T08:10:00Z\"\n  - type: textarea\n    id: description\n    attributes:\n      label: {DESCRIPTION}\n      description: What you saw, what you expected, who is affected.\n",
        options(&services),
        options(&priorities),
        options(&impacts),
    )
}

/// `service / offering: title` for every offering of every Service.
fn offerings(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for ix in catalog.of_kind(Kind::Service) {
        let record = catalog.record(ix);
        let Some(service) = record.spec.service() else {
            continue;
        };
        for o in &service.requests {
            let (Some(id), Some(title)) = (o.id.as_deref(), o.title.as_deref()) else {
                continue;
            };
            if is_valid_name(&record.id.name) && is_valid_name(id) {
                let title: String = title
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(100)
                    .collect();
                out.push(format!("{} / {id}: {title}", record.id.name));
            }
        }
    }
    out.sort();
    out
}

/// The Service and offering of a choice `service / offering: title`.
pub fn parse_offering(choice: &str) -> Option<(&str, &str)> {
    let (service, rest) = choice.split_once(" / ")?;
    let offering = rest.split_once(':').map_or(rest, |(id, _)| id).trim();
    (is_valid_name(service) && is_valid_name(offering)).then_some((service, offering))
}

fn request_form(offerings: &[String]) -> String {
    format!(
        "# Written by itsm from the catalogue (`itsm intake --write-forms` writes it again).\n# An issue opened from it becomes a Request record: `itsm intake --event FILE`.\nname: Ask for a service\ndescription: Request one of the services' offerings.\ntitle: \"Request: \"\nlabels: [\"{REQUEST_LABEL}\"]\nbody:\n  - type: dropdown\n    id: offering\n    attributes:\n      label: {OFFERING}\n      description: What you need (service / offering).\n      options:\n{}    validations:\n      required: true\n  - type: textarea\n    id: details\n    attributes:\n      label: {DETAILS}\n      description: Anything the team needs to fulfil it.\n",
        options(offerings),
    )
}
