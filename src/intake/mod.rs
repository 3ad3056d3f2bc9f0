//! The service desk on GitHub: issue forms generated from the catalogue (one
//! to report an incident, one to ask for a service request offering), and
//! `itsm intake`, which turns an `issues` event from those forms into a new
//! Incident or Request record.
//!
//! An issue is untrusted input (anyone who can open one writes it): the event
//! is read within a size bound, every value is checked against the catalogue
//! or its type, free text is quoted for YAML or kept as a Markdown body (which
//! the site sanitises), and a refusal writes nothing.

pub mod forms;
mod issue;

pub use forms::forms;

use crate::link::Catalog;
use crate::model::{Kind, RecordId, is_valid_name};
use issue::{Form, Issue};
use std::path::PathBuf;

/// The largest event file read (GitHub caps an issue body at 65,536 characters).
pub const MAX_EVENT_BYTES: u64 = 1 << 20;

/// A record to write: its path relative to the root and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    pub id: RecordId,
    pub path: PathBuf,
    pub text: String,
}

/// Why an issue gives no record.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the event is not JSON of a GitHub `issues` event: {0}")]
    NotAnEvent(#[source] serde_json::Error),
    #[error("the event is `issues` `{0}`, not `opened`: only a new issue becomes a record")]
    NotOpened(String),
    #[error(
        "the issue was not opened from an itsm form: it has neither the `{}` nor the `{}` label",
        forms::INCIDENT_LABEL,
        forms::REQUEST_LABEL
    )]
    NotAForm,
    #[error("the issue has no `{0}`: answer it in the form")]
    Missing(&'static str),
    #[error("`{value}` is not a valid {field}{hint}")]
    Invalid {
        field: &'static str,
        value: String,
        hint: &'static str,
    },
    #[error("`{0}` is no Service of the catalogue")]
    UnknownService(String),
    #[error("service:{service} offers no request `{offering}`")]
    UnknownOffering { service: String, offering: String },
    #[error("{0} exists already")]
    Exists(RecordId),
}

/// The record an `opened` issue event asks for.
pub fn intake(catalog: &Catalog, event: &[u8]) -> Result<NewRecord, IntakeError> {
    let issue = Issue::parse(event)?;
    let record = match issue.form()? {
        Form::Incident => incident(catalog, &issue)?,
        Form::Request => request(catalog, &issue)?,
    };
    if catalog.find(record.id.kind, &record.id.name).is_some() {
        return Err(IntakeError::Exists(record.id));
    }
    Ok(record)
}

/// `inc-2026-1121-gh42`: the day the issue was opened and its number.
fn name(prefix: &str, issue: &Issue) -> String {
    let day = issue.created.strftime("%Y-%m%d");
    format!("{prefix}-{day}-gh{}", issue.number)
}

fn service(catalog: &Catalog, issue: &Issue) -> Result<String, IntakeError> {
    let service = issue.answer(forms::SERVICE)?;
    if !is_valid_name(service) || catalog.find(Kind::Service, service).is_none() {
        return Err(IntakeError::UnknownService(
            crate::import::printable(service).into(),
        ));
    }
    Ok(service.to_string())
}

fn choice(issue: &Issue, field: &'static str, allowed: &[&str]) -> Result<String, IntakeError> {
    let value = issue.answer(field)?;
    if allowed.contains(&value) {
        return Ok(value.to_string());
    }
    Err(IntakeError::Invalid {
        field,
        value: crate::import::printable(value).into(),
        hint: "",
    })
}

fn incident(catalog: &Catalog, issue: &Issue) -> Result<NewRecord, IntakeError> {
    use crate::model::{IncidentImpact, Priority};
    let service = service(catalog, issue)?;
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    let impacts: Vec<&str> = IncidentImpact::ALL.iter().map(|p| p.as_str()).collect();
    let priority = choice(issue, forms::PRIORITY, &priorities)?;
    let impact = choice(issue, forms::IMPACT, &impacts)?;
    let started = match issue.optional(forms::STARTED) {
        None => issue.created_text.clone(),
        Some(s) if crate::time::instant(s).is_some() => s.to_string(),
        Some(s) => {
            return Err(IntakeError::Invalid {
                field: forms::STARTED,
                value: crate::import::printable(s).into(),
                hint: ": write an RFC 3339 instant, e.g. 2026-11-21T08:10:00Z",
            });
        }
    };
    let name = name("inc", issue);
    let q = crate::import::quote;
    let text = format!(
        "---\napiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: {name}\n  title: {}\n  links:\n    - {{title: {}, url: {}}}\nspec:\n  priority: {priority}\n  services: [{service}]\n  started: {}\n  impact: {impact}\n  status: open\n---\n{}",
        q(&issue.title),
        q(&format!("GitHub issue #{}", issue.number)),
        q(&issue.url),
        q(&started),
        issue.body_text(forms::DESCRIPTION),
    );
    Ok(NewRecord {
        path: PathBuf::from(Kind::Incident.folder()).join(format!("{name}.md")),
        id: RecordId::new(Kind::Incident, name),
        text,
    })
}

fn request(catalog: &Catalog, issue: &Issue) -> Result<NewRecord, IntakeError> {
    let answer = issue.answer(forms::OFFERING)?;
    let (service, offering) =
        forms::parse_offering(answer).ok_or_else(|| IntakeError::Invalid {
            field: forms::OFFERING,
            value: crate::import::printable(answer).into(),
            hint: ": pick one of the form's choices (`service / offering: title`)",
        })?;
    let ix = catalog
        .find(Kind::Service, service)
        .ok_or_else(|| IntakeError::UnknownService(crate::import::printable(service).into()))?;
    let offers = catalog
        .record(ix)
        .spec
        .service()
        .is_some_and(|s| s.requests.iter().any(|o| o.id.as_deref() == Some(offering)));
    if !offers {
        return Err(IntakeError::UnknownOffering {
            service: service.to_string(),
            offering: crate::import::printable(offering).into(),
        });
    }
    let name = name("req", issue);
    let q = crate::import::quote;
    let text = format!(
        "---\napiVersion: itsm/v1\nkind: Request\nmetadata:\n  name: {name}\n  title: {}\n  links:\n    - {{title: {}, url: {}}}\nspec:\n  service: {service}\n  offering: {offering}\n  requestedBy: {}\n  requested: {}\n  status: open\n---\n{}",
        q(&issue.title),
        q(&format!("GitHub issue #{}", issue.number)),
        q(&issue.url),
        issue.login,
        q(&issue.created_text),
        issue.body_text(forms::DETAILS),
    );
    Ok(NewRecord {
        path: PathBuf::from(Kind::Request.folder()).join(format!("{name}.md")),
        id: RecordId::new(Kind::Request, name),
        text,
    })
}
