//! The user guide in `docs/` (and the README) stays in sync with the code: the
//! field reference is what the schemas give, the checks page lists every
//! diagnostic code with its severity and runs its examples again, every command
//! has a page with every option, the workflows shown are the ones `itsm init`
//! writes, every relative link and anchor resolves, and the book builds.

mod common;

use itsm::diag::Code;
use itsm::model::Kind;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The date the checks examples are run at (the fixtures' own).
const TODAY: &str = "2026-11-21";

fn guide() -> PathBuf {
    Path::new(ROOT).join("docs/src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the tests look at in a Markdown file, in document order.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// A heading and its text (inline code keeps its backticks).
    Heading(HeadingLevel, String),
    /// An HTML block, such as a `<!-- ... -->` marker.
    Html(String),
    /// A fenced code block: its info string and its text.
    Code(String, String),
    /// A table row (the head too): the text of each cell.
    Row(Vec<String>),
    /// The destination of a link or an image.
    Link(String),
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut cells = Vec::new();
    let mut lang = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::TableCell) => text.clear(),
            Event::Start(Tag::CodeBlock(kind)) => {
                text.clear();
                lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push(Block::Link(dest_url.to_string()))
            }
            Event::Text(t) => text.push_str(&t),
            Event::Code(c) => text.push_str(&format!("`{c}`")),
            Event::Html(h) => out.push(Block::Html(h.to_string())),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Block::Heading(level, std::mem::take(&mut text)))
            }
            Event::End(TagEnd::TableCell) => cells.push(std::mem::take(&mut text)),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                out.push(Block::Row(std::mem::take(&mut cells)))
            }
            Event::End(TagEnd::CodeBlock) => {
                out.push(Block::Code(lang.clone(), std::mem::take(&mut text)))
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The field reference.

/// The field reference, as generated from the schemas.
fn field_reference() -> String {
    let mut out = String::new();
    for kind in Kind::ALL {
        let schema: Value = serde_json::from_str(itsm::schema::source(kind)).unwrap();
        let spec = &schema["properties"]["spec"];
        let required: Vec<&str> = spec["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        out.push_str(&format!(
            "\n## {}\n\n| field | required | meaning |\n|---|---|---|\n",
            kind.name()
        ));
        for (name, prop) in spec["properties"].as_object().unwrap() {
            let description = prop["description"]
                .as_str()
                .unwrap_or("")
                .replace('|', "\\|")
                .replace('\n', " ");
            let req = if required.contains(&name.as_str()) {
                "yes"
            } else {
                ""
            };
            out.push_str(&format!("| `{name}` | {req} | {description} |\n"));
        }
    }
    out
}

#[test]
fn the_field_reference_is_what_the_schemas_give() {
    const START: &str = "<!-- field-reference:start (generated from schemas/ by tests/docs.rs; ITSM_BLESS=1 cargo test --test docs rewrites it) -->\n";
    const END: &str = "<!-- field-reference:end -->";
    let path = guide().join("field-reference.md");
    let page = read(&path);
    let start = page.find(START).expect("the start marker") + START.len();
    let end = page.find(END).expect("the end marker");
    let wanted = field_reference();
    if std::env::var_os("ITSM_BLESS").is_some() {
        let text = format!("{}{wanted}\n{}", &page[..start], &page[end..]);
        std::fs::write(&path, text).unwrap();
        return;
    }
    assert_eq!(
        page[start..end].trim(),
        wanted.trim(),
        "docs/src/field-reference.md is stale: run ITSM_BLESS=1 cargo test --test docs"
    );
}

// ---------------------------------------------------------------------------
// The checks page.

/// The severity the checks page gives a code: `src/diag.rs`'s, and for `rule`
/// the note that a rule may lower it.
fn severity(code: Code) -> String {
    match code {
        Code::Rule => format!(
            "{} (or the rule's own `severity`)",
            code.severity().as_str()
        ),
        c => c.severity().as_str().to_string(),
    }
}

#[test]
fn the_checks_page_lists_every_code_with_its_severity_and_nothing_else() {
    let blocks = blocks(&read(&guide().join("checks.md")));
    let rows: Vec<Vec<String>> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Row(cells) if cells.first().is_some_and(|c| c != "code") => Some(cells.clone()),
            _ => None,
        })
        .collect();
    let wanted: Vec<Vec<String>> = Code::ALL
        .iter()
        .map(|&c| vec![format!("`{c}`"), severity(c), c.description().to_string()])
        .collect();
    assert_eq!(
        rows, wanted,
        "the table of docs/src/checks.md is not src/diag.rs's codes, severities and descriptions"
    );
    let sections: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(HeadingLevel::H3, text) if text.starts_with('`') => {
                Some(text.trim_matches('`'))
            }
            _ => None,
        })
        .collect();
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        sections, codes,
        "one section per code, in the table's order"
    );
}

