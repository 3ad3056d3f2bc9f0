//! A Team's page: its members as a table (name, role, GitHub login and
//! e-mail as links, who is on call), its contact points, and how many records
//! of each kind it owns, each count a link to that kind's list filtered by the
//! Team (the records themselves are listed in the page's "Owns" sections).

use super::context::{Cx, LIST_LIMIT, plural};
use super::kinds::PER_PAGE;
use super::panel::{end_table, panel, row, table};
use crate::html::{esc, esc_to};
use crate::import::logins::valid_login;
use crate::link::Ix;
use crate::model::spec::team::Member;
use crate::model::{Field, Kind, Team};
use crate::site::view::{Panel, RECORD_ROOT};

/// Spec fields the Team panel shows in full.
pub(super) const TEAM_FIELDS: &[&str] = &["members", "githubTeam", "email", "chat"];

impl Cx<'_> {
    /// The panels of Team `ix`'s page.
    pub(super) fn team_panels(&self, ix: Ix) -> Vec<Panel> {
        let r = self.catalog.record(ix);
        let Some(team) = r.spec.team() else {
            return Vec::new();
        };
        let mut html = contacts(team, self.github_url);
        html.push_str(&self.owned(ix, r.title()));
        members_table(&mut html, &team.members, self.github_url);
        vec![panel("members", "Members", html)]
    }

    /// `Owns 3 Services, 1 SLA.`: counts by kind, each a link to the kind's
    /// list filtered by the Team when that list has a filter by owner and one page.
    fn owned(&self, ix: Ix, title: &str) -> String {
        let mut counts = [0usize; Kind::ALL.len()];
        for l in self
            .catalog
            .inc(ix)
            .iter()
            .filter(|l| l.field == Field::Owner)
        {
            counts[self.catalog.record(l.from).id.kind.index()] += 1;
        }
        let parts: Vec<String> = Kind::ALL
            .iter()
            .filter(|k| counts[k.index()] > 0)
            .map(|k| self.owned_count(*k, counts[k.index()], title))
            .collect();
        if parts.is_empty() {
            return "<p class=\"meta\">Owns no record.</p>\n".into();
        }
        format!("<p class=\"team-owns\">Owns {}.</p>\n", parts.join(", "))
    }

    /// `3 Services`, linked to the list of Services filtered by owner `title`.
    fn owned_count(&self, kind: Kind, n: usize, title: &str) -> String {
        let text = match n {
            1 => format!("1 {}", kind.name()),
            n => format!("{n} {}", plural(kind)),
        };
        if !super::columns::filters_by_owner(kind) || self.kind_count(kind) > PER_PAGE {
            return esc(&text);
        }
        format!(
            "<a href=\"{}{}/index.html?owner={}\">{}</a>",
            RECORD_ROOT,
            kind.id(),
            esc(&query_value(title)),
            esc(&text)
        )
    }
}

/// The Team's GitHub team, e-mail and chat, as links where they can be.
fn contacts(team: &Team, github_url: &str) -> String {
    let mut parts = Vec::new();
    if let Some(gt) = team.github_team.as_deref() {
        parts.push(match gt.split_once('/') {
            Some((org, slug)) if valid_login(org) && valid_slug(slug) => format!(
                "GitHub team <a href=\"{}/orgs/{org}/teams/{slug}\">{}</a>",
                esc(github_url),
                esc(gt)
            ),
            _ => format!("GitHub team {}", esc(gt)),
        });
    }
    if let Some(email) = team.email.as_deref() {
        parts.push(mail(email));
    }
    if let Some(chat) = team.chat.as_deref() {
        parts.push(format!("chat <code>{}</code>", esc(chat)));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("<p class=\"team-contact\">{}</p>\n", parts.join(" · "))
}

/// The members, in the order written, at most [`LIST_LIMIT`].
fn members_table(html: &mut String, members: &[Member], github_url: &str) {
    table(html, "members", &["Name", "Role", "GitHub", "E-mail"]);
    for m in members.iter().take(LIST_LIMIT) {
        let login = m.login.as_deref().unwrap_or("");
        let name = m.name.as_deref().unwrap_or(login);
        let mut role = esc(m.role.as_deref().unwrap_or(""));
        if on_call(m.role.as_deref()) {
            role.push_str(" <span class=\"badge on-call\">on call</span>");
        }
        let github = if valid_login(login) {
            format!("<a href=\"{}/{login}\">@{login}</a>", esc(github_url))
        } else {
            esc(login)
        };
        let email = m.email.as_deref().map(mail).unwrap_or_default();
        row(html, None, &[esc(name), role, github, email]);
    }
    end_table(html);
    if members.len() > LIST_LIMIT {
        html.push_str(&format!(
            "<p class=\"meta\">and {} more.</p>\n",
            members.len() - LIST_LIMIT
        ));
    }
}

/// Whether a role says its member is on call (`on-call`, `On call engineer`).
fn on_call(role: Option<&str>) -> bool {
    role.is_some_and(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("on-call") || r.contains("on call") || r.contains("oncall")
    })
}

/// An e-mail address: a `mailto:` link when it looks like one, else text.
fn mail(email: &str) -> String {
    let plausible = email.len() <= 254
        && email.split('@').count() == 2
        && !email.starts_with('@')
        && !email.ends_with('@')
        && email
            .chars()
            .all(|c| c.is_alphanumeric() || "@.+-_'".contains(c));
    if !plausible {
        return esc(email);
    }
    let mut out = String::from("<a href=\"mailto:");
    esc_to(&mut out, email);
    out.push_str("\">");
    esc_to(&mut out, email);
    out.push_str("</a>");
    out
}

/// A GitHub team slug: letters, digits, `-`, `_` and `.`.
fn valid_slug(s: &str) -> bool {
    (1..=100).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// `s` as a value of a URL query: every byte but letters, digits and `-._~`
/// percent-encoded.
fn query_value(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_logins_and_query_values_are_made_safe() {
        assert_eq!(
            mail("a.b@example.com"),
            "<a href=\"mailto:a.b@example.com\">a.b@example.com</a>"
        );
        assert_eq!(mail("\"><script>@x"), "&quot;&gt;&lt;script&gt;@x");
        assert_eq!(mail("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(query_value("Data & AI/ü"), "Data%20%26%20AI%2F%C3%BC");
        assert!(on_call(Some("SRE (On-call this week)")));
        assert!(!on_call(Some("Engineering Manager")));
        assert!(!valid_slug("a/b") && valid_slug("payments_team.x"));
    }
}
