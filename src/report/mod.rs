//! Reports for audits: ISO/IEC 20000-1 coverage and SLA attainment.

pub mod coverage;
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
