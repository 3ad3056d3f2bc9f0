//! Loading: find the record files, read them (from the working tree or a git
//! revision), parse YAML and front matter, and keep every file in the source map.

mod discover;
mod git;
pub mod locate;
pub mod yaml;

pub use discover::{Content, Exclude, Refusal, escape_name, open_no_follow, read_blob};
pub use git::{
    GitCause, GitError, SHALLOW_FIX, commit_short_id, open_git, prefix_of, revision, root_tree,
    tree_of,
};

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Code, Diagnostic, Target};
use crate::model::{Kind, Node, Record, RecordId};
use crate::source::{FileId, Files, Region, SourceFile, Span, span_in};
use crate::value::Value;
use std::path::{Path, PathBuf};

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Where records are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files on disk.
    WorkTree,
    /// A git revision (`main`, `HEAD~1`, a SHA), read from the object database.
    Revision(String),
}

impl From<Option<String>> for Source {
    /// `--rev REV` when given, else the work tree.
    fn from(rev: Option<String>) -> Source {
        rev.map_or(Source::WorkTree, Source::Revision)
    }
}

/// Everything read from a repository: the config, the files and the records.
#[derive(Debug)]
pub struct Repository {
    pub root: PathBuf,
    pub config: Config,
    /// `itsm.yaml` as parsed, for the schema stage.
    pub config_value: Value,
    pub config_file: Option<FileId>,
    pub files: Files,
    /// Files looked at (record files and other YAML / Markdown).
    pub files_scanned: usize,
    pub records: Vec<Record>,
}

/// A failure that stops loading altogether (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Git(#[from] GitError),
}

/// Loads the repository rooted at `root` (the folder holding `itsm.yaml`).
pub fn load(
    root: &Path,
    source: &Source,
    diags: &mut Vec<Diagnostic>,
) -> Result<Repository, LoadError> {
    let mut files = Files::default();
    let Tree {
        config_value,
        config_file,
        config,
        mut parsed,
        ..
    } = read_all(root, source, &mut files, diags)?;
    parsed.sort_unstable_by(|a, b| a.path.cmp(&b.path));

    let files_scanned = parsed.len();
    let mut records = Vec::with_capacity(parsed.iter().map(|p| p.records.len()).sum());
    for p in parsed {
        if p.records.is_empty() && p.diags.is_empty() {
            continue;
        }
        let id = files.add(SourceFile::with_region(p.path, p.text, p.region));
        for mut r in p.records {
            r.file = id;
            records.push(r);
        }
        for mut d in p.diags {
            d.location.file = Some(id);
            diags.push(d);
        }
    }
    Ok(Repository {
        root: root.to_path_buf(),
        config,
        config_value,
        config_file,
        files,
        files_scanned,
        records,
    })
}

/// `itsm.yaml` and every file discovery reads under it, parsed.
struct Tree {
    config_value: Value,
    /// `itsm.yaml` in the source map, when there is one.
    config_file: Option<FileId>,
    config: Config,
    exclude: discover::Exclude,
    /// In the order read, not sorted.
    parsed: Vec<Parsed>,
}

/// Reads `itsm.yaml` (into `files`, its findings and those of its `exclude:`
/// globs into `diags`), then every file discovery reads under it.
fn read_all(
    root: &Path,
    source: &Source,
    files: &mut Files,
    diags: &mut Vec<Diagnostic>,
) -> Result<Tree, LoadError> {
    let reader = discover::Reader::open(root, source)?;
    let (config_value, config_file) = match reader.config_text()? {
        Some(text) => {
            let (value, file, found) = parse_config(files, text);
            diags.extend(found);
            (value, Some(file))
        }
        None => (Value::Null, None),
    };
    let config = Config::from_value(&config_value);
    let exclude = discover::Exclude::new(&config, config_file, diags);
    config.check_protected(config_file, diags);
    Config::check_freezes(&config_value, config_file, diags);
    let parsed = reader.read_tree(&exclude, yaml::Parser::default, parse_file)?;
    Ok(Tree {
        config_value,
        config_file,
        config,
        exclude,
        parsed,
    })
}

