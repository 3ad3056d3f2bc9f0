//! The catalogue as a page reads it: when the page is tracked (for `itsm
//! serve`), every record it looks at, and every record whose links it follows,
//! is noted, so that the page is rendered again when one of them changes.

use crate::link::{Catalog, Ix, Link, RefError};
use crate::model::{Field, Kind, Record};
use std::cell::RefCell;

/// Runs `f` noting the records it reads (on this thread), sorted and without repeats.
pub(super) fn tracked<T>(f: impl FnOnce() -> T) -> (T, Vec<Ix>) {
    READS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = f();
    let mut reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    (out, reads)
}

thread_local! {
    /// The records read by the record page being rendered on this thread, when tracked.
    static READS: RefCell<Option<Vec<Ix>>> = const { RefCell::new(None) };
}

fn note(ix: Ix) {
    READS.with(|r| {
        if let Some(v) = r.borrow_mut().as_mut() {
            v.push(ix);
        }
    });
}

/// The catalogue as the pages see it: every record looked at, and every record
/// whose links are followed, is noted (when a page is tracked).
#[derive(Clone, Copy)]
pub(super) struct Tracked<'a>(pub &'a Catalog);

impl std::ops::Deref for Tracked<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.0
    }
}

impl<'a> Tracked<'a> {
    pub fn record(self, ix: Ix) -> &'a Record {
        note(ix);
        self.0.record(ix)
    }

    pub fn targets(self, from: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        note(from);
        self.0.targets(from, field)
    }

    pub fn sources(self, to: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        note(to);
        self.0.sources(to, field)
    }

    pub fn find(self, kind: Kind, name: &str) -> Option<Ix> {
        let found = self.0.find(kind, name);
        if let Some(ix) = found {
            note(ix);
        }
        found
    }

    pub fn resolve(self, text: &str, accepts: &[Kind]) -> Result<Ix, RefError> {
        let found = self.0.resolve(text, accepts);
        if let Ok(ix) = found {
            note(ix);
        }
        found
    }

    /// The links into `ix`.
    pub fn inc(self, ix: Ix) -> &'a [Link] {
        note(ix);
        &self.0.inc[ix as usize]
    }

    /// The links out of `ix`.
    pub fn out(self, ix: Ix) -> &'a [Link] {
        note(ix);
        &self.0.out[ix as usize]
    }
}
