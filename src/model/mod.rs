//! The record model: the kinds, their identities and reference fields
//! ([`kind`]), the typed spec of each kind ([`spec`]) decoded once per record
//! from its value tree ([`decode`]), and the JSON Schemas generated from those
//! types ([`schema`]). Code outside the model reads records through these types.

pub mod decode;
mod kind;
pub mod metadata;
mod node;
pub mod schema;
pub mod spec;
pub mod types;

pub use kind::*;
pub use node::Node;
pub use spec::change::{ChangeStatus, ChangeType, Risk};
pub use spec::ci::{CiLifecycle, CiType, Environment};
pub use spec::incident::{IncidentImpact, IncidentStatus, Priority};
pub use spec::problem::ProblemStatus;
pub use spec::service::{Lifecycle, ServiceType};
pub use spec::sla::Window;
pub use spec::{
    Audit, Change, Ci, Customer, Framework, Improvement, Incident, ManagementReview, Objective,
    Policy, Problem, Release, Request, Service, Sla, Spec, StandardChange, Supplier, Team,
};
pub use types::{Impact, Markdown, Ref, RequirementRef, Tier};
