//! Link stage: index the records by identity, resolve every reference, and build
//! the graph the checks, the site and the reports walk.

pub mod graph;
mod parts;
mod requirements;

use crate::diag::{Code, Diagnostic, Target};
use crate::load::{Repository, locate};
use crate::model::{Field, Kind, Node, RecordId, Reference};
use crate::schema::closest;
use crate::value::Value;
use rustc_hash::FxHashMap as HashMap;

/// Index of a record in [`Repository::records`].
pub type Ix = u32;

/// A resolved reference: `from`'s field points at `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: Ix,
    pub to: Ix,
    pub field: Field,
    /// Position in a list field (or the rule index for rule teams); 0 otherwise.
    /// For a list inside a list (an audit finding's `records`), the outer
    /// position in the high 16 bits and the inner one in the low 16 bits.
    pub item: u32,
}

impl Link {
    /// The JSON pointer of the reference inside `from`.
    pub fn pointer(&self, kind: Kind) -> String {
        let Some(rf) = kind.ref_fields().iter().find(|f| f.field == self.field) else {
            return String::new();
        };
        let nested = rf.many && rf.path.contains(&"*");
        let (outer, inner) = if nested {
            (self.item >> 16, self.item & 0xFFFF)
        } else {
            (self.item, self.item)
        };
        let mut p = String::new();
        for seg in rf.path {
            p.push('/');
            if *seg == "*" {
                p.push_str(&outer.to_string());
            } else {
                p.push_str(seg);
            }
        }
        if rf.many {
            p.push('/');
            p.push_str(&inner.to_string());
        }
        p
    }
}

/// The linked repository: records, their identities and the graph between them.
#[derive(Debug)]
pub struct Catalog {
    pub repo: Repository,
    index: Vec<HashMap<String, Ix>>,
    /// References made by each record.
    pub out: Vec<Vec<Link>>,
    /// References made to each record.
    pub inc: Vec<Vec<Link>>,
}

/// Why a reference does not resolve.
#[derive(Debug, PartialEq, Eq)]
pub enum RefError {
    /// No record of that kind and name (or no such kind).
    Missing(String),
    /// The reference names a kind the field does not take.
    WrongKind(Kind),
    /// A bare name in a field that takes several kinds (the schema reports it).
    NeedsFullForm,
    /// The record exists but has no entry with that id (`audit:x#F9`).
    MissingPart { record: String, ids: Vec<String> },
}

impl Catalog {
    /// The record with this identity.
    pub fn find(&self, kind: Kind, name: &str) -> Option<Ix> {
        self.index[kind.index()].get(name).copied()
    }

    pub fn record(&self, ix: Ix) -> &crate::model::Record {
        &self.repo.records[ix as usize]
    }

    /// Resolves a reference written in a field that accepts `accepts`.
    pub fn resolve(&self, text: &str, accepts: &[Kind]) -> Result<Ix, RefError> {
        let r = Reference::parse(text);
        let kind = match r.kind {
            Some(k) => match Kind::from_id(k) {
                Some(kind) if accepts.contains(&kind) => kind,
                Some(kind) => return Err(RefError::WrongKind(kind)),
                None => return Err(RefError::Missing(text.to_string())),
            },
            None if accepts.len() == 1 => accepts[0],
            None => return Err(RefError::NeedsFullForm),
        };
        self.find(kind, r.name)
            .ok_or_else(|| RefError::Missing(format!("{}:{}", kind.id(), r.name)))
    }

    /// The records a record's field points at.
    pub fn targets(&self, from: Ix, field: Field) -> impl Iterator<Item = Ix> + '_ {
        self.out[from as usize]
            .iter()
            .filter(move |l| l.field == field)
            .map(|l| l.to)
    }

    /// The records whose field points at `to`.
    pub fn sources(&self, to: Ix, field: Field) -> impl Iterator<Item = Ix> + '_ {
        self.inc[to as usize]
            .iter()
            .filter(move |l| l.field == field)
            .map(|l| l.from)
    }

    /// Indices of the records of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = Ix> + '_ {
        self.repo
            .records
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.id.kind == kind)
            .map(|(i, _)| i as Ix)
    }
}

