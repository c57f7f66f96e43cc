#!/usr/bin/python3
"""What the safety rules cost `check --base`.

Usage: /usr/bin/python3 bench/safety.py [--sizes 10000,100000] [--reps 7] [--new 20]
                                        [--migline PATH]

For each size it generates the corpus of bench/run.py (in --work, reused when present) and
commits on a `feature` branch --new migrations spread over as many apps, each
adding a NOT NULL column, dropping one and altering one (so every rule that reads the model
state runs). It then times `check --base main` with the rules and with `--no-safety`,
alternating, in CPU time (user + system: the machine may be shared), with the answer cache off (MIGLINE_NO_ANSWER_CACHE: what a CI run costs once
anything changed) and the parse cache warm, then cold (both caches deleted). It prints the
medians and the ratio with/without, which should stay at most 1.10 (the rules may add 10% to a check).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as corpus  # noqa: E402

NEW = '''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{leaf}")]

    operations = [
        migrations.AddField(model_name="model1", name="added", field=models.IntegerField(default=0)),
        migrations.RemoveField(model_name="model2", name="field_2"),
        migrations.AlterField(model_name="model3", name="field_3",
                              field=models.CharField(blank=True, default="", max_length=128)),
    ]
'''


def branch(root, size, new):
    """The corpus of `size` with `new` migrations committed on `feature`."""
    done = os.path.join(root, ".branched")
    if os.path.exists(done):
        return
    corpus.generate(root, "today", size)
    git = lambda *args: subprocess.run(["git", *args], cwd=root, env=corpus.ENV, check=True,
                                       stdout=subprocess.DEVNULL)
    git("checkout", "-q", "-b", "feature")
    apps, per_app = corpus.layout("today", size)
    for a in range(0, apps, max(1, apps // new))[:new]:
        app = "app%04d" % a
        leaf = "%04d_step_%d" % (per_app, per_app)
        path = os.path.join(root, app, "migrations", "%04d_feature.py" % (per_app + 1))
        with open(path, "w") as f:
            f.write(NEW.format(app=app, leaf=leaf))
    subprocess.run([corpus.MIGLINE, "update"], cwd=root, env=corpus.ENV, check=True)
    git("add", "-A")
    git("commit", "-q", "-m", "feature")
    git("update-index", "--refresh")
    open(done, "w").close()


def timed(argv, cwd, env):
    """(CPU seconds, user + system, of one run; its stdout). CPU time, unlike wall time,
    does not count the time other processes of a shared machine take."""
    children = lambda: (lambda u: u.ru_utime + u.ru_stime)(
        resource.getrusage(resource.RUSAGE_CHILDREN))
    before = children()
    proc = subprocess.Popen(argv, cwd=cwd, env=dict(corpus.ENV, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    cpu = children() - before
    if proc.returncode not in (0, 1):
        raise SystemExit("%s failed (%d): %s" % (" ".join(argv), proc.returncode, err))
    return cpu, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--work", default="/tmp/migline-bench-safety")
    parser.add_argument("--migline", default=os.path.join(HERE, "..", "build", "release",
                                                          "migline"))
    args = parser.parse_args()
    corpus.MIGLINE = os.path.abspath(args.migline)
    check = [corpus.MIGLINE, "check", "--base", "main"]
    print("CPU time (user + system), median of %d:\n" % args.reps)
    print("| migrations | new | findings | parse-warm without | parse-warm with | ratio "
          "| cold without | cold with | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        root = os.path.join(args.work, "repo-%d" % size)
        print("preparing %d migrations..." % size, file=sys.stderr)
        branch(root, size, args.new)
        caches = os.path.join(root, ".git", "migline")
        env = {"MIGLINE_NO_ANSWER_CACHE": "1"}
        variants = {"without": check + ["--no-safety"], "with": check}
        timed(check, root, env)
        _, out = timed(check + ["--format", "json"], root, env)
        findings = out.decode().count('"rule"')
        warm = {name: [] for name in variants}
        cold = {name: [] for name in variants}
        for _ in range(args.reps):
            for name, argv in variants.items():
                warm[name].append(timed(argv, root, env)[0])
            for name, argv in variants.items():
                shutil.rmtree(caches, ignore_errors=True)
                cold[name].append(timed(argv, root, env)[0])
        w = {n: statistics.median(v) for n, v in warm.items()}
        c = {n: statistics.median(v) for n, v in cold.items()}
        print("| {:,} | {} | {} | {:.1f} ms | {:.1f} ms | {:.3f}x | {:.1f} ms | {:.1f} ms | "
              "{:.3f}x |".format(size, args.new, findings, w["without"] * 1000,
                                 w["with"] * 1000, w["with"] / w["without"],
                                 c["without"] * 1000, c["with"] * 1000,
                                 c["with"] / c["without"]))


if __name__ == "__main__":
    main()
