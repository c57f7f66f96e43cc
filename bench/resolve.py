#!/usr/bin/env python3
"""Times `migline resolve` on a merge that moves a long chain: two apps, the feature branch
adding --chain migrations to each (billing's depending on orders'), main adding one to each.
Each run starts from a fresh copy of the conflicted merge; prints the median wall and CPU
(user + system) time of --reps runs for each binary given, interleaved, so that two builds
are compared on the same copies under the same load. Wall time is mostly waiting for the
disk (fsync), so it swings with whatever else writes to the same disk.

    bench/resolve.py --chain 200 --reps 7 build/base/migline build/test/migline
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "support"))
from testing import CLEAN_ENV, add_app, migration  # noqa: E402


ENV = dict(CLEAN_ENV)


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, env=ENV, check=False, capture_output=True)


def write(root, relative, text):
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def generate(root, chain, binary):
    ENV["MIGLINE"] = binary  # the hook and the merge driver keep the manifest, as in real use
    class Ws:
        def write(self, relative, text):
            write(root, relative, text)
    git(root, "init", "-q", "-b", "main")
    add_app(Ws(), "shop/orders", [("0001_initial", [])])
    add_app(Ws(), "shop/billing", [("0001_initial", [])])
    subprocess.run([binary, "init"], cwd=root, env=dict(CLEAN_ENV, HOME=root), check=True,
                   capture_output=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    previous = {"orders": "0001_initial", "billing": "0001_initial"}
    for i in range(chain):
        for app in ("orders", "billing"):
            name = "%04d_feature_%d" % (i + 2, i)
            deps = [(app, previous[app])] + ([("orders", previous["orders"])] if app == "billing" else [])
            write(root, "shop/%s/migrations/%s.py" % (app, name), migration(app, name, deps))
            previous[app] = name
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "feature")
    git(root, "checkout", "-q", "main")
    write(root, "shop/orders/migrations/0002_main.py", migration("orders", "0002_main", [("orders", "0001_initial")]))
    write(root, "shop/billing/migrations/0002_main.py", migration("billing", "0002_main", [("billing", "0001_initial")]))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "main")
    git(root, "merge", "--no-edit", "feature")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--chain", type=int, default=200, help="migrations moved per app")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="migline-bench-resolve-")
    template = os.path.join(work, "template")
    os.makedirs(template)
    generate(template, args.chain, os.path.abspath(args.binaries[0]))
    times = {binary: [] for binary in args.binaries}
    cpu = {binary: [] for binary in args.binaries}
    for _ in range(args.reps):
        for binary in args.binaries:  # interleaved, so that load on the machine hits both
            run_dir = os.path.join(work, "run")
            shutil.rmtree(run_dir, ignore_errors=True)
            shutil.copytree(template, run_dir)
            git(run_dir, "status", "-s")  # refresh the index's stat data after the copy
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run([os.path.abspath(binary), "resolve"], cwd=run_dir,
                                  env=dict(CLEAN_ENV, HOME=run_dir), capture_output=True)
            times[binary].append(time.perf_counter() - start)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[binary].append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
            if done.returncode != 0:
                sys.exit("%s failed:\n%s" % (binary, done.stderr.decode()))
    for binary, values in times.items():
        print("%-40s median %.3f s wall, %.3f s cpu  (wall: %s)" % (
            binary, statistics.median(values), statistics.median(cpu[binary]),
            " ".join("%.3f" % v for v in values)))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
