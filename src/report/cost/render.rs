//! The cost report for a person, as Markdown, JSON and CSV. Record text is
//! escaped for where it goes: a terminal line, a Markdown cell, a JSON string,
//! a CSV field.

use super::{Allocation, Printed, PrintedRow, text};
use crate::output::escape;
use crate::report::md_cell;
use std::fmt::Write;

/// The report for a terminal: a table per currency.
pub fn render_human(allocation: &Allocation) -> String {
    let mut out = format!(
        "Costs over {} ({}), shared costs allocated\n",
        escape::log(&allocation.period),
        months(allocation)
    );
    let printed = allocation.printed();
    if printed.is_empty() {
        out.push_str("\nNo costs recorded.\n");
    }
    for p in &printed {
        human_currency(&mut out, p);
    }
    escape::lines(&out)
}

fn human_currency(out: &mut String, p: &Printed) {
    let names: Vec<String> = p
        .services
        .iter()
        .map(|s| escape::log(&s.name).into_owned())
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .chain(["unallocated".len(), "service".len()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "\n{}", escape::log(&p.currency));
    let _ = writeln!(
        out,
        "  {:<width$}  {:<9}  {:>12}  {:>12}  {:>12}  {:>12}  {:>12}  {:>12}",
        "service", "type", "own", "cis", "suppliers", "dependencies", "total", "budget"
    );
    for (s, name) in p.services.iter().zip(&names) {
        let pad = width.saturating_sub(name.chars().count());
        let [own, cis, suppliers, dependencies, total] = figures(s);
        let _ = writeln!(
            out,
            "  {name}{:pad$}  {:<9}  {own:>12}  {cis:>12}  {suppliers:>12}  {dependencies:>12}  {total:>12}  {:>12}{}",
            "",
            kind(s),
            s.budget.as_ref().map(text).unwrap_or_else(|| "-".into()),
            if s.over_budget { "  OVER BUDGET" } else { "" }
        );
    }
    for (label, cents) in [("unallocated", &p.unallocated), ("total", &p.total)] {
        let _ = writeln!(out, "  {label:<width$}  {:>79}", text(cents));
    }
}

fn kind(s: &PrintedRow) -> &'static str {
    if s.technical { "technical" } else { "business" }
}

/// A row's own, CIs, Suppliers, dependencies and total, as printed.
fn figures(s: &PrintedRow) -> [String; 5] {
    [&s.own, &s.cis, &s.suppliers, &s.dependencies, &s.total].map(text)
}

/// `3 months` or `1 month`.
fn months(allocation: &Allocation) -> String {
    let n = allocation.months;
    format!("{n} month{}", if n == 1 { "" } else { "s" })
}

/// The report as Markdown: a table per currency.
pub fn render_markdown(allocation: &Allocation) -> String {
    let mut out = format!(
        "# Cost report\n\nOver {} ({}), shared costs allocated.\n",
        allocation.period,
        months(allocation)
    );
    let printed = allocation.printed();
    if printed.is_empty() {
        out.push_str("\nNo costs recorded.\n");
    }
    for p in &printed {
        let _ = write!(
            out,
            "\n## {}\n\n| Service | Type | Own | CIs | Suppliers | Dependencies | Total | Budget |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
            md_cell(&p.currency)
        );
        for s in &p.services {
            let budget = s.budget.as_ref().map(text).unwrap_or_default();
            let [own, cis, suppliers, dependencies, total] = figures(s);
            let _ = writeln!(
                out,
                "| {} | {} | {own} | {cis} | {suppliers} | {dependencies} | {total} | {} |",
                md_cell(&s.name),
                kind(s),
                if s.over_budget {
                    format!("{budget} **over**")
                } else {
                    budget
                }
            );
        }
        let _ = writeln!(
            out,
            "| *unallocated* | | | | | | {} | |\n| **total** | | | | | | **{}** | |",
            text(&p.unallocated),
            text(&p.total)
        );
    }
    out
}

/// The report as JSON, the contract's shape, amounts as numbers with two
/// decimals: `{"period", "currencies": {CODE: {"services", "unallocated",
/// "total"}}}`.
pub fn render_json(allocation: &Allocation) -> String {
    let s = |t: &str| serde_json::to_string(t).unwrap_or_else(|_| "\"\"".into());
    let mut out = format!(
        "{{\n  \"period\": {},\n  \"currencies\": {{",
        s(&allocation.period)
    );
    let printed = allocation.printed();
    for (i, p) in printed.iter().enumerate() {
        let _ = write!(
            out,
            "{}\n    {}: {{\n      \"services\": [",
            if i == 0 { "" } else { "," },
            s(&p.currency)
        );
        for (j, r) in p.services.iter().enumerate() {
            let [own, cis, suppliers, dependencies, total] = figures(r);
            let _ = write!(
                out,
                "{}\n        {{\n          \"service\": {},\n          \"type\": \"{}\",\n          \"own\": {own},\n          \"cis\": {cis},\n          \"suppliers\": {suppliers},\n          \"dependencies\": {dependencies},\n          \"total\": {total},\n          \"budget\": {}\n        }}",
                if j == 0 { "" } else { "," },
                s(&format!("service:{}", r.name)),
                kind(r),
                r.budget.as_ref().map(text).unwrap_or_else(|| "null".into())
            );
        }
        let close = if p.services.is_empty() {
            ""
        } else {
            "\n      "
        };
        let _ = write!(
            out,
            "{close}],\n      \"unallocated\": {},\n      \"total\": {}\n    }}",
            text(&p.unallocated),
            text(&p.total)
        );
    }
    out.push_str(if printed.is_empty() {
        "}\n}\n"
    } else {
        "\n  }\n}\n"
    });
    escape::json(out)
}

/// The report as CSV: a row per Service and currency, then the unallocated
/// amount and the total of each currency (`type` says which).
pub fn render_csv(allocation: &Allocation) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "currency",
        "service",
        "type",
        "own",
        "cis",
        "suppliers",
        "dependencies",
        "total",
        "budget",
    ])?;
    let period = allocation.period.as_str();
    for p in allocation.printed() {
        // Record text, made safe for a log like every other cell would be.
        let currency = escape::log(&p.currency);
        for r in &p.services {
            let [own, cis, suppliers, dependencies, total] = figures(r);
            w.write_record([
                period,
                &currency,
                &escape::log(&r.name),
                kind(r),
                &own,
                &cis,
                &suppliers,
                &dependencies,
                &total,
                &r.budget.as_ref().map(text).unwrap_or_default(),
            ])?;
        }
        for (label, cents) in [("unallocated", &p.unallocated), ("total", &p.total)] {
            let t = text(cents);
            w.write_record([period, &currency, "", label, "", "", "", "", &t, ""])?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
