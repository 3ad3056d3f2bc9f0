//! References to a part of a record, `kind:name#id`: the entry with that `id`
//! in one of the record's lists (an audit finding: `audit:2026-internal#F3`).

use super::{Catalog, Ix, RefError};
use crate::model::Kind;

/// At most this many ids are listed in the help of a reference to a part that
/// does not exist.
const IDS_SHOWN: usize = 10;

/// Resolves a reference that may name a part: the record must exist, and so
/// must the part when one is named.
pub(super) fn resolve(catalog: &Catalog, text: &str, accepts: &[Kind]) -> Result<Ix, RefError> {
    let Some((base, part)) = text.split_once('#') else {
        return catalog.resolve(text, accepts);
    };
    let ix = catalog.resolve(base, accepts)?;
    let record = catalog.record(ix);
    let ids = record.part_ids();
    if ids.contains(&part) {
        return Ok(ix);
    }
    Err(RefError::MissingPart {
        record: record.id.to_string(),
        ids: ids
            .iter()
            .take(IDS_SHOWN + 1)
            .map(|s| s.to_string())
            .collect(),
    })
}

/// The help of a reference to a part that does not exist.
pub(super) fn help(record: &str, ids: &[String]) -> String {
    match ids {
        [] => format!("{record} has no entries with an `id`"),
        _ if ids.len() > IDS_SHOWN => format!(
            "{record} has no entry with that id; its ids include {}, ...",
            ids[..IDS_SHOWN].join(", ")
        ),
        _ => format!(
            "{record} has no entry with that id; its ids: {}",
            ids.join(", ")
        ),
    }
}
