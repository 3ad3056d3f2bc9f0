//! `itsm new` given a path for a name writes nothing outside the repository,
//! which a case in `tests/cmd/new/` cannot see. What `init` and `new` write and
//! print, and that it checks, is in `tests/cmd/init/` and `tests/cmd/new/`.

mod common;
use common::*;

#[test]
fn a_name_that_is_a_path_writes_nothing_outside() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("repo");
    write(&root, VALID);
    let out = itsm(&root, &["new", "service", "../../x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_has(&stderr(&out), "not a valid name");
    assert_eq!(files_under(outer.path()).len(), VALID.len());
}
