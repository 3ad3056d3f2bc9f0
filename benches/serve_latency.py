#!/usr/bin/env python3
"""Time `itsm serve` from a save to the reload signal.

Usage: benches/serve_latency.py [--corpus /tmp/c10k] [--dir /tmp/serve-c10k]
                                [--itsm target/release/itsm] [--saves 24] [--port 4567]

Copies the corpus (never edits it), starts `itsm -C DIR serve --port PORT`,
waits for the first build, then for each save: reads the current build version
(`/__itsm/poll?v=-1`), opens a long poll for the edited Service's page
(`/__itsm/poll?v=N&page=service/NAME.html`, as the live-reload script does),
changes the Service's `title:` and measures from the write to the poll's
answer (which must say `reload`). Saves alternate between an editor-style save
(write a temporary file, rename it over the record) and a plain overwrite.
Prints each save and min / median / max, the server's own build lines and its
CPU time per save (user + system, from /proc: steadier than wall time on a
busy machine; it includes the polls and the idle watcher).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


def get(port, query, timeout=30):
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/__itsm/poll?{query}", timeout=timeout
    ) as r:
        return json.loads(r.read())


def cpu_ms(pid):
    """User + system CPU time of a process, in milliseconds."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/tmp/c10k")
    ap.add_argument("--dir", default="/tmp/serve-c10k")
    ap.add_argument("--itsm", default="target/release/itsm")
    ap.add_argument("--saves", type=int, default=24)
    ap.add_argument("--port", type=int, default=4567)
    ap.add_argument("--service", default="svc-00042")
    args = ap.parse_args()

    if not os.path.exists(args.dir):
        shutil.copytree(args.corpus, args.dir, symlinks=True)
    shutil.rmtree(os.path.join(args.dir, "site"), ignore_errors=True)
    record = os.path.join(args.dir, "services", f"{args.service}.yaml")
    original = open(record).read()
    page = f"service/{args.service}.html"

    server = subprocess.Popen(
        [args.itsm, "-C", args.dir, "serve", "--port", str(args.port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    built = threading.Event()

    def reader():
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("built:"):
                built.set()

    threading.Thread(target=reader, daemon=True).start()
    try:
        if not built.wait(120):
            sys.exit("no first build within 120 s:\n" + "\n".join(lines))
        first_build = len(lines)
        time.sleep(1)
        times = []
        cpu_start = cpu_ms(server.pid)
        for n in range(args.saves):
            v = get(args.port, "v=-1")["version"]
            answer = {}

            def poll():
                answer.update(get(args.port, f"v={v}&page={page}"))
                answer["at"] = time.perf_counter()

            t = threading.Thread(target=poll)
            t.start()
            time.sleep(0.3)  # the poll is waiting
            text = original.replace("title: ", f"title: Edit {n} of ", 1)
            style = "rename" if n % 2 == 0 else "overwrite"
            start = time.perf_counter()
            if style == "rename":
                tmp = record + ".tmp"
                with open(tmp, "w") as f:
                    f.write(text)
                os.replace(tmp, record)
            else:
                with open(record, "w") as f:
                    f.write(text)
            t.join(30)
            if not answer.get("reload"):
                sys.exit(f"save {n}: no reload signal: {answer}")
            ms = (answer["at"] - start) * 1000
            times.append(ms)
            print(f"save {n:2} ({style:9}): {ms:7.1f} ms")
            time.sleep(0.5)
        cpu = cpu_ms(server.pid) - cpu_start
        print("server:", *lines[first_build - 1 :], sep="\n  ")
        print(f"server CPU time (user + sys): {cpu / len(times):.0f} ms per save")
        print(
            f"{len(times)} saves: min {min(times):.0f} ms, median "
            f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms"
        )
    finally:
        with open(record, "w") as f:
            f.write(original)
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
