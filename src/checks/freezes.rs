//! `change-in-freeze`: a Change still to be implemented whose window overlaps a
//! change freeze of `itsm.yaml`.

use crate::diag::{Code, Diagnostic, Target};
use crate::freeze::Freeze;
use crate::link::Catalog;
use crate::model::{ChangeStatus, Kind};

/// One warning per Change and freeze its window overlaps, for Changes proposed
/// or scheduled (implemented, rolled back and cancelled ones are history).
pub fn changes_in_freeze(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let freezes = &catalog.repo.config.freezes;
    if freezes.is_empty() {
        return;
    }
    for ix in catalog.of_kind(Kind::Change) {
        let r = catalog.record(ix);
        let Some(c) = r.spec.change() else { continue };
        let status = c.status.unwrap_or(ChangeStatus::Proposed);
        if !matches!(status, ChangeStatus::Proposed | ChangeStatus::Scheduled) {
            continue;
        }
        let Some(w) = &c.window else { continue };
        let (Some(start), Some(end)) = (&w.start, &w.end) else {
            continue;
        };
        for f in freezes.iter().filter(|f| f.overlaps(start.at, end.at)) {
            let d = Diagnostic::new(
                Code::ChangeInFreeze,
                format!(
                    "{}: window {} to {} overlaps the change freeze `{}` ({})",
                    r.id,
                    start,
                    end,
                    f.reason,
                    span(f)
                ),
            )
            .with_help(
                "move the window out of the freeze, or get the Change approved as an exception",
            )
            .with_record(&r.id)
            .at(r.file, r.doc, "/spec/window", Target::Key);
            diags.push(d);
        }
    }
}

/// A freeze's period as `YYYY-MM-DD HH:MM to YYYY-MM-DD HH:MM UTC`.
fn span(f: &Freeze) -> String {
    let at = |t: jiff::Timestamp| t.strftime("%Y-%m-%d %H:%M").to_string();
    format!("{} to {} UTC", at(f.start), at(f.end))
}
