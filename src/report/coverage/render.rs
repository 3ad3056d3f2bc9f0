//! The coverage for people: text, Markdown and a standalone HTML page.

use super::evidence::{Dated, RuleOutcome};
use super::{Coverage, RequirementCoverage, Status};
use crate::report::md_cell;

fn mark(s: Status) -> &'static str {
    match s {
        Status::Evidenced => "[x]",
        Status::Declared => "[~]",
        Status::Gap => "[ ]",
    }
}

fn heading(cov: &Coverage) -> String {
    let period = cov
        .period
        .as_ref()
        .map(|p| format!(" (period {p})"))
        .unwrap_or_default();
    format!(
        "{} coverage of {} on {}{period}",
        cov.title, cov.name, cov.date
    )
}

/// `change:a (2026-10-01, 51 days)`.
pub fn dated(d: &Dated) -> String {
    format!("{} ({}, {} days)", d.record, d.date, d.age_days)
}

/// `Changes (Change, within 12mo): met by 3, newest change:a (2026-10-01, 51 days)`.
pub fn rule_text(o: &RuleOutcome) -> String {
    let within = o
        .within
        .as_ref()
        .map(|w| format!(", within {w}"))
        .unwrap_or_default();
    let state = match (&o.problem, o.records.first()) {
        (Some(why), _) => format!("cannot be evaluated: `where` {why}"),
        (None, Some(newest)) => format!("met by {}, newest {}", o.count, dated(newest)),
        (None, None) => "not met".to_string(),
    };
    format!("{} ({}{within}): {state}", o.what, o.kind)
}

/// The lines under a requirement: what its status rests on.
fn details(cov: &Coverage, r: &RequirementCoverage) -> Vec<String> {
    let mut out = Vec::new();
    if !r.declared_by.is_empty() {
        out.push(format!("declared by: {}", r.declared_by.join(", ")));
    }
    out.extend(
        r.rules
            .iter()
            .map(|o| format!("evidence: {}", rule_text(o))),
    );
    if !r.audits.is_empty() {
        let audits: Vec<String> = r.audits.iter().map(dated).collect();
        out.push(format!("audited: {}", audits.join(", ")));
    }
    if !r.open_findings.is_empty() {
        out.push(format!(
            "open nonconformities: {}",
            r.open_findings.join(", ")
        ));
    }
    if !r.answered_by.is_empty() {
        out.push(format!("answered by: {}", r.answered_by.join(", ")));
    }
    for &f in &r.findings {
        out.push(format!("finding: {}", cov.findings[f].message));
    }
    out
}

fn status_text(r: &RequirementCoverage) -> String {
    if r.from_children {
        format!("{} (from its sub-requirements)", r.status.as_str())
    } else {
        r.status.as_str().to_string()
    }
}

/// The coverage for a person: one line per requirement, what it rests on below.
pub fn render_human(cov: &Coverage) -> String {
    let mut out = format!("{}\n\n", heading(cov));
    for r in &cov.requirements {
        let indent = "  ".repeat(r.level.saturating_sub(1));
        out.push_str(&format!(
            "{indent}{} {} {}: {}\n",
            mark(r.status),
            r.id,
            r.title,
            status_text(r)
        ));
        for line in details(cov, r) {
            out.push_str(&format!("{indent}      {line}\n"));
        }
    }
    out.push_str(&format!(
        "\n{} requirements: {} evidenced, {} declared, {} gap; {} finding(s)\n",
        cov.requirements.len(),
        cov.summary.evidenced,
        cov.summary.declared,
        cov.summary.gap,
        cov.findings.len()
    ));
    // Titles, ids and messages are record text (Framework records come from pull requests).
    crate::output::escape::each_line(&out)
}

/// The coverage as Markdown: the gap analysis table, then the findings.
pub fn render_markdown(cov: &Coverage) -> String {
    let mut out = format!(
        "# {}\n\n{} evidenced, {} declared, {} gap.\n\n| Requirement | Title | Status | Declared by | Evidence |\n|---|---|---|---|---|\n",
        md_cell(&heading(cov)),
        cov.summary.evidenced,
        cov.summary.declared,
        cov.summary.gap
    );
    for r in &cov.requirements {
        let mut evidence: Vec<String> = r.rules.iter().map(rule_text).collect();
        evidence.extend(r.audits.iter().map(|a| format!("audited: {}", dated(a))));
        evidence.extend(r.answered_by.iter().map(|a| format!("answered by {a}")));
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            id_cell(&r.id),
            md_cell(&r.title),
            status_text(r),
            md_cell(&r.declared_by.join(", ")),
            md_cell(&evidence.join("; "))
        ));
    }
    out.push_str("\n## Findings\n\n");
    if cov.findings.is_empty() {
        out.push_str("None.\n");
    }
    for f in &cov.findings {
        out.push_str(&format!(
            "- {} `{}`: {}{}\n",
            f.clause,
            f.code,
            md_cell(&f.message),
            f.file
                .as_ref()
                .map(|p| format!(" ({}:{})", md_cell(p), f.line.unwrap_or(1)))
                .unwrap_or_default()
        ));
    }
    out
}

/// A requirement id as written when it is one (`8.5.1`, `A.5.1`: nothing in
/// it means anything to Markdown inside a cell), escaped otherwise.
fn id_cell(id: &str) -> String {
    let plain = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    if plain && id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        id.to_string()
    } else {
        md_cell(id)
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\ntable{border-collapse:collapse;width:100%}\ntd,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}\n.l2{padding-left:1.5rem}.l3{padding-left:2.5rem}.l4{padding-left:3.5rem}\n.badge{padding:.1rem .45rem;border-radius:.6rem;font-size:.85em}\n.badge.evidenced{background:#d6f5d6}.badge.declared{background:#fff1c2}.badge.gap{background:#ffd6d6}\n.finding{color:#a33}\n";

/// The coverage as a standalone HTML page (inline style, no external resource).
pub fn render_html(cov: &Coverage) -> String {
    use crate::html::esc as e;
    let mut rows = String::new();
    for r in &cov.requirements {
        let detail: String = details(cov, r)
            .iter()
            .map(|d| format!("<div>{}</div>", e(d)))
            .collect();
        rows.push_str(&format!(
            "<tr class=\"{s}\"><td class=\"n l{l}\">{n}</td><td>{t}</td><td><span class=\"badge {s}\">{s}</span></td><td>{detail}</td></tr>\n",
            s = r.status.as_str(),
            l = r.level.min(4),
            n = e(&r.id),
            t = e(&r.title),
        ));
    }
    let mut findings: String = cov
        .findings
        .iter()
        .map(|f| {
            format!(
                "<li><strong>{}</strong> <code>{}</code> {}{}</li>\n",
                e(f.clause),
                e(f.code),
                e(&f.message),
                f.file
                    .as_ref()
                    .map(|p| format!(" <small>({}:{})</small>", e(p), f.line.unwrap_or(1)))
                    .unwrap_or_default()
            )
        })
        .collect();
    if findings.is_empty() {
        findings.push_str("<li>None.</li>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{h}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{h}</h1>\n<p>{ev} evidenced, {de} declared, {ga} gap.</p>\n<table>\n<thead><tr><th>Requirement</th><th>Title</th><th>Status</th><th>Evidence</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n<h2>Findings</h2>\n<ul>\n{findings}</ul>\n</body>\n</html>\n",
        h = e(&heading(cov)),
        ev = cov.summary.evidenced,
        de = cov.summary.declared,
        ga = cov.summary.gap,
    )
}