/// Gives every diagnostic that points at a node its line and column.
pub fn locate_all(files: &Files, diags: &mut [Diagnostic]) {
    let mut by_file: Vec<(FileId, usize)> = diags
        .iter()
        .enumerate()
        .filter(|(_, d)| d.location.span.is_none() && d.location.pointer.is_some())
        .filter_map(|(i, d)| Some((d.location.file?, i)))
        .collect();
    by_file.sort_unstable();
    for group in by_file.chunk_by(|a, b| a.0 == b.0) {
        let file = files.get(group[0].0);
        let requests: Vec<locate::Request<'_>> = group
            .iter()
            .map(|&(_, i)| {
                let l = &diags[i].location;
                (
                    l.doc,
                    l.pointer.as_deref().unwrap_or(""),
                    l.target.unwrap_or(Target::Value),
                )
            })
            .collect();
        let found = locate::locate(file.yaml(), &requests);
        let spans: Vec<Option<Span>> = found
            .into_iter()
            .map(|pos| {
                pos.map(|p| file.span_at(p.line + file.region.line_offset, p.col, p.len as usize))
            })
            .collect();
        for (&(_, i), span) in group.iter().zip(spans) {
            diags[i].location.span = span;
        }
    }
}

/// The records of one file's bytes (parse findings dropped), for readers that
/// look at single blobs, such as the history walk of `itsm audit`; `parser`
/// is the reader's, kept from one file to the next.
pub fn parse_records(parser: &mut yaml::Parser, path: String, bytes: Vec<u8>) -> Vec<Record> {
    parse_file(parser, path, Content::Bytes(bytes)).records
}

/// One file parsed as [`load`] parses it: the file for the source map, its
/// records (their `file` still 0) and its findings (their file unset). `load`
/// keeps a file in the source map when it has records or findings.
pub fn parse_one(path: String, content: Content) -> (SourceFile, Vec<Record>, Vec<Diagnostic>) {
    parse_one_with(&mut yaml::Parser::default(), path, content)
}

/// [`parse_one`] with the caller's parser, kept from one file to the next.
pub fn parse_one_with(
    parser: &mut yaml::Parser,
    path: String,
    content: Content,
) -> (SourceFile, Vec<Record>, Vec<Diagnostic>) {
    let p = parse_file(parser, path, content);
    (
        SourceFile::with_region(p.path, p.text, p.region),
        p.records,
        p.diags,
    )
}

/// Whether discovery reads a file at this path (relative to the root, `/`-separated)
/// when nothing above it is skipped: a `.yaml`, `.yml` or `.md` other than `itsm.yaml`.
pub fn is_record_file(path: &str) -> bool {
    discover::is_candidate(path) && path != CONFIG_FILE
}

/// Whether discovery reads the file at `path` (relative to the root,
/// `/`-separated) under these exclusions: a record file ([`is_record_file`])
/// with no part of its path skipped (hidden, the site folder, `exclude:`).
pub fn discovered(exclude: &Exclude, path: &str) -> bool {
    if !is_record_file(path) {
        return false;
    }
    let mut end = 0;
    !path.split('/').enumerate().any(|(i, part)| {
        end += part.len() + usize::from(i > 0);
        exclude.skips(&path[..end], part)
    })
}

/// The outcome of reading one file.
struct Parsed {
    path: String,
    /// Shared with the source map and, in [`Cache`], with every repository
    /// assembled from it.
    text: std::sync::Arc<str>,
    region: Region,
    records: Vec<Record>,
    diags: Vec<Diagnostic>,
}

fn parse_config(files: &mut Files, bytes: Vec<u8>) -> (Value, FileId, Vec<Diagnostic>) {
    let parser = &mut yaml::Parser::default();
    let (mut p, docs, _) = read_documents(parser, CONFIG_FILE.to_string(), Content::Bytes(bytes));
    // itsm.yaml is read as JSON too: what it holds that JSON cannot is an error.
    let value = match docs.into_iter().next() {
        Some(doc) => {
            for problem in &doc.problems {
                let d = syntax_diagnostic(&p, problem);
                p.diags.push(d);
            }
            doc.value
        }
        None => Value::Null,
    };
    let file = files.add(SourceFile::with_region(p.path, p.text, p.region));
    for d in &mut p.diags {
        d.location.file = Some(file);
    }
    (value, file, p.diags)
}

/// Reads one file: its documents become records.
fn parse_file(parser: &mut yaml::Parser, path: String, bytes: Content) -> Parsed {
    let (mut parsed, docs, body) = read_documents(parser, path, bytes);
    let is_markdown = body.is_some();
    for doc in docs {
        record_of(doc, is_markdown, body.as_deref(), &mut parsed);
    }
    parsed
}

