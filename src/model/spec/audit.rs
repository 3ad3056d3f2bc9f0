//! An Audit: an internal, external or certification audit and its findings (Check).

use crate::model::decode::{spec_struct, string_enum};
use crate::model::types::{AnyRecord, DateText, Login, Markdown, Ref, Req, RequirementRef, Slot};
use crate::model::{Service, Team};
use crate::value::Text;
use jiff::civil::Date;

spec_struct! {
    /// The Audit's type, status, date, scope, auditors and findings. An Audit has no owner: changes
    /// to it are approved by `admins`.
    pub struct Audit {
        /// `internal` (the organisation audits itself, ISO/IEC 20000-1 9.2), `external` or
        /// `certification`.
        #[schemars(required)]
        "type" => audit_type: Option<AuditType>,
        /// `planned` or `done`.
        #[schemars(required)]
        "status" => status: Option<AuditStatus>,
        /// When the Audit is planned or was performed (e.g. `2026-10-15`).
        #[schemars(required, with = "Req<DateText>")]
        "date" => date: Option<Date>,
        /// What the Audit covers: `{requirements, services}`.
        #[schemars(required)]
        "scope" => scope: Option<Scope>,
        /// GitHub logins of the auditors (at least one); none may be a member of an auditee Team or
        /// of the owner of a Service in scope (`audit-independence`).
        #[schemars(required, length(min = 1), extend("uniqueItems" = true))]
        "auditors" => auditors: Box<[Slot<Login>]>,
        /// The Teams audited: Team names, bare or full form (e.g. `[payments, platform]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "auditees" => auditees: Box<[Ref<Team>]>,
        /// What the Audit found, each `{id, type, requirement, records, text}`; an Improvement
        /// names a finding in its `source` as `audit:NAME#ID`.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "findings" => findings: Box<[Slot<Finding>]>,
        /// The audit report (Markdown). In a `.md` record the body is the Markdown after the front
        /// matter and `spec.body` must not be set.
        "body" => body: Option<Markdown>,
    }
}

string_enum! {
    /// Who performs an Audit.
    pub enum AuditType {
        Internal = "internal",
        External = "external",
        Certification = "certification",
    }
}

string_enum! {
    /// Whether an Audit has been performed.
    pub enum AuditStatus {
        Planned = "planned",
        Done = "done",
    }
}

spec_struct! {
    /// What an Audit covers.
    pub struct Scope {
        /// Requirements audited, as requirement references: `FRAMEWORK:ID` or a bare ISO/IEC
        /// 20000-1 clause number (e.g. `["8.5.1", "iso27001:A.5.1"]`).
        #[schemars(required, length(min = 1), extend("uniqueItems" = true))]
        "requirements" => requirements: Box<[Slot<RequirementRef>]>,
        /// Services audited: Service names, bare or full form (e.g. `[payments-api]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "services" => services: Box<[Ref<Service>]>,
    }
}

spec_struct! {
    /// A finding of an Audit.
    pub struct Finding {
        /// The finding's identifier, unique in the Audit (e.g. `F3`).
        #[schemars(required, regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))]
        "id" => id: Option<Text>,
        /// `major` or `minor` (nonconformities: each needs an Improvement within 30 days),
        /// `observation` or `opportunity`.
        #[schemars(required)]
        "type" => finding_type: Option<FindingType>,
        /// The requirement the finding is about, as a requirement reference (e.g. `"8.5.1"`).
        "requirement" => requirement: Option<RequirementRef>,
        /// Records the finding is about, in the full form (e.g. `[change:chg-2026-042]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(extend("uniqueItems" = true))]
        "records" => records: Box<[Ref<AnyRecord>]>,
        /// What was found.
        #[schemars(required, length(min = 1))]
        "text" => text: Option<Text>,
    }
}

string_enum! {
    /// The weight of an audit finding.
    pub enum FindingType {
        Major = "major",
        Minor = "minor",
        Observation = "observation",
        Opportunity = "opportunity",
    }
}

impl FindingType {
    /// A major or minor finding: a nonconformity that needs corrective action.
    pub fn is_nonconformity(self) -> bool {
        matches!(self, FindingType::Major | FindingType::Minor)
    }
}
