//! Requirement references (`iso27001:A.5.1`, or a bare ISO/IEC 20000-1 clause
//! number): each must name a requirement of the built-in framework or of a
//! Framework record.

use super::{Catalog, Ix};
use crate::diag::{Code, Diagnostic, Target};
use crate::framework::Frameworks;
use crate::model::spec::Framework;
use crate::model::types::{BUILT_IN_FRAMEWORK, RequirementRef, Slot};
use crate::model::{Kind, Node, Spec};
use rustc_hash::FxHashSet as HashSet;

/// Why `r` names no requirement, if it does not.
fn problem(known: &Frameworks<'_>, r: &RequirementRef) -> Option<String> {
    match known.get(r.framework()) {
        None => Some(format!(
            "`{}` is not a framework: name the built-in `{BUILT_IN_FRAMEWORK}` or a Framework record",
            r.framework()
        )),
        Some(f) if f.get(r.id()).is_none() => {
            Some(format!("{} has no requirement `{}`", r.framework(), r.id()))
        }
        Some(_) => None,
    }
}

/// Reports every requirement reference that names no requirement, and the
/// ids inside a Framework (`parent`, `evidence`, `mappings`) that name none of
/// its own.
pub(super) fn check(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let known = Frameworks::new(&catalog.repo.records);
    for (ix, record) in catalog.repo.records.iter().enumerate() {
        let mut report = |node: Node, text: &str, why: String| {
            diags.push(unresolved(catalog, ix as Ix, node, text, why));
        };
        for (node, r) in references(&record.spec) {
            if let Some(why) = problem(&known, r) {
                report(node, &r.0, why);
            }
        }
        if let Some(f) = record.spec.framework()
            && record.id.kind == Kind::Framework
        {
            let own: HashSet<&str> = Slot::fitting(&f.requirements)
                .filter_map(|(_, r)| r.id.as_deref())
                .collect();
            for (node, id) in own_ids(f) {
                if !own.contains(id) {
                    let why = format!("{} has no requirement `{id}`", record.id.name);
                    report(node, id, why);
                }
            }
        }
    }
}

/// The requirement references of a record, with where each is.
fn references(spec: &Spec) -> Vec<(Node, &RequirementRef)> {
    let mut out = Vec::new();
    match spec {
        Spec::Policy(p) => {
            out.extend(
                Slot::fitting(&p.requirements).map(|(i, r)| (Node::Item("requirements", i), r)),
            );
        }
        Spec::Audit(a) => {
            if let Some(scope) = &a.scope {
                let at = |i| Node::PathItem(&["scope", "requirements"], i);
                out.extend(Slot::fitting(&scope.requirements).map(|(i, r)| (at(i), r)));
            }
            for (i, f) in Slot::fitting(&a.findings) {
                if let Some(r) = &f.requirement {
                    out.push((Node::ItemKey("findings", i, "requirement"), r));
                }
            }
        }
        Spec::Framework(f) => {
            for (i, m) in Slot::fitting(&f.mappings) {
                if let Some(to) = &m.to {
                    out.push((Node::ItemKey("mappings", i, "to"), to));
                }
            }
        }
        _ => {}
    }
    out
}

/// The ids a Framework uses for its own requirements, with where each is.
fn own_ids(f: &Framework) -> Vec<(Node, &str)> {
    let mut out = Vec::new();
    for (i, r) in Slot::fitting(&f.requirements) {
        if let Some(parent) = r.parent.as_deref() {
            out.push((Node::ItemKey("requirements", i, "parent"), parent));
        }
    }
    for (i, e) in Slot::fitting(&f.evidence) {
        if let Some(id) = e.requirement.as_deref() {
            out.push((Node::ItemKey("evidence", i, "requirement"), id));
        }
    }
    for (i, m) in Slot::fitting(&f.mappings) {
        if let Some(id) = m.requirement.as_deref() {
            out.push((Node::ItemKey("mappings", i, "requirement"), id));
        }
    }
    out
}

fn unresolved(catalog: &Catalog, ix: Ix, node: Node, text: &str, why: String) -> Diagnostic {
    let record = catalog.record(ix);
    Diagnostic::new(
        Code::UnresolvedRef,
        format!(
            "{} refers to requirement {text}, which does not exist",
            record.id
        ),
    )
    .with_help(why)
    .with_record(&record.id)
    .at(record.file, record.doc, node, Target::Value)
}
