//! A StandardChange: a pre-authorised change procedure.

use crate::model::Team;
use crate::model::decode::spec_struct;
use crate::model::spec::change::{MaxRisk, Risk};
use crate::model::types::{Markdown, Ref, Req, Slot};
use crate::value::Text;

spec_struct! {
    /// The StandardChange's ownership, risk ceiling and scope.
    pub struct StandardChange {
        /// The Team that owns this StandardChange and approves changes to it: a Team name, bare or
        /// full form (e.g. `payments` or `team:payments`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// The highest risk a Change may have under this StandardChange: `low` or `medium`.
        #[schemars(required, with = "MaxRisk")]
        "maxRisk" => max_risk: Option<Risk>,
        /// What the StandardChange may be applied to, at least one entry: CI types (e.g.
        /// `container`) and/or Service names (e.g. `[application, container, payments-api]`); a
        /// standard Change's impacts must fall within it.
        #[schemars(required, length(min = 1))]
        "appliesTo" => applies_to: Box<[Slot<Text>]>,
        /// The pre-authorised procedure (Markdown). In a `.md` record the body is the Markdown
        /// after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

impl StandardChange {
    /// The entries of `appliesTo` that are strings, with their positions.
    pub fn applies_to(&self) -> impl Iterator<Item = (usize, &str)> {
        self.applies_to
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, &**s.0.as_ref()?)))
    }
}
