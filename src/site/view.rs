//! What a record's page shows, as the templates see it (`record` in
//! `record.html`): made by [`super::pages`], written by `record.html` or, for
//! the default theme, by [`super::native`]. Strings are plain text (escaped
//! where they are written); the `V` fields are safe HTML.

use minijinja::Value as V;
use serde::Serialize;
use std::sync::Arc;

/// The way from a record's page (`kind/name.html`, see [`super::page_path`]) to the site root.
pub const RECORD_ROOT: &str = "../";

/// A link to a record: its page (relative to the site root), title and identity.
#[derive(Serialize, Clone, Debug)]
pub struct Link {
    pub path: Arc<str>,
    pub title: Arc<str>,
    pub id: Arc<str>,
    pub kind: &'static str,
}

/// An entry of a list on a record's page.
#[derive(Serialize)]
pub struct Item<'a> {
    pub link: &'a Link,
    /// Its `status`, else its `lifecycle`, as written (may be empty).
    pub state: &'a str,
    pub note: String,
}

/// A list of related records on a record's page.
#[derive(Serialize)]
pub struct Section<'a> {
    pub title: String,
    pub items: Vec<Item<'a>>,
    /// Entries left out of a long list.
    pub more: usize,
    /// A transitive list that stopped at its limit (how many more is not counted).
    pub cut: bool,
    /// Some entry has a note (the table has a column for them).
    pub notes: bool,
    /// The entries are of more than one kind (the table has a Kind column).
    pub kinds: bool,
}

/// One field of a record's spec, or one entry of its "about" card.
#[derive(Serialize)]
pub struct Fact {
    pub label: String,
    /// Safe HTML.
    pub html: V,
}

/// A link of a record's `metadata.links`.
#[derive(Serialize)]
pub struct ExternalLink {
    pub title: String,
    /// `None` when the URL's scheme is not http, https or mailto.
    pub url: Option<String>,
}

/// A Service's availability over its SLA's current window.
#[derive(Serialize)]
pub struct Availability {
    pub window: String,
    /// `24x7` or `business`.
    pub support_hours: String,
    pub from: String,
    pub to: String,
    pub outage_minutes: String,
    pub percent: String,
    pub target: Option<String>,
    pub met: bool,
    pub sla: Link,
    pub incidents: Vec<Link>,
}

/// A block of a record's page made for its kind (a Service's SLA history,
/// continuity and capacity; a Customer's services and satisfaction): a
/// heading over safe HTML.
#[derive(Serialize)]
pub struct Panel {
    /// The section's `id`: a fixed word.
    pub id: &'static str,
    pub title: String,
    /// Safe HTML.
    pub html: V,
}

/// What a record's page shows: `record` in `record.html`.
#[derive(Serialize)]
pub struct RecordView<'a> {
    pub id: String,
    pub kind: &'static str,
    pub kind_id: &'static str,
    pub kind_plural: &'static str,
    pub name: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub links: Vec<ExternalLink>,
    /// The card under the title: owner, tier, lifecycle, status, SLA, support.
    pub about: Vec<Fact>,
    /// The spec fields that neither the card nor a list of related records shows.
    pub facts: Vec<Fact>,
    pub sections: Vec<Section<'a>>,
    pub body_html: V,
    pub graph_svg: V,
    pub availability: Option<Availability>,
    pub panels: Vec<Panel>,
    pub source: &'a str,
    pub edit_url: Option<String>,
}
