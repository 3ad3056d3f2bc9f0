//! Review evaluation, as GitHub does it: each reviewer's standing is their
//! latest APPROVED, CHANGES_REQUESTED or DISMISSED review (COMMENTED and PENDING
//! do not change it); an approval counts only on the head commit and never from
//! the author; logins compare case-insensitively; membership is read at base.

use super::{Requirement, Requirements};
use crate::link::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A review as GitHub's "list reviews for a pull request" returns it (the
/// fields the gate reads; others are ignored).
#[derive(Clone, Debug, Deserialize)]
pub struct Review {
    #[serde(default)]
    pub user: Option<User>,
    pub state: String,
    #[serde(default)]
    pub commit_id: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct User {
    pub login: String,
}

/// A reviewer's standing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Approved, on this commit.
    Approved(Option<String>),
    ChangesRequested,
    Dismissed,
}

/// The latest standing of each reviewer (lower-cased login), the author excluded.
pub fn standings(reviews: &[Review], author: &str) -> BTreeMap<String, Standing> {
    let mut ordered: Vec<(Option<jiff::Timestamp>, &Review)> = reviews
        .iter()
        .map(|r| (r.submitted_at.as_deref().and_then(|t| t.parse().ok()), r))
        .collect();
    // Stable: reviews without a time keep the order GitHub gave.
    ordered.sort_by_key(|(t, _)| *t);
    let author = author.to_ascii_lowercase();
    let mut out = BTreeMap::new();
    for (_, r) in ordered {
        let Some(user) = &r.user else { continue };
        let login = user.login.to_ascii_lowercase();
        if login == author {
            continue;
        }
        let standing = match r.state.to_ascii_uppercase().as_str() {
            "APPROVED" => Standing::Approved(r.commit_id.clone()),
            "CHANGES_REQUESTED" => Standing::ChangesRequested,
            "DISMISSED" => Standing::Dismissed,
            _ => continue,
        };
        out.insert(login, standing);
    }
    out
}

/// The gate's verdict, requirement by requirement.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub met: bool,
    #[serde(rename = "pullRequest")]
    pub pull_request: Option<u64>,
    pub author: String,
    pub head: String,
    pub requirements: Vec<Evaluated>,
    pub problems: Vec<String>,
}

/// One requirement with who approved it and what is missing.
#[derive(Debug, Serialize)]
pub struct Evaluated {
    #[serde(flatten)]
    pub requirement: Requirement,
    /// Members whose approval of the head commit counts.
    #[serde(rename = "approvedBy")]
    pub approved_by: Vec<String>,
    /// Members whose standing is CHANGES_REQUESTED: they block.
    #[serde(rename = "changesRequestedBy")]
    pub changes_requested_by: Vec<String>,
    /// Members who approved an older commit: they must approve again.
    #[serde(rename = "staleApprovals")]
    pub stale: Vec<String>,
    /// Approvals still needed.
    pub missing: u32,
    pub met: bool,
}

/// Evaluates every requirement against the reviews. Team membership is read in
/// `base`; `head_sha` is the commit approvals must be on.
pub fn evaluate(
    required: Requirements,
    base: &Catalog,
    reviews: &[Review],
    author: &str,
    head_sha: &str,
    pull_request: Option<u64>,
) -> Outcome {
    let standing = standings(reviews, author);
    let requirements: Vec<Evaluated> = required
        .list
        .into_iter()
        .map(|requirement| {
            let members = super::members(base, &requirement.team).unwrap_or_default();
            let mut e = Evaluated {
                requirement,
                approved_by: Vec::new(),
                changes_requested_by: Vec::new(),
                stale: Vec::new(),
                missing: 0,
                met: false,
            };
            for login in members {
                match standing.get(&login) {
                    Some(Standing::Approved(Some(c))) if c.eq_ignore_ascii_case(head_sha) => {
                        e.approved_by.push(login)
                    }
                    Some(Standing::Approved(_)) => e.stale.push(login),
                    Some(Standing::ChangesRequested) => e.changes_requested_by.push(login),
                    Some(Standing::Dismissed) | None => {}
                }
            }
            for list in [
                &mut e.approved_by,
                &mut e.changes_requested_by,
                &mut e.stale,
            ] {
                list.sort();
                list.dedup();
            }
            e.missing = e
                .requirement
                .count
                .saturating_sub(e.approved_by.len() as u32);
            e.met = e.missing == 0 && e.changes_requested_by.is_empty();
            e
        })
        .collect();
    Outcome {
        met: required.problems.is_empty() && requirements.iter().all(|r| r.met),
        pull_request,
        author: author.to_string(),
        head: head_sha.to_string(),
        requirements,
        problems: required.problems,
    }
}
