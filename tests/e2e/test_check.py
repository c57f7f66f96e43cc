"""`migline check`, the CI gate: every rule of `check` with real git."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_app, migration  # noqa: E402


def repo(ws):
    """main with orders 0001..0002 and billing 0001, manifest committed."""
    ws.init_git()
    add_app(ws, "shop/orders", [("0001_initial", []), ("0002_status", [("orders", "0001_initial")])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    ws.migline("update")
    ws.commit("base")
    return ws


def rules(run):
    return sorted((f["rule"], f["severity"]) for f in json.loads(run.stdout)["findings"])


class Check(TestCase):
    def test_a_clean_project_passes(self):
        with self.workspace() as ws:
            repo(ws)
            run = ws.migline("check")
            self.assertRun(run, 0, stdout="migline check: ok (2 apps, 3 migrations)\n")
            run = ws.migline("check", "--format", "json")
            self.assertRun(run, 0, stdout='{"findings": [], "errors": 0, "warnings": 0}\n')

    def test_divergent_leaves_fail(self):
        with self.workspace() as ws:
            repo(ws)
            add_app(ws, "shop/orders", [("0003_a", [("orders", "0002_status")]),
                                        ("0003_b", [("orders", "0002_status")])])
            ws.migline("update")
            run = ws.migline("check", "--format", "json")
            self.assertRun(run, 1)
            self.assertEqual(rules(run), [("divergent-leaves", "error")])
            text = ws.migline("check")
            self.assertIn("shop/orders/migrations/0003_b.py:4:7: error: app 'orders' has 2 leaf "
                          "migrations: 0003_a, 0003_b\n", text.stdout)
            self.assertIn("hint: run `migline resolve`", text.stdout)
            self.assertTrue(text.stdout.endswith("migline check: 1 error, 0 warnings\n"))

    def test_duplicate_numbers_merged_before_are_never_reported(self):
        with self.workspace() as ws:
            repo(ws)
            add_app(ws, "shop/orders", [("0003_a", [("orders", "0002_status")]),
                                        ("0003_b", [("orders", "0002_status")]),
                                        ("0004_merge", [("orders", "0003_a"), ("orders", "0003_b")])])
            ws.migline("update")
            ws.commit("history with a merge migration")
            self.assertRun(ws.migline("check"), 0, stdout="migline check: ok (2 apps, 6 migrations)\n")
            ws.git("branch", "main-copy")
            add_app(ws, "shop/orders", [("0005_next", [("orders", "0004_merge")])])
            ws.migline("update")
            ws.commit("a new migration")
            run = ws.migline("check", "--base", "main-copy")
            self.assertRun(run, 0, stdout="migline check: ok (2 apps, 7 migrations)\n")

    def test_a_new_migration_sharing_a_number_only_warns_with_base(self):
        with self.workspace() as ws:
            repo(ws)
            ws.git("branch", "base")
            add_app(ws, "shop/orders", [("0002_more", [("orders", "0002_status")])])
            ws.migline("update")
            ws.commit("a new migration with a number taken")
            self.assertRun(ws.migline("check"), 0, stdout="migline check: ok (2 apps, 4 migrations)\n")
            run = ws.migline("check", "--base", "base", "--format", "json")
            self.assertRun(run, 0)
            self.assertEqual(rules(run), [("duplicate-number", "warning")])
            text = ws.migline("check", "--base", "base").stdout
            self.assertIn("shop/orders/migrations/0002_more.py:4:7: warning: app 'orders' has 2 "
                          "migrations numbered 0002: 0002_more, 0002_status\n", text)
            self.assertIn("hint: harmless to Django, but confusing: while 0002_more is unpublished, "
                          "rename it (and the references to it) to 0003_more", text)

    def test_manifest_missing_stale_and_conflicted(self):
        with self.workspace() as ws:
            repo(ws)
            add_app(ws, "shop/orders", [("0003_more", [("orders", "0002_status")])])
            self.assertEqual(rules(ws.migline("check", "--format", "json")), [("manifest-stale", "error")])
            os.remove(ws.path("migrations.lock.yaml"))
            self.assertEqual(rules(ws.migline("check", "--format", "json")), [("manifest-missing", "error")])
            ws.write("migrations.lock.yaml", "version: 1\ndjango:\n<<<<<<< HEAD\n  orders: 0003_more\n"
                                             "=======\n  orders: 0003_other\n>>>>>>> feature\n")
            run = ws.migline("check")
            self.assertRun(run, 1)
            self.assertIn("migrations.lock.yaml:3:1: error: unresolved merge conflict\n", run.stdout)
            self.assertEqual(rules(ws.migline("check", "--format", "json")), [("manifest-conflict", "error")])

    def test_parse_errors_dangling_cycles_and_duplicate_labels_fail(self):
        with self.workspace() as ws:
            repo(ws)
            ws.write("shop/orders/migrations/0003_bad.py",
                     "class Migration:\n    dependencies = BASE\n")
            add_app(ws, "shop/orders", [("0003_x", [("orders", "0002_status"), ("orders", "0009_gone")])])
            add_app(ws, "legacy/billing", [("0001_initial", [])])
            add_app(ws, "shop/cyc", [("0001_a", [("cyc", "0002_b")]), ("0002_b", [("cyc", "0001_a")])])
            run = ws.migline("check", "--format", "json")
            self.assertRun(run, 1)
            self.assertEqual(rules(run), [("cycle", "error"), ("dangling-dependency", "error"),
                                          ("duplicate-label", "error"), ("parse-error", "error")])

    def test_github_format_annotates(self):
        with self.workspace() as ws:
            repo(ws)
            os.remove(ws.path("migrations.lock.yaml"))
            run = ws.migline("check", "--format", "github")
            self.assertRun(run, 1, stdout=(
                "::error file=migrations.lock.yaml,title=migline manifest-missing::the migration "
                "manifest is missing%0Ahint: run `migline update` (or `migline init`) and commit it\n"
                "migline check: 1 error, 0 warnings\n"))


class PerAppLayout(TestCase):
    def test_max_migration_files_are_written_checked_and_routed(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.write(".migline.yaml", "manifest:\n  layout: per-app\n")
            add_app(ws, "shop/orders", [("0001_initial", []), ("0002_status", [("orders", "0001_initial")])])
            add_app(ws, "shop/billing", [("0001_initial", [])])
            self.assertRun(ws.migline("update"), 0)
            with open(ws.path("shop/orders/migrations/max_migration.txt")) as f:
                self.assertEqual(f.read(), "0002_status\n")
            with open(ws.path("shop/billing/migrations/max_migration.txt")) as f:
                self.assertEqual(f.read(), "0001_initial\n")
            self.assertFalse(os.path.exists(ws.path("migrations.lock.yaml")))
            self.assertRun(ws.migline("check"), 0)
            add_app(ws, "shop/orders", [("0003_more", [("orders", "0002_status")])])
            run = ws.migline("check", "--format", "json")
            self.assertEqual(rules(run), [("manifest-stale", "error")])
            self.assertEqual(json.loads(run.stdout)["findings"][0]["path"],
                             "shop/orders/migrations/max_migration.txt")
            ws.write("shop/orders/migrations/max_migration.txt",
                     "<<<<<<< HEAD\n0003_more\n=======\n0003_other\n>>>>>>> b\n")
            self.assertEqual(rules(ws.migline("check", "--format", "json")), [("manifest-conflict", "error")])
            self.assertRun(ws.migline("init"), 0)
            with open(ws.path(".gitattributes")) as f:
                self.assertEqual(f.read(), "**/migrations/max_migration.txt merge=migline\n")
            self.assertRun(ws.migline("check"), 0)


class CheckBase(TestCase):
    def branch(self, ws):
        repo(ws)
        ws.git("checkout", "-q", "-b", "feature")

    def test_an_up_to_date_branch_passes(self):
        with self.workspace() as ws:
            self.branch(ws)
            add_app(ws, "shop/orders", [("0003_feature", [("orders", "0002_status")])])
            ws.migline("update")
            ws.commit("feature")
            self.assertRun(ws.migline("check", "--base", "main"), 0)

    def fall_behind(self, ws):
        """feature adds orders 0003_feature; main then adds 0003_main; feature checked out."""
        self.branch(ws)
        add_app(ws, "shop/orders", [("0003_feature", [("orders", "0002_status")])])
        ws.migline("update")
        ws.commit("feature")
        ws.git("checkout", "-q", "main")
        add_app(ws, "shop/orders", [("0003_main", [("orders", "0002_status")])])
        ws.migline("update")
        ws.commit("main moves on")
        ws.git("checkout", "-q", "feature")

    def test_a_branch_that_fell_behind_is_caught_without_blaming_it_for_mains_migrations(self):
        with self.workspace() as ws:
            self.fall_behind(ws)
            run = ws.migline("check", "--base", "main", "--format", "json")
            self.assertRun(run, 1)
            self.assertEqual(rules(run), [("branch-behind", "error")])
            finding = json.loads(run.stdout)["findings"][0]
            self.assertEqual(finding["path"], "shop/orders/migrations/0003_feature.py")
            self.assertEqual(finding["message"], "orders.0003_feature does not follow 0003_main, "
                             "the leaf of 'orders' at main: the branch is behind")
            self.assertIn("migline resolve", finding["hint"])

    def test_a_branch_joined_to_the_base_by_a_merge_migration_is_not_behind(self):
        with self.workspace() as ws:
            self.fall_behind(ws)
            ws.git("merge", "-q", "--no-edit", "-s", "ours", "main")  # keep feature's manifest
            add_app(ws, "shop/orders", [("0003_main", [("orders", "0002_status")]),
                                        ("0004_merge", [("orders", "0003_feature"),
                                                        ("orders", "0003_main")])])
            ws.migline("update")
            ws.commit("merge migration")
            run = ws.migline("check", "--base", "main", "--format", "json")
            self.assertEqual(rules(run), [("duplicate-number", "warning")], run.stdout)
            self.assertRun(run, 0)

    def test_edited_renamed_and_deleted_published_migrations_fail(self):
        with self.workspace() as ws:
            self.branch(ws)
            ws.write("shop/orders/migrations/0002_status.py",
                     migration("orders", "0002_status", [("orders", "0001_initial")], "atomic = False"))
            os.rename(ws.path("shop/billing/migrations/0001_initial.py"),
                      ws.path("shop/billing/migrations/0001_first.py"))
            ws.migline("update")
            run = ws.migline("check", "--base", "main", "--format", "json")
            self.assertEqual(rules(run), [("published-modified", "error"), ("published-renamed", "error")])
            os.remove(ws.path("shop/billing/migrations/0001_first.py"))
            ws.migline("update")
            run = ws.migline("check", "--base", "main", "--format", "json")
            self.assertIn(("published-deleted", "error"), rules(run))

    def test_squashing_may_delete_replaced_migrations(self):
        with self.workspace() as ws:
            self.branch(ws)
            ws.write("shop/orders/migrations/0001_squashed_0002_status.py",
                     migration("orders", "0001_squashed_0002_status", [],
                               "replaces = [('orders', '0001_initial'), ('orders', '0002_status')]"))
            os.remove(ws.path("shop/orders/migrations/0001_initial.py"))
            os.remove(ws.path("shop/orders/migrations/0002_status.py"))
            ws.migline("update")
            self.assertRun(ws.migline("check", "--base", "main"), 0)

    def test_unknown_base_is_a_usage_error(self):
        with self.workspace() as ws:
            repo(ws)
            run = ws.migline("check", "--base", "nope")
            self.assertRun(run, 2, stdout="")
            self.assertIn("unknown revision 'nope'", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
