//! What is scheduled: every Change and Release with a window, and the
//! conflicts between them (windows that overlap on a shared Service or CI),
//! computed once for the calendar and the iCalendar feed.

use super::track::Tracked;
use crate::link::Ix;
use crate::model::spec::release::ReleaseStatus;
use crate::model::{ChangeStatus, Field, Kind};
use jiff::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};

/// A Change or a Release with a window.
pub(super) struct Slot {
    pub ix: Ix,
    pub kind: Kind,
    pub status: &'static str,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Cancelled: on the calendar, in no conflict.
    pub cancelled: bool,
}

/// Two slots whose windows overlap on a Service or CI both touch.
pub(super) struct Conflict {
    /// Indexes into the slots, the earlier first.
    pub a: usize,
    pub b: usize,
    /// The Service or CI they share.
    pub on: Ix,
}

/// Every Change and Release whose window has a start before its end, by start.
pub(super) fn slots(catalog: Tracked<'_>) -> Vec<Slot> {
    let changes = catalog.of_kind(Kind::Change).filter_map(|ix| {
        let c = catalog.record(ix).spec.change()?;
        let w = c.window.as_ref()?;
        let status = c.status.unwrap_or(ChangeStatus::Proposed);
        let (start, end) = (w.start.as_ref()?.at, w.end.as_ref()?.at);
        let cancelled = status == ChangeStatus::Cancelled;
        Some((ix, Kind::Change, status.as_str(), start, end, cancelled))
    });
    let releases = catalog.of_kind(Kind::Release).filter_map(|ix| {
        let r = catalog.record(ix).spec.release()?;
        let w = r.window.as_ref()?;
        let status = r.status.unwrap_or(ReleaseStatus::Planned);
        let (start, end) = (w.start.as_ref()?.at, w.end.as_ref()?.at);
        let cancelled = status == ReleaseStatus::Cancelled;
        Some((ix, Kind::Release, status.as_str(), start, end, cancelled))
    });
    let mut slots: Vec<Slot> = changes
        .chain(releases)
        .filter(|s| s.4 > s.3)
        .map(|(ix, kind, status, start, end, cancelled)| Slot {
            ix,
            kind,
            status,
            start,
            end,
            cancelled,
        })
        .collect();
    slots.sort_by_key(|s| (s.start, s.ix));
    slots
}

/// The Services and CIs a slot touches: a Change's `impacts`, a Release's `services`.
fn touches<'a>(catalog: Tracked<'a>, slot: &Slot) -> impl Iterator<Item = Ix> + 'a {
    let field = match slot.kind {
        Kind::Release => Field::Services,
        _ => Field::Impacts,
    };
    catalog.targets(slot.ix, field)
}

/// The conflicts among `slots` (sorted by start), one per pair (on the first
/// Service or CI found), the earliest first, and for each slot whether it is
/// in one. A Release and a Change it bundles are no conflict. Per Service or
/// CI, its windows by start are swept once: a window that starts before the
/// latest end so far overlaps the window that ends latest, and every window
/// in a conflict is found so (n log n, not a comparison of every pair).
pub(super) fn conflicts(catalog: Tracked<'_>, slots: &[Slot]) -> (Vec<Conflict>, Vec<bool>) {
    let mut by_target: FxHashMap<Ix, Vec<usize>> = FxHashMap::default();
    for (i, s) in slots.iter().enumerate().filter(|(_, s)| !s.cancelled) {
        for t in touches(catalog, s) {
            let list = by_target.entry(t).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut targets: Vec<(Ix, Vec<usize>)> = by_target.into_iter().collect();
    targets.sort_unstable_by_key(|(t, _)| *t);
    let (mut seen, mut found) = (FxHashSet::default(), Vec::new());
    let mut flagged = vec![false; slots.len()];
    for (on, list) in targets {
        let mut latest: Option<usize> = None;
        for i in list {
            let overlapped = latest.filter(|&m| slots[i].start < slots[m].end);
            if let Some(m) = overlapped
                && !bundles(catalog, &slots[m], &slots[i])
                && seen.insert((m, i))
            {
                flagged[m] = true;
                flagged[i] = true;
                found.push(Conflict { a: m, b: i, on });
            }
            if latest.is_none_or(|m| slots[i].end > slots[m].end) {
                latest = Some(i);
            }
        }
    }
    found.sort_unstable_by_key(|c| (c.a, c.b));
    (found, flagged)
}

/// Whether one of `a` and `b` is a Release that bundles the other.
fn bundles(catalog: Tracked<'_>, a: &Slot, b: &Slot) -> bool {
    let has = |r: &Slot, c: &Slot| {
        r.kind == Kind::Release && catalog.targets(r.ix, Field::Changes).any(|x| x == c.ix)
    };
    has(a, b) || has(b, a)
}
