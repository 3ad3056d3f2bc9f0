//! The source map: every file that was read, with its text, so that any finding
//! from any stage can name file:line:col and show the offending lines.

use std::ops::Range;
use std::sync::OnceLock;

/// Index of a file in [`Files`].
pub type FileId = u32;

/// A position in a file: byte range plus 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
}

/// The part of a file that is YAML: all of a `.yaml` file, the front matter of a `.md`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Region {
    pub start: u32,
    pub end: u32,
    /// Lines of the file before the region.
    pub line_offset: u32,
}

/// One file of the repository.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// Shared: a revision rebuilt from another shares its unchanged files.
    pub text: std::sync::Arc<str>,
    pub region: Region,
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: String, text: impl Into<std::sync::Arc<str>>) -> Self {
        let text = text.into();
        let end = text.len() as u32;
        Self::with_region(
            path,
            text,
            Region {
                start: 0,
                end,
                line_offset: 0,
            },
        )
    }

    pub fn with_region(path: String, text: impl Into<std::sync::Arc<str>>, region: Region) -> Self {
        SourceFile {
            path,
            text: text.into(),
            region,
            line_starts: OnceLock::new(),
        }
    }

    /// The YAML part of the file.
    pub fn yaml(&self) -> &str {
        self.text
            .get(self.region.start as usize..self.region.end as usize)
            .unwrap_or("")
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        let starts = self.line_starts();
        let start = *starts.get(line.checked_sub(1)? as usize)?;
        let end = starts
            .get(line as usize)
            .map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }

    /// The span of `len` characters at a 1-based line and 1-based character column.
    pub fn span_at(&self, line: u32, col: u32, len_chars: usize) -> Span {
        span_on_line(&self.text, self.line_range(line), line, col, len_chars)
    }
}

/// [`SourceFile::span_at`] for a text without a line index (one-off positions).
pub fn span_in(text: &str, line: u32, col: u32, len_chars: usize) -> Span {
    let mut start = 0;
    let mut range = None;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let content = l.trim_end_matches('\n').trim_end_matches('\r');
            range = Some(start..start + content.len());
            break;
        }
        start += l.len();
    }
    span_on_line(text, range, line, col, len_chars)
}

/// The span of `len_chars` characters from a 1-based column of a line (given as
/// its byte range, without the line break); past the end when there is no such line.
fn span_on_line(
    text: &str,
    range: Option<Range<usize>>,
    line: u32,
    col: u32,
    len_chars: usize,
) -> Span {
    let Some(range) = range else {
        let end = text.len() as u32;
        return Span {
            start: end,
            end,
            line,
            col,
        };
    };
    let line_text = &text[range.clone()];
    let byte_of = |chars: usize| {
        line_text
            .char_indices()
            .nth(chars)
            .map_or(line_text.len(), |(i, _)| i)
    };
    let start = byte_of(col.saturating_sub(1) as usize);
    let end = byte_of(col.saturating_sub(1) as usize + len_chars).max(start);
    Span {
        start: (range.start + start) as u32,
        end: (range.start + end) as u32,
        line,
        col,
    }
}

/// Every file read, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (i as FileId, f))
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Files {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id as usize)
            .map(|f| f.path.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id as usize)
            .map(|f| &*f.text)
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self
            .files
            .get(id as usize)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        Ok(file
            .line_starts()
            .binary_search(&byte)
            .unwrap_or_else(|next| next - 1))
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self
            .files
            .get(id as usize)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        let starts = file.line_starts();
        let start =
            *starts
                .get(line_index)
                .ok_or(codespan_reporting::files::Error::LineTooLarge {
                    given: line_index,
                    max: starts.len() - 1,
                })?;
        let end = starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_off_spans_match_indexed_ones() {
        let text = "a: 1\nb: \"é x\"\r\nc: 3";
        let f = SourceFile::new("a".into(), text);
        for (line, col) in [(1, 1), (2, 7), (3, 4), (4, 1), (2, 40)] {
            assert_eq!(
                span_in(text, line, col, 1),
                f.span_at(line, col, 1),
                "{line}:{col}"
            );
        }
    }

    #[test]
    fn spans_count_characters() {
        let f = SourceFile::new("a".into(), "a: 1\nb: \"é x\"\r\nc: 3");
        assert_eq!(f.line_range(2), Some(5..14));
        let s = f.span_at(2, 7, 1);
        assert_eq!(&f.text[s.start as usize..s.end as usize], "x");
        assert_eq!(f.line_range(3), Some(16..20));
        assert_eq!(f.line_range(4), None);
    }
}
