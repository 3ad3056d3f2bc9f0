//! The typed spec of each kind: a file per kind. Doc comments are the
//! descriptions of the JSON Schemas generated from these types.

pub mod audit;
pub mod change;
pub mod ci;
pub mod customer;
pub mod framework;
pub mod improvement;
pub mod incident;
pub mod management_review;
pub mod objective;
pub mod policy;
pub mod problem;
pub mod release;
pub mod request;
pub mod resources;
pub mod risk;
pub mod service;
pub mod sla;
pub mod standard_change;
pub mod supplier;
pub mod team;

use super::Kind;
use super::decode::Decode;
use super::types::Target;
use crate::value::Value;
use std::sync::Arc;

pub use audit::Audit;
pub use change::Change;
pub use ci::Ci;
pub use customer::Customer;
pub use framework::Framework;
pub use improvement::Improvement;
pub use incident::Incident;
pub use management_review::ManagementReview;
pub use objective::Objective;
pub use policy::Policy;
pub use problem::Problem;
pub use release::Release;
pub use request::Request;
pub use risk::Risk;
pub use service::Service;
pub use sla::Sla;
pub use standard_change::StandardChange;
pub use supplier::Supplier;
pub use team::Team;

/// A record's `spec`, decoded by kind; shared by the copies of the record.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    Team(Arc<Team>),
    Service(Arc<Service>),
    Sla(Arc<Sla>),
    Ci(Arc<Ci>),
    Supplier(Arc<Supplier>),
    Policy(Arc<Policy>),
    StandardChange(Arc<StandardChange>),
    Change(Arc<Change>),
    Incident(Arc<Incident>),
    Problem(Arc<Problem>),
    Objective(Arc<Objective>),
    Risk(Arc<Risk>),
    Audit(Arc<Audit>),
    ManagementReview(Arc<ManagementReview>),
    Improvement(Arc<Improvement>),
    Framework(Arc<Framework>),
    Release(Arc<Release>),
    Customer(Arc<Customer>),
    Request(Arc<Request>),
}

impl Spec {
    /// Decodes the `spec` of a record of `kind` (see [`super::decode`]: what
    /// does not fit is left out; a `spec` that is not a mapping gives an empty one).
    pub fn decode(kind: Kind, spec: Option<&Value>) -> Spec {
        fn of<T: Decode + Default>(spec: Option<&Value>) -> Arc<T> {
            Arc::new(spec.and_then(T::decode).unwrap_or_default())
        }
        match kind {
            Kind::Team => Spec::Team(of(spec)),
            Kind::Service => Spec::Service(of(spec)),
            Kind::Sla => Spec::Sla(of(spec)),
            Kind::Ci => Spec::Ci(of(spec)),
            Kind::Supplier => Spec::Supplier(of(spec)),
            Kind::Policy => Spec::Policy(of(spec)),
            Kind::StandardChange => Spec::StandardChange(of(spec)),
            Kind::Change => Spec::Change(of(spec)),
            Kind::Incident => Spec::Incident(of(spec)),
            Kind::Problem => Spec::Problem(of(spec)),
            Kind::Objective => Spec::Objective(of(spec)),
            Kind::Risk => Spec::Risk(of(spec)),
            Kind::Audit => Spec::Audit(of(spec)),
            Kind::ManagementReview => Spec::ManagementReview(of(spec)),
            Kind::Improvement => Spec::Improvement(of(spec)),
            Kind::Framework => Spec::Framework(of(spec)),
            Kind::Release => Spec::Release(of(spec)),
            Kind::Customer => Spec::Customer(of(spec)),
            Kind::Request => Spec::Request(of(spec)),
        }
    }

    /// The Team that owns the record, for the kinds that have an `owner`.
    pub fn owner(&self) -> Option<&super::Ref<Team>> {
        match self {
            Spec::Service(s) => s.owner.as_ref(),
            Spec::Sla(s) => s.owner.as_ref(),
            Spec::Ci(s) => s.owner.as_ref(),
            Spec::Supplier(s) => s.owner.as_ref(),
            Spec::Policy(s) => s.owner.as_ref(),
            Spec::StandardChange(s) => s.owner.as_ref(),
            Spec::Problem(s) => s.owner.as_ref(),
            Spec::Objective(s) => s.owner.as_ref(),
            Spec::Risk(s) => s.owner.as_ref(),
            Spec::Improvement(s) => s.owner.as_ref(),
            Spec::Framework(s) => s.owner.as_ref(),
            Spec::Release(s) => s.owner.as_ref(),
            Spec::Customer(s) => s.owner.as_ref(),
            Spec::Team(_)
            | Spec::Change(_)
            | Spec::Incident(_)
            | Spec::Audit(_)
            | Spec::ManagementReview(_)
            | Spec::Request(_) => None,
        }
    }

    /// `spec.body`, for every kind.
    pub fn body(&self) -> Option<&str> {
        let body = match self {
            Spec::Team(s) => &s.body,
            Spec::Service(s) => &s.body,
            Spec::Sla(s) => &s.body,
            Spec::Ci(s) => &s.body,
            Spec::Supplier(s) => &s.body,
            Spec::Policy(s) => &s.body,
            Spec::StandardChange(s) => &s.body,
            Spec::Change(s) => &s.body,
            Spec::Incident(s) => &s.body,
            Spec::Problem(s) => &s.body,
            Spec::Objective(s) => &s.body,
            Spec::Risk(s) => &s.body,
            Spec::Audit(s) => &s.body,
            Spec::ManagementReview(s) => &s.body,
            Spec::Improvement(s) => &s.body,
            Spec::Framework(s) => &s.body,
            Spec::Release(s) => &s.body,
            Spec::Customer(s) => &s.body,
            Spec::Request(s) => &s.body,
        };
        body.as_deref()
    }
}

/// Accessors by kind: `record.spec.service()` is the Service spec of a Service record.
macro_rules! accessors {
    ($($fn:ident: $variant:ident,)*) => {
        impl Spec {
            $(
                #[doc = concat!("The spec, when the record is a ", stringify!($variant), ".")]
                pub fn $fn(&self) -> Option<&$variant> {
                    match self {
                        Spec::$variant(s) => Some(s),
                        _ => None,
                    }
                }
            )*
        }
        $(
            impl Target for $variant {
                const ACCEPTS: &'static [Kind] = &[Kind::$variant];
            }
        )*
    };
}

accessors! {
    team: Team,
    service: Service,
    sla: Sla,
    ci: Ci,
    supplier: Supplier,
    policy: Policy,
    standard_change: StandardChange,
    change: Change,
    incident: Incident,
    problem: Problem,
    objective: Objective,
    risk: Risk,
    audit: Audit,
    management_review: ManagementReview,
    improvement: Improvement,
    framework: Framework,
    release: Release,
    customer: Customer,
    request: Request,
}
