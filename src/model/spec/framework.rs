//! A Framework: a standard's requirements, how records evidence them, and how
//! they map to other frameworks' requirements.

use crate::model::Team;
use crate::model::decode::spec_struct;
use crate::model::types::{Markdown, Ref, Req, RequirementRef, Slot};
use crate::time::Duration;
use crate::value::Text;

spec_struct! {
    /// The Framework's owner, title, requirements, evidence rules and mappings. Its name is the
    /// framework's id in requirement references (`iso27001` in `iso27001:A.5.1`).
    pub struct Framework {
        /// The Team that owns this Framework and approves changes to it: a Team name, bare or full
        /// form (e.g. `security` or `team:security`).
        #[schemars(required, with = "Req<Ref<Team>>")]
        "owner" => owner: Option<Ref<Team>>,
        /// The framework's title (e.g. `ISO/IEC 27001:2022`).
        #[schemars(required, length(min = 1))]
        "title" => title: Option<Text>,
        /// The requirements, in order, each `{id, title, parent}` (e.g. `- {id: A.5.1, title:
        /// Policies for information security, parent: A.5}`).
        #[schemars(required, length(min = 1))]
        "requirements" => requirements: Box<[Slot<Requirement>]>,
        /// How records show a requirement is met, each `{requirement, kind, where, within, what}`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "evidence" => evidence: Box<[Slot<EvidenceRule>]>,
        /// Requirements of this framework that another framework's requirement answers, each
        /// `{requirement, to}` (e.g. `- {requirement: A.5.37, to: "iso20000-1:8.1"}`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "mappings" => mappings: Box<[Slot<Mapping>]>,
        /// Description (Markdown). In a `.md` record the body is the Markdown after the front
        /// matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// A requirement of a Framework.
    pub struct Requirement {
        /// The requirement's id, unique in the framework (e.g. `A.5.1`, `8.5.1`).
        #[schemars(required, regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))]
        "id" => id: Option<Text>,
        /// Its title in the standard (e.g. `Policies for information security`).
        #[schemars(required, length(min = 1))]
        "title" => title: Option<Text>,
        /// The id of the requirement it belongs to (e.g. `A.5`); a parent takes the weakest status
        /// of its children.
        "parent" => parent: Option<Text>,
    }
}

spec_struct! {
    /// What records show that a requirement is met.
    pub struct EvidenceRule {
        /// The requirement's id in this framework (e.g. `A.5.24`).
        #[schemars(required, length(min = 1))]
        "requirement" => requirement: Option<Text>,
        /// The kind of record that shows it (e.g. `Incident`).
        #[schemars(required)]
        "kind" => kind: Option<crate::model::Kind>,
        /// A CEL condition on the record: only records where it holds count (e.g.
        /// `self.spec.status == 'closed'`).
        "where" => condition: Option<Text>,
        /// Only records dated within this span before the report count (e.g. `12mo`).
        "within" => within: Option<Duration>,
        /// What the evidence is, in words (e.g. `incidents handled to closure`).
        #[schemars(required, length(min = 1))]
        "what" => what: Option<Text>,
    }
}

spec_struct! {
    /// A requirement of this framework answered by another framework's requirement.
    pub struct Mapping {
        /// The requirement's id in this framework (e.g. `A.5.37`).
        #[schemars(required, length(min = 1))]
        "requirement" => requirement: Option<Text>,
        /// The requirement that answers it, as a requirement reference (e.g. `"iso20000-1:8.1"`).
        #[schemars(required, with = "Req<RequirementRef>")]
        "to" => to: Option<RequirementRef>,
    }
}
