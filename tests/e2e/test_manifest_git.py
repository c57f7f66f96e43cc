"""The manifest with real git: the pre-commit hook in every form of `git commit`, and the
conflict behaviour of the manifest under plain git (no merge driver installed)."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import MIGLINE, TestCase, add_app  # noqa: E402

HOOK = os.path.join(os.path.dirname(__file__), "..", "..", "hooks", "pre-commit")


def with_hook(ws):
    """A repository with the pre-commit hook and one app, committed."""
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE
    shutil.copy(HOOK, ws.path(".git", "hooks", "pre-commit"))
    add_app(ws, "shop/orders", [("0001_initial", [])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    ws.commit("initial")
    return ws


def committed_manifest(ws, rev="HEAD"):
    return ws.git("show", "%s:migrations.lock.yaml" % rev).stdout


class Hook(TestCase):
    def test_initial_commit_gets_the_manifest(self):
        with self.workspace() as ws:
            with_hook(ws)
            manifest = committed_manifest(ws)
            self.assertIn("\n  billing: 0001_initial\n\n  orders: 0001_initial\n", manifest)
            self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def test_git_commit_after_add(self):
        with self.workspace() as ws:
            with_hook(ws)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "shop")
            ws.git("commit", "-q", "-m", "status")
            self.assertIn("  orders: 0002_status\n", committed_manifest(ws))
            self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def test_git_commit_all(self):
        with self.workspace() as ws:
            with_hook(ws)
            # -a commits tracked files only; change one so -a has something to commit.
            ws.write("shop/orders/migrations/0001_initial.py",
                     "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                     "    dependencies = []\n    operations = []\n")
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-N", "shop/orders/migrations/0002_status.py")
            ws.git("commit", "-q", "-a", "-m", "all")
            self.assertIn("  orders: 0002_status\n", committed_manifest(ws))
            self.assertIn("shop/orders/migrations/0002_status.py",
                          ws.git("show", "--name-only", "HEAD").stdout)

    def test_git_commit_with_paths(self):
        with self.workspace() as ws:
            with_hook(ws)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            add_app(ws, "shop/billing", [("0002_not_committed", [("billing", "0001_initial")])])
            ws.git("add", "-A")
            ws.git("commit", "-q", "-m", "only orders", "shop/orders")
            manifest = committed_manifest(ws)
            self.assertIn("  orders: 0002_status\n", manifest)
            self.assertIn("  billing: 0001_initial\n", manifest)
            self.assertNotIn("0002_not_committed",
                             ws.git("show", "--name-only", "HEAD").stdout)

    def test_divergent_staged_migrations_are_refused(self):
        with self.workspace() as ws:
            with_hook(ws)
            add_app(ws, "shop/orders", [("0002_a", [("orders", "0001_initial")]),
                                        ("0002_b", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            run = ws.git("commit", "-q", "-m", "diverge", check=False)
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("the staged migrations have several leaves in an app: orders (0002_a, 0002_b)\n", run.stderr)
            self.assertIn("migline resolve", run.stderr)
            self.assertEqual(ws.git("rev-list", "--count", "HEAD").stdout.strip(), "1")

    def test_a_previous_hook_is_chained_and_can_stop_the_commit(self):
        with self.workspace() as ws:
            with_hook(ws)
            before = ws.path(".git", "hooks", "pre-commit.before-migline")
            ws.write(".git/hooks/pre-commit.before-migline", "#!/bin/sh\necho lint >&2\nexit 3\n")
            os.chmod(before, 0o755)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            run = ws.git("commit", "-q", "-m", "x", check=False)
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("lint", run.stderr)

    def test_update_check_finds_a_manifest_bypassed_with_no_verify(self):
        with self.workspace() as ws:
            with_hook(ws)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            ws.git("commit", "-q", "--no-verify", "-m", "skip hook")
            run = ws.migline("update", "--check")
            self.assertRun(run, 1)
            self.assertIn("-  orders: 0001_initial\n+  orders: 0002_status\n", run.stdout)
            self.assertIn("1 manifest file is stale", run.stderr)
            self.assertRun(ws.migline("update"), 0)
            self.assertRun(ws.migline("update", "--check"), 0, stdout="")


class PlainGitMerges(TestCase):
    """No merge driver: the manifest alone must make git conflict, or not."""

    def branches(self, ws, ours, theirs):
        with_hook(ws)
        ws.git("checkout", "-q", "-b", "feature")
        for app, name, parent in theirs:
            add_app(ws, "shop/" + app, [(name, [(app, parent)])])
        ws.commit("feature")
        ws.git("checkout", "-q", "main")
        for app, name, parent in ours:
            add_app(ws, "shop/" + app, [(name, [(app, parent)])])
        ws.commit("main")
        return ws.git("merge", "--no-edit", "feature", check=False)

    def test_same_app_on_both_branches_conflicts_in_the_manifest(self):
        with self.workspace() as ws:
            merge = self.branches(ws, [("orders", "0002_main", "0001_initial")],
                                  [("orders", "0002_feature", "0001_initial")])
            self.assertNotEqual(merge.returncode, 0)
            self.assertIn("CONFLICT (content): Merge conflict in migrations.lock.yaml", merge.stdout)

    def test_different_adjacent_apps_merge_cleanly(self):
        with self.workspace() as ws:
            merge = self.branches(ws, [("billing", "0002_main", "0001_initial")],
                                  [("orders", "0002_feature", "0001_initial")])
            self.assertRun(merge, 0)
            manifest = ws.path("migrations.lock.yaml")
            with open(manifest) as f:
                text = f.read()
            self.assertIn("\n  billing: 0002_main\n\n  orders: 0002_feature\n", text)
            self.assertRun(ws.migline("update", "--check"), 0, stdout="")


if __name__ == "__main__":
    unittest.main(verbosity=2)
