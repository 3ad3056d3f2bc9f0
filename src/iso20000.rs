//! The clauses of ISO/IEC 20000-1:2018 (clauses 4 to 10), numbers and titles.
//! Policies name the clauses they address; the schema accepts exactly these.

/// A clause: its number and its title in the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause {
    pub number: &'static str,
    pub title: &'static str,
}

const fn c(number: &'static str, title: &'static str) -> Clause {
    Clause { number, title }
}

/// Every clause, in the order of the standard.
pub const CLAUSES: &[Clause] = &[
    c("4", "Context of the organization"),
    c("4.1", "Understanding the organization and its context"),
    c(
        "4.2",
        "Understanding the needs and expectations of interested parties",
    ),
    c(
        "4.3",
        "Determining the scope of the service management system",
    ),
    c("4.4", "Service management system"),
    c("5", "Leadership"),
    c("5.1", "Leadership and commitment"),
    c("5.2", "Policy"),
    c("5.2.1", "Establishing the service management policy"),
    c("5.2.2", "Communicating the service management policy"),
    c(
        "5.3",
        "Organizational roles, responsibilities and authorities",
    ),
    c("6", "Planning"),
    c("6.1", "Actions to address risks and opportunities"),
    c(
        "6.2",
        "Service management objectives and planning to achieve them",
    ),
    c("6.2.1", "Establish objectives"),
    c("6.2.2", "Plan to achieve objectives"),
    c("6.3", "Plan the service management system"),
    c("7", "Support of the service management system"),
    c("7.1", "Resources"),
    c("7.2", "Competence"),
    c("7.3", "Awareness"),
    c("7.4", "Communication"),
    c("7.5", "Documented information"),
    c("7.5.1", "General"),
    c("7.5.2", "Creating and updating documented information"),
    c("7.5.3", "Control of documented information"),
    c("7.5.4", "Service management system documented information"),
    c("7.6", "Knowledge"),
    c("8", "Operation of the service management system"),
    c("8.1", "Operational planning and control"),
    c("8.2", "Service portfolio"),
    c("8.2.1", "Service delivery"),
    c("8.2.2", "Plan the services"),
    c(
        "8.2.3",
        "Control of parties involved in the service lifecycle",
    ),
    c("8.2.4", "Service catalogue management"),
    c("8.2.5", "Asset management"),
    c("8.2.6", "Configuration management"),
    c("8.3", "Relationship and agreement"),
    c("8.3.1", "General"),
    c("8.3.2", "Business relationship management"),
    c("8.3.3", "Service level management"),
    c("8.3.4", "Supplier management"),
    c("8.3.4.1", "Management of external suppliers"),
    c(
        "8.3.4.2",
        "Management of internal suppliers and customers acting as a supplier",
    ),
    c("8.4", "Supply and demand"),
    c("8.4.1", "Budgeting and accounting for services"),
    c("8.4.2", "Demand management"),
    c("8.4.3", "Capacity management"),
    c("8.5", "Service design, build and transition"),
    c("8.5.1", "Change management"),
    c("8.5.1.1", "Change management policy"),
    c("8.5.1.2", "Change management initiation"),
    c("8.5.1.3", "Change management activities"),
    c("8.5.2", "Service design and transition"),
    c("8.5.2.1", "Plan new or changed services"),
    c("8.5.2.2", "Design"),
    c("8.5.2.3", "Build and transition"),
    c("8.5.3", "Release and deployment management"),
    c("8.6", "Resolution and fulfilment"),
    c("8.6.1", "Incident management"),
    c("8.6.2", "Service request management"),
    c("8.6.3", "Problem management"),
    c("8.7", "Service assurance"),
    c("8.7.1", "Service availability management"),
    c("8.7.2", "Service continuity management"),
    c("8.7.3", "Information security management"),
    c("8.7.3.1", "Information security policy"),
    c("8.7.3.2", "Information security controls"),
    c("8.7.3.3", "Information security incidents"),
    c("9", "Performance evaluation"),
    c("9.1", "Monitoring, measurement, analysis and evaluation"),
    c("9.2", "Internal audit"),
    c("9.3", "Management review"),
    c("9.4", "Service reporting"),
    c("10", "Improvement"),
    c("10.1", "Nonconformity and corrective action"),
    c("10.2", "Continual improvement"),
];

/// The clause with this number.
pub fn clause(number: &str) -> Option<&'static Clause> {
    CLAUSES.iter().find(|c| c.number == number)
}
