//! Templates and assets. The defaults are built into the binary; a repository
//! overrides any of them from its `theme/` folder: `theme/<template>.html` for a
//! template, `theme/assets/<file>` for a stylesheet, script or image (added to
//! the site's `assets/`, replacing the default of the same name).

use super::File;
use anyhow::{Context, Result};
use minijinja::{AutoEscape, Environment};
use std::path::{Path, PathBuf};

/// The default templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/base.html")),
    ("home.html", include_str!("theme/home.html")),
    ("catalogue.html", include_str!("theme/catalogue.html")),
    ("record.html", include_str!("theme/record.html")),
    ("kind.html", include_str!("theme/kind.html")),
    ("changes.html", include_str!("theme/changes.html")),
    ("coverage.html", include_str!("theme/coverage.html")),
    ("graph.html", include_str!("theme/graph.html")),
    ("search.html", include_str!("theme/search.html")),
];

/// The default assets, written to `assets/`.
pub const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("theme/style.css")),
    ("site.js", include_str!("theme/site.js")),
    ("search.js", include_str!("theme/search.js")),
    ("live.js", include_str!("theme/live.js")),
];

/// The template environment, with the repository's overrides.
pub struct Theme {
    pub env: Environment<'static>,
    dir: Option<PathBuf>,
    /// Whether record pages use the default `record.html` and `base.html`,
    /// which [`super::native`] renders without the template engine.
    pub default_record: bool,
}

impl Theme {
    /// Templates from `dir` (the repository's `theme/`, when it exists) first,
    /// then the defaults. Every `.html` template escapes what it prints.
    pub fn new(dir: Option<PathBuf>, live_reload: bool) -> Result<Theme> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".svg") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        // Escapes as minijinja does, but leaves `/` alone (readable URLs).
        env.set_formatter(
            |out, state, value| match (state.auto_escape(), value.as_str()) {
                (AutoEscape::Html, Some(s)) if !value.is_safe() => out
                    .write_str(&super::esc(s))
                    .map_err(minijinja::Error::from),
                _ => minijinja::escape_formatter(out, state, value),
            },
        );
        env.add_global("live_reload", live_reload);
        let dir = dir.filter(|d| d.is_dir());
        let loader_dir = dir.clone();
        env.set_loader(move |name| {
            if let Some(dir) = &loader_dir
                && let Ok(path) = super::write::inside(dir, name)
                && path.is_file()
            {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", path.display()),
                    )
                });
            }
            Ok(TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string()))
        });
        // Compile every template now, so that a broken override is reported once.
        for (name, _) in TEMPLATES {
            env.get_template(name)
                .with_context(|| format!("template {name}"))?;
        }
        let default_record = dir.as_ref().is_none_or(|dir| {
            ["base.html", "record.html"]
                .iter()
                .all(|name| super::write::inside(dir, name).is_ok_and(|p| !p.is_file()))
        });
        Ok(Theme {
            env,
            dir,
            default_record,
        })
    }

    /// Renders template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String> {
        let t = self.env.get_template(name)?;
        t.render(ctx).map_err(|e| anyhow::anyhow!(describe(&e)))
    }

    /// The files of `assets/`: the defaults, then the repository's own.
    pub fn assets(&self) -> Result<Vec<File>> {
        let mut files: Vec<File> = ASSETS
            .iter()
            .map(|(name, text)| File {
                path: format!("assets/{name}"),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        if let Some(dir) = &self.dir {
            let assets = dir.join("assets");
            if assets.is_dir() {
                for entry in walkdir::WalkDir::new(&assets).follow_links(false) {
                    let entry =
                        entry.with_context(|| format!("cannot read {}", assets.display()))?;
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    let Some(rel) = relative(&assets, entry.path()) else {
                        continue;
                    };
                    let path = format!("assets/{rel}");
                    if super::write::inside(Path::new("."), &path).is_err() {
                        continue;
                    }
                    let bytes = std::fs::read(entry.path())
                        .with_context(|| format!("cannot read {}", entry.path().display()))?;
                    files.retain(|f| f.path != path);
                    files.push(File { path, bytes });
                }
            }
        }
        Ok(files)
    }
}

fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// A template error with its template, line and cause chain.
fn describe(e: &minijinja::Error) -> String {
    let mut text = format!("template error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}
