//! The nodes of a record that findings point at, each knowing its JSON
//! pointer, so that no code outside the model spells a path into a record.

use std::fmt::Write;

/// A node of a record (its pointer with [`Node::pointer`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// `metadata.name`.
    Name,
    /// The whole `spec` (for a field that is missing).
    Spec,
    /// `spec.body`.
    Body,
    /// `spec.sla` of a Service.
    Sla,
    /// `spec.risk` of a Change.
    Risk,
    /// An item of `spec.appliesTo` of a StandardChange.
    AppliesTo(usize),
    /// `spec.window.start` / `spec.window.end` of a Change.
    WindowStart,
    WindowEnd,
    /// `spec.started` / `spec.resolved` of an Incident.
    Started,
    Resolved,
    /// `spec.contract.start` / `spec.contract.end` of a Supplier.
    ContractStart,
    ContractEnd,
    /// `spec.expires` of a CI.
    Expires,
    /// `spec.lastReviewed` of a Policy or an SLA.
    LastReviewed,
    /// `spec.contract.lastReviewed` of a Supplier.
    ContractLastReviewed,
    /// A key of a Policy's rule: `spec.rules[index].key`.
    Rule(usize, &'static str),
    /// An item of a Policy's `spec.clauses`.
    Clause(usize),
    /// `spec.KEY` (`spec.due`).
    Key(&'static str),
    /// `spec.A.B...` (`spec.scope.requirements`).
    Path(&'static [&'static str]),
    /// An item of a list: `spec.KEY[i]` (`spec.auditors[0]`).
    Item(&'static str, usize),
    /// An item of a list under a path: `spec.A.B[i]` (`spec.scope.requirements[2]`).
    PathItem(&'static [&'static str], usize),
    /// A key of an item of a list: `spec.LIST[i].KEY` (`spec.findings[1].requirement`).
    ItemKey(&'static str, usize, &'static str),
    /// An item of a list under an item: `spec.LIST[i].KEY[j]`
    /// (`spec.capacity[0].forecast[2]`).
    ItemKeyItem(&'static str, usize, &'static str, usize),
}

impl Node {
    /// The JSON pointer (`/spec/window/end`).
    pub fn pointer(self) -> String {
        let mut p = String::new();
        for seg in self.segments() {
            p.push('/');
            p.push_str(&seg);
        }
        p
    }

    /// The path as YAML reads it (`spec.window.end`), for messages.
    pub fn path(self) -> String {
        let mut p = String::new();
        for (i, seg) in self.segments().iter().enumerate() {
            if seg.bytes().all(|b| b.is_ascii_digit()) {
                let _ = write!(p, "[{seg}]");
            } else {
                if i > 0 {
                    p.push('.');
                }
                p.push_str(seg);
            }
        }
        p
    }

    fn segments(self) -> Vec<std::borrow::Cow<'static, str>> {
        use std::borrow::Cow::{Borrowed as B, Owned as O};
        let spec = |rest: &[&'static str]| {
            std::iter::once(B("spec"))
                .chain(rest.iter().map(|s| B(*s)))
                .collect::<Vec<_>>()
        };
        match self {
            Node::Name => vec![B("metadata"), B("name")],
            Node::Spec => spec(&[]),
            Node::Body => spec(&["body"]),
            Node::Sla => spec(&["sla"]),
            Node::Risk => spec(&["risk"]),
            Node::AppliesTo(i) => vec![B("spec"), B("appliesTo"), O(i.to_string())],
            Node::WindowStart => spec(&["window", "start"]),
            Node::WindowEnd => spec(&["window", "end"]),
            Node::Started => spec(&["started"]),
            Node::Resolved => spec(&["resolved"]),
            Node::ContractStart => spec(&["contract", "start"]),
            Node::ContractEnd => spec(&["contract", "end"]),
            Node::Expires => spec(&["expires"]),
            Node::LastReviewed => spec(&["lastReviewed"]),
            Node::ContractLastReviewed => spec(&["contract", "lastReviewed"]),
            Node::Rule(i, key) => vec![B("spec"), B("rules"), O(i.to_string()), B(key)],
            Node::Clause(i) => vec![B("spec"), B("clauses"), O(i.to_string())],
            Node::Key(key) => spec(&[key]),
            Node::Path(path) => spec(path),
            Node::Item(key, i) => vec![B("spec"), B(key), O(i.to_string())],
            Node::PathItem(path, i) => {
                let mut segments = spec(path);
                segments.push(O(i.to_string()));
                segments
            }
            Node::ItemKey(list, i, key) => vec![B("spec"), B(list), O(i.to_string()), B(key)],
            Node::ItemKeyItem(list, i, key, j) => {
                vec![
                    B("spec"),
                    B(list),
                    O(i.to_string()),
                    B(key),
                    O(j.to_string()),
                ]
            }
        }
    }
}

impl From<Node> for String {
    fn from(node: Node) -> String {
        node.pointer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_paths() {
        assert_eq!(Node::WindowEnd.pointer(), "/spec/window/end");
        assert_eq!(Node::WindowEnd.path(), "spec.window.end");
        assert_eq!(Node::Rule(2, "assert").pointer(), "/spec/rules/2/assert");
        assert_eq!(Node::AppliesTo(0).path(), "spec.appliesTo[0]");
        assert_eq!(Node::Name.pointer(), "/metadata/name");
        let forecast = Node::ItemKeyItem("capacity", 0, "forecast", 2);
        assert_eq!(forecast.path(), "spec.capacity[0].forecast[2]");
    }
}
