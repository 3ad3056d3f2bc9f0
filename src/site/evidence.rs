//! What the site knows of how its Changes came to be: the change register of
//! `itsm audit` ([`crate::audit::register`]), walked once from the revision the
//! site is built from (by `itsm build`, once per `itsm serve`), or why there
//! is none. Change pages show it as approval evidence.

use crate::audit::{ChangeEntry, Register};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The history of the Changes, as the site shows it.
#[derive(Clone, Debug, Default)]
pub enum Evidence {
    /// No history was asked for: Change pages show no evidence.
    #[default]
    NotAsked,
    /// Why there is no history to show (not a git checkout, a shallow clone...).
    Unavailable(String),
    /// The change register.
    Walked(Arc<History>),
}

/// The change register, each live Change findable by name.
#[derive(Debug)]
pub struct History {
    register: Register,
    by_name: FxHashMap<String, usize>,
    /// The approvers of each pull request were read from GitHub.
    pub approvers_read: bool,
}

impl Evidence {
    /// The evidence of `register`; `approvers_read` when its events carry
    /// the approvers of their pull requests.
    pub fn of(register: Register, approvers_read: bool) -> Evidence {
        // A Change removed and added again has several entries: the last one
        // is the record as it is.
        let by_name = register
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.removed)
            .filter_map(|(i, c)| Some((c.record.strip_prefix("change:")?.to_string(), i)))
            .collect();
        Evidence::Walked(Arc::new(History {
            register,
            by_name,
            approvers_read,
        }))
    }
}

impl History {
    /// The register's entry of the Change named `name`, if history has it.
    pub fn change(&self, name: &str) -> Option<&ChangeEntry> {
        self.by_name
            .get(name)
            .and_then(|i| self.register.changes.get(*i))
    }
}