/// Reads one file's YAML documents: text checks, front matter, YAML. Returns the
/// file (with any syntax findings), the documents and the Markdown body of a `.md`.
fn read_documents(
    parser: &mut yaml::Parser,
    path: String,
    bytes: Content,
) -> (Parsed, Vec<yaml::Document>, Option<String>) {
    let mut parsed = Parsed {
        path,
        text: "".into(),
        region: Default::default(),
        records: Vec::new(),
        diags: Vec::new(),
    };
    let found = bytes_of(&parsed.path, bytes).and_then(|bytes| {
        let (text, found) = utf8_text(bytes);
        parsed.text = text;
        found.map_or(Ok(()), |d| Err(Box::new(d)))
    });
    let yaml = found.and_then(|()| yaml_region(&parsed.path, &parsed.text));
    let (region, body) = match yaml {
        Ok(Some(yaml)) => yaml,
        Ok(None) => return (parsed, Vec::new(), None),
        Err(d) => {
            parsed.diags.push(*d);
            return (parsed, Vec::new(), None);
        }
    };
    parsed.region = region;
    let (docs, error) = parser.parse(&parsed.text[region.start as usize..region.end as usize]);
    if let Some(e) = error {
        let d = syntax_diagnostic(&parsed, &e);
        parsed.diags.push(d);
    }
    (parsed, docs, body)
}

/// The bytes of a file within the size limit, or why there are none.
fn bytes_of(path: &str, content: Content) -> Result<Vec<u8>, Box<Diagnostic>> {
    let at_start = |message: String, help: &str| {
        let d = Diagnostic::new(Code::YamlSyntax, message)
            .with_help(help)
            .at_span(
                0,
                Span {
                    start: 0,
                    end: 0,
                    line: 1,
                    col: 1,
                },
            );
        Box::new(d)
    };
    let too_large = |size: u64| {
        let message = format!(
            "file is {:.1} MiB, more than the {} MiB a record file may have",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        );
        at_start(message, "split it, or add it to `exclude:` in itsm.yaml")
    };
    match content {
        Content::Bytes(bytes) if bytes.len() > MAX_FILE_BYTES => Err(too_large(bytes.len() as u64)),
        Content::Bytes(bytes) => Ok(bytes),
        Content::TooLarge(size) => Err(too_large(size)),
        Content::Unreadable(e) => Err(at_start(
            format!("cannot read the file: {e}"),
            "check its permissions, or add it to `exclude:` in itsm.yaml",
        )),
        Content::Refused(why) => Err(Box::new(why.diagnostic(path).in_file(0))),
    }
}

/// The text of a file's bytes, and a finding when they are not UTF-8 (the
/// text then has the bad bytes replaced, so that the snippet shows the spot).
fn utf8_text(bytes: Vec<u8>) -> (std::sync::Arc<str>, Option<Diagnostic>) {
    let e = match String::from_utf8(bytes) {
        Ok(text) => return (text.into(), None),
        Err(e) => e,
    };
    let offset = e.utf8_error().valid_up_to();
    let text: std::sync::Arc<str> = String::from_utf8_lossy(e.as_bytes()).into();
    let valid = &text[..offset];
    let line = valid.matches('\n').count() as u32 + 1;
    let col = valid.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    let d = Diagnostic::new(
        Code::YamlSyntax,
        format!("file is not UTF-8 text (invalid byte at offset {offset})"),
    )
    .with_help("save it as UTF-8, or add it to `exclude:` in itsm.yaml")
    .at_span(0, span_in(&text, line, col, 1));
    (text, Some(d))
}

/// Where a file's YAML is, and the Markdown body of a `.md`: all of a YAML
/// file; the front matter of a Markdown file (`None` when it has none).
fn yaml_region(
    path: &str,
    text: &str,
) -> Result<Option<(Region, Option<String>)>, Box<Diagnostic>> {
    if !path.ends_with(".md") {
        let whole = Region {
            start: 0,
            end: text.len() as u32,
            line_offset: 0,
        };
        return Ok(Some((whole, None)));
    }
    match front_matter(text) {
        FrontMatter::None => Ok(None),
        FrontMatter::Unclosed => Err(Box::new(
            Diagnostic::new(
                Code::YamlSyntax,
                "front matter opened with `---` on line 1 is never closed",
            )
            .with_help("end the front matter with a line holding only `---`")
            .at_span(
                0,
                Span {
                    start: 0,
                    end: 3,
                    line: 1,
                    col: 1,
                },
            ),
        )),
        FrontMatter::Found { region, body } => Ok(Some((region, Some(body)))),
    }
}

