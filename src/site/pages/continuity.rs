//! A Service's continuity (ISO/IEC 20000-1 8.7.2) on its page: the latest
//! test against the RTO and RPO, when the next is due, and the earlier tests;
//! due dates and verdicts as the `continuity-untested` and
//! `continuity-target-missed` checks count them.

use super::context::{Cx, LIST_LIMIT};
use super::panel::{end_table, panel, row, table, verdict};
use crate::html::esc;
use crate::link::Ix;
use crate::model::spec::service::{Continuity, ContinuityTest, TestResult, within};
use crate::site::view::{Panel, RECORD_ROOT};
use crate::time::Duration;

impl Cx<'_> {
    /// The continuity panel of Service `ix`, when it has objectives or tests.
    pub(super) fn continuity_panel(&self, ix: Ix) -> Option<Panel> {
        let plan = self
            .catalog
            .record(ix)
            .spec
            .service()?
            .continuity
            .as_ref()?;
        let mut html = format!(
            "<p>Objectives: RTO {}, RPO {}; a passed test is due every {}.",
            objective(plan.rto),
            objective(plan.rpo),
            plan.every()
        );
        html.push_str(&match plan.next_due() {
            Some(due) if due < self.today => {
                format!(" <strong class=\"bad\">The next test was due on {due}.</strong></p>\n")
            }
            Some(due) => format!(" The next test is due by {due}.</p>\n"),
            None => " <strong class=\"bad\">No test has passed yet.</strong></p>\n".into(),
        });
        if let Some((_, test)) = plan.latest() {
            latest(&mut html, plan, test);
        }
        self.tests(&mut html, plan);
        if let Some(text) = plan.plan.as_deref() {
            html.push_str("<h3>Plan</h3>\n");
            html.push_str(&self.markdown(text, RECORD_ROOT));
        }
        Some(panel("continuity", "Continuity", html))
    }

    /// Every test, newest first (at most [`LIST_LIMIT`]).
    fn tests(&self, html: &mut String, plan: &Continuity) {
        if plan.tests.is_empty() {
            html.push_str("<p class=\"none\">No continuity test recorded.</p>\n");
            return;
        }
        let mut tests: Vec<(usize, &ContinuityTest)> = plan.tests.iter().enumerate().collect();
        tests.sort_by_key(|(i, t)| std::cmp::Reverse((t.date, *i)));
        table(
            html,
            "continuity-tests",
            &[
                "Date",
                "Result",
                "Recovery (RTO)",
                "Data loss (RPO)",
                "Notes",
            ],
        );
        for (_, t) in tests.iter().take(LIST_LIMIT) {
            let failed = t.result != Some(TestResult::Passed);
            let cells = [
                t.date.map_or("-".into(), |d| d.to_string()),
                result(t.result),
                achieved(t.rto_achieved, plan.rto),
                achieved(t.rpo_achieved, plan.rpo),
                t.notes
                    .as_deref()
                    .map_or(String::new(), |n| self.markdown(n, RECORD_ROOT)),
            ];
            row(html, failed.then_some("failed"), &cells);
        }
        end_table(html);
    }
}

/// The latest test in a sentence: its result and each target met or missed.
fn latest(html: &mut String, plan: &Continuity, t: &ContinuityTest) {
    let date = t.date.map(|d| d.to_string()).unwrap_or_default();
    html.push_str(&format!(
        "<p class=\"continuity-latest\">Latest test, on {}: {}. Recovery took {}; data lost: {}.</p>\n",
        esc(&date),
        result(t.result),
        achieved(t.rto_achieved, plan.rto),
        achieved(t.rpo_achieved, plan.rpo)
    ));
}

fn objective(d: Option<Duration>) -> String {
    d.map_or("not set".into(), |d| d.to_string())
}

fn result(r: Option<TestResult>) -> String {
    match r {
        Some(TestResult::Passed) => verdict(true, "passed", ""),
        Some(TestResult::Partial) => verdict(false, "", "partial"),
        Some(TestResult::Failed) => verdict(false, "", "failed"),
        None => "-".into(),
    }
}

/// `25m of 30m: met`, as `continuity-target-missed` compares them.
fn achieved(achieved: Option<Duration>, target: Option<Duration>) -> String {
    match (achieved, target) {
        (None, _) => "not measured".into(),
        (Some(a), None) => a.to_string(),
        (Some(a), Some(t)) => format!("{a} of {t} ({})", verdict(within(a, t), "within", "missed")),
    }
}
