//! The shape of the code that the issues ask to keep: dependencies between the
//! top-level modules point one way (no cycle), and functions stay short enough
//! to read at once. Both are measured by the scripts in `tests/tools/`.

mod common;

use std::path::Path;
use std::process::Command;

fn python(script: &str, args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = common::run(
        Command::new("python3")
            .current_dir(root)
            .arg(root.join("tests/tools").join(script))
            .args(args),
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

#[test]
fn the_top_level_modules_have_no_cycle() {
    let report = python("module_cycles.py", &[]);
    assert!(report.contains("cycles: none"), "{report}");
}

#[test]
fn no_function_is_much_longer_than_a_screen() {
    // About 60 lines: a few tables of templates and renderers run a little over.
    let report = python("long_functions.py", &["70"]);
    assert_eq!(report, "", "functions over 70 lines:\n{report}");
}
