//! Reports for audits: coverage of a framework, SLA attainment, costs, and the
//! registers of nonconformities and improvements, risks and objectives.

pub mod cost;
pub mod coverage;
pub mod fulfilment;
pub mod register;
pub mod sla;

/// Escapes text for a Markdown table cell.
pub use crate::output::markdown::cell as md_cell;

/// Serialises a value through its `Display` form (dates as `YYYY-MM-DD`).
pub fn ser_display<T: std::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}
