//! Outputs: printers for diagnostics (human, JSON, GitHub, SARIF). Printers only
//! format findings; they never decide what is wrong.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::diag::Diagnostic;
use crate::source::Files;

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

/// A finding flattened for machine outputs.
pub struct Flat<'a> {
    pub d: &'a Diagnostic,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Column after the last character of the node's first line.
    pub end_column: Option<u32>,
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

    pub fn flat(&self) -> impl Iterator<Item = Flat<'a>> + '_ {
        self.diagnostics.iter().map(|d| {
            let file = d.location.file.map(|f| self.files.get(f));
            let span = d.location.span;
            Flat {
                d,
                file: file.map(|f| f.path.as_str()),
                line: span.map(|s| s.line),
                column: span.map(|s| s.col),
                end_column: span.zip(file).map(|(s, f)| {
                    let chars = f
                        .text
                        .get(s.start as usize..s.end as usize)
                        .map_or(0, |t| t.chars().count());
                    s.col + chars.max(1) as u32
                }),
            }
        })
    }
}
