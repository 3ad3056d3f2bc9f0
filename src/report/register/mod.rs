//! The registers of the Plan and Act halves: nonconformities and improvements
//! (what was found and what is done about it, overdue first), risks (scored,
//! treated, with a heat map), and objectives measured against their targets.

mod actions;
mod objectives;
mod risks;

pub use actions::{ActionRow, Actions, actions};
pub use objectives::{ObjectiveRow, Objectives, objectives};
pub use risks::{RiskRow, Risks, risks};

/// A CSV field that no spreadsheet takes for a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Writes `rows` as CSV under `header`, every field through [`csv_text`] (and
/// `-`, what the other formats show for nothing, as an empty field).
pub fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(
            row.iter()
                .map(|f| if f == "-" { String::new() } else { csv_text(f) }),
        )?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A register: what each format of `itsm report actions|risks|objectives` prints.
pub trait Register: serde::Serialize {
    fn render_human(&self) -> String;
    fn render_markdown(&self) -> String;
    fn render_csv(&self) -> Result<String, csv::Error>;
}

/// A Markdown table: the header, its rule, a row per item (every cell escaped).
pub fn md_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let mut out = md_row(&header);
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        out.push_str(&md_row(&row));
    }
    out
}

/// `text` as a Markdown table row.
pub fn md_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| crate::report::md_cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// The name of the Team that owns `ix`, when it has one.
fn owner_name(catalog: &crate::link::Catalog, ix: crate::link::Ix) -> Option<String> {
    let team = catalog.targets(ix, crate::model::Field::Owner).next()?;
    Some(catalog.record(team).id.name.clone())
}

/// An optional value as text (`-` when absent).
pub fn or_dash(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_csv_field_starts_a_formula() {
        for evil in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_text(evil).starts_with('\''), "{evil}");
        }
        assert_eq!(csv_text("plain"), "plain");
    }
}
