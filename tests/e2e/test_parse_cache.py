"""The parse cache under .git/migline: a warm run says exactly what a cold
one says, sees every change, and a damaged, foreign or unwritable cache changes nothing."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import MIGLINE, TestCase, add_app, migration  # noqa: E402

CACHE = os.path.join(".git", "migline", "parse-cache")

# Every command that loads the project, on each source.
COMMANDS = [
    ("check", "--format", "json"),
    ("leaves",),
    ("graph",),
    ("update", "--check"),
    ("check", "--staged", "--format", "json"),
    ("leaves", "--rev", "HEAD"),
    ("check", "--base", "HEAD~1", "--format", "json"),
]


def repo(ws):
    ws.init_git()
    ws.write(".migline.yaml", "settings:\n  AUTH_USER_MODEL: accounts.User\n")
    add_app(ws, "accounts", [("0001_initial", [])])
    add_app(ws, "orders", [("0001_initial", []), ("0002_status", [("orders", "0001_initial")])])
    ws.migline("update")
    ws.commit("base")
    add_app(ws, "orders", [("0003_total", [("orders", "0002_status")])])
    ws.write("orders/migrations/0004_owner.py", migration(
        "orders", "0004_owner", [("orders", "0003_total")],
        extra="replaces = []\nrun_before = []").replace(
            "    dependencies = [", "    dependencies = [\n"
            "        migrations.swappable_dependency(settings.AUTH_USER_MODEL),"))
    ws.migline("update")
    ws.commit("more")
    shutil.rmtree(ws.path(".git", "migline"))
    return ws


def outputs(ws):
    return [(args, run.returncode, run.stdout, run.stderr)
            for args in COMMANDS for run in [ws.migline(*args)]]


class ParseCache(TestCase):
    def workspace(self):
        # Answers replayed whole would hide what the parse cache does.
        ws = super().workspace()
        ws.env["MIGLINE_NO_ANSWER_CACHE"] = "1"
        return ws

    def test_warm_runs_say_what_cold_runs_say(self):
        with self.workspace() as ws:
            repo(ws)
            self.assertFalse(os.path.exists(ws.path(CACHE)))
            cold = outputs(ws)
            self.assertTrue(os.path.getsize(ws.path(CACHE)) > 0)
            self.assertEqual(outputs(ws), cold)
            for args, code, stdout, stderr in cold:
                self.assertEqual(code, 0, (args, stdout, stderr))

    def test_many_files_read_on_several_threads_say_what_one_thread_says(self):
        # Enough files that the work tree is read ahead on every core, and that the index's
        # files (read on one thread: libgit2) are parsed on every core.
        with self.workspace() as ws:
            ws.init_git()
            for a in range(3):
                add_app(ws, "app%d" % a, [("%04d_step" % n, [("app%d" % a, "%04d_step" % (n - 1))]
                                           if n > 1 else []) for n in range(1, 101)])
            ws.migline("update")
            ws.commit("base")
            # Some files change after the commit: a parse error, a fork, a dangling reference.
            ws.write("app0/migrations/0050_step.py", "class Migration(:\n")
            ws.write("app1/migrations/0101_fork.py",
                     migration("app1", "0101_fork", [("app1", "0099_step")]))
            ws.write("app2/migrations/0007_step.py",
                     migration("app2", "0007_step", [("app2", "0006_gone")]))
            worktree = ws.migline("check", "--format", "json")
            self.assertEqual(worktree.returncode, 1, worktree.stderr)
            self.assertEqual(ws.migline("check", "--format", "json").stdout, worktree.stdout)
            ws.git("add", "-A")
            shutil.rmtree(ws.path(".git", "migline"))
            staged = ws.migline("check", "--staged", "--format", "json")
            self.assertEqual(staged.stdout, worktree.stdout)
            self.assertIn("0101_fork", worktree.stdout)
            self.assertIn("0006_gone", worktree.stdout)

    def test_every_change_is_seen(self):
        with self.workspace() as ws:
            repo(ws)
            outputs(ws)
            path = ws.path("orders/migrations/0003_total.py")
            with open(path) as f:
                text = f.read()
            stat = os.stat(path)
            # Same size, same mtime: only the ctime (and the content) tell.
            ws.write("orders/migrations/0003_total.py", text.replace("0002_status", "0002_statuX"))
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            run = ws.migline("check")
            self.assertRun(run, 1)
            self.assertIn("0002_statuX", run.stdout)
            # The index and HEAD still hold the old file.
            self.assertRun(ws.migline("check", "--staged"), 0)
            self.assertRun(ws.migline("leaves", "--rev", "HEAD"), 0)
            ws.git("add", "-A")
            self.assertRun(ws.migline("check", "--staged"), 1)
            # Back to the committed bytes: the cached parse is right again.
            ws.write("orders/migrations/0003_total.py", text)
            self.assertRun(ws.migline("check"), 0)

    def test_a_filter_driver_makes_work_tree_files_count_as_their_own_bytes(self):
        with self.workspace() as ws:
            repo(ws)
            # The clean filter stores another, equally long, dependency name in the blob.
            ws.git("config", "filter.rename.clean", "sed s/0002_status/0002_statuY/")
            ws.write(".gitattributes", "orders/migrations/0003_total.py filter=rename\n")
            path = ws.path("orders/migrations/0003_total.py")
            os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
            ws.git("add", "-A")
            self.assertIn("0002_statuY", ws.migline("check", "--staged").stdout)  # cached
            self.assertRun(ws.migline("check"), 0)

    def test_settings_are_part_of_the_key(self):
        with self.workspace() as ws:
            repo(ws)
            before = ws.migline("graph").stdout
            self.assertIn("accounts", before)
            ws.write(".migline.yaml", "settings:\n  AUTH_USER_MODEL: orders.User\n")
            after = ws.migline("graph")
            self.assertNotEqual(after.stdout, before)
            os.remove(ws.path(CACHE))
            self.assertEqual(ws.migline("graph").stdout, after.stdout)

    def test_a_damaged_cache_is_ignored_and_rebuilt(self):
        with self.workspace() as ws:
            repo(ws)
            expected = outputs(ws)
            with open(ws.path(CACHE), "rb") as f:
                pristine = f.read()
            middle = len(pristine) // 2
            damages = {
                "empty": b"",
                "garbage": os.urandom(len(pristine)),
                "truncated": pristine[:middle],
                "zeros": b"\0" * len(pristine),
                "flipped": pristine[:middle] + bytes([pristine[middle] ^ 0x40]) + pristine[middle + 1:],
                "flipped-table": pristine[:40] + bytes([pristine[40] ^ 1]) + pristine[41:],
                "last-byte": pristine[:-1] + bytes([pristine[-1] ^ 0x10]),
            }
            for name, damaged in damages.items():
                with self.subTest(name):
                    with open(ws.path(CACHE), "wb") as f:
                        f.write(damaged)
                    self.assertEqual(outputs(ws), expected)
                    with open(ws.path(CACHE), "rb") as f:
                        self.assertEqual(f.read(), pristine)

    def test_concurrent_runs_agree_and_leave_a_valid_cache(self):
        with self.workspace() as ws:
            repo(ws)
            expected = ws.migline("check", "--format", "json")
            with open(ws.path(CACHE), "rb") as f:
                pristine = f.read()
            for _ in range(3):
                os.remove(ws.path(CACHE))
                runs = [subprocess.Popen([MIGLINE, "check", "--format", "json"], cwd=ws.root,
                                         env=ws.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True) for _ in range(6)]
                for run in runs:
                    stdout, stderr = run.communicate(timeout=60)
                    self.assertEqual((run.returncode, stdout, stderr),
                                     (expected.returncode, expected.stdout, expected.stderr))
                with open(ws.path(CACHE), "rb") as f:
                    self.assertEqual(f.read(), pristine)
            self.assertEqual([n for n in os.listdir(ws.path(".git", "migline"))], ["parse-cache"])

    def test_a_cache_that_cannot_be_written_changes_nothing(self):
        with self.workspace() as ws:
            repo(ws)
            with open(ws.path(".git", "migline"), "w") as f:
                f.write("not a directory")
            expected = outputs(ws)
            os.remove(ws.path(".git", "migline"))
            self.assertEqual(outputs(ws), expected)

    def test_a_symlinked_cache_is_neither_read_nor_written_through(self):
        with self.workspace() as ws:
            repo(ws)
            expected = outputs(ws)
            os.remove(ws.path(CACHE))
            ws.write("elsewhere", "precious")
            os.symlink(ws.path("elsewhere"), ws.path(CACHE))
            self.assertEqual(outputs(ws), expected)
            with open(ws.path("elsewhere")) as f:
                self.assertEqual(f.read(), "precious")

    def test_a_worktree_shares_the_repository_cache(self):
        with self.workspace() as ws:
            repo(ws)
            ws.git("worktree", "add", "-q", ws.path("second"), "HEAD~1")
            run = ws.migline("leaves", cwd=ws.path("second"))
            self.assertRun(run, 0)
            self.assertTrue(os.path.exists(ws.path(CACHE)))
            self.assertFalse(os.path.exists(ws.path(".git", "worktrees", "second", "migline")))


if __name__ == "__main__":
    unittest.main()
