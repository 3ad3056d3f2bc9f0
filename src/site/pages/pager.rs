//! Numbered navigation between the pages of a long list (`index.html`,
//! `index-2.html`, ... or `catalogue.html`, `catalogue-2.html`, ...).

use serde::Serialize;

/// One entry of the navigation: a page's number and file (relative to the
/// page), and whether it is the page shown.
#[derive(Serialize)]
pub(super) struct PageLink {
    n: usize,
    href: String,
    current: bool,
}

/// The file of page `n` of the list whose first page is `stem.html`.
pub(super) fn file(stem: &str, n: usize) -> String {
    if n == 1 {
        format!("{stem}.html")
    } else {
        format!("{stem}-{n}.html")
    }
}

/// The navigation of page `n` of `pages` (empty when there is one page).
pub(super) fn links(stem: &str, n: usize, pages: usize) -> Vec<PageLink> {
    if pages < 2 {
        return Vec::new();
    }
    (1..=pages)
        .map(|k| PageLink {
            n: k,
            href: file(stem, k),
            current: k == n,
        })
        .collect()
}
