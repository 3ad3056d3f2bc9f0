//! Helpers for the tests of the site: building a repository into a
//! temporary folder and reading its pages.

use super::{itsm, stderr, stdout};
use std::path::{Path, PathBuf};

/// example-repo of this checkout.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo")
}

/// Builds `repo` as of `today` into a new temporary folder: it and the site.
pub fn build(repo: &Path, today: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = itsm(
        repo,
        &["build", "--today", today, "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    (tmp, out)
}

/// The text of the page `rel` of `site`.
pub fn page(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The HTML of the `<section>` whose heading is `<h2>{title}</h2>`.
pub fn section<'a>(html: &'a str, title: &str) -> &'a str {
    let start = html
        .find(&format!("<h2>{title}</h2>"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// Debian's Chromium, which the browser tests drive headless.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless Chromium with `args` (a fresh profile, no network of its
/// own, killed after the tests' time limit) and asserts that it succeeded.
pub fn chromium(args: &[&str]) -> std::process::Output {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: the browser tests need it; run `apt-get install chromium`"
    );
    let profile = tempfile::tempdir().unwrap();
    let o = super::run(
        std::process::Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args),
    );
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    o
}
