//! Command-line behaviour as data: each `tests/cmd/*.toml` is a command, its exit
//! status and its exact output (`*.stdout`, `*.stderr`); `*.in/` is the folder it
//! runs in. Refresh snapshots after an intended change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
