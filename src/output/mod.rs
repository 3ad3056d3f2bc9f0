//! Outputs: printers for diagnostics (human, JSON, GitHub, SARIF). Printers only
//! format findings; they never decide what is wrong.

pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, Files};
use std::borrow::Cow;
use std::collections::HashMap;

/// The formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style, with the offending lines (the default)
    Human,
    /// one JSON document with a summary and every diagnostic
    Json,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// a summary and a table, for a pull-request comment or the job summary
    Markdown,
}

impl Format {
    /// Renders the findings in this format.
    pub fn render(self, report: &Report<'_>, color: bool, summary: bool) -> String {
        match self {
            Format::Human => human::render(report, color, summary),
            Format::Json => json::render(report),
            Format::Github => github::render(report),
            Format::Sarif => sarif::render(report),
            Format::Markdown => markdown::render(report),
        }
    }
}

/// What printers are given: the findings and the source map.
pub struct Report<'a> {
    pub files: &'a Files,
    pub diagnostics: &'a [Diagnostic],
    /// Files looked at.
    pub files_scanned: usize,
    pub records: usize,
}

/// Findings shown per file; the rest are counted ("and N more in FILE"), so
/// that one hostile file cannot flood a CI log.
pub const MAX_PER_FILE: usize = 50;

/// Characters kept of a message, a help text, a record name or a pointer (they
/// quote record values).
pub const MAX_TEXT: usize = 1000;

/// A finding flattened for the printers, its texts clipped to [`MAX_TEXT`].
pub struct Flat<'a> {
    pub d: &'a Diagnostic,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Column after the last character of the node's first line.
    pub end_column: Option<u32>,
    pub message: Cow<'a, str>,
    pub help: Option<Cow<'a, str>>,
    pub record: Option<Cow<'a, str>>,
    pub pointer: Option<Cow<'a, str>>,
}

/// Findings of one file that are not shown (past [`MAX_PER_FILE`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omitted<'a> {
    /// `None` for findings without a file.
    pub file: Option<&'a str>,
    pub errors: usize,
    pub warnings: usize,
}

impl Omitted<'_> {
    /// `and 150 more in services/big.yaml (at most 50 findings per file are shown)`.
    pub fn sentence(&self) -> String {
        let place = match self.file {
            Some(f) => format!("in {f}"),
            None => "without a file".into(),
        };
        format!(
            "and {} more {place} (at most {MAX_PER_FILE} findings per file are shown)",
            self.errors + self.warnings
        )
    }
}

impl<'a> Report<'a> {
    /// The findings of a checked repository.
    pub fn of(checked: &'a crate::pipeline::Checked) -> Report<'a> {
        let repo = &checked.catalog.repo;
        Report {
            files: &repo.files,
            diagnostics: &checked.diagnostics,
            files_scanned: repo.files_scanned,
            records: repo.records.len(),
        }
    }

    /// The findings to show, in order: at most [`MAX_PER_FILE`] per file.
    pub fn flat(&self) -> impl Iterator<Item = Flat<'a>> + '_ {
        let mut seen: HashMap<Option<FileId>, usize> = HashMap::new();
        self.diagnostics
            .iter()
            .filter(move |d| {
                let n = seen.entry(d.location.file).or_default();
                *n += 1;
                *n <= MAX_PER_FILE
            })
            .map(|d| self.flatten(d))
    }

    /// Per file, in order of first appearance, the findings [`Report::flat`] leaves out.
    pub fn omitted(&self) -> Vec<Omitted<'a>> {
        let mut seen: HashMap<Option<FileId>, usize> = HashMap::new();
        let mut out: Vec<(Option<FileId>, Omitted<'a>)> = Vec::new();
        for d in self.diagnostics {
            let n = seen.entry(d.location.file).or_default();
            *n += 1;
            if *n <= MAX_PER_FILE {
                continue;
            }
            let i = match out.iter().position(|(f, _)| *f == d.location.file) {
                Some(i) => i,
                None => {
                    let file = d.location.file.map(|f| self.files.get(f).path.as_str());
                    out.push((
                        d.location.file,
                        Omitted {
                            file,
                            errors: 0,
                            warnings: 0,
                        },
                    ));
                    out.len() - 1
                }
            };
            match d.severity {
                Severity::Error => out[i].1.errors += 1,
                Severity::Warning => out[i].1.warnings += 1,
            }
        }
        out.into_iter().map(|(_, o)| o).collect()
    }

    fn flatten(&self, d: &'a Diagnostic) -> Flat<'a> {
        let file = d.location.file.map(|f| self.files.get(f));
        let span = d.location.span;
        let clip = |s: &'a String| escape::clip(s, MAX_TEXT);
        Flat {
            d,
            file: file.map(|f| f.path.as_str()),
            line: span.map(|s| s.line),
            column: span.map(|s| s.col),
            end_column: span.zip(file).map(|(s, f)| {
                let chars = f
                    .text
                    .get(s.start as usize..s.end as usize)
                    .map_or(0, |t| t.lines().next().unwrap_or("").chars().count());
                s.col + chars.max(1) as u32
            }),
            message: clip(&d.message),
            help: d.help.as_ref().map(clip),
            record: d.record.as_ref().map(clip),
            pointer: d.location.pointer.as_ref().map(clip),
        }
    }
}
