//! Which parts of `self` a rule's expressions read, so that `itsm check`
//! converts each record for the rules of its kind only as far as they look
//! into it: converting every record whole was most of the rules' time.
//!
//! A read is a chain of field selections from `self` (`self.spec.risk`,
//! `has(self.spec.window)`); the part kept is the chain's first two fields
//! (`spec.risk`), whole. Anything else that uses `self` (`size(self.spec)`
//! keeps `spec` whole; `self` alone, `self['spec']`, a comprehension variable
//! named `self`) keeps the whole record. A value an expression can see, and so
//! what the meter charges for it, is the same as in the whole record.

use super::instrument::walk_where;
use cel::IdedExpr;
use cel::common::ast::Expr;
use std::collections::{BTreeMap, BTreeSet};

/// The parts of `self` some expressions read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The whole record is read.
    whole: bool,
    /// Top-level fields read, each whole or by some of its fields.
    fields: BTreeMap<String, Part>,
}

/// How much of a top-level field is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Whole,
    Fields(BTreeSet<String>),
}

impl Reads {
    /// What `expr` reads of `self`.
    pub fn of(expr: &IdedExpr) -> Reads {
        let mut reads = Reads::default();
        walk_where(expr, |e, _| match &e.expr {
            Expr::Select(_) => match self_path(e) {
                Some(path) => {
                    reads.add(&path);
                    false
                }
                None => true,
            },
            Expr::Ident(name) => {
                reads.whole |= name == "self";
                false
            }
            Expr::Comprehension(c) => {
                let vars = [Some(&c.iter_var), c.iter_var2.as_ref(), Some(&c.accu_var)];
                reads.whole |= vars.into_iter().flatten().any(|v| v == "self");
                true
            }
            _ => true,
        });
        reads
    }

    /// Adds what `other` reads.
    pub fn merge(&mut self, other: &Reads) {
        self.whole |= other.whole;
        for (name, part) in &other.fields {
            match part {
                Part::Whole => {
                    self.fields.insert(name.clone(), Part::Whole);
                }
                Part::Fields(names) => {
                    for n in names {
                        self.add(&[name.as_str(), n.as_str()]);
                    }
                }
            }
        }
    }

    /// Whether the whole record is read.
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// How much of the top-level field `name` is read; `None`: nothing.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.fields.get(name)
    }

    fn add(&mut self, path: &[&str]) {
        let [first, rest @ ..] = path else {
            self.whole = true;
            return;
        };
        let part = self
            .fields
            .entry((*first).to_string())
            .or_insert_with(|| Part::Fields(BTreeSet::new()));
        match (part, rest.first()) {
            (Part::Whole, _) => {}
            (part, None) => *part = Part::Whole,
            (Part::Fields(names), Some(second)) => {
                names.insert((*second).to_string());
            }
        }
    }
}

/// The fields of a chain of selections from `self` (`self.spec.risk`:
/// `["spec", "risk"]`), or `None` when `e` is not one.
fn self_path(e: &IdedExpr) -> Option<Vec<&str>> {
    let mut path = Vec::new();
    let mut e = e;
    loop {
        match &e.expr {
            Expr::Select(s) => {
                path.push(s.field.as_str());
                e = &s.operand;
            }
            Expr::Ident(name) if name == "self" => {
                path.reverse();
                return Some(path);
            }
            _ => return None,
        }
    }
}
