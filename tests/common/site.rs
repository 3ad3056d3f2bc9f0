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

/// The `file://` URL of page `rel` of `site`.
pub fn file_url(site: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", site.display())
}

/// What `script` (an expression) gives on the page `rel` of `site` shown in
/// a window `size` wide and high (`390,844`), after the page's own scripts:
/// the page is copied beside itself with the script added.
pub fn probe(site: &Path, rel: &str, size: &str, script: &str) -> String {
    let (file, fragment) = rel.split_once('#').unwrap_or((rel, ""));
    let html = page(site, file);
    let probed = file.replace(".html", ".probe.html");
    let add = format!(
        "<script>window.addEventListener('load', function () {{ var p = document.createElement('output'); p.id = 'probe'; p.textContent = String({script}); document.body.appendChild(p); }});</script></body>"
    );
    std::fs::write(site.join(&probed), html.replace("</body>", &add)).unwrap();
    let o = chromium(&[
        &format!("--window-size={size}"),
        "--virtual-time-budget=5000",
        "--dump-dom",
        &format!("{}#{fragment}", file_url(site, &probed)),
    ]);
    probed_value(rel, &stdout(&o))
}

/// What `script` gives on the page `rel` of `site` on a phone: shown in a
/// frame 390 by 844 pixels (a headless window is at least 500 wide), from a
/// page beside it that reads the frame.
pub fn probe_phone(site: &Path, rel: &str, script: &str) -> String {
    let script = serde_json::to_string(script).unwrap();
    let wrapper = format!(
        "<!doctype html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"{rel}\" style=\"border:0;width:390px;height:844px\"></iframe><script>var f = document.getElementById('f'); f.addEventListener('load', function () {{ var v; try {{ v = String(f.contentWindow.eval({script})); }} catch (e) {{ v = 'error: ' + e; }} var p = document.createElement('output'); p.id = 'probe'; p.textContent = v; document.body.appendChild(p); }});</script></body></html>"
    );
    std::fs::write(site.join("phone.probe.html"), wrapper).unwrap();
    let o = chromium(&[
        "--window-size=1280,900",
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
        "--dump-dom",
        &file_url(site, "phone.probe.html"),
    ]);
    probed_value(rel, &stdout(&o))
}

/// The value a probe wrote into the page `dom`.
fn probed_value(rel: &str, dom: &str) -> String {
    let start = dom
        .find("<output id=\"probe\">")
        .unwrap_or_else(|| panic!("{rel}: the probe did not run:\n{dom}"))
        + "<output id=\"probe\">".len();
    let end = dom[start..].find("</output>").unwrap() + start;
    dom[start..end].to_string()
}