#[test]
fn every_check_has_an_example_and_it_is_what_itsm_prints() {
    let blocks = blocks(&read(&guide().join("checks.md")));
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let Block::Html(html) = block else { continue };
        let Some(case) = html
            .trim()
            .strip_prefix("<!-- example: ")
            .and_then(|s| s.strip_suffix(" -->"))
        else {
            continue;
        };
        covered.insert(case.split("--").next().unwrap().to_string());
        let shown = blocks[i + 1..]
            .iter()
            .take_while(|b| !matches!(b, Block::Heading(..) | Block::Html(_)));
        failures.extend(check_example(case, shown));
    }
    let codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        covered, codes,
        "every code needs an example in docs/src/checks.md"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Compares the blocks shown after an example marker with the case: every
/// YAML or Markdown block is one of its files, the console block is what
/// `itsm check` prints there.
fn check_example<'a>(case: &str, shown: impl Iterator<Item = &'a Block>) -> Vec<String> {
    let fixture = Path::new(ROOT).join("tests/fixtures/checks").join(case);
    let repo = prepare(&fixture);
    let files: Vec<String> = common::files_under(repo.path())
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut failures = Vec::new();
    let mut ran = false;
    for block in shown {
        let Block::Code(lang, text) = block else {
            continue;
        };
        if lang == "console" {
            let out = common::itsm(repo.path(), &["check", "--today", TODAY]);
            let printed = format!("$ itsm check --today {TODAY}\n{}", common::stdout(&out));
            if *text != printed {
                failures.push(format!(
                    "{case}: the page shows\n{text}\nitsm prints\n{printed}"
                ));
            }
            ran = true;
        } else if !files.contains(text) {
            failures.push(format!(
                "{case}: this {lang} block is no file of the case:\n{text}"
            ));
        }
    }
    if !ran {
        failures.push(format!("{case}: no console block with what itsm prints"));
    }
    failures
}

/// A copy of a checks case with its `setup` done (see tests/checks.rs): a link,
/// a folder holding `.git`, a file whose name is not UTF-8.
fn prepare(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(fixture, dir.path());
    let Ok(setup) = std::fs::read_to_string(fixture.join("setup")) else {
        return dir;
    };
    let record = "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: other\nspec:\n  members: [{login: bob}]\n";
    for line in setup.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["link", path, target] => {
                std::os::unix::fs::symlink(target, dir.path().join(path)).unwrap()
            }
            ["submodule", path] => {
                std::fs::create_dir_all(dir.path().join(path).join(".git")).unwrap();
                std::fs::write(dir.path().join(path).join("team.yaml"), record).unwrap();
            }
            ["file", path] => std::fs::write(dir.path().join(bytes_path(path)), record).unwrap(),
            _ => panic!("{}: unknown setup line `{line}`", fixture.display()),
        }
    }
    dir
}

/// A path written with `\xNN` escapes, as bytes.
fn bytes_path(escaped: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut bytes = Vec::new();
    let mut rest = escaped.as_bytes();
    while let Some(&b) = rest.first() {
        if let [b'\\', b'x', hi, lo, ..] = rest {
            let hex = std::str::from_utf8(&[*hi, *lo]).unwrap().to_owned();
            bytes.push(u8::from_str_radix(&hex, 16).unwrap());
            rest = &rest[4..];
        } else {
            bytes.push(b);
            rest = &rest[1..];
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

// ---------------------------------------------------------------------------
// A page per command.

/// `itsm ARGS --help`.
fn help(args: &[&str]) -> String {
    let mut args = args.to_vec();
    args.push("--help");
    let out = common::itsm(Path::new(ROOT), &args);
    assert!(out.status.success(), "itsm {args:?}");
    common::stdout(&out)
}

/// The lines of a section of a help text (`Commands:`, `Options:`).
fn section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect()
}

/// Every leaf command of the clap command tree, as its words (`report sla`).
fn commands(prefix: &[&str]) -> Vec<Vec<String>> {
    let text = help(prefix);
    let subcommands: Vec<String> = section(&text, "Commands:")
        .iter()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    if subcommands.is_empty() {
        return vec![prefix.iter().map(|s| s.to_string()).collect()];
    }
    let mut out = Vec::new();
    for name in &subcommands {
        let mut path = prefix.to_vec();
        path.push(name);
        out.extend(commands(&path));
    }
    out
}

/// The long options a help text lists (`format` for `--format <FORMAT>`).
fn long_options(help: &str) -> BTreeSet<String> {
    section(help, "Options:")
        .iter()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("--")
                .or_else(|| l.get(4..)?.strip_prefix("--"))?;
            let end = l.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
            Some(l[..end.unwrap_or(l.len())].to_string())
        })
        .collect()
}

/// The chapters of SUMMARY.md: link text (backticks trimmed) -> file.
fn summary() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut link: Option<String> = None;
    let mut text = String::new();
    for event in Parser::new(&read(&guide().join("SUMMARY.md"))) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(dest_url.to_string());
                text.clear();
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(TagEnd::Link) => out.push((text.clone(), link.take().unwrap())),
            _ => {}
        }
    }
    out
}

