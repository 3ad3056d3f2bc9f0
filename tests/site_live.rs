//! The live preview of `itsm serve` as a library (`itsm::site::live`), without
//! the binary: which file events ask for what, and rebuilds after edits, broken
//! saves and a deleted output folder.

mod common;

use common::{VALID, write};
use itsm::site::live::{Batch, Live, Rebuilt, Settings};
use itsm::site::serve::{Limits, Server};
use notify_debouncer_full::DebouncedEvent;
use notify_debouncer_full::notify::event::{CreateKind, EventKind, ModifyKind};
use notify_debouncer_full::notify::{Event, event::Flag};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A supplier that no other record refers to.
const ACME: &str =
    "apiVersion: itsm/v1\nkind: Supplier\nmetadata:\n  name: acme\nspec:\n  owner: ops\n";

/// A repository (VALID and [`ACME`]) and a preview of it writing its site to `site/`.
fn preview() -> (tempfile::TempDir, PathBuf, Live) {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::path::absolute(tmp.path()).unwrap();
    write(&root, VALID);
    write(&root, &[("suppliers/acme.yaml", ACME)]);
    let (server, _) = Server::start(0, Limits::default()).unwrap();
    let settings = Settings {
        root: root.clone(),
        out: None,
        today: jiff::civil::date(2026, 11, 21),
        color: false,
        commit: None,
        evidence: Default::default(),
        github_url: "https://github.com".into(),
    };
    (tmp, root, Live::new(settings, server))
}

fn rebuild(live: &mut Live, batch: Batch) -> Rebuilt {
    live.rebuild(batch, &|_, _| {})
}

/// The record pages rendered by a build, which must have been written.
fn built(rebuilt: &Rebuilt) -> usize {
    match rebuilt {
        Rebuilt::Built {
            pages,
            write_error: None,
            ..
        } => *pages,
        other => panic!("not built: {}", other.message()),
    }
}

fn modified(path: &Path) -> DebouncedEvent {
    let event = Event::new(EventKind::Modify(ModifyKind::Any)).add_path(path.to_path_buf());
    DebouncedEvent::new(event, Instant::now())
}

fn files(paths: &[&str]) -> Batch {
    Batch::Files(paths.iter().map(|p| p.to_string()).collect())
}

#[test]
fn events_ask_for_what_they_touch() {
    let (_tmp, root, mut live) = preview();
    // Before the repository is read, any change reads it whole.
    let shop = root.join("services/shop.yaml");
    assert_eq!(live.batch(&[modified(&shop)]), Batch::Full);
    built(&rebuild(&mut live, Batch::Full));
    assert_eq!(
        live.batch(&[modified(&shop), modified(&shop)]),
        files(&["services/shop.yaml"])
    );
    for full in ["itsm.yaml", "theme/record.html", "theme", "services"] {
        assert_eq!(
            live.batch(&[modified(&root.join(full))]),
            Batch::Full,
            "{full}"
        );
    }
    let created = Event::new(EventKind::Create(CreateKind::Folder)).add_path(root.join("notes"));
    std::fs::create_dir(root.join("notes")).unwrap();
    assert_eq!(
        live.batch(&[DebouncedEvent::new(created, Instant::now())]),
        Batch::Full,
        "a new folder"
    );
    for nothing in [
        "services/.shop.yaml.swp",
        "services/shop.yaml~",
        "services/4913",
        ".git/index",
        "site/index.html",
        "services/notes.txt",
    ] {
        let event = modified(&root.join(nothing));
        assert_eq!(live.batch(&[event]), Batch::Nothing, "{nothing}");
    }
    let rescan = Event::new(EventKind::Other).set_flag(Flag::Rescan);
    assert_eq!(
        live.batch(&[DebouncedEvent::new(rescan, Instant::now())]),
        Batch::Full
    );
}

#[test]
fn rebuilds_what_changed_and_keeps_the_last_good_site() {
    let (_tmp, root, mut live) = preview();
    let page = root.join("site/supplier/acme.html");
    let total = built(&rebuild(&mut live, Batch::Full));
    assert_eq!(total, 5);
    assert!(root.join("site/index.html").is_file());
    let acme = "suppliers/acme.yaml";
    let titled = ACME.replace("name: acme\n", "name: acme\n  title: The Acme Company\n");
    std::fs::write(root.join(acme), &titled).unwrap();
    // Its page and its owner's.
    assert_eq!(built(&rebuild(&mut live, files(&[acme]))), 2);
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("The Acme Company")
    );

    // A broken save: refused with the diagnostics, the last good site stays.
    std::fs::write(
        root.join(acme),
        titled.replace("owner: ops", "owner: nobody"),
    )
    .unwrap();
    match rebuild(&mut live, files(&[acme])) {
        Rebuilt::Refused(text) => {
            assert!(text.contains(acme), "{text}");
            assert!(text.contains("the site was not built"), "{text}");
        }
        other => panic!("not refused: {}", other.message()),
    }
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("The Acme Company")
    );

    // The fix, then the output folder deleted by hand: written again whole.
    std::fs::write(root.join(acme), ACME).unwrap();
    assert_eq!(built(&rebuild(&mut live, files(&[acme]))), 2);
    assert!(
        !std::fs::read_to_string(&page)
            .unwrap()
            .contains("The Acme Company")
    );
    std::fs::remove_dir_all(root.join("site")).unwrap();
    let gone = modified(&root.join("site"));
    assert_eq!(live.batch(&[gone]), Batch::Rewrite);
    assert_eq!(built(&rebuild(&mut live, Batch::Rewrite)), total);
    assert!(page.is_file() && root.join("site/.itsm-site").is_file());
}

#[test]
fn an_unreadable_repository_is_told_and_recovers() {
    let (_tmp, root, mut live) = preview();
    built(&rebuild(&mut live, Batch::Full));
    let config = std::fs::read_to_string(root.join("itsm.yaml")).unwrap();
    std::fs::remove_file(root.join("itsm.yaml")).unwrap();
    std::fs::create_dir(root.join("itsm.yaml")).unwrap();
    let failed = rebuild(&mut live, Batch::Full);
    assert!(
        matches!(failed, Rebuilt::Unreadable(_)),
        "{}",
        failed.message()
    );
    assert!(
        failed.message().contains("itsm.yaml"),
        "{}",
        failed.message()
    );
    std::fs::remove_dir(root.join("itsm.yaml")).unwrap();
    std::fs::write(root.join("itsm.yaml"), config).unwrap();
    assert_eq!(built(&rebuild(&mut live, Batch::Full)), 5);
}
