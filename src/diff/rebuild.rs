//! The repository at another revision, built from one already loaded: only
//! the files that differ are read from their blobs and parsed.

use super::{ChangedBlob, DiffError};
use crate::load::yaml::Parser;
use crate::load::{Content, Exclude, Repository, discovered, open_git, read_blob};
use crate::model::Record;
use crate::source::{FileId, Files, SourceFile};
use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

/// The repository at the other side of `changed`, built from `from`, the
/// repository loaded (by [`crate::load::load`]) at a revision with the same
/// `itsm.yaml`: `changed` are the blobs that differ (see
/// [`super::changed_between`]), the first oid on the side wanted, the second
/// on `from`'s side. Files that did not change keep `from`'s text and records;
/// changed ones are read from their blobs and parsed. The result is what
/// loading the other revision gives (same files, ids, records, order and
/// count of files scanned).
pub fn rebuild(from: &Repository, changed: &[ChangedBlob]) -> Result<Repository, DiffError> {
    let repo = open_git(&from.root)?;
    let exclude = Exclude::new(&from.config, None, &mut Vec::new());
    let (wanted, files_scanned) = wanted(from, changed, &exclude);
    let parsed = parse_blobs(repo.path(), wanted);
    let (files, records, config_file) = merge(from, changed, parsed);
    Ok(Repository {
        root: from.root.clone(),
        config: from.config.clone(),
        config_value: from.config_value.clone(),
        config_file,
        files,
        files_scanned,
        records,
    })
}

/// The changed blobs discovery reads on the side wanted, and the count of
/// files scanned there.
fn wanted(
    from: &Repository,
    changed: &[ChangedBlob],
    exclude: &Exclude,
) -> (Vec<(String, git2::Oid)>, usize) {
    let mut scanned = from.files_scanned;
    let mut wanted = Vec::new();
    for (path, want, have) in changed {
        if !discovered(exclude, path) {
            continue;
        }
        if have.is_some() {
            scanned = scanned.saturating_sub(1);
        }
        if let Some(oid) = want {
            scanned += 1;
            wanted.push((path.clone(), *oid));
        }
    }
    (wanted, scanned)
}

/// A file parsed from its blob: the file, its records and its findings.
type ParsedFile = (SourceFile, Vec<Record>, Vec<crate::diag::Diagnostic>);

/// The blobs parsed in parallel (each worker with its own repository handle
/// and parser), the files with records or findings kept, sorted by path.
fn parse_blobs(git_dir: &std::path::Path, wanted: Vec<(String, git2::Oid)>) -> Vec<ParsedFile> {
    use rayon::prelude::*;
    let mut parsed: Vec<ParsedFile> = wanted
        .into_par_iter()
        .map_init(
            || (git2::Repository::open(git_dir), Parser::default()),
            |(repo, parser), (path, oid)| {
                let content = match repo.as_ref() {
                    Ok(r) => read_blob(r, oid),
                    Err(e) => Content::Unreadable(format!(
                        "cannot open the git repository: {}",
                        e.message()
                    )),
                };
                crate::load::parse_one_with(parser, path, content)
            },
        )
        .filter(|(_, records, diags)| !records.is_empty() || !diags.is_empty())
        .collect();
    parsed.sort_unstable_by(|a, b| a.0.path.cmp(&b.0.path));
    parsed
}

/// `from`'s files that did not change and the files parsed, merged in path
/// order (`itsm.yaml` first), with their records.
fn merge(
    from: &Repository,
    changed: &[ChangedBlob],
    parsed: Vec<ParsedFile>,
) -> (Files, Vec<Record>, Option<FileId>) {
    let ranges = record_ranges(from);
    let kept = unchanged_files(from, changed);
    let mut files = Files::default();
    let config_file = from
        .config_file
        .map(|id| files.add(copy(from.files.get(id))));
    let mut records = Vec::with_capacity(from.records.len());
    let mut parsed = parsed.into_iter().peekable();
    let mut kept = kept.into_iter().peekable();
    loop {
        let take_kept = match (kept.peek(), parsed.peek()) {
            (None, None) => break,
            (Some(&k), Some((p, _, _))) => from.files.get(k).path < p.path,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        let (file, recs): (SourceFile, Vec<Record>) = if take_kept {
            let Some(k) = kept.next() else { break };
            let recs = from.records[ranges[k as usize].clone()].to_vec();
            (copy(from.files.get(k)), recs)
        } else {
            let Some((file, recs, _)) = parsed.next() else {
                break;
            };
            (file, recs)
        };
        let id = files.add(file);
        records.extend(recs.into_iter().map(|mut r| {
            r.file = id;
            r
        }));
    }
    (files, records, config_file)
}

/// The range of `from`'s records of each file (they are stored in file order).
fn record_ranges(from: &Repository) -> Vec<Range<usize>> {
    let mut ranges = vec![0..0; from.files.len()];
    let mut i = 0;
    while i < from.records.len() {
        let file = from.records[i].file;
        let start = i;
        while i < from.records.len() && from.records[i].file == file {
            i += 1;
        }
        if let Some(r) = ranges.get_mut(file as usize) {
            *r = start..i;
        }
    }
    ranges
}

/// `from`'s files, but `itsm.yaml` and those that changed, in order.
fn unchanged_files(from: &Repository, changed: &[ChangedBlob]) -> Vec<FileId> {
    let changed_paths: HashSet<&str> = changed.iter().map(|(p, _, _)| p.as_str()).collect();
    from.files
        .iter()
        .filter(|(id, f)| Some(*id) != from.config_file && !changed_paths.contains(f.path.as_str()))
        .map(|(id, _)| id)
        .collect()
}

/// A copy of a file of the source map.
fn copy(file: &SourceFile) -> SourceFile {
    SourceFile::with_region(file.path.clone(), file.text.clone(), file.region)
}