#[test]
fn every_command_has_a_page_that_names_each_of_its_options() {
    let chapters: BTreeMap<String, String> = summary().into_iter().collect();
    let global = long_options(&help(&[]));
    let mut failures = Vec::new();
    let commands = commands(&[]);
    assert!(commands.len() >= 14, "{commands:?}");
    for words in &commands {
        let name = format!("itsm {}", words.join(" "));
        let Some(file) = chapters.get(&name) else {
            failures.push(format!("SUMMARY.md has no page `{name}`"));
            continue;
        };
        let page = read(&guide().join(file));
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        for option in long_options(&help(&args)).difference(&global) {
            if option != "help" && !page.contains(&format!("--{option}")) {
                failures.push(format!("{file} does not document `{name} --{option}`"));
            }
        }
    }
    for title in chapters.keys().filter(|t| t.starts_with("itsm ")) {
        if !commands
            .iter()
            .any(|w| *title == format!("itsm {}", w.join(" ")))
        {
            failures.push(format!(
                "SUMMARY.md has a page for `{title}`, which is no command"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// Links.

/// The README and every page of the guide.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![Path::new(ROOT).join("README.md")];
    files.extend(
        common::files_under(&guide())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    files
}

/// A heading's anchor, as GitHub and mdBook make it: lower case, letters,
/// digits, `-` and `_` kept, spaces to `-`, everything else dropped.
fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_lowercase().next()?),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown file (a repeated heading gets `-1`, `-2`...).
fn anchors(file: &Path) -> BTreeSet<String> {
    let mut seen = BTreeMap::<String, usize>::new();
    let mut out = BTreeSet::new();
    for block in blocks(&read(file)) {
        if let Block::Heading(_, text) = block {
            let base = slug(&text);
            let n = seen.entry(base.clone()).or_default();
            out.insert(if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            });
            *n += 1;
        }
    }
    out
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let in_guide = file.starts_with(guide());
        for block in blocks(&read(&file)) {
            let Block::Link(dest) = block else { continue };
            if dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = dest.split_once('#').unwrap_or((&dest, ""));
            let target = if path.is_empty() {
                file.clone()
            } else {
                normalise(&file.parent().unwrap().join(path))
            };
            let place = format!("{}: `{dest}`", file.display());
            if !target.exists() {
                failures.push(format!("{place}: no such file"));
            } else if in_guide && !target.starts_with(guide()) {
                failures.push(format!(
                    "{place}: leaves docs/src, broken in the built book"
                ));
            } else if !anchor.is_empty()
                && target.extension().is_some_and(|e| e == "md")
                && !anchors(&target).contains(anchor)
            {
                failures.push(format!("{place}: no heading with that anchor"));
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn anchors_are_made_as_github_and_mdbook_make_them() {
    assert_eq!(
        slug("Values, YAML rules and limits"),
        "values-yaml-rules-and-limits"
    );
    assert_eq!(slug("`itsm serve [--port N]`"), "itsm-serve---port-n");
    assert_eq!(
        slug("Your own app for `itsm/gate` (optional)"),
        "your-own-app-for-itsmgate-optional"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.md");
    std::fs::write(&file, "# A\n\n## Options\n\n## Options\n").unwrap();
    let want: BTreeSet<String> = ["a", "options", "options-1"].map(String::from).into();
    assert_eq!(anchors(&file), want);
}

// ---------------------------------------------------------------------------
// The GitHub Action.

#[test]
fn the_guide_shows_the_workflows_and_every_input_and_output_of_the_action() {
    let page = read(&guide().join("github-action.md"));
    assert!(
        page.contains(&format!("```yaml\n{}```", itsm::scaffold::WORKFLOW)),
        "docs/src/github-action.md's workflow differs from example-repo/.github/workflows/itsm.yml"
    );
    assert!(
        page.contains(&format!("```yaml\n{}```", itsm::scaffold::REVIEW_WORKFLOW)),
        "docs/src/github-action.md's review relay differs from example-repo/.github/workflows/itsm-review.yml"
    );
    let (docs, err) = itsm::load::yaml::parse(&read(&Path::new(ROOT).join("action.yml")));
    assert!(err.is_none(), "{err:?}");
    let action = docs[0].value.to_json();
    for section in ["inputs", "outputs"] {
        for name in action[section].as_object().unwrap().keys() {
            assert!(
                page.contains(&format!("| `{name}` |")),
                "docs/src/github-action.md does not document the {section} `{name}`"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The book.

#[test]
fn the_guide_builds_a_page_per_chapter() {
    let out = tempfile::tempdir().unwrap();
    let mut book = mdbook_driver::MDBook::load(Path::new(ROOT).join("docs")).expect("loads");
    book.config.build.build_dir = out.path().to_path_buf();
    book.build().expect("mdBook builds the guide");
    let html = book.build_dir_for("html");
    let mut pages = Vec::new();
    for item in book.iter() {
        if let mdbook_driver::book::BookItem::Chapter(chapter) = item {
            let path = chapter.path.as_ref().expect("no draft chapters");
            let page = html.join(path.with_extension("html"));
            assert!(page.is_file(), "{} was not built", page.display());
            pages.push(path.to_string_lossy().into_owned());
        }
    }
    let listed: Vec<String> = summary().into_iter().map(|(_, file)| file).collect();
    assert_eq!(pages, listed, "a page per chapter of SUMMARY.md");
}
