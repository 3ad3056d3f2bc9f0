//! The frameworks requirements are measured against: ISO/IEC 20000-1:2018,
//! built in, and every Framework record of the repository. A requirement is
//! named `FRAMEWORK:ID`, or by a bare ISO/IEC 20000-1 clause number.

use crate::model::spec::Framework as FrameworkSpec;
use crate::model::types::{BUILT_IN_FRAMEWORK, RequirementRef, Slot};
use crate::model::{Kind, Record};
use crate::value::Value;
use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, LazyLock};

/// One framework: its requirements in order.
#[derive(Debug)]
pub struct Framework<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub requirements: Vec<Requirement<'a>>,
    index: HashMap<&'a str, usize>,
    /// The Framework record, `None` for the built-in one.
    pub record: Option<&'a Record>,
}

/// A requirement of a framework.
#[derive(Debug, Clone, Copy)]
pub struct Requirement<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The id of the requirement it belongs to.
    pub parent: Option<&'a str>,
}

impl<'a> Framework<'a> {
    fn new(
        id: &'a str,
        title: &'a str,
        requirements: Vec<Requirement<'a>>,
        record: Option<&'a Record>,
    ) -> Self {
        let mut index = HashMap::default();
        for (i, r) in requirements.iter().enumerate() {
            index.entry(r.id).or_insert(i);
        }
        Framework {
            id,
            title,
            requirements,
            index,
            record,
        }
    }

    /// The requirement with this id.
    pub fn get(&self, id: &str) -> Option<&Requirement<'a>> {
        self.index.get(id).map(|&i| &self.requirements[i])
    }

    /// The position of a requirement in [`Framework::requirements`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// `id` and the requirements it belongs to, innermost first; stops at a
    /// parent that is not a requirement, and on a cycle of parents.
    pub fn lineage(&self, id: &'a str) -> Vec<&'a str> {
        let mut out = vec![id];
        let mut at = self.get(id).and_then(|r| r.parent);
        while let Some(parent) = at {
            if out.contains(&parent) || self.get(parent).is_none() {
                break;
            }
            out.push(parent);
            at = self.get(parent).and_then(|r| r.parent);
        }
        out
    }
}

/// Every framework of a repository, the built-in one first.
#[derive(Debug)]
pub struct Frameworks<'a> {
    /// The frameworks, the built-in one first, then the records in file order.
    pub list: Vec<Framework<'a>>,
}

impl<'a> Frameworks<'a> {
    /// The built-in framework and those the records define (the first record
    /// of a name; a record named like the built-in one is left out).
    pub fn new(records: &'a [Record]) -> Self {
        let mut list = vec![built_in()];
        for record in records.iter().filter(|r| r.id.kind == Kind::Framework) {
            let Some(spec) = record.spec.framework() else {
                continue;
            };
            if list.iter().any(|f| f.id == record.id.name) {
                continue;
            }
            list.push(from_record(record, spec));
        }
        Frameworks { list }
    }

    /// The framework with this id.
    pub fn get(&self, id: &str) -> Option<&Framework<'a>> {
        self.list.iter().find(|f| f.id == id)
    }

    /// Whether `r` names a requirement.
    pub fn contains(&self, r: &RequirementRef) -> bool {
        self.get(r.framework())
            .is_some_and(|f| f.get(r.id()).is_some())
    }
}

/// The built-in framework as data: a Framework record embedded in the binary.
pub const BUILT_IN_SOURCE: &str = include_str!("frameworks/iso20000-1.yaml");

/// The built-in framework's record, parsed once.
pub fn built_in_record() -> &'static Record {
    static RECORD: LazyLock<Record> = LazyLock::new(|| {
        let (docs, error) = crate::load::yaml::parse(BUILT_IN_SOURCE);
        let value = docs.into_iter().next().map(|d| d.value);
        match (value, error) {
            (Some(value), None) => Record::read(Kind::Framework, 0, Arc::new(value), None),
            // The embedded text is tested; an empty framework rather than a panic.
            _ => Record::read(Kind::Framework, 0, Arc::new(Value::Null), None),
        }
    });
    &RECORD
}

fn built_in() -> Framework<'static> {
    let record = built_in_record();
    match record.spec.framework() {
        Some(spec) => {
            let mut f = from_record(record, spec);
            f.id = BUILT_IN_FRAMEWORK;
            f.record = None;
            f
        }
        None => Framework::new(BUILT_IN_FRAMEWORK, "ISO/IEC 20000-1:2018", Vec::new(), None),
    }
}

/// The Framework spec a framework is defined by (evidence rules, mappings).
pub fn spec_of<'a>(framework: &Framework<'a>) -> Option<&'a FrameworkSpec> {
    framework
        .record
        .unwrap_or_else(|| built_in_record())
        .spec
        .framework()
}

fn from_record<'a>(record: &'a Record, spec: &'a FrameworkSpec) -> Framework<'a> {
    let requirements = Slot::fitting(&spec.requirements)
        .filter_map(|(_, r)| {
            Some(Requirement {
                id: r.id.as_deref()?,
                title: r.title.as_deref().unwrap_or_default(),
                parent: r.parent.as_deref(),
            })
        })
        .collect();
    let title = spec.title.as_deref().unwrap_or(&record.id.name);
    Framework::new(&record.id.name, title, requirements, Some(record))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded framework holds exactly the clauses the schema accepts in a
    /// Policy's `clauses`, in order, each with its parent.
    #[test]
    fn the_built_in_framework_is_the_clause_list() {
        let f = built_in();
        let ids: Vec<(&str, &str)> = f.requirements.iter().map(|r| (r.id, r.title)).collect();
        let clauses: Vec<(&str, &str)> = crate::iso20000::CLAUSES
            .iter()
            .map(|c| (c.number, c.title))
            .collect();
        assert_eq!(ids, clauses);
        for r in &f.requirements {
            assert_eq!(r.parent, r.id.rsplit_once('.').map(|(p, _)| p), "{}", r.id);
        }
        let spec = spec_of(&f).unwrap();
        assert!(spec.evidence.len() > 20);
        assert!(spec.evidence.iter().all(|e| e.0.is_some()));
    }
}
