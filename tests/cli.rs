//! Command-line behaviour as data: each `tests/cmd/*.toml` is a command, its exit
//! status and its exact output (`*.stdout`, `*.stderr`); `*.in/` is the folder it
//! runs in. Refresh snapshots after an intended change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        // A hang fails the case instead of blocking CI.
        .timeout(std::time::Duration::from_secs(180))
        .case("tests/cmd/*.toml");
}
