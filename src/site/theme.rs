//! Templates and assets. The defaults are built into the binary; a repository
//! overrides any of them from its `theme/` folder: `theme/<template>.html` for a
//! template, `theme/assets/<file>` for a stylesheet, script or image (added to
//! the site's `assets/`, replacing the default of the same name).

use super::file::File;
use minijinja::{AutoEscape, Environment};
use std::path::{Path, PathBuf};

/// Why the theme could not be read or a page rendered with it.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A template of the theme does not compile.
    #[error("template {name}")]
    Template {
        name: &'static str,
        #[source]
        source: minijinja::Error,
    },
    /// A page could not be rendered: the template error with its template,
    /// line and cause chain, as one text (see `describe`).
    #[error("{0}")]
    Render(String),
    #[error(transparent)]
    Engine(#[from] minijinja::Error),
    /// A link in the theme, which the build does not follow (a link could
    /// publish any file the build can read, its environment included).
    #[error(
        "{} is a symbolic link: itsm reads nothing through links; replace it with a copy of what it points to",
        path.display()
    )]
    Link { path: PathBuf },
    #[error("{} is not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Walk {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
}

type Result<T, E = ThemeError> = std::result::Result<T, E>;

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
    (
        "management-system.html",
        include_str!("theme/management-system.html"),
    ),
    ("actions.html", include_str!("theme/actions.html")),
    ("risks.html", include_str!("theme/risks.html")),
    ("objectives.html", include_str!("theme/objectives.html")),
    ("sla.html", include_str!("theme/sla.html")),
    ("capacity.html", include_str!("theme/capacity.html")),
];

/// The default assets, written to `assets/`.
pub const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("theme/style.css")),
    ("site.js", include_str!("theme/site.js")),
    ("search.js", include_str!("theme/search.js")),
    ("live.js", include_str!("theme/live.js")),
    ("favicon.svg", include_str!("theme/favicon.svg")),
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
                    .write_str(&crate::html::esc(s))
                    .map_err(minijinja::Error::from),
                _ => minijinja::escape_formatter(out, state, value),
            },
        );
        env.add_global("live_reload", live_reload);
        let dir = match dir {
            Some(dir) => theme_dir(dir)?,
            None => None,
        };
        let loader_dir = dir.clone();
        env.set_loader(move |name| {
            if let Some(found) = loader_dir.as_deref().and_then(|dir| override_of(dir, name)) {
                return found.map(Some);
            }
            Ok(TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| t.to_string()))
        });
        // Compile every template now, so that a broken override is reported once.
        for (name, _) in TEMPLATES {
            env.get_template(name)
                .map_err(|source| ThemeError::Template { name, source })?;
        }
        let default_record = dir.as_ref().is_none_or(|dir| {
            ["base.html", "record.html"]
                .iter()
                .all(|name| super::write::inside(dir, name).is_ok_and(|p| !is_file(&p)))
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
        t.render(ctx).map_err(|e| ThemeError::Render(describe(&e)))
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
            for (path, bytes) in theme_assets(dir)? {
                files.retain(|f| f.path != path);
                files.push(File { path, bytes });
            }
        }
        Ok(files)
    }
}

/// The template `name` of the theme folder `dir`, when it has one.
fn override_of(dir: &Path, name: &str) -> Option<Result<String, minijinja::Error>> {
    let path = super::write::inside(dir, name).ok()?;
    let read = read_theme_file(dir, &path).and_then(|bytes| {
        bytes
            .map(|b| {
                // The bytes are not shown: the path is what the user needs.
                String::from_utf8(b).map_err(|_| ThemeError::NotText { path: path.clone() })
            })
            .transpose()
    });
    let error = |e: ThemeError| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, super::chain(&e))
    };
    read.map_err(error).transpose()
}

/// The theme folder, when there is one; refused when it is a link.
fn theme_dir(dir: PathBuf) -> Result<Option<PathBuf>> {
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_symlink() => Err(link_error(&dir)),
        Ok(meta) if meta.is_dir() => Ok(Some(dir)),
        _ => Ok(None),
    }
}

/// The error for a link in the theme at `path`.
fn link_error(path: &Path) -> ThemeError {
    ThemeError::Link {
        path: path.to_path_buf(),
    }
}

/// Whether `path` is a regular file (a link is not).
fn is_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The bytes of the file at `path` (inside `dir`), read without following a
/// link on the way: `None` when there is no regular file there, an error for a link.
fn read_theme_file(dir: &Path, path: &Path) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let Ok(rel) = path.strip_prefix(dir) else {
        return Ok(None);
    };
    let mut at = dir.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_symlink() => return Err(link_error(&at)),
            Ok(meta) if meta.is_dir() || (meta.is_file() && at == path) => {}
            _ => return Ok(None),
        }
    }
    // Opened without following a link: one put there since the look above is refused too.
    let read_error = |source| ThemeError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::load::open_no_follow(path).map_err(read_error)?;
    let Some(mut file) = file else {
        return Err(link_error(path));
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(read_error)?;
    Ok(Some(bytes))
}

/// The files of `theme/assets` (site path, bytes); an error for any link in it.
fn theme_assets(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let assets = dir.join("assets");
    match std::fs::symlink_metadata(&assets) {
        Ok(meta) if meta.is_symlink() => return Err(link_error(&assets)),
        Ok(meta) if meta.is_dir() => {}
        _ => return Ok(Vec::new()),
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&assets).follow_links(false) {
        let entry = entry.map_err(|source| ThemeError::Walk {
            path: assets.clone(),
            source,
        })?;
        let Some(rel) = relative(&assets, entry.path()) else {
            continue;
        };
        let path = format!("assets/{rel}");
        if super::write::inside(Path::new("."), &path).is_err() {
            continue;
        }
        if entry.file_type().is_symlink() {
            return Err(link_error(entry.path()));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(bytes) = read_theme_file(dir, entry.path())? {
            found.push((path, bytes));
        }
    }
    Ok(found)
}

fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// A template error with its template, line and cause chain.
fn describe(e: &minijinja::Error) -> String {
    format!("template error: {}", super::chain(e))
}