/// A `yaml-syntax` finding at a place of the file's YAML.
fn syntax_diagnostic(parsed: &Parsed, e: &yaml::SyntaxError) -> Diagnostic {
    let line = e.pos.line + parsed.region.line_offset;
    let span = span_in(&parsed.text, line, e.pos.col, e.pos.len as usize);
    let mut d = Diagnostic::new(Code::YamlSyntax, e.message.clone()).at_span(0, span);
    d.help = e.help.map(str::to_string);
    d
}

/// Turns a document into a record, when it is one.
fn record_of(doc: yaml::Document, is_markdown: bool, body: Option<&str>, parsed: &mut Parsed) {
    let api = match doc.value.get("apiVersion").and_then(Value::as_str) {
        Some(api) if api.starts_with("itsm/") => api,
        _ => return,
    };
    // Valid YAML with no JSON form: fine elsewhere, not in a record.
    if !doc.problems.is_empty() {
        for problem in &doc.problems {
            let d = syntax_diagnostic(parsed, problem);
            parsed.diags.push(d);
        }
        return;
    }
    let at = |d: Diagnostic, pointer: &str, target| d.at(0, doc.index, pointer, target);
    if api != "itsm/v1" {
        parsed.diags.push(at(
            Diagnostic::new(Code::UnknownKind, format!("unknown apiVersion `{api}`"))
                .with_help("this version of itsm reads `apiVersion: itsm/v1`"),
            "/apiVersion",
            Target::Value,
        ));
        return;
    }
    let kind = match kind_of(&doc.value) {
        Ok(kind) => kind,
        Err((d, pointer)) => {
            parsed.diags.push(at(*d, pointer, Target::Value));
            return;
        }
    };
    let record = Record::read(kind, doc.index, doc.value.into(), body.map(Into::into));
    if is_markdown && record.sets_spec_body() {
        parsed.diags.push(
            at(
                Diagnostic::new(
                    Code::Schema,
                    "a Markdown record must not set `spec.body`: its body is the Markdown after the front matter",
                )
                .with_help("move the text below the closing `---`, or make the record a .yaml file"),
                &Node::Body.pointer(),
                Target::Key,
            )
            .with_record(&record.id),
        );
    }
    parsed.records.push(record);
}

/// The kind a record names, or the finding (and where) when it names none
/// or one that does not exist.
fn kind_of(value: &Value) -> Result<Kind, (Box<Diagnostic>, &'static str)> {
    let Some(Value::Str(k)) = value.get("kind") else {
        let d = Diagnostic::new(Code::Schema, "record has no `kind`")
            .with_help("add `kind:` with one of Team, Service, SLA, CI, Supplier, Policy, StandardChange, Change, Incident, Problem");
        return Err((Box::new(d), ""));
    };
    if let Some(kind) = Kind::from_name(k) {
        return Ok(kind);
    }
    let known: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let d = Diagnostic::new(Code::UnknownKind, format!("unknown kind `{k}`"));
    let close = Kind::parse_loose(k)
        .map(Kind::name)
        .or_else(|| crate::suggest::closest(k, known.iter().copied()));
    let d = match close {
        Some(close) => d.with_help(format!("did you mean `{close}`?")),
        None => d.with_help(format!("the kinds are {}", known.join(", "))),
    };
    Err((Box::new(d), "/kind"))
}

enum FrontMatter {
    None,
    Unclosed,
    Found { region: Region, body: String },
}

/// Splits `---\nYAML\n---\nbody`.
fn front_matter(text: &str) -> FrontMatter {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_len = match rest.find('\n') {
        Some(i) => i + 1,
        None => return FrontMatter::None,
    };
    if rest[..first_len].trim_end() != "---" {
        return FrontMatter::None;
    }
    let yaml_start = start + first_len;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body = text[offset + line.len()..]
                .trim_start_matches(['\r', '\n'])
                .to_string();
            return FrontMatter::Found {
                region: Region {
                    start: yaml_start as u32,
                    end: offset as u32,
                    line_offset: 1,
                },
                body,
            };
        }
        offset += line.len();
    }
    FrontMatter::Unclosed
}

