#!/usr/bin/python3
"""Time of each git hook migline installs, on a generated project of 2,000 migrations.

Usage: /usr/bin/python3 bench/hooks.py [--size 2000] [--reps 15] [--migline PATH]

The repository (bench/run.py's generator: 20 apps x 100 migrations) gets `migline init` and
`resolve: {auto: true}`; a branch `feature` adds 10 migrations to app0000 and 5 to app0001,
and `main` adds one to app0000. Each installed hook script is run as git runs it (from the top
of the work tree, with git's arguments), so the times include `sh`, the chaining check and
the binary. Medians over --reps runs, with the parse cache warm (what every run after the
first sees) and cold (.git/migline deleted before each run):
  - post-checkout, feature -> main: two apps lose migrations (rollback advice printed);
  - post-checkout, main -> feature: nothing lost (paths compared only);
  - post-merge, no auto, after merging: the arrived migrations named;
  - post-merge, auto, after a merge git made with hooks off: plan, new commit, ref, files
    (the merge is made again before each run);
  - post-rewrite rebase: the arrived migrations named;
  - post-checkout where migline is not set up (no manifest).
The target (issue 15) is under 50 ms each.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402


def git(root, *args, check=True):
    return subprocess.run(["git", *args], cwd=root, env=bench.ENV, check=check,
                          capture_output=True, text=True)


def add_migrations(root, app, first, count, base, word="extra"):
    """`count` migrations numbered from `first` in `app`, the first depending on `base`."""
    parent = base
    for n in range(first, first + count):
        name = "%04d_%s_%d" % (n, word, n)
        path = os.path.join(root, app, "migrations", name + ".py")
        with open(path, "w") as f:
            f.write(bench.MIGRATION.format(deps='        ("%s", "%s"),\n' % (app, parent),
                                           model="model%d" % (n % 7), n=n))
        parent = name


def prepare(root, size):
    bench.generate(root, "today", size)
    marker = os.path.join(root, ".git", "hooks-bench")
    env = dict(bench.ENV, MIGLINE=bench.MIGLINE)
    if os.path.exists(marker):
        # The hook scripts and merge driver of the binary under test: `init` keeps hooks it
        # finds installed, so they are removed first (the bench has no earlier hooks).
        for name in ("pre-commit", "post-merge", "post-checkout", "post-rewrite"):
            path = os.path.join(root, ".git", "hooks", name)
            if os.path.exists(path):
                os.remove(path)
        subprocess.run([bench.MIGLINE, "init"], cwd=root, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        return
    subprocess.run([bench.MIGLINE, "init"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(root, ".migline.yaml"), "w") as f:
        f.write("resolve: {auto: true}\n")
    git(root, "add", "-A")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "migline")
    git(root, "checkout", "-q", "-b", "feature")
    add_migrations(root, "app0000", 101, 10, "0100_step_100")
    add_migrations(root, "app0001", 101, 5, "0100_step_100")
    subprocess.run([bench.MIGLINE, "update"], cwd=root, env=env, check=True)
    git(root, "add", "-A")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "feature")
    git(root, "-c", "core.hooksPath=/dev/null", "checkout", "-q", "main")
    add_migrations(root, "app0000", 101, 1, "0100_step_100", word="main")
    subprocess.run([bench.MIGLINE, "update"], cwd=root, env=env, check=True)
    git(root, "add", "-A")
    git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "main")
    git(root, "tag", "main-start")
    git(root, "gc", "-q")  # packed, as in a clone: loose objects cost a file each
    open(marker, "w").close()


def run_hook(root, name, *args):
    """(wall seconds, CPU seconds, stderr) of one run of the installed hook script, as git runs
    it; CPU time (user + system, the script and the binary) does not count waiting for a
    busy machine's cores."""
    env = dict(bench.ENV, MIGLINE=bench.MIGLINE)
    start = time.perf_counter()
    proc = subprocess.Popen([os.path.join(root, ".git", "hooks", name), *args], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s failed: %s" % (name, err))
    return elapsed, usage.ru_utime + usage.ru_stime, err


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--migline", default=os.path.join(bench.HERE, "..", "build", "migline"))
    parser.add_argument("--work", default="/tmp/migline-bench-hooks")
    options = parser.parse_args()
    bench.MIGLINE = os.path.abspath(options.migline)
    root = os.path.join(options.work, str(options.size))
    prepare(root, options.size)
    sha = lambda rev: git(root, "rev-parse", rev).stdout.strip()
    main_sha, feature_sha = sha("main-start"), sha("feature")
    caches = os.path.join(root, ".git", "migline")
    hooksoff = ["-c", "core.hooksPath=/dev/null"]

    def reset():
        git(root, *hooksoff, "checkout", "-q", "-f", "main")
        git(root, "reset", "-q", "--hard", "main-start")

    def merged_without_hooks():
        reset()
        git(root, *hooksoff, "merge", "-q", "--no-edit", "feature")

    def auto_off(on):
        with open(os.path.join(root, ".migline.yaml"), "w") as f:
            f.write("resolve: {auto: %s}\n" % ("true" if on else "false"))

    def not_set_up():
        reset()
        os.rename(os.path.join(root, "migrations.lock.yaml"), os.path.join(root, "lock.away"))

    def set_up_again():
        os.rename(os.path.join(root, "lock.away"), os.path.join(root, "migrations.lock.yaml"))

    cases = [  # name, before, hook, args, check of its output, after
        ("post-checkout feature->main (2 apps lose)", reset, "post-checkout",
         [feature_sha, main_sha, "1"], "migrate app0000 0100_step_100", None),
        ("post-checkout main~1->feature (none lost)", reset, "post-checkout",
         [sha("main-start~1"), feature_sha, "1"], "", None),
        ("post-merge, no auto (arrivals)", lambda: (merged_without_hooks(), auto_off(False)),
         "post-merge", ["0"], "new migrations arrived", lambda: auto_off(True)),
        ("post-merge, auto (rewrite the merge)", merged_without_hooks, "post-merge", ["0"],
         "replaced merge commit", None),
        ("post-merge, auto, merge already linear", lambda: None, "post-merge", ["0"],
         "new migrations arrived", None),
        ("post-rewrite rebase (arrivals)", lambda: (reset(), git(root, "update-ref", "ORIG_HEAD",
                                                                 "main-start~1")),
         "post-rewrite", ["rebase"], "new migrations arrived", None),
        ("post-checkout, migline not set up", not_set_up, "post-checkout",
         [feature_sha, main_sha, "1"], "", set_up_again),
    ]
    print("hook times on %d migrations, median of %d (ms); parse cache warm / cold"
          % (options.size, options.reps))
    print("%-45s %9s %9s %9s %9s" % ("hook", "wall", "CPU", "cold wall", "cold CPU"))
    worst = 0.0
    for name, before, hook, args, expect, after in cases:
        results = {}
        for mode in ("warm", "cold"):
            walls, cpus = [], []
            for _ in range(options.reps):
                before()
                if mode == "cold":
                    subprocess.run(["rm", "-rf", caches], check=True)
                wall, cpu, err = run_hook(root, hook, *args)
                if expect not in err or (expect == "" and err):
                    raise SystemExit("%s: unexpected output:\n%s" % (name, err))
                walls.append(wall)
                cpus.append(cpu)
                if after:
                    after()
            results[mode] = (statistics.median(walls) * 1000, statistics.median(cpus) * 1000)
        worst = max(worst, results["warm"][0])
        print("%-45s %9.1f %9.1f %9.1f %9.1f" % (name, *results["warm"], *results["cold"]))
    reset()
    load = os.getloadavg()[0]
    print("slowest warm wall: %.1f ms (target: under 50 ms); load average %.1f on %d cores"
          % (worst, load, os.cpu_count()))


if __name__ == "__main__":
    main()