/// Links the repository; reports duplicates and references that do not resolve.
pub fn link(repo: Repository, diags: &mut Vec<Diagnostic>) -> Catalog {
    let mut index: Vec<HashMap<String, Ix>> = vec![HashMap::default(); Kind::ALL.len()];
    let mut duplicates = Vec::new();
    for (i, r) in repo.records.iter().enumerate() {
        if r.id.name.is_empty() {
            continue;
        }
        let slot = &mut index[r.id.kind.index()];
        match slot.get(&r.id.name) {
            Some(&first) => duplicates.push((first, i as Ix)),
            None => {
                slot.insert(r.id.name.clone(), i as Ix);
            }
        }
    }
    let n = repo.records.len();
    let mut catalog = Catalog {
        repo,
        index,
        out: vec![Vec::new(); n],
        inc: vec![Vec::new(); n],
    };
    report_duplicates(&catalog, &duplicates, diags);
    let out = link_references(&catalog, diags);
    for links in &out {
        for l in links {
            catalog.inc[l.to as usize].push(*l);
        }
    }
    catalog.out = out;
    link_config(&catalog, diags);
    requirements::check(&catalog, diags);
    catalog
}

/// Resolves the reference fields of every record: the links, and a
/// diagnostic for each reference that does not resolve.
fn link_references(catalog: &Catalog, diags: &mut Vec<Diagnostic>) -> Vec<Vec<Link>> {
    let n = catalog.repo.records.len();
    let present: Vec<bool> = catalog.index.iter().map(|i| !i.is_empty()).collect();
    let mut suggestions_left = 200;
    let mut out = vec![Vec::new(); n];
    for from in 0..n as Ix {
        let record = catalog.record(from);
        for rf in record.id.kind.ref_fields() {
            if rf.if_any && !rf.accepts.iter().any(|k| present[k.index()]) {
                continue;
            }
            for (item, text) in references(&record.value, rf.path, rf.many) {
                let link = Link {
                    from,
                    to: from,
                    field: rf.field,
                    item,
                };
                let resolved = if rf.parts {
                    parts::resolve(catalog, text, rf.accepts)
                } else {
                    catalog.resolve(text, rf.accepts)
                };
                match resolved {
                    Ok(to) => out[from as usize].push(Link { to, ..link }),
                    Err(e) => {
                        let d = ref_diagnostic(
                            catalog,
                            &record.id,
                            text,
                            rf.accepts,
                            e,
                            &mut suggestions_left,
                        );
                        if let Some(mut d) = d {
                            if rf.if_any {
                                d = d.with_help(free_text_help(rf.accepts[0]));
                            }
                            let pointer = link.pointer(record.id.kind);
                            diags.push(d.at(record.file, record.doc, pointer, Target::Value));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The help of a field that takes free text until records of `kind` exist.
fn free_text_help(kind: Kind) -> String {
    format!(
        "this repository holds {} records, so this field names one of them (bare or full form); it takes free text only while there is none",
        kind.name()
    )
}

/// Every reference string of a field: (item, text).
fn references<'v>(value: &'v Value, path: &[&str], many: bool) -> Vec<(u32, &'v str)> {
    let mut out = Vec::new();
    walk(value, path, 0, many, &mut out);
    out
}

fn walk<'v>(value: &'v Value, path: &[&str], item: u32, many: bool, out: &mut Vec<(u32, &'v str)>) {
    match path.split_first() {
        Some((&"*", rest)) => {
            // A list inside this list keeps this position in the high bits.
            for (i, v) in value.as_seq().unwrap_or_default().iter().enumerate() {
                let item = if many {
                    (i as u32).min(0xFFFF) << 16
                } else {
                    i as u32
                };
                walk(v, rest, item, many, out);
            }
        }
        Some((seg, rest)) => {
            if let Some(v) = value.get(seg) {
                walk(v, rest, item, many, out);
            }
        }
        None if many => {
            for (i, v) in value.as_seq().unwrap_or_default().iter().enumerate() {
                if let Some(s) = v.as_str() {
                    out.push((item | (i as u32).min(0xFFFF), s));
                }
            }
        }
        None => {
            if let Some(s) = value.as_str() {
                out.push((item, s));
            }
        }
    }
}

fn ref_diagnostic(
    catalog: &Catalog,
    from: &RecordId,
    text: &str,
    accepts: &[Kind],
    error: RefError,
    suggestions_left: &mut usize,
) -> Option<Diagnostic> {
    let accepted = accepts
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(" or ");
    let from_label = if from.name.is_empty() {
        from.kind.id().to_string()
    } else {
        from.to_string()
    };
    let d = match error {
        RefError::NeedsFullForm => return None,
        RefError::MissingPart { record, ids } => Diagnostic::new(
            Code::UnresolvedRef,
            format!("{from_label} refers to {text}, which does not exist"),
        )
        .with_help(parts::help(&record, &ids)),
        RefError::WrongKind(kind) => Diagnostic::new(
            Code::WrongKindRef,
            format!(
                "{from_label} refers to {text}, a {}, where a {accepted} is expected",
                kind.name()
            ),
        )
        .with_help(format!("this field takes a {accepted}")),
        RefError::Missing(full) => {
            let d = Diagnostic::new(
                Code::UnresolvedRef,
                format!("{from_label} refers to {full}, which does not exist"),
            );
            match missing_help(catalog, &full, &accepted, suggestions_left) {
                Some(help) => d.with_help(help),
                None => d,
            }
        }
    };
    Some(d.with_record(from))
}

/// What to say of a reference to `full`, which names no record: the records
/// of other kinds with that name, the closest name (at most
/// `suggestions_left` times in a run), or that the kind is no kind.
fn missing_help(
    catalog: &Catalog,
    full: &str,
    accepted: &str,
    suggestions_left: &mut usize,
) -> Option<String> {
    let r = Reference::parse(full);
    let kind = r.kind.and_then(Kind::from_id);
    let others: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| Some(**k) != kind && catalog.find(**k, r.name).is_some())
        .map(|k| format!("{}:{}", k.id(), r.name))
        .collect();
    if !others.is_empty() {
        return Some(format!(
            "{} exists, but this field takes a {accepted}",
            others.join(" and ")
        ));
    }
    match kind {
        Some(kind) if *suggestions_left > 0 => {
            *suggestions_left -= 1;
            let names = catalog.index[kind.index()].keys().map(String::as_str);
            closest(r.name, names).map(|best| format!("did you mean `{best}`?"))
        }
        Some(_) => None,
        None => Some(format!(
            "`{}` is not a kind; this field takes a {accepted}",
            r.kind.unwrap_or("")
        )),
    }
}

fn report_duplicates(catalog: &Catalog, duplicates: &[(Ix, Ix)], diags: &mut Vec<Diagnostic>) {
    // The line of each first definition; each file is walked once, however many
    // duplicates it holds.
    let first_file = |i: usize| catalog.record(duplicates[i].0).file;
    let mut order: Vec<usize> = (0..duplicates.len()).collect();
    order.sort_by_key(|&i| first_file(i));
    let mut lines = vec![1u32; duplicates.len()];
    let name = Node::Name.pointer();
    for group in order.chunk_by(|&i, &j| first_file(i) == first_file(j)) {
        let file = catalog.repo.files.get(first_file(group[0]));
        let requests: Vec<locate::Request<'_>> = group
            .iter()
            .map(|&i| {
                (
                    catalog.record(duplicates[i].0).doc,
                    name.as_str(),
                    Target::Value,
                )
            })
            .collect();
        for (&i, pos) in group.iter().zip(locate::locate(file.yaml(), &requests)) {
            lines[i] = pos.map_or(1, |p| p.line + file.region.line_offset);
        }
    }
    for (&(first, second), line) in duplicates.iter().zip(lines) {
        let path = &catalog.repo.files.get(catalog.record(first).file).path;
        let b = catalog.record(second);
        diags.push(
            Diagnostic::new(
                Code::DuplicateName,
                format!("{} is defined twice: first in {path}:{line}", b.id),
            )
            .with_help(format!(
                "rename one of them; names are unique per kind ({} names)",
                b.id.kind.name()
            ))
            .with_record(&b.id)
            .at(b.file, b.doc, Node::Name, Target::Value),
        );
    }
}

/// `admins`, `cab` and `ecab` in itsm.yaml name Teams.
fn link_config(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let Some(file) = catalog.repo.config_file else {
        return;
    };
    for key in ["admins", "cab", "ecab"] {
        let Some(text) = catalog.repo.config_value.get(key).and_then(Value::as_str) else {
            continue;
        };
        let result = catalog.resolve(text, &[Kind::Team]);
        let d = match result {
            Ok(_) | Err(RefError::NeedsFullForm | RefError::MissingPart { .. }) => continue,
            Err(RefError::WrongKind(kind)) => Diagnostic::new(
                Code::WrongKindRef,
                format!(
                    "itsm.yaml `{key}` refers to {text}, a {}, where a Team is expected",
                    kind.name()
                ),
            ),
            Err(RefError::Missing(full)) => Diagnostic::new(
                Code::UnresolvedRef,
                format!("itsm.yaml `{key}` refers to {full}, which does not exist"),
            )
            .with_help("name a Team record"),
        };
        diags.push(d.at(file, 0, format!("/{key}"), Target::Value));
    }
}