/// The working tree as last read, every candidate file parsed, so that a later
/// load reads again only the files that changed (for `itsm serve`). A
/// [`Repository`] assembled from it is the one [`load`] reads from the same files.
pub struct Cache {
    root: PathBuf,
    config: Config,
    config_value: Value,
    /// `itsm.yaml` as read (path, text, region): always the first file.
    config_source: Option<(String, std::sync::Arc<str>, Region)>,
    /// The findings of `itsm.yaml` and of its `exclude:` globs.
    config_diags: Vec<Diagnostic>,
    exclude: discover::Exclude,
    /// Every candidate file, by path (sorted as [`load`] sorts them).
    parsed: std::collections::BTreeMap<String, Parsed>,
    /// The schema findings of each file's records (see [`Cache::validate`]), and of `itsm.yaml`.
    schema: std::collections::HashMap<String, Vec<Diagnostic>>,
    config_schema: Option<Vec<Diagnostic>>,
}

impl Cache {
    /// Reads the working tree at `root` as [`load`] does, keeping every file parsed.
    pub fn open(root: &Path) -> Result<Cache, LoadError> {
        let mut files = Files::default();
        let mut config_diags = Vec::new();
        let Tree {
            config_value,
            config_file,
            config,
            exclude,
            parsed,
        } = read_all(root, &Source::WorkTree, &mut files, &mut config_diags)?;
        let config_source = config_file.map(|id| {
            let f = files.get(id);
            (f.path.clone(), f.text.clone(), f.region)
        });
        Ok(Cache {
            root: root.to_path_buf(),
            config,
            config_value,
            config_source,
            config_diags,
            exclude,
            parsed: parsed.into_iter().map(|p| (p.path.clone(), p)).collect(),
            schema: Default::default(),
            config_schema: None,
        })
    }

    /// Validates the records of the files not validated yet (every file after
    /// [`Cache::open`], those read again after [`Cache::reread`]) with
    /// `record`, the schema stage's finding of one record, and `itsm.yaml`
    /// once with `config` (its value and file): [`Cache::repository`] then
    /// gives their findings too, records in file order, then `itsm.yaml`.
    pub fn validate<R, C>(&mut self, record: R, config: C)
    where
        R: Fn(&Record) -> Vec<Diagnostic> + Sync,
        C: FnOnce(&Value, FileId) -> Vec<Diagnostic>,
    {
        use rayon::prelude::*;
        let todo: Vec<&Parsed> = self
            .parsed
            .iter()
            .filter(|(path, _)| !self.schema.contains_key(*path))
            .map(|(_, p)| p)
            .collect();
        let found: Vec<(String, Vec<Diagnostic>)> = todo
            .par_iter()
            .map(|p| {
                let found = p.records.iter().flat_map(&record).collect();
                (p.path.clone(), found)
            })
            .collect();
        self.schema.extend(found);
        if self.config_schema.is_none() {
            // itsm.yaml is the first file of every repository assembled here.
            let found = match self.config_source {
                Some(_) => config(&self.config_value, 0),
                None => Vec::new(),
            };
            self.config_schema = Some(found);
        }
    }

