//! Approval evidence on a Change's page, from `itsm audit`'s change register
//! ([`crate::site::evidence`]): the commits and pull requests that added and
//! changed the Change, when, by whom, and who approved (when read from
//! GitHub); pull requests and commits linked when `github:` is set.

use super::context::{Cx, LIST_LIMIT};
use super::panel::{end_table, panel, row, table};
use crate::audit::{ChangeEntry, Event};
use crate::html::esc;
use crate::link::Ix;
use crate::site::evidence::{Evidence, History};
use crate::site::view::Panel;

impl Cx<'_> {
    /// The evidence of Change `ix`, or why there is none; `None` when the
    /// site was built without asking for history.
    pub(super) fn evidence_panel(&self, ix: Ix) -> Option<Panel> {
        let html = match self.evidence {
            Evidence::NotAsked => return None,
            Evidence::Unavailable(why) => format!(
                "<p class=\"note\">No approval evidence: the site was built without the history of its Changes ({}).</p>\n",
                esc(why)
            ),
            Evidence::Walked(history) => {
                let name = &self.catalog.record(ix).id.name;
                match history.change(name) {
                    Some(entry) => self.entry_html(history, entry),
                    None => "<p class=\"note\">No commit of the history the site is built from adds this Change: it is not committed yet.</p>\n".into(),
                }
            }
        };
        Some(panel("evidence", "Approval evidence", html))
    }

    /// The events of a Change, first the one that added it.
    fn entry_html(&self, history: &History, entry: &ChangeEntry) -> String {
        let repo = self.repo_url();
        let github = repo.as_deref();
        let mut html = String::new();
        if let Some(first) = entry.events.first() {
            html.push_str(&format!(
                "<p class=\"evidence-summary\">Added on {} by {}{}.</p>\n",
                esc(day(first)),
                esc(&first.author),
                first.pull_request.map_or(String::new(), |n| format!(
                    " in pull request {}",
                    pr_html(github, n)
                ))
            ));
        }
        let mut columns = vec!["Event", "Date", "Commit", "Pull request", "Author"];
        if history.approvers_read {
            columns.push("Approved by");
        }
        table(&mut html, "evidence", &columns);
        for e in entry.events.iter().take(LIST_LIMIT) {
            let mut cells = vec![
                esc(e.action.as_str()),
                esc(day(e)),
                commit_html(github, e),
                e.pull_request.map_or(String::new(), |n| pr_html(github, n)),
                esc(&e.author),
            ];
            if history.approvers_read {
                cells.push(approvers_html(e));
            }
            row(&mut html, None, &cells);
        }
        end_table(&mut html);
        if entry.events.len() > LIST_LIMIT {
            html.push_str(&format!(
                "<p class=\"more\">And {} more: <code>itsm audit</code> lists them all.</p>\n",
                entry.events.len() - LIST_LIMIT
            ));
        }
        if !history.approvers_read {
            html.push_str("<p class=\"note\">Approvers are read from GitHub by <code>itsm build --approvers</code> (with <code>GITHUB_TOKEN</code>) and by <code>itsm audit</code>.</p>\n");
        }
        html
    }
}

/// `2026-02-01` of an event.
fn day(e: &Event) -> &str {
    e.date.get(..10).unwrap_or(&e.date)
}

/// `#12`, linked to the pull request when the repository's address is known.
fn pr_html(github: Option<&str>, n: u64) -> String {
    match github {
        Some(repo) => format!("<a href=\"{}/pull/{n}\">#{n}</a>", esc(repo)),
        None => format!("#{n}"),
    }
}

/// The commit's short id in `<code>`, linked when the repository is known.
fn commit_html(github: Option<&str>, e: &Event) -> String {
    let short = esc(e.commit.get(..12).unwrap_or(&e.commit));
    match github {
        Some(repo) => format!(
            "<a href=\"{}/commit/{}\"><code>{short}</code></a>",
            esc(repo),
            esc(&e.commit)
        ),
        None => format!("<code>{short}</code>"),
    }
}

/// Who approved the event's pull request.
fn approvers_html(e: &Event) -> String {
    match (&e.approved_by, e.pull_request) {
        (_, None) => "no pull request".into(),
        (Some(a), Some(_)) if !a.is_empty() => esc(&a.join(", ")),
        _ => "<strong class=\"bad\">no approval</strong>".into(),
    }
}
