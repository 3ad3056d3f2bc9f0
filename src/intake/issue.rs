//! An `issues` event as GitHub sends it, and the answers of an issue form as
//! GitHub renders them into the issue's body (`### Label`, a blank line, the
//! answer; `_No response_` for an optional field left empty).

use super::IntakeError;
use super::forms::{INCIDENT_LABEL, REQUEST_LABEL};
use jiff::civil::Date;
use serde::Deserialize;

/// The part of the event this reads.
#[derive(Deserialize)]
struct Event {
    action: String,
    issue: Payload,
}

#[derive(Deserialize)]
struct Payload {
    number: u64,
    title: String,
    body: Option<String>,
    html_url: String,
    created_at: String,
    user: User,
    #[serde(default)]
    labels: Vec<Label>,
}

#[derive(Deserialize)]
struct User {
    login: String,
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

/// Which form an issue was opened from.
pub enum Form {
    Incident,
    Request,
}

/// A new issue, checked: a GitHub login, an instant, a URL on its host.
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub url: String,
    pub login: String,
    /// When it was opened, as GitHub wrote it, and its day (UTC).
    pub created_text: String,
    pub created: Date,
    labels: Vec<String>,
    /// (label, answer) in the order of the body.
    answers: Vec<(String, String)>,
}

/// GitHub's rendering of an optional answer left empty.
const NO_RESPONSE: &str = "_No response_";

impl Issue {
    pub fn parse(event: &[u8]) -> Result<Issue, IntakeError> {
        let event: Event = serde_json::from_slice(event).map_err(IntakeError::NotAnEvent)?;
        if event.action != "opened" {
            let action = crate::import::printable(&event.action).into_owned();
            return Err(IntakeError::NotOpened(action));
        }
        let p = event.issue;
        let invalid = |field, value: &str, hint| IntakeError::Invalid {
            field,
            value: crate::import::printable(value).into(),
            hint,
        };
        let login_ok = |l: &str| {
            (1..=39).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
        };
        if !login_ok(&p.user.login) {
            return Err(invalid("login", &p.user.login, ""));
        }
        let at = crate::time::instant(&p.created_at)
            .ok_or_else(|| invalid("created_at", &p.created_at, ""))?;
        if !p.html_url.starts_with("https://") {
            return Err(invalid("html_url", &p.html_url, ": an https URL"));
        }
        Ok(Issue {
            number: p.number,
            title: p.title.chars().take(200).collect(),
            url: p.html_url,
            login: p.user.login,
            created_text: p.created_at,
            created: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
            labels: p.labels.into_iter().map(|l| l.name).collect(),
            answers: answers(p.body.as_deref().unwrap_or_default()),
        })
    }

    pub fn form(&self) -> Result<Form, IntakeError> {
        let has = |l: &str| self.labels.iter().any(|x| x == l);
        match (has(INCIDENT_LABEL), has(REQUEST_LABEL)) {
            (true, false) => Ok(Form::Incident),
            (false, true) => Ok(Form::Request),
            _ => Err(IntakeError::NotAForm),
        }
    }

    /// The answer under `label`, if given.
    pub fn optional(&self, label: &str) -> Option<&str> {
        self.answers
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, a)| a.as_str())
            .filter(|a| !a.is_empty() && *a != NO_RESPONSE)
    }

    /// The answer under `label`, required.
    pub fn answer(&self, label: &'static str) -> Result<&str, IntakeError> {
        self.optional(label).ok_or(IntakeError::Missing(label))
    }

    /// The Markdown body of the record: the issue's title as a heading, the
    /// free-text answer under `label`, and where it came from. Controls other
    /// than line breaks and tabs are left out.
    pub fn body_text(&self, label: &str) -> String {
        let text = self.optional(label).unwrap_or_default();
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect();
        let title: String = self.title.chars().filter(|c| !c.is_control()).collect();
        format!(
            "# {}\n\n{clean}\n\nOpened by @{} as GitHub issue #{}.\n",
            title.trim(),
            self.login,
            self.number
        )
    }
}

/// The sections of a rendered issue form: `### Label` then the answer, up to
/// the next heading. At most 64 sections are kept.
fn answers(body: &str) -> Vec<(String, String)> {
    let body = body.replace("\r\n", "\n");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if let Some(label) = line.strip_prefix("### ") {
            if out.len() == 64 {
                break;
            }
            out.push((label.trim().to_string(), String::new()));
        } else if let Some((_, answer)) = out.last_mut() {
            answer.push_str(line);
            answer.push('\n');
        }
    }
    for (_, answer) in &mut out {
        *answer = answer.trim().to_string();
    }
    out
}
