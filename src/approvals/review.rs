//! Review evaluation, as GitHub does it: each reviewer's standing is their
//! latest APPROVED, CHANGES_REQUESTED or DISMISSED review (COMMENTED and PENDING
//! do not change it); an approval counts only on the head commit and never from
//! the author; logins compare case-insensitively; membership is read at base.

use super::{Requirement, Requirements};
use crate::github;
use crate::link::Catalog;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A review as GitHub's "list reviews for a pull request" returns it (the
/// fields the gate reads; others are ignored): what a saved review list holds,
/// and what [`github::Review`]s convert to.
#[derive(Clone, Debug, Deserialize)]
pub struct Review {
    #[serde(default)]
    pub user: Option<User>,
    pub state: State,
    #[serde(default)]
    pub commit_id: Option<String>,
    /// `None` when missing or not a time (such reviews keep GitHub's order).
    #[serde(default, deserialize_with = "lenient_time")]
    pub submitted_at: Option<jiff::Timestamp>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct User {
    pub login: String,
}

/// The states that set a reviewer's standing; any other (COMMENTED,
/// PENDING, ...) leaves it as it was. Read case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Approved,
    ChangesRequested,
    Dismissed,
    Other,
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<State, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.to_ascii_uppercase().as_str() {
            "APPROVED" => State::Approved,
            "CHANGES_REQUESTED" => State::ChangesRequested,
            "DISMISSED" => State::Dismissed,
            _ => State::Other,
        })
    }
}

fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<jiff::Timestamp>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    Ok(text.and_then(|t| t.parse().ok()))
}

impl From<github::Review> for Review {
    fn from(r: github::Review) -> Review {
        let state = match r.state {
            github::ReviewState::Approved => State::Approved,
            github::ReviewState::ChangesRequested => State::ChangesRequested,
            github::ReviewState::Dismissed => State::Dismissed,
            github::ReviewState::Commented
            | github::ReviewState::Pending
            | github::ReviewState::Other => State::Other,
        };
        Review {
            user: r.login.map(|login| User { login }),
            state,
            commit_id: r.commit_id,
            submitted_at: r.submitted_at,
        }
    }
}

/// The reviews GitHub gave, as the gate reads them.
pub fn from_github(reviews: Vec<github::Review>) -> Vec<Review> {
    reviews.into_iter().map(Review::from).collect()
}

/// Why a saved review list cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("cannot read the reviews {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        cause: std::io::Error,
    },
    #[error(
        "{} is not GitHub's list of reviews (a JSON array of review objects)",
        path.display()
    )]
    Format {
        path: PathBuf,
        #[source]
        cause: serde_json::Error,
    },
}

/// A saved review list: GitHub's JSON array of review objects.
pub fn read_saved(path: &Path) -> Result<Vec<Review>, SavedError> {
    let text = std::fs::read_to_string(path).map_err(|cause| SavedError::Read {
        path: path.to_path_buf(),
        cause,
    })?;
    serde_json::from_str(&text).map_err(|cause| SavedError::Format {
        path: path.to_path_buf(),
        cause,
    })
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
    let mut ordered: Vec<(Option<jiff::Timestamp>, &Review)> =
        reviews.iter().map(|r| (r.submitted_at, r)).collect();
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
        let standing = match r.state {
            State::Approved => Standing::Approved(r.commit_id.clone()),
            State::ChangesRequested => Standing::ChangesRequested,
            State::Dismissed => Standing::Dismissed,
            State::Other => continue,
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
            evaluate_one(requirement, members, &standing, head_sha)
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

/// One requirement against the standings of the Team's `members`.
fn evaluate_one(
    requirement: Requirement,
    members: Vec<String>,
    standing: &BTreeMap<String, Standing>,
    head_sha: &str,
) -> Evaluated {
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
}
