//! The catalogue as a page reads it. A page reads records only through
//! [`Tracked`]: when the page is tracked (for `itsm serve`), every record it
//! looks at, and every record whose links it follows, is noted, so that the
//! page is rendered again when one of them changes.

use crate::config::Config;
use crate::link::{Catalog, Ix, Link, RefError};
use crate::model::{Field, Kind, Record};
use crate::source::FileId;
use std::cell::RefCell;

/// The records one page read, noted as it renders.
#[derive(Default)]
pub(super) struct Noted(RefCell<Vec<Ix>>);

impl Noted {
    /// The records read, sorted and without repeats.
    pub fn into_sorted(self) -> Vec<Ix> {
        let mut reads = self.0.into_inner();
        reads.sort_unstable();
        reads.dedup();
        reads
    }
}

/// The catalogue as a page sees it: what the page reads is noted in its
/// [`Noted`], when it has one.
#[derive(Clone, Copy)]
pub(super) struct Tracked<'a> {
    catalog: &'a Catalog,
    noted: Option<&'a Noted>,
}

impl<'a> Tracked<'a> {
    /// `catalog` as a page reads it; what it reads goes to `noted`.
    pub fn new(catalog: &'a Catalog, noted: Option<&'a Noted>) -> Tracked<'a> {
        Tracked { catalog, noted }
    }

    fn note(self, ix: Ix) {
        if let Some(noted) = self.noted {
            noted.0.borrow_mut().push(ix);
        }
    }

    pub fn record(self, ix: Ix) -> &'a Record {
        self.note(ix);
        self.catalog.record(ix)
    }

    pub fn targets(self, from: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        self.note(from);
        self.catalog.targets(from, field)
    }

    pub fn sources(self, to: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        self.note(to);
        self.catalog.sources(to, field)
    }

    pub fn find(self, kind: Kind, name: &str) -> Option<Ix> {
        let found = self.catalog.find(kind, name);
        if let Some(ix) = found {
            self.note(ix);
        }
        found
    }

    pub fn resolve(self, text: &str, accepts: &[Kind]) -> Result<Ix, RefError> {
        let found = self.catalog.resolve(text, accepts);
        if let Ok(ix) = found {
            self.note(ix);
        }
        found
    }

    /// The links into `ix`.
    pub fn inc(self, ix: Ix) -> &'a [Link] {
        self.note(ix);
        &self.catalog.inc[ix as usize]
    }

    /// The links out of `ix`.
    pub fn out(self, ix: Ix) -> &'a [Link] {
        self.note(ix);
        &self.catalog.out[ix as usize]
    }

    /// The records of `kind`. Not noted: which records there are is the same
    /// for every page (a change to it renders every page again).
    pub fn of_kind(self, kind: Kind) -> impl Iterator<Item = Ix> + 'a {
        self.catalog.of_kind(kind)
    }

    /// The number of records (the same for every page, as [`Tracked::of_kind`]).
    pub fn record_count(self) -> usize {
        self.catalog.repo.records.len()
    }

    /// The repository's configuration. Not noted: a change to it renders every page again.
    pub fn config(self) -> &'a Config {
        &self.catalog.repo.config
    }

    /// The path of a file the records were read from (a record names its own).
    pub fn file_path(self, file: FileId) -> &'a str {
        &self.catalog.repo.files.get(file).path
    }

    /// Whether what the page reads is noted (for `itsm serve`).
    pub fn is_tracked(self) -> bool {
        self.noted.is_some()
    }

    /// The catalogue, nothing noted: for a walk whose page notes itself
    /// the records it shows (the impact of a change), or for what every
    /// page shares.
    pub fn unnoted(self) -> &'a Catalog {
        self.catalog
    }

    /// The whole catalogue, for what reads all of it (the search index, the
    /// coverage): every record is noted.
    pub fn all(self) -> &'a Catalog {
        if let Some(noted) = self.noted {
            noted.0.borrow_mut().extend(0..self.record_count() as Ix);
        }
        self.catalog
    }
}
