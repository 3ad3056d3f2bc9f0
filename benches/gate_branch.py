#!/usr/bin/env python3
"""Makes the pull-request branch of benches/gate.sh: one commit on top of `main`
touching K records of a generated repository (either generator), of mixed
kinds, in these shares of K (1,000 for a 100,000-record repository):

  39.9%  CIs          title added (modified)
  20%    Services     owner changed (modified: the old and the new owner approve)
  15%    Services     tier changed (modified; 1 <-> 2)
  15%    Changes      risk raised to high (modified: owners of what they impact, maybe the CAB)
   5%    Changes      added (normal, impacting a CI and a Service)
   2.5%  Changes      removed
   2.5%  Incidents    removed
   1     Policy       an approval rule added (tier-1 Services need two approvals)

usage: gate_branch.py REPO BRANCH [K]      (K default 1000)
The branch is made with git plumbing (no checkout).
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


def spread(items, k):
    """k items spread evenly over `items` (all of them if fewer)."""
    if k >= len(items):
        return list(items)
    return [items[i * len(items) // k] for i in range(k)]


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def main():
    repo, branch = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    share = lambda per_mille: max(1, k * per_mille // 1000)
    files = [f for f in git(repo, "ls-tree", "-r", "--name-only", "main").decode().split("\n") if f]
    under = lambda folder: sorted(f for f in files if f.startswith(folder + "/"))
    cis, services, changes = under("cis"), under("services"), under("changes")
    incidents, teams, policies = under("incidents"), under("teams"), under("policies")

    def show(path):
        return git(repo, "show", f"main:{path}").decode()

    edits = {}  # path -> new text, or None to remove
    for path in spread(cis, share(399)):
        text = show(path)
        name = re.search(r"name: (\S+)", text).group(1)
        edits[path] = text.replace(f"name: {name}\n", f"name: {name}\n  title: {name} (renamed)\n", 1)
    for i, path in enumerate(spread(services, share(200) + share(150))):
        text = show(path)
        if i < share(200):
            owner = int(re.search(r"owner: team-(\d+)", text).group(1))
            text = re.sub(r"owner: team-\d+", f"owner: team-{(owner + 1) % len(teams):04d}", text, count=1)
        else:
            text = re.sub(r"tier: (\d)", lambda m: "tier: " + ("2" if m.group(1) == "1" else "1"), text, count=1)
        edits[path] = text
    removed = share(25)
    kept = changes[:-removed]
    for path in spread(kept, share(150)):
        # High risk needs a window (a Policy rule of gen_corpus.rs): only Changes with one.
        text = show(path)
        raised = re.sub(r"risk: (low|medium)", "risk: high", text, count=1) if "window:" in text else text
        if raised == text:
            raised = text.replace("\nspec:\n", '\n  annotations: {touched: "yes"}\nspec:\n', 1)
        edits[path] = raised
    for path in changes[-removed:] + incidents[-share(25):]:
        edits[path] = None
    added_cis = spread(cis, share(50))
    added_services = spread(services, share(50))
    for i in range(share(50)):
        name = f"chg-9{i:05d}"
        edits[f"changes/{name}.yaml"] = (
            "apiVersion: itsm/v1\nkind: Change\nmetadata:\n"
            f"  name: {name}\nspec:\n  type: normal\n  risk: medium\n"
            f"  impacts: [ci:{stem(added_cis[i % len(added_cis)])}, "
            f"service:{stem(added_services[i % len(added_services)])}]\n"
            "  requestedBy: bench\n  status: scheduled\n"
            '  window: {start: "2026-12-10T22:00:00Z", end: "2026-12-11T01:00:00Z"}\n'
            "  plan: Apply the change.\n  backout: Revert it.\n"
        )
    edits[policies[0]] = with_rule(show(policies[0]))
    commit(repo, branch, edits)
    print(f"{branch}: {len(edits)} files changed")


def with_rule(text):
    """The Policy `text` with an approval rule added to its rules (made if missing)."""
    rule = (
        "    - id: tier1-two-approvals\n"
        "      kind: Service\n"
        '      when: "self.spec.tier == 1"\n'
        "      approve: {count: 2}\n"
        '      message: "Tier-1 services need two approvals from their owner"\n'
    )
    if "\n  rules:\n" in text:
        return text.replace("\n  rules:\n", "\n  rules:\n" + rule, 1)
    return text.replace("\nspec:\n", "\nspec:\n  rules:\n" + rule, 1)


def commit(repo, branch, edits):
    """One commit on `main` applying `edits`, as refs/heads/BRANCH."""
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
    commit = git(repo, "commit-tree", tree, "-p", "main", "-m", "Touch records", env=commit_env, data=b"")
    git(repo, "update-ref", f"refs/heads/{branch}", commit.decode().strip())


if __name__ == "__main__":
    main()
