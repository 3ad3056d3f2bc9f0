#!/usr/bin/env python3
"""Makes the pull-request branch of benches/gate.sh: one commit on top of `main`
touching 1,000 records of a gen_corpus.py repository, of mixed kinds:

  399 CIs          title added (modified)
  200 Services     owner changed (modified: the old and the new owner approve)
  150 Services     tier changed (modified; 1 <-> 2)
  150 Changes      risk raised (modified: owners of what they impact, maybe the CAB)
   50 Changes      added (normal, impacting a CI and a Service)
   25 Changes      removed
   25 Incidents    removed
    1 Policy       an approval rule added (tier-1 Services need two approvals)

usage: gate_branch.py REPO BRANCH
The branch is made with git plumbing (no checkout of the 100,000 files).
"""

import os
import re
import subprocess
import sys
import tempfile


def git(repo, *args, env=None, data=None):
    return subprocess.run(
        ["git", "-C", repo, *args],
        check=True,
        capture_output=True,
        input=data,
        env=env,
    ).stdout


def main():
    repo, branch = sys.argv[1], sys.argv[2]
    files = git(repo, "ls-tree", "-r", "--name-only", "main").decode().split("\n")
    files = [f for f in files if f]
    cis = sorted(f for f in files if f.startswith("cis/"))
    services = sorted(f for f in files if f.startswith("services/"))
    changes = sorted(f for f in files if f.startswith("changes/"))
    incidents = sorted(f for f in files if f.startswith("incidents/"))

    def show(path):
        return git(repo, "show", f"main:{path}").decode()

    edits = {}  # path -> new text, or None to remove
    for path in cis[::175][:399]:
        text = show(path)
        name = re.search(r"name: (\S+)", text).group(1)
        edits[path] = text.replace(f"name: {name}\n", f"name: {name}\n  title: {name} (renamed)\n", 1)
    step = len(services) // 350
    picked = services[::step][:350]
    for i, path in enumerate(picked):
        text = show(path)
        if i < 200:
            owner = int(re.search(r"owner: team-(\d+)", text).group(1))
            text = re.sub(r"owner: team-\d+", f"owner: team-{(owner + 1) % 1000:04d}", text, count=1)
        else:
            text = re.sub(r"tier: (\d)", lambda m: "tier: " + ("2" if m.group(1) == "1" else "1"), text, count=1)
        edits[path] = text
    for path in changes[1::60][:150]:
        text = show(path)
        text = re.sub(r"risk: (low|medium)", "risk: high", text, count=1)
        if "risk: high" not in text:
            text = text.replace("plan: Apply the change.", "plan: Apply the change, carefully.")
        edits[path] = text
    for path in changes[-25:] + incidents[-25:]:
        edits[path] = None
    for i in range(50):
        name = f"chg-9{i:05d}"
        edits[f"changes/{name}.yaml"] = (
            "apiVersion: itsm/v1\nkind: Change\nmetadata:\n"
            f"  name: {name}\nspec:\n  type: normal\n  risk: medium\n"
            f"  impacts: [ci:ci-{i * 1000:06d}, service:svc-{i * 100:05d}]\n"
            "  requestedBy: bench\n  status: scheduled\n"
            '  window: {start: "2026-12-10T22:00:00Z", end: "2026-12-11T01:00:00Z"}\n'
            "  plan: Apply the change.\n  backout: Revert it.\n"
        )
    policy = "policies/policy-0.md"
    text = show(policy)
    rule = (
        "  rules:\n"
        "    - id: tier1-two-approvals\n"
        "      kind: Service\n"
        '      when: "self.spec.tier == 1"\n'
        "      approve: {count: 2}\n"
        '      message: "Tier-1 services need two approvals from their owner"\n'
    )
    edits[policy] = text.replace("  reviewEvery: 12mo\n", "  reviewEvery: 12mo\n" + rule, 1)

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tmp, "index"))
        git(repo, "read-tree", "main", env=env)
        removes = [p for p, t in edits.items() if t is None]
        for i in range(0, len(removes), 200):
            git(repo, "update-index", "--force-remove", *removes[i:i + 200], env=env)
        lines = []
        for path, text in edits.items():
            if text is None:
                continue
            oid = git(repo, "hash-object", "-w", "--stdin", data=text.encode()).decode().strip()
            lines.append(f"100644 {oid}\t{path}\n")
        git(repo, "update-index", "--add", "--index-info", env=env, data="".join(lines).encode())
        tree = git(repo, "write-tree", env=env).decode().strip()
    commit_env = dict(
        os.environ,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        GIT_AUTHOR_DATE="2026-11-21T12:00:00Z",
        GIT_COMMITTER_DATE="2026-11-21T12:00:00Z",
    )
    commit = git(repo, "commit-tree", tree, "-p", "main", "-m", "Touch 1,000 records", env=commit_env, data=b"")
    git(repo, "update-ref", f"refs/heads/{branch}", commit.decode().strip())
    print(f"{branch}: {len(edits)} files changed")


if __name__ == "__main__":
    main()
