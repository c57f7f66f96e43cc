#!/usr/bin/python3
"""Replays the safety gate over a repository's real history.

Usage: /usr/bin/python3 bench/replay_history.py --repo PATH [--migline BIN] [--rev REV]
           [--limit N] [--json out.json] [--show] [--setting NAME=VALUE ...]
           [--database postgresql|mysql|sqlite] [--commits FILE] [--scratch DIR]

For each first-parent commit C of REV (default HEAD) whose diff against its first parent
adds a migration file (`<...>/migrations/<name>.py`, name not starting with `_`), newest
first, at most --limit of them: checks C out in a scratch clone (`git clone --shared` of
PATH into a temporary directory; the original repository is never touched) and runs
`migline check --base C^1 --format json` there, which is what CI would have said on that
pull request. Every safety finding (rule, severity, path, line, message) is collected; the
other findings of `check` (manifest, published-*, ...) are counted apart, since these
projects do not use migline. A commit where `check` cannot load the project (exit 2, no
JSON, a timeout) is counted and skipped, never a crash.

It prints the findings per rule and severity, and with --show every finding. --json writes
everything (the commits replayed, each finding with its commit) for reading by hand.
--commits FILE replays exactly the commits listed in FILE (one hash a line; e.g. the
`commits` of an earlier --json), so a later binary is measured on the same commits.
The scratch clone is a sparse checkout of migration packages and apps.py (--full-checkout
for everything). --setting NAME=VALUE (e.g. AUTH_USER_MODEL=users.User) and --database write a
`.migline.yaml` into the scratch work tree (untracked; the projects have none).
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MIGLINE = os.path.join(HERE, "..", "build", "test", "migline")

# Rules of `check` that are not safety rules: counted apart.
NOT_SAFETY = {"divergent-leaves", "duplicate-number", "duplicate-label", "parse-error",
              "unlabelled-package", "unconfigured-setting", "branch-behind", "error",
              "dangling-dependency", "cycle", "stage-order", "mixed-stages"}
NOT_SAFETY_PREFIXES = ("manifest-", "published-")


# What migline reads of a Django project: the rest is never checked out.
SPARSE = ["/**/migrations/", "/**/apps.py", "/.migline.yaml", "/.gitattributes"]


def is_safety(rule):
    return rule not in NOT_SAFETY and not rule.startswith(NOT_SAFETY_PREFIXES)


def git(cwd, *args, check=True):
    proc = subprocess.run(["git", *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, errors="replace")
    if check and proc.returncode != 0:
        raise SystemExit("git %s failed: %s" % (" ".join(args), proc.stderr.strip()))
    return proc


def is_migration(path):
    parts = path.split("/")
    return (len(parts) >= 2 and parts[-2] == "migrations" and parts[-1].endswith(".py")
            and not parts[-1].startswith(("_", "~")))


def commits_adding_migrations(clone, rev):
    """[(commit, [added migration paths])], newest first, first-parent history of rev."""
    out = git(clone, "log", "--first-parent", "--diff-merges=first-parent", "--diff-filter=A",
              "--name-only", "--format=%x00%H %P", rev, "--", "*migrations/*.py").stdout
    result = []
    for chunk in out.split("\x00")[1:]:
        lines = chunk.strip().split("\n")
        head = lines[0].split()
        if len(head) < 2:
            continue  # a root commit has no C^1 to compare with
        added = [p for p in lines[1:] if p and is_migration(p)]
        if added:
            result.append((head[0], added))
    return result


def write_config(clone, settings, database):
    lines = []
    if settings:
        lines.append("settings:")
        for name, value in settings:
            lines.append("  %s: %s" % (name, value))
    if database:
        lines.append("safety:")
        lines.append("  database: %s" % database)
    path = os.path.join(clone, ".migline.yaml")
    if lines:
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")


def replay(args):
    repo = os.path.abspath(args.repo)
    migline = os.path.abspath(args.migline)
    scratch = args.scratch or tempfile.mkdtemp(prefix="migline-replay-")
    clone = os.path.join(scratch, "clone")
    if not os.path.isdir(os.path.join(clone, ".git")):
        subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", repo, clone],
                       check=True)
        if not args.full_checkout:
            # Only what migline reads: a mirror may lack a project's large data files.
            git(clone, "sparse-checkout", "set", "--no-cone", *SPARSE)
    rev = args.rev
    if args.commits:
        with open(args.commits) as f:
            wanted = [line.split()[0] for line in f if line.strip()]
        commits = [(c, []) for c in wanted]
    else:
        commits = commits_adding_migrations(clone, rev)
        if args.limit:
            commits = commits[:args.limit]
    env = dict(os.environ, MIGLINE_NO_ANSWER_CACHE="1", NO_COLOR="1", LC_ALL="C")
    settings = [tuple(s.split("=", 1)) for s in args.setting]
    findings = []
    other = collections.Counter()
    failed = []
    started = time.monotonic()
    for i, (commit, added) in enumerate(commits):
        r = git(clone, "checkout", "-q", "-f", "--detach", commit, check=False)
        if r.returncode != 0:
            failed.append({"commit": commit, "why": "checkout: " + r.stderr.strip()[:200]})
            continue
        git(clone, "clean", "-q", "-fdx", "-e", ".migline.yaml", check=False)
        write_config(clone, settings, args.database)
        try:
            proc = subprocess.run([migline, "check", "--base", commit + "^1", "--format", "json"],
                                  cwd=clone, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, errors="replace",
                                  timeout=args.timeout)
        except subprocess.TimeoutExpired:
            failed.append({"commit": commit, "why": "timeout"})
            continue
        if proc.returncode < 0 or proc.returncode > 1:
            failed.append({"commit": commit, "why": "exit %d: %s" % (proc.returncode,
                                                                      proc.stderr.strip()[:300])})
            continue
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            failed.append({"commit": commit, "why": "not JSON: " + proc.stdout[:200]})
            continue
        items = data if isinstance(data, list) else data.get("findings", [])
        for item in items:
            rule = item.get("rule", "")
            if not is_safety(rule):
                other[rule] += 1
                continue
            findings.append(dict(item, commit=commit))
        if args.progress:
            print("[%d/%d] %s %d findings so far (%.0fs)" % (
                i + 1, len(commits), commit[:10], len(findings), time.monotonic() - started),
                file=sys.stderr)
    elapsed = time.monotonic() - started
    if not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"repo": repo, "rev": rev, "migline": migline, "seconds": round(elapsed, 1),
            "commits": [c for c, _ in commits], "failed": failed, "other": dict(other),
            "findings": findings}


def summarize(result, show):
    per_rule = collections.defaultdict(collections.Counter)
    for f in result["findings"]:
        per_rule[f["rule"]][f["severity"]] += 1
    print("%s: %d commits replayed in %.1f s, %d failed to load" % (
        result["repo"], len(result["commits"]), result["seconds"], len(result["failed"])))
    print("%-28s %7s %7s %7s %7s" % ("rule", "error", "warning", "note", "total"))
    total = collections.Counter()
    for rule in sorted(per_rule):
        c = per_rule[rule]
        total.update(c)
        print("%-28s %7d %7d %7d %7d" % (rule, c["error"], c["warning"], c["note"],
                                          sum(c.values())))
    print("%-28s %7d %7d %7d %7d" % ("all", total["error"], total["warning"], total["note"],
                                      sum(total.values())))
    if result["other"]:
        print("other findings of check (not safety): " + ", ".join(
            "%s %d" % kv for kv in sorted(result["other"].items())))
    for f in result["failed"]:
        print("failed %s: %s" % (f["commit"][:12], f["why"]))
    if show:
        for f in result["findings"]:
            print("%s %s:%d: %s [%s] %s" % (f["commit"][:10], f["path"], f["line"],
                                           f["severity"], f["rule"], f["message"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True)
    parser.add_argument("--migline", default=DEFAULT_MIGLINE)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--commits")
    parser.add_argument("--json")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--setting", action="append", default=[])
    parser.add_argument("--database", choices=["postgresql", "mysql", "sqlite"])
    parser.add_argument("--scratch", help="reuse this scratch directory (kept afterwards)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--full-checkout", action="store_true",
                        help="check out every file, not only migrations and apps.py")
    args = parser.parse_args()
    result = replay(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    summarize(result, args.show)


if __name__ == "__main__":
    main()