    /// Whether files under the folder `rel` were read (a folder that is gone or renamed).
    pub fn holds_folder(&self, rel: &str) -> bool {
        let prefix = format!("{}/", rel.trim_end_matches('/'));
        self.parsed
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(p, _)| p.starts_with(&prefix))
    }

    /// Reads again the files at `rels` (relative, `/`-separated): a file that
    /// discovery would read is parsed again, one it would not (gone, excluded,
    /// not a record file) is dropped. Returns the identities of the records of
    /// those files, before and after.
    pub fn reread(&mut self, rels: &[String]) -> Vec<RecordId> {
        let mut ids = Vec::new();
        // Its strings are shared by the files of this batch, and go with it.
        let parser = &mut yaml::Parser::default();
        for rel in rels {
            self.schema.remove(rel);
            if let Some(old) = self.parsed.remove(rel) {
                ids.extend(old.records.into_iter().map(|r| r.id));
            }
            if let Some(content) = self.discover(rel) {
                let p = parse_file(parser, rel.clone(), content);
                ids.extend(p.records.iter().map(|r| r.id.clone()));
                self.parsed.insert(rel.clone(), p);
            }
        }
        ids
    }

    /// What the walk of [`load`] gives for the entry `rel`: a record file's
    /// content, a link refused, or nothing (hidden or excluded on the way, gone,
    /// under a link, not a regular file with a record extension, `itsm.yaml`).
    fn discover(&self, rel: &str) -> Option<Content> {
        if rel == CONFIG_FILE || rel.is_empty() {
            return None;
        }
        let parts: Vec<&str> = rel.split('/').collect();
        let mut path = self.root.clone();
        for (i, name) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            if name.is_empty() || name.starts_with('.') {
                return None;
            }
            path.push(name);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            let sub = parts[..=i].join("/");
            if self.exclude.needs_path(!last) && self.exclude.skips(&sub, name) {
                return None;
            }
            if meta.is_symlink() {
                return last.then_some(Content::Refused(Refusal::Symlink));
            }
            let ok_type = if last { meta.is_file() } else { meta.is_dir() };
            if !ok_type || (last && !is_record_file(rel)) {
                return None;
            }
        }
        Some(discover::read_disk(&path, &mut Vec::new()))
    }

    /// The repository as [`load`] would read it now (the findings of reading go
    /// to `diags`, then the schema findings of the files validated).
    pub fn repository(&self, diags: &mut Vec<Diagnostic>) -> Repository {
        let mut files = Files::default();
        let config_file = self.config_source.as_ref().map(|(path, text, region)| {
            files.add(SourceFile::with_region(path.clone(), text.clone(), *region))
        });
        diags.extend(self.config_diags.iter().cloned());
        // Copies made in parallel (most of the time of this function), then put in order.
        let kept: Vec<&Parsed> = self
            .parsed
            .values()
            .filter(|p| !p.records.is_empty() || !p.diags.is_empty())
            .collect();
        let copies: Vec<(SourceFile, Vec<Record>)> = {
            use rayon::prelude::*;
            kept.par_iter()
                .map(|p| {
                    let file = SourceFile::with_region(p.path.clone(), p.text.clone(), p.region);
                    (file, p.records.clone())
                })
                .collect()
        };
        let mut records = Vec::with_capacity(kept.iter().map(|p| p.records.len()).sum());
        let mut ids = Vec::with_capacity(kept.len());
        for (p, (file, copied)) in kept.iter().zip(copies) {
            let id = files.add(file);
            ids.push(id);
            for mut r in copied {
                r.file = id;
                records.push(r);
            }
            for d in &p.diags {
                let mut d = d.clone();
                d.location.file = Some(id);
                diags.push(d);
            }
        }
        // The schema findings: records in file order, then itsm.yaml.
        for (p, id) in kept.iter().zip(&ids) {
            for d in self.schema.get(&p.path).into_iter().flatten() {
                let mut d = d.clone();
                d.location.file = Some(*id);
                diags.push(d);
            }
        }
        if let (Some(found), Some(_)) = (&self.config_schema, config_file) {
            diags.extend(found.iter().cloned());
        }
        Repository {
            root: self.root.clone(),
            config: self.config.clone(),
            config_value: self.config_value.clone(),
            config_file,
            files,
            files_scanned: self.parsed.len(),
            records,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split() {
        match front_matter("---\na: 1\n---\n\n# Title\n") {
            FrontMatter::Found { region, body } => {
                assert_eq!((region.start, region.end, region.line_offset), (4, 9, 1));
                assert_eq!(body, "# Title\n");
            }
            _ => panic!("no front matter"),
        }
        assert!(matches!(
            front_matter("# Just markdown\n"),
            FrontMatter::None
        ));
        assert!(matches!(front_matter("---\na: 1\n"), FrontMatter::Unclosed));
    }

    #[test]
    fn markdown_records_are_positioned_below_the_fence() {
        let p = parse_file(
            &mut yaml::Parser::default(),
            "x.md".into(),
            Content::Bytes(b"---\napiVersion: itsm/v1\nkind: Nope\n---\nbody".to_vec()),
        );
        assert_eq!(p.diags.len(), 1);
        assert_eq!(p.diags[0].code, Code::UnknownKind);
        let mut files = Files::default();
        files.add(SourceFile::with_region(p.path, p.text, p.region));
        let mut diags = p.diags;
        locate_all(&files, &mut diags);
        let span = diags[0].location.span.unwrap();
        assert_eq!((span.line, span.col), (3, 7));
    }

    #[test]
    fn binary_and_huge_files_are_diagnosed() {
        let p = parse_file(
            &mut yaml::Parser::default(),
            "b.yaml".into(),
            Content::Bytes(vec![0xff, 0xfe, 0, 1]),
        );
        assert_eq!(p.diags[0].code, Code::YamlSyntax);
        assert!(p.diags[0].message.contains("not UTF-8"));
        let p = parse_file(
            &mut yaml::Parser::default(),
            "h.yaml".into(),
            Content::Bytes(vec![b'a'; MAX_FILE_BYTES + 1]),
        );
        assert!(p.diags[0].message.contains("MiB"));
    }
}
