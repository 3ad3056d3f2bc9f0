//! The approval matrix: each required Team, why, who approved, what is missing;
//! for people, JSON, GitHub annotations and Markdown (the pull-request comment).

use super::review::{Evaluated, Outcome};
use crate::output::escape::{self, log};
use crate::output::github::{data, property};
use crate::output::markdown::{cell, code, inline};
use std::fmt::Write;

/// The hidden marker that finds the sticky pull-request comment again.
pub const MARKER: &str = "<!-- itsm-approvals -->";

/// One block per requirement, then the verdict.
pub fn human(o: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", log(&heading(o)));
    if o.requirements.is_empty() && o.problems.is_empty() {
        out.push_str("no record changed: no approval is required\n");
    }
    for r in &o.requirements {
        let mark = if r.met { "met    " } else { "MISSING" };
        let _ = writeln!(
            out,
            "{mark} team:{} needs {}: {}",
            log(&r.requirement.team),
            approvals(r.requirement.count),
            log(&status(r))
        );
        for reason in &r.requirement.reasons {
            let (record, why) = (log(&reason.record), log(&reason.why));
            let _ = writeln!(out, "          {record}: {why}");
        }
    }
    for p in &o.problems {
        let _ = writeln!(out, "PROBLEM {}", log(p));
    }
    let _ = writeln!(out, "{}", verdict(o));
    escape::lines(&out)
}

/// The outcome as one JSON document.
pub fn json(o: &Outcome) -> String {
    let mut text = serde_json::to_string_pretty(o).unwrap_or_default();
    text.push('\n');
    escape::json(text)
}

/// Workflow commands: an error per unmet requirement and problem, a notice per
/// met requirement, then the verdict as a notice or an error.
pub fn github(o: &Outcome) -> String {
    let mut out = String::new();
    for r in &o.requirements {
        let level = if r.met { "notice" } else { "error" };
        let why = r
            .requirement
            .reasons
            .iter()
            .map(|x| format!("{}: {}", x.record, x.why))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(
            out,
            "::{level} title=approval by {}::{}",
            property(&r.requirement.team),
            data(&format!("{} ({why})", status(r)))
        );
    }
    for p in &o.problems {
        let _ = writeln!(out, "::error title=approval::{}", data(p));
    }
    let level = if o.met { "notice" } else { "error" };
    let _ = writeln!(out, "::{level} title=approval gate::{}", data(&verdict(o)));
    out
}

/// The comment posted on the pull request (and the step summary).
pub fn markdown(o: &Outcome) -> String {
    let mut out = format!("{MARKER}\n");
    let icon = if o.met { "✅" } else { "❌" };
    let _ = writeln!(
        out,
        "### {icon} Change approval: {}\n",
        if o.met { "met" } else { "not met" }
    );
    if o.requirements.is_empty() && o.problems.is_empty() {
        out.push_str("No record changed: no approval is required.\n");
    }
    if !o.requirements.is_empty() {
        out.push_str("| Team | needs | why | approved by | missing |\n|---|---|---|---|---|\n");
        for r in &o.requirements {
            out.push_str(&markdown_row(r));
        }
    }
    if !o.problems.is_empty() {
        out.push_str("\n**Problems**\n\n");
        for p in &o.problems {
            let _ = writeln!(out, "- {}", inline(p));
        }
    }
    let _ = writeln!(
        out,
        "\nOnly approvals of the head commit `{}` count; the author's own review never does; Team membership is read at the base revision.",
        code(short(&o.head))
    );
    out
}

/// One row of the Markdown matrix.
fn markdown_row(r: &Evaluated) -> String {
    let why = r
        .requirement
        .reasons
        .iter()
        .map(|x| format!("`{}`: {}", code(&x.record), inline(&x.why)))
        .collect::<Vec<_>>()
        .join("<br>");
    let who = |l: &[String]| l.iter().map(|x| mention(x)).collect::<Vec<_>>();
    let approved = who(&r.approved_by).join(", ");
    let mut missing = if r.missing > 0 {
        vec![approvals(r.missing)]
    } else {
        Vec::new()
    };
    if !r.changes_requested_by.is_empty() {
        missing.push(format!(
            "changes requested by {}",
            who(&r.changes_requested_by).join(", ")
        ));
    }
    if !r.stale.is_empty() && r.missing > 0 {
        missing.push(format!(
            "{} approved an older commit",
            who(&r.stale).join(", ")
        ));
    }
    let or_dash = |text: String| if text.is_empty() { "—".into() } else { text };
    format!(
        "| {} `{}` | {} | {why} | {} | {} |\n",
        if r.met { "✅" } else { "❌" },
        code(&r.requirement.team),
        r.requirement.count,
        or_dash(approved),
        or_dash(missing.join("; ")),
    )
}

/// `@login` for a GitHub login (reviewers are meant to be notified); anything
/// else is shown as text.
fn mention(login: &str) -> String {
    let valid = !login.is_empty()
        && login.len() <= 39
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        format!("@{login}")
    } else {
        cell(login)
    }
}

fn heading(o: &Outcome) -> String {
    let pr = o
        .pull_request
        .map(|n| format!("pull request #{n}"))
        .unwrap_or_else(|| "the pull request".into());
    format!("Approvals for {pr} by {} at {}", o.author, short(&o.head))
}

fn status(r: &Evaluated) -> String {
    let mut parts = Vec::new();
    if r.approved_by.is_empty() {
        parts.push("no approval yet".to_string());
    } else {
        parts.push(format!("approved by {}", r.approved_by.join(", ")));
    }
    if r.missing > 0 {
        parts.push(format!("{} missing", approvals(r.missing)));
    }
    if !r.changes_requested_by.is_empty() {
        parts.push(format!(
            "blocked: changes requested by {}",
            r.changes_requested_by.join(", ")
        ));
    }
    if !r.stale.is_empty() && r.missing > 0 {
        parts.push(format!("{} approved an older commit", r.stale.join(", ")));
    }
    parts.join("; ")
}

fn verdict(o: &Outcome) -> String {
    let met = o.requirements.iter().filter(|r| r.met).count();
    let total = o.requirements.len();
    let problems = match o.problems.len() {
        0 => String::new(),
        1 => ", 1 problem".into(),
        n => format!(", {n} problems"),
    };
    if o.met {
        format!("approved: {met} of {total} requirements met")
    } else {
        format!("not approved: {met} of {total} requirements met{problems}")
    }
}

fn approvals(n: u32) -> String {
    format!("{n} approval{}", if n == 1 { "" } else { "s" })
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
