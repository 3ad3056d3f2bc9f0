//! Diagnostics: the stable codes, severities and the findings every stage reports.

use crate::source::{FileId, Span};
use std::fmt;

/// An error and its causes, `: ` between them (as the command line prints them).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident, $desc:literal;)*) => {
        /// A stable diagnostic code. The names are a contract: never rename one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in the order of the contract's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case name printed in every output.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The severity of the code (`rule` takes the rule's own).
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }

            /// One line on when the code is reported.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc),* }
            }
        }
    };
}

codes! {
    YamlSyntax = "yaml-syntax", Error, "a file is not valid YAML, or front matter is malformed";
    Schema = "schema", Error, "a record breaks its kind's JSON Schema (one diagnostic per violation)";
    UnknownKind = "unknown-kind", Error, "`itsm/` apiVersion with an unknown version or kind";
    DuplicateName = "duplicate-name", Error, "two records share `kind:name` (reported at the second, naming the first)";
    UnresolvedRef = "unresolved-ref", Error, "a reference names no record";
    WrongKindRef = "wrong-kind-ref", Error, "a reference names a record of a kind the field does not accept";
    DependencyCycle = "dependency-cycle", Error, "a cycle in Service `dependsOn` or CI `dependsOn` (names the whole cycle)";
    MissingSla = "missing-sla", Error, "a Service in `production` without `sla`";
    InvalidWindow = "invalid-window", Error, "a time range whose end is not after its start";
    Expired = "expired", Error, "a CI `expires` or Supplier `contract.end` in the past while the CI is not retired";
    StandardChangeScope = "standard-change-scope", Error, "a standard Change whose risk exceeds its StandardChange's `maxRisk`, or whose impacts fall outside `appliesTo`";
    Rule = "rule", Error, "a Policy rule fails (the message carries the rule id)";
    Symlink = "symlink", Error, "a symbolic link in the tree itsm reads (on disk, or mode 120000 at a revision): nothing is read through it";
    Submodule = "submodule", Error, "a git submodule in the tree itsm reads (a gitlink at a revision, a folder holding `.git` on disk): nothing is read from it";
    NonUtf8Path = "non-utf8-path", Error, "a file or folder name in the tree itsm reads that is not UTF-8 (shown with `\\xNN` escapes): nothing is read from it";
    AuditIndependence = "audit-independence", Error, "an auditor of an Audit is a member of one of its `auditees` or of the owner Team of a Service in its scope";
    FindingUnaddressed = "finding-unaddressed", Error, "a major or minor finding of a `done` Audit older than 30 days has no Improvement whose `source` names it";
    RiskAcceptance = "risk-acceptance", Error, "a Risk scored (likelihood x impact) above `risk.appetite` is accepted without `acceptedBy`";
    ReleaseUnapproved = "release-unapproved", Error, "a `deployed` Release includes a Change that is proposed or cancelled";
    UnknownOffering = "unknown-offering", Error, "a Request names an offering its Service does not offer";
    OrphanCi = "orphan-ci", Warning, "a CI that no Service reaches through `cis` and CI `dependsOn`";
    ReviewOverdue = "review-overdue", Warning, "`lastReviewed` + `reviewEvery` is in the past (Policy, SLA, Supplier contract, Risk)";
    Expiring = "expiring", Warning, "`expires` / `contract.end` within 30 days";
    RetiredDependency = "retired-dependency", Warning, "a production Service depends on a deprecated or retired Service, or uses a retired CI";
    SlaInfeasible = "sla-infeasible", Warning, "a Service's SLA availability is higher than the product of the availabilities of the SLAs of the Services it depends on directly: the target cannot be met";
    ReviewMissing = "review-missing", Warning, "an emergency Change implemented more than 14 days ago without `review`";
    AuditOverdue = "audit-overdue", Warning, "a requirement addressed by a Policy has had no `done` internal Audit with it in scope within `audits.every`";
    ManagementReviewOverdue = "management-review-overdue", Warning, "no `held` ManagementReview within `managementReview.every`";
    ReviewInputs = "review-inputs", Warning, "a `held` ManagementReview does not cover every input topic";
    RiskUntreated = "risk-untreated", Warning, "a Risk with treatment mitigate has no `actions`";
    ActionOverdue = "action-overdue", Warning, "an Improvement (open or in-progress) or Objective (not achieved, missed or dropped) is past `due`";
    Unverified = "unverified", Warning, "a corrective-action `done` and `closed` more than 90 days ago, without `verification`";
    CapacityRisk = "capacity-risk", Warning, "a capacity entry's current value, or a forecast dated within 12 months, reaches its threshold";
    ContinuityUntested = "continuity-untested", Warning, "a production tier-1 or tier-2 Service with an `rto` has no passed test within `testEvery`";
    ContinuityTargetMissed = "continuity-target-missed", Warning, "the latest test achieved more than the `rto` or `rpo`";
    OverBudget = "over-budget", Warning, "a Service's or Team's allocated cost exceeds its budget";
    ChangeInFreeze = "change-in-freeze", Warning, "a proposed or scheduled Change whose window overlaps a change freeze of `itsm.yaml` (`freezes`)";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which node of a record a finding points at, before positions are resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The value at the pointer (a bad value, a bad reference).
    Value,
    /// The key of the entry at the pointer (an unknown field).
    Key,
}

/// Where in the sources a finding sits.
#[derive(Clone, Debug, Default)]
pub struct Location {
    pub file: Option<FileId>,
    /// Index of the YAML document in the file (for multi-document files).
    pub doc: u32,
    /// JSON pointer inside the document, when the finding is about a node.
    pub pointer: Option<String>,
    pub target: Option<Target>,
    /// The resolved position; filled by the loader or by `load::locate`.
    pub span: Option<Span>,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// What to do about it, when the message alone does not say.
    pub help: Option<String>,
    /// `kind:name` of the record, when known.
    pub record: Option<String>,
    pub location: Location,
}

impl Diagnostic {
    /// A finding with the code's own severity and no location yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help: None,
            record: None,
            location: Location::default(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_record(mut self, record: impl ToString) -> Self {
        self.record = Some(record.to_string());
        self
    }

    /// Points at a node of a document, to be positioned later.
    pub fn at(
        mut self,
        file: FileId,
        doc: u32,
        pointer: impl Into<String>,
        target: Target,
    ) -> Self {
        self.location = Location {
            file: Some(file),
            doc,
            pointer: Some(pointer.into()),
            target: Some(target),
            span: None,
        };
        self
    }

    /// Points at a whole file, at no position in it (a file that is not read).
    pub fn in_file(mut self, file: FileId) -> Self {
        self.location = Location {
            file: Some(file),
            ..Location::default()
        };
        self
    }

    /// Points at a known position (syntax errors).
    pub fn at_span(mut self, file: FileId, span: Span) -> Self {
        self.location = Location {
            file: Some(file),
            doc: 0,
            pointer: None,
            target: None,
            span: Some(span),
        };
        self
    }
}

/// Counts of findings, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Counts {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab case"
            );
            assert!(!code.description().is_empty());
        }
    }
}
