//! A Team: the people who own records and approve changes to them.

use super::resources::Cost;
use crate::model::decode::spec_struct;
use crate::model::types::{Login, Markdown, Req};
use crate::value::Text;

spec_struct! {
    /// The Team's members and contact points.
    pub struct Team {
        /// The Team's members (at least one), each `{login, name, email, role}`; their GitHub
        /// approvals count for records the Team owns (e.g. `- {login: octocat, name: Mona Lisa}`).
        #[schemars(required, length(min = 1))]
        "members" => members: Box<[Member]>,
        /// The matching GitHub team as `org/slug` (e.g. `acme/payments`).
        #[schemars(regex(pattern = r"^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$"))]
        "githubTeam" => github_team: Option<Text>,
        /// The Team's e-mail address (e.g. `payments@example.com`).
        "email" => email: Option<Text>,
        /// The Team's chat channel (e.g. `#payments`).
        "chat" => chat: Option<Text>,
        /// What the business Services the Team owns may cost in full: `{amount, currency, per}`.
        "budget" => budget: Option<Cost>,
        /// Free-form description of the Team (Markdown). In a `.md` record the body is the Markdown
        /// after the front matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

spec_struct! {
    /// A Team member.
    pub struct Member {
        /// The member's GitHub login, compared case-insensitively (e.g. `octocat`). Required.
        #[schemars(required, with = "Req<Login>")]
        "login" => login: Option<Login>,
        /// The member's display name (e.g. `Mona Lisa`).
        "name" => name: Option<Text>,
        /// The member's e-mail address (e.g. `mona@example.com`).
        "email" => email: Option<Text>,
        /// The member's role in the Team (e.g. `lead`, `on-call`).
        "role" => role: Option<Text>,
    }
}
