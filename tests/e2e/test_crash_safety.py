"""Crash safety of every journaled write (`resolve`, the pre-commit hook's manifest write and
the post-merge hook's rewrite of a merge commit with `resolve: {auto: true}`):
SIGKILL after each durable step, and a failing write, rename, fsync or open (an LD_PRELOAD
shim, tests/support/fault_shim.c). After any of them the project is exactly as before, or
fully written, or (after a kill) one `migline resolve` / `--abort` away from either."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from testing import MIGLINE, TestCase, add_app, migration  # noqa: E402

SHIM = os.environ.get("MIGLINE_FAULT_SHIM", "")
SHIM = os.path.abspath(SHIM) if SHIM else ""
INTERRUPTED = ("was interrupted: run `migline resolve` to finish it or "
               "`migline resolve --abort` to undo it")
CAUSES = {"ENOSPC": "No space left on device", "EIO": "Input/output error"}


def add(ws, app, name, deps):
    ws.write("shop/%s/migrations/%s.py" % (app, name), migration(app, name, deps))


AUTO = "resolve: {auto: true}\n"


def merge_in_conflict(ws, chain, config=None):
    """main adds one migration to orders and billing; feature adds `chain` to each (billing's
    depending on orders'), and is merged into main: the manifest conflicts, both apps diverge.
    With `config` (a .migline.yaml), nothing is merged yet."""
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE
    if config:
        ws.write(".migline.yaml", config)
    add_app(ws, "shop/orders", [("0001_initial", [])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    assert ws.migline("init").returncode == 0
    ws.commit("base")
    ws.git("checkout", "-q", "-b", "feature")
    previous = {"orders": "0001_initial", "billing": "0001_initial"}
    for i in range(chain):
        for app in ("orders", "billing"):
            name = "%04d_feature_%d" % (i + 2, i)
            deps = [(app, previous[app])]
            if app == "billing":
                deps.append(("orders", previous["orders"]))
            add(ws, app, name, deps)
            previous[app] = name
    ws.commit("feature")
    ws.git("checkout", "-q", "main")
    add(ws, "orders", "0002_main_refund", [("orders", "0001_initial")])
    add(ws, "billing", "0002_main_total", [("billing", "0001_initial")])
    ws.commit("main")
    if not config:
        ws.git("merge", "--no-edit", "feature", check=False)


def snapshot(ws):
    """Every file of the work tree (bytes and executable bit) and every index entry, stages
    included: what "exactly as before" compares."""
    files = {}
    for directory, subdirs, names in os.walk(ws.root):
        if directory == ws.root:
            subdirs.remove(".git")
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, ws.root)] = (f.read(), os.access(path, os.X_OK))
    return files, ws.git("ls-files", "--stage").stdout


def shim_env(ws, kind):
    """The environment that preloads the fault shim for calls of `kind`, failing none yet."""
    env = {"LD_PRELOAD": SHIM, "MIGLINE_FAULT_CALL": kind, "MIGLINE_FAULT_N": "0"}
    if "ASAN_OPTIONS" in ws.env:
        env["ASAN_OPTIONS"] = ws.env["ASAN_OPTIONS"] + ":verify_asan_link_order=0"
    return env


def calls_counted(count_file):
    """How many calls the shim counted (MIGLINE_FAULT_COUNT names the file)."""
    with open(count_file) as f:
        return int(f.read())


def journal(ws):
    return os.path.join(ws.root, ".git", "migline", "journal")


class CrashSafety(TestCase):
    def fresh(self, ws, template, name):
        """A copy of `template` to run in; ws.root points at it."""
        ws.root = os.path.join(ws.top, name)
        shutil.rmtree(ws.root, ignore_errors=True)
        shutil.copytree(template, ws.root, symlinks=True)
        return ws.root

    def template(self, ws, build):
        ws.root = os.path.join(ws.top, "template")
        os.makedirs(ws.root)
        build(ws)
        return ws.root

    def assertDiffers(self, a, b):
        self.assertNotEqual(a, b, "the scenario changes nothing, so it proves nothing")

    def assertCleanlyResolved(self, ws, after):
        self.assertFalse(os.path.exists(journal(ws)))
        self.assertEqual(snapshot(ws), after)
        status = ws.git("status", "--porcelain").stdout.splitlines()
        self.assertEqual([line for line in status if line[1] != " "], [], status)
        leaves = django_oracle.django_leaves(ws.root)
        self.assertIn("django", leaves, leaves)
        for app, names in leaves["django"].items():
            self.assertEqual(len(names), 1, "%s has leaves %s" % (app, names))
        ws.git("commit", "-q", "--no-edit")
        self.assertRun(ws.migline("check"), 0)
        self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def steps(self, ws, *command, git=False):
        """The durable steps `command` takes when nothing goes wrong, by name."""
        log = os.path.join(ws.top, "steps.log")
        env = {"MIGLINE_TEST_STEP_LOG": log}
        run = ws.git(*command, env=env, check=False) if git else ws.migline(*command, env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(log) as f:
            names = [line.split(" ", 1)[1].rstrip("\n") for line in f]
        os.remove(log)
        return names

    def test_resolve_killed_at_any_step_is_finished_or_undone(self):
        with self.workspace() as ws:
            template = self.template(ws, lambda ws: merge_in_conflict(ws, 60))
            before = snapshot(ws)
            self.fresh(ws, template, "reference")
            steps = self.steps(ws, "resolve")
            after = snapshot(ws)
            self.assertDiffers(before, after)
            total = len(steps)
            self.assertEqual((steps[0], steps[-3:]), ("journal", ["index", "sync", "drop"]))
            kills = sorted({1, 2, 3, total - 3, total - 2, total - 1, total} |
                           {1 + i * (total - 1) // 12 for i in range(13)})
            for k in kills:
                with self.subTest(kill_after=k, step=steps[k - 1]):
                    self.fresh(ws, template, "kill-%d" % k)
                    killed = ws.migline("resolve", env={"MIGLINE_TEST_KILL_AFTER_WRITES": str(k)})
                    self.assertEqual(killed.returncode, -9, killed.stderr)
                    if k < total:
                        # What a kill inside an atomic write leaves: its temporary file.
                        ws.write("migrations.lock.yaml.migline-Xy12Zq", "half a manifest")
                        for command in (["check"], ["update", "--check"], ["doctor"]):
                            gate = ws.migline(*command)
                            self.assertNotEqual(gate.returncode, 0, command)
                            self.assertIn("a resolve " + INTERRUPTED, gate.stderr)
                    self.assertRun(ws.migline("resolve"), 0)
                    self.assertCleanlyResolved(ws, after)
            for k in kills[1::3]:
                with self.subTest(abort_after=k, step=steps[k - 1]):
                    self.fresh(ws, template, "abort-%d" % k)
                    ws.migline("resolve", env={"MIGLINE_TEST_KILL_AFTER_WRITES": str(k)})
                    if k < total:
                        self.assertRun(ws.migline("resolve", "--abort"), 0)
                        self.assertEqual(snapshot(ws), before)
                    self.assertRun(ws.migline("resolve", "--abort"), 0)  # idempotent
                    self.assertFalse(os.path.exists(journal(ws)))

    def test_finishing_or_undoing_survives_being_killed_too(self):
        with self.workspace() as ws:
            template = self.template(ws, lambda ws: merge_in_conflict(ws, 20))
            before = snapshot(ws)
            self.fresh(ws, template, "reference")
            total = len(self.steps(ws, "resolve"))
            after = snapshot(ws)
            for first in (2, total // 2, total - 2):
                for action, expected in (([], after), (["--abort"], before)):
                    for second in (1, 3, total // 3):
                        with self.subTest(first=first, action=action, second=second):
                            self.fresh(ws, template, "twice")
                            kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": str(first)}
                            self.assertEqual(ws.migline("resolve", env=kill).returncode, -9)
                            kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": str(second)}
                            ws.migline("resolve", *action, env=kill)
                            self.assertRun(ws.migline("resolve", *action), 0)
                            self.assertEqual(snapshot(ws), expected)
                            self.assertFalse(os.path.exists(journal(ws)))

    def test_a_record_from_another_merge_is_not_replayed(self):
        with self.workspace() as ws:
            merge_in_conflict(ws, 3)
            kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": "3"}
            self.assertEqual(ws.migline("resolve", env=kill).returncode, -9)
            ws.git("merge", "--abort", check=False)
            for action in ([], ["--abort"]):
                run = ws.migline("resolve", *action)
                self.assertEqual(run.returncode, 2, run.stderr)
                self.assertIn("its record no longer applies", run.stderr)
                self.assertIn("remove %s" % journal(ws), run.stderr)
            self.assertTrue(os.path.exists(journal(ws)))

    def inject(self, ws, template, before, after, command, git=False):
        """Runs `command` in a copy of `template` once per call of each kind the shim can
        fail: afterwards the copy is exactly `before` or exactly `after`, and a failure
        names the cause. Returns {kind: (calls, failed, completed)}."""
        outcomes = {}
        for kind in ("write", "rename", "fsync", "open"):
            count = os.path.join(ws.top, "calls.txt")
            env = shim_env(ws, kind)
            self.fresh(ws, template, "count")
            counting = dict(env, MIGLINE_FAULT_COUNT=count)
            run = (ws.git(*command, env=counting, check=False) if git
                   else ws.migline(*command, env=counting))
            self.assertEqual(run.returncode, 0, run.stderr)
            calls = calls_counted(count)
            self.assertGreater(calls, 0, kind)
            failed = completed = 0
            for n in range(1, calls + 1):
                error = "ENOSPC" if n % 2 else "EIO"
                with self.subTest(call=kind, n=n, errno=error):
                    self.fresh(ws, template, "fault")
                    fault = dict(env, MIGLINE_FAULT_N=str(n), MIGLINE_FAULT_ERRNO=error)
                    run = (ws.git(*command, env=fault, check=False) if git
                           else ws.migline(*command, env=fault))
                    self.assertFalse(os.path.exists(journal(ws)), run.stderr)
                    if run.returncode == 0:
                        completed += 1
                        self.assertEqual(snapshot(ws), after)
                    else:
                        # The last sync can fail after everything is written: then the
                        # project is complete, and the message still says why it failed.
                        failed += 1
                        self.assertIn(snapshot(ws), (before, after), run.stderr)
                        self.assertIn(CAUSES[error], run.stderr)
            outcomes[kind] = (calls, failed, completed)
        return outcomes

    @unittest.skipUnless(SHIM, "MIGLINE_FAULT_SHIM is not set (tests/CMakeLists.txt builds it)")
    def test_resolve_with_a_failing_call_is_all_or_nothing(self):
        with self.workspace() as ws:
            template = self.template(ws, lambda ws: merge_in_conflict(ws, 3))
            before = snapshot(ws)
            self.fresh(ws, template, "reference")
            self.assertRun(ws.migline("resolve"), 0)
            after = snapshot(ws)
            self.assertDiffers(before, after)
            outcomes = self.inject(ws, template, before, after, ["resolve"])
            print("\nresolve: {kind: (calls, failed and undone, completed)}:", outcomes)

    def staged_migration(self, ws):
        """A project with the hook installed and a new migration staged."""
        ws.init_git()
        ws.env["MIGLINE"] = MIGLINE
        add_app(ws, "shop/orders", [("0001_initial", [])])
        assert ws.migline("init").returncode == 0
        ws.commit("base")
        add(ws, "orders", "0002_order_notes", [("orders", "0001_initial")])
        ws.git("add", "-A")

    def hook_snapshot(self, ws):
        return snapshot(ws), ws.git("rev-parse", "HEAD").stdout

    def test_hook_killed_at_any_step_recovers_on_the_next_commit(self):
        with self.workspace() as ws:
            template = self.template(ws, self.staged_migration)
            self.fresh(ws, template, "reference")
            steps = self.steps(ws, "commit", "-q", "-m", "notes", git=True)
            self.assertEqual(steps, ["journal", "write migrations.lock.yaml", "index", "sync",
                                     "drop"])
            after = self.hook_snapshot(ws)
            for k in range(1, len(steps) + 1):
                with self.subTest(kill_after=steps[k - 1]):
                    self.fresh(ws, template, "kill-%d" % k)
                    kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": str(k)}
                    self.assertNotEqual(ws.git("commit", "-q", "-m", "notes", env=kill,
                                               check=False).returncode, 0)
                    if k < len(steps):
                        for command in (["check"], ["update", "--check"]):  # both write nothing
                            gate = ws.migline(*command)
                            self.assertNotEqual(gate.returncode, 0, command)
                            self.assertIn("a manifest update " + INTERRUPTED, gate.stderr)
                        self.assertTrue(os.path.exists(journal(ws)))
                    ws.git("commit", "-q", "-m", "notes")
                    self.assertEqual(self.hook_snapshot(ws), after)
                    self.assertEqual(ws.git("status", "--porcelain").stdout, "")
                    self.assertRun(ws.migline("check"), 0)

    @unittest.skipUnless(SHIM, "MIGLINE_FAULT_SHIM is not set (tests/CMakeLists.txt builds it)")
    def test_hook_with_a_failing_call_commits_fully_or_not_at_all(self):
        with self.workspace() as ws:
            template = self.template(ws, self.staged_migration)
            before = snapshot(ws)
            self.fresh(ws, template, "reference")
            ws.git("commit", "-q", "-m", "notes")
            after = snapshot(ws)
            self.assertDiffers(before, after)
            outcomes = self.inject(ws, template, before, after, ["commit", "-q", "-m", "notes"],
                                   git=True)
            print("\nhook: {kind: (calls, failed and undone, completed)}:", outcomes)


    # The post-merge hook's rewrite of the merge commit (resolve: {auto: true}).

    def head(self, ws):
        """HEAD's commit, its tree and its parents."""
        out = ws.git("rev-parse", "HEAD", "HEAD^{tree}", "HEAD^1", "HEAD^2").stdout.split()
        return out[0], out[1], out[2:]

    def merges(self, ws, chain):
        """The template (main and feature diverged, auto mode, not merged), the state git's
        own merge leaves (hooks off) and the state the hook's rewrite leaves, each as
        (snapshot, HEAD, tree, parents), and the rewrite's durable steps."""
        template = self.template(ws, lambda ws: merge_in_conflict(ws, chain, AUTO))
        self.fresh(ws, template, "reference")
        ws.git("-c", "core.hooksPath=/nonexistent", "merge", "-q", "--no-edit", "feature")
        original = (snapshot(ws),) + self.head(ws)
        merged = os.path.join(ws.top, "merged")
        shutil.copytree(ws.root, merged, symlinks=True)
        self.fresh(ws, template, "reference")
        steps = self.steps(ws, "merge", "-q", "--no-edit", "feature", git=True)
        rewritten = (snapshot(ws),) + self.head(ws)
        self.assertDiffers(original[2], rewritten[2])
        self.assertEqual(original[3], rewritten[3])  # same parents
        return template, merged, original, rewritten, steps

    def assertState(self, ws, expected):
        """`expected` (snapshot, HEAD, tree, parents), HEAD compared by tree and parents only
        for a rewritten commit (its committer date is the time of the rewrite)."""
        now = (snapshot(ws),) + self.head(ws)
        self.assertEqual(now[0], expected[0])
        self.assertEqual(now[2:], expected[2:])
        return now

    def assertRewritten(self, ws, rewritten, chain):
        self.assertFalse(os.path.exists(journal(ws)))
        self.assertState(ws, rewritten)
        self.assertEqual(ws.git("status", "--porcelain", "--untracked-files=all").stdout, "")
        leaves = django_oracle.django_leaves(ws.root)
        self.assertIn("django", leaves, leaves)
        self.assertEqual(sorted(leaves["django"]), ["billing", "orders"], leaves)
        for app, names in leaves["django"].items():
            self.assertEqual(len(names), 1, "%s has leaves %s" % (app, names))
        tracked = ws.git("ls-files", "shop").stdout.split()
        for app in ("orders", "billing"):
            ours = [p for p in tracked if p.startswith("shop/%s/migrations/0" % app)]
            self.assertEqual(len(ours), chain + 2, ours)  # 0001, main's one, feature's chain
        self.assertRun(ws.migline("check"), 0)

    def test_rewrite_killed_at_any_step_is_finished_or_undone(self):
        with self.workspace() as ws:
            chain = 6
            template, _, original, rewritten, steps = self.merges(ws, chain)
            self.assertEqual((steps[0], steps[1], steps[-3:]),
                             ("journal", "ref", ["index", "sync", "drop"]), steps)
            total = len(steps)
            print("\nrewrite: %d durable steps: %s" % (total, ", ".join(steps[:3] + ["..."] +
                                                                          steps[-3:])))
            for k in range(1, total + 1):
                with self.subTest(kill_after=k, step=steps[k - 1]):
                    self.fresh(ws, template, "kill-%d" % k)
                    kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": str(k)}
                    merge = ws.git("merge", "-q", "--no-edit", "feature", env=kill, check=False)
                    self.assertEqual(merge.returncode, 0, merge.stderr)  # post-merge can't fail it
                    if k < total:
                        gate = ws.migline("check")
                        self.assertNotEqual(gate.returncode, 0)
                        self.assertIn("the linearization of a merge commit " + INTERRUPTED,
                                      gate.stderr)
                    self.assertRun(ws.migline("resolve"), 0)
                    self.assertRewritten(ws, rewritten, chain)
            # --abort puts git's merge commit back as HEAD, with its files and index.
            for k in (1, 2, 3, total // 2, total - 2, total - 1):
                with self.subTest(abort_after=k, step=steps[k - 1]):
                    self.fresh(ws, template, "abort-%d" % k)
                    kill = {"MIGLINE_TEST_KILL_AFTER_WRITES": str(k)}
                    ws.git("merge", "-q", "--no-edit", "feature", env=kill, check=False)
                    abort = ws.migline("resolve", "--abort")
                    self.assertRun(abort, 0)
                    self.assertIn("HEAD is the merge commit git made", abort.stderr)
                    self.assertFalse(os.path.exists(journal(ws)))
                    self.assertEqual(self.assertState(ws, original)[1], original[1])
                    moved = k >= steps.index("ref") + 1
                    self.assertIn("migline: undo the linearization of the merge" if moved
                                  else "Merge made by", ws.git("reflog", "-1", "--format=%gs").stdout)
                    self.assertRun(ws.migline("resolve", "--abort"), 0)  # idempotent

    @unittest.skipUnless(SHIM, "MIGLINE_FAULT_SHIM is not set (tests/CMakeLists.txt builds it)")
    def test_rewrite_with_a_failing_call_keeps_the_merge_or_completes(self):
        """The hook run by hand on git's merge, so that only its own calls are counted."""
        with self.workspace() as ws:
            _, merged, original, rewritten, _ = self.merges(ws, 2)
            hook = ["hook", "post-merge", "0"]
            outcomes = {}
            for kind in ("write", "rename", "fsync", "open"):
                count = os.path.join(ws.top, "calls.txt")
                env = shim_env(ws, kind)
                self.fresh(ws, merged, "count")
                run = ws.migline(*hook, env=dict(env, MIGLINE_FAULT_COUNT=count))
                self.assertIn("replaced merge commit", run.stderr)
                self.assertState(ws, rewritten)
                calls = calls_counted(count)
                self.assertGreater(calls, 0, kind)
                kept = completed = 0
                for n in range(1, calls + 1):
                    error = "ENOSPC" if n % 2 else "EIO"
                    with self.subTest(call=kind, n=n, errno=error):
                        self.fresh(ws, merged, "fault")
                        log = os.path.join(ws.top, "steps.log")
                        fault = dict(env, MIGLINE_FAULT_N=str(n), MIGLINE_FAULT_ERRNO=error,
                                     MIGLINE_TEST_STEP_LOG=log)
                        run = ws.migline(*hook, env=fault)
                        self.assertEqual(run.returncode, 0, run.stderr)  # hooks never fail
                        self.assertFalse(os.path.exists(journal(ws)), run.stderr)
                        recorded = os.path.exists(log)
                        if recorded:
                            os.remove(log)
                        if self.head(ws)[0] == original[1]:
                            kept += 1
                            self.assertState(ws, original)
                            # Whatever failed (a config, ref, reflog or object that cannot be
                            # read, or a write), the message names the cause and says that
                            # nothing was done.
                            self.assertIn(CAUSES[error], run.stderr)
                            self.assertRegex(run.stderr, "HEAD is still the merge commit git "
                                             "made|the hook did nothing")
                        else:
                            completed += 1
                            self.assertState(ws, rewritten)
                outcomes[kind] = (calls, kept, completed)
            print("\nrewrite: {kind: (calls, merge kept, rewritten)}:", outcomes)

    def test_rewrite_says_what_is_missing_or_corrupt_and_blames_no_disk(self):
        """A repository whose objects or refs are really missing or corrupt: the hook leaves
        the merge as it is and says so, without an I/O error it did not meet."""
        with self.workspace() as ws:
            _, merged, original, _, _ = self.merges(ws, 2)
            hook = ["hook", "post-merge", "0"]

            def damaged(name, damage):
                self.fresh(ws, merged, name)
                damage()
                run = ws.migline(*hook)
                self.assertEqual(run.returncode, 0, run.stderr)  # hooks never fail
                self.assertState(ws, original)
                self.assertFalse(os.path.exists(journal(ws)), run.stderr)
                for cause in CAUSES.values():
                    self.assertNotIn(cause, run.stderr)
                self.assertIn("HEAD is still the merge commit git made", run.stderr)
                return run.stderr

            tree = ws.git("rev-parse", "HEAD^2^{tree}").stdout.strip()
            loose = os.path.join(".git", "objects", tree[:2], tree[2:])
            stderr = damaged("missing", lambda: ws.remove(loose))
            self.assertIn("object not found - no match for id (%s)" % tree, stderr)
            stderr = damaged("corrupt", lambda: ws.write(".git/ORIG_HEAD", "not a commit id\n"))
            self.assertIn("cannot read 'ORIG_HEAD': corrupted loose reference file", stderr)


if __name__ == "__main__":
    unittest.main()
