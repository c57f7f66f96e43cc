"""End-to-end tests of discovery and of the leaves and graph commands, with real git."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_app  # noqa: E402

EXAMPLE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples", "shop"))


def leaves_json(run):
    return json.loads(run.stdout)["django"]


class Discovery(TestCase):
    def test_work_tree_counts_tracked_and_untracked_but_not_ignored_or_deleted(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "shop/orders", [("0001_initial", []), ("0002_a", [("orders", "0001_initial")])])
            ws.write(".gitignore", "local/\n")
            ws.commit()
            # untracked, not ignored: counts
            add_app(ws, "shop/billing", [("0001_initial", [])])
            # ignored: never counts (it would be a dangling error if read)
            add_app(ws, "local/scratch", [("0001_initial", [("scratch", "0000_missing")])])
            # tracked but deleted from the work tree: does not count
            ws.remove("shop/orders/migrations/0002_a.py")
            run = ws.migline("leaves", "--format", "json")
            self.assertRun(run, 0)
            self.assertEqual(leaves_json(run), {"billing": ["0001_initial"], "orders": ["0001_initial"]})

    def test_staged_reads_the_index_not_the_work_tree(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            ws.commit()
            add_app(ws, "orders", [("0002_staged", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            add_app(ws, "orders", [("0002_unstaged", [("orders", "0001_initial")])])
            self.assertEqual(leaves_json(ws.migline("leaves", "--staged", "--format", "json")),
                             {"orders": ["0002_staged"]})
            self.assertEqual(leaves_json(ws.migline("leaves", "--format", "json")),
                             {"orders": ["0002_staged", "0002_unstaged"]})

    def test_staged_honours_git_index_file(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            ws.commit()
            add_app(ws, "orders", [("0002_other_index", [("orders", "0001_initial")])])
            alt = {"GIT_INDEX_FILE": ws.path(".git", "alt-index")}
            ws.git("read-tree", "HEAD", env=alt)
            ws.git("add", "orders/migrations/0002_other_index.py", env=alt)
            self.assertEqual(leaves_json(ws.migline("leaves", "--staged", "--format", "json")),
                             {"orders": ["0001_initial"]})
            self.assertEqual(
                leaves_json(ws.migline("leaves", "--staged", "--format", "json", env=alt)),
                {"orders": ["0002_other_index"]})
            # Relative, as git may pass it to hooks: relative to where migline started.
            relative = {"GIT_INDEX_FILE": ".git/alt-index"}
            self.assertEqual(
                leaves_json(ws.migline("-C", "orders", "leaves", "--staged", "--format", "json",
                                       env=relative)),
                {"orders": ["0002_other_index"]})

    def test_git_dir_and_work_tree_from_the_environment(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            ws.commit()
            env = {"GIT_DIR": ws.path(".git"), "GIT_WORK_TREE": ws.root}
            # From outside the work tree, where only the environment can lead to it.
            run = ws.migline("leaves", "--format", "json", cwd="/", env=env)
            self.assertRun(run, 0)
            self.assertEqual(leaves_json(run), {"orders": ["0001_initial"]})
            bad = ws.migline("leaves", env={"GIT_DIR": ws.path("nope")})
            self.assertRun(bad, 2, stdout="")

    def test_rev_reads_a_tree(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            ws.commit("one")
            add_app(ws, "orders", [("0002_b", [("orders", "0001_initial")])])
            ws.commit("two")
            self.assertEqual(leaves_json(ws.migline("leaves", "--rev", "HEAD~1", "--format", "json")),
                             {"orders": ["0001_initial"]})
            run = ws.migline("leaves", "--rev", "nope")
            self.assertRun(run, 2)
            self.assertIn("unknown revision 'nope'", run.stderr)
            run = ws.migline("leaves", "--rev", "HEAD", "--staged")
            self.assertRun(run, 2)

    def test_project_root_is_nearest_config_else_work_tree_root(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "backend/orders", [("0001_initial", [])])
            add_app(ws, "other/billing", [("0001_initial", [])])
            ws.write("backend/.migline.yaml", "exclude: []\n")
            ws.commit()
            os.makedirs(ws.path("other/deep"))
            self.assertEqual(
                leaves_json(ws.migline("-C", "backend/orders", "leaves", "--format", "json")),
                {"orders": ["0001_initial"]})
            self.assertEqual(leaves_json(ws.migline("-C", "other/deep", "leaves", "--format", "json")),
                             {"billing": ["0001_initial"], "orders": ["0001_initial"]})
            # -C may come after the subcommand too
            self.assertEqual(leaves_json(ws.migline("leaves", "-C", "backend", "--format", "json")),
                             {"orders": ["0001_initial"]})

    def test_outside_git_walks_the_directory_with_default_excludes(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            add_app(ws, "node_modules/pkg", [("0001_initial", [("pkg", "0000_missing")])])
            add_app(ws, ".venv/lib/site", [("0001_initial", [("site", "0000_missing")])])
            add_app(ws, "build/orders2", [("0001_initial", [("x", "__first__")])])
            self.assertEqual(leaves_json(ws.migline("leaves", "--format", "json")),
                             {"orders": ["0001_initial"]})
            run = ws.migline("leaves", "--staged")
            self.assertRun(run, 2, stdout="")
            self.assertIn("--staged needs a git repository", run.stderr)

    def test_config_excludes_includes_and_labels(self):
        with self.workspace() as ws:
            add_app(ws, "apps/orders", [("0001_initial", [])])
            add_app(ws, "apps/legacy/old", [("0001_initial", [("old", "0000_missing")])])
            add_app(ws, "tools/fixtures_app", [("0001_initial", [])])
            ws.write(".migline.yaml", "include: ['apps/**']\nexclude: [apps/legacy]\n"
                                      "labels:\n  apps/orders: sales\n")
            self.assertEqual(leaves_json(ws.migline("leaves", "--format", "json")),
                             {"sales": ["0001_initial"]})

    def test_migrations_package_at_the_project_root_needs_a_configured_label(self):
        with self.workspace() as ws:
            add_app(ws, ".", [("0001_initial", [])])
            run = ws.migline("leaves")
            self.assertRun(run, 1, stdout="", stderr=(
                "migrations: error: a migrations package at the project root has no app "
                "directory to name it\nhint: name its app in .migline.yaml: "
                "`labels: {\".\": app_label}`\n"))
            ws.write(".migline.yaml", "labels:\n  .: core\n")
            self.assertEqual(leaves_json(ws.migline("leaves", "--format", "json")),
                             {"core": ["0001_initial"]})

    def test_label_from_apps_py_and_duplicate_labels(self):
        with self.workspace() as ws:
            add_app(ws, "users", [("0001_initial", [])])
            ws.write("users/apps.py", "from django.apps import AppConfig\n\n"
                                      "class UsersConfig(AppConfig):\n    label = 'accounts'\n")
            add_app(ws, "orders", [("0001_initial", [("accounts", "0001_initial")])])
            self.assertEqual(leaves_json(ws.migline("leaves", "--format", "json")),
                             {"accounts": ["0001_initial"], "orders": ["0001_initial"]})
            add_app(ws, "legacy/accounts", [("0001_initial", [])])
            run = ws.migline("leaves")
            self.assertRun(run, 1, stdout="")
            self.assertIn("users/migrations: error: app label 'accounts' is used by both "
                          "legacy/accounts/ and users/", run.stderr)


class Errors(TestCase):
    def test_parse_error_is_reported_with_position_and_exit_1(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            ws.write("orders/migrations/0002_bad.py",
                     "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
                     "    dependencies = [(\"orders\", \"0001_initial\")] + EXTRA\n")
            run = ws.migline("leaves", "--format", "json")
            self.assertEqual(json.loads(run.stdout), {"django": {}, "alembic": {}, "findings": [{
                "rule": "parse-error", "severity": "error", "path": "orders/migrations/0002_bad.py",
                "line": 4, "column": 51,
                "message": "`dependencies` is not a literal list and cannot be evaluated "
                           "statically",
                "hint": "migline reads migrations without running them; write a literal list of "
                        "(\"app_label\", \"migration_name\") tuples"}]})
            self.assertRun(run, 1, stderr=(
                "orders/migrations/0002_bad.py:4:51: error: `dependencies` is not a literal "
                "list and cannot be evaluated statically\n"
                "    dependencies = [(\"orders\", \"0001_initial\")] + EXTRA\n"
                "                                                  ^\n"
                "hint: migline reads migrations without running them; write a literal list of "
                "(\"app_label\", \"migration_name\") tuples\n"))

    def test_graph_errors_exit_1_with_the_declaring_file(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", []), ("0002_x", [("orders", "0009_gone")])])
            run = ws.migline("graph")
            self.assertRun(run, 1, stdout="")
            self.assertIn("orders/migrations/0002_x.py:7:9: error: depends on orders.0009_gone, "
                          "which does not exist\n        ('orders', '0009_gone'),\n        ^\n"
                          "hint: the migrations of 'orders' end at 0002_x\n", run.stderr)

    def test_bad_config_exits_2_with_line_and_column(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            ws.write(".migline.yaml", "labels: {}\nstrategy: merge\n")
            run = ws.migline("leaves")
            self.assertRun(run, 2, stdout="", stderr=(
                ".migline.yaml:2:1: error: unknown key 'strategy' in .migline.yaml\n"
                "strategy: merge\n^\n"
                "hint: known keys: manifest, include, exclude, labels, settings, conditions, "
                "replaces, protected_branch, resolve, safety, alembic\n"))

    def test_json_is_one_document_whatever_the_state(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            ws.write(".migline.yaml", "labels: {}\nstrategy: merge\n")
            for command in (["leaves"], ["check"]):
                run = ws.migline(*command, "--format", "json")
                self.assertEqual(run.returncode, 2, run.stderr)
                findings = json.loads(run.stdout)["findings"]
                self.assertEqual([(f["path"], f["line"], f["column"]) for f in findings],
                                 [(".migline.yaml", 2, 1)], command)
            run = ws.migline("-C", "does/not/exist", "check", "--format", "json")
            self.assertEqual(run.returncode, 2)
            self.assertIn("cannot change to", json.loads(run.stdout)["findings"][0]["message"])

    def test_usage_errors_exit_2(self):
        with self.workspace() as ws:
            self.assertRun(ws.migline("leaves", "--format", "xml"), 2, stdout="")
            self.assertRun(ws.migline("frobnicate"), 2, stdout="")
            self.assertRun(ws.migline(), 2, stdout="")
            run = ws.migline("-C", "does/not/exist", "leaves")
            self.assertRun(run, 2, stdout="")
            self.assertIn("cannot change to 'does/not/exist'", run.stderr)

    def test_help_and_version_exit_0(self):
        with self.workspace() as ws:
            run = ws.migline("--version")
            self.assertRun(run, 0)
            self.assertRegex(run.stdout, r"^migline \d+\.\d+\.\d+\n$")
            run = ws.migline("--help")
            self.assertRun(run, 0)
            self.assertIn("leaves", run.stdout)
            self.assertIn("graph", run.stdout)

    def test_unreadable_file_exits_2(self):
        if os.geteuid() == 0:
            self.skipTest("root reads every file")
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            os.chmod(ws.path("orders/migrations/0001_initial.py"), 0)
            self.assertRun(ws.migline("leaves"), 2)


class Output(TestCase):
    def test_leaves_text_and_json_on_the_example(self):
        with self.workspace() as ws:
            run = ws.migline("-C", EXAMPLE, "leaves")
            self.assertRun(run, 0, stderr="", stdout=(
                "accounts  0002_user_timezone\n"
                "catalog   0004_product_stock\n"
                "orders    0003_order_status_index\n"
                "payments  0002_payment_provider\n"))
            run = ws.migline("-C", EXAMPLE, "leaves", "--format", "json")
            self.assertRun(run, 0, stdout=(
                '{"django": {"accounts": ["0002_user_timezone"], "catalog": ["0004_product_stock"], '
                '"orders": ["0003_order_status_index"], "payments": ["0002_payment_provider"]}, '
                '"alembic": {}}\n'))

    def test_divergent_leaves_are_listed_and_flagged(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", []), ("0002_a", [("orders", "0001_initial")]),
                                   ("0002_b", [("orders", "0001_initial")])])
            run = ws.migline("leaves")
            self.assertRun(run, 0, stdout="orders  0002_a 0002_b  (divergent: run `migline resolve`)\n")

    def test_graph_formats(self):
        with self.workspace() as ws:
            run = ws.migline("-C", EXAMPLE, "graph", "catalog")
            self.assertRun(run, 0, stdout=(
                "catalog  [2 migrations, 1 leaf]\n"
                "  0001_squashed_0003_product_sku  (squashes 0001_initial, 0002_product_price, "
                "0003_product_sku)\n"
                "  0004_product_stock  <- 0001_squashed_0003_product_sku  *leaf\n"))
            dot = ws.migline("-C", EXAMPLE, "graph", "--format", "dot")
            self.assertRun(dot, 0)
            self.assertTrue(dot.stdout.startswith("digraph migrations {\n"))
            self.assertIn('"catalog.0004_product_stock" -> "orders.0003_order_status_index";', dot.stdout)
            self.assertIn('"auth.0012_alter_user_first_name_max_length" [style=dashed];', dot.stdout)
            mermaid = ws.migline("-C", EXAMPLE, "graph", "payments", "--format", "mermaid")
            self.assertRun(mermaid, 0)
            self.assertTrue(mermaid.stdout.startswith("flowchart TD\n"))
            self.assertIn('["0002_payment_provider"]', mermaid.stdout)
            run = ws.migline("-C", EXAMPLE, "graph", "nope")
            self.assertRun(run, 2, stdout="")
            self.assertIn("no app labelled 'nope' has migrations", run.stderr)

    def test_color_follows_the_flag_and_no_color(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [("orders", "0000_gone")])])
            self.assertIn("\x1b[", ws.migline("--color", "always", "leaves").stderr)
            self.assertNotIn("\x1b[", ws.migline("--color", "never", "leaves").stderr)
            self.assertNotIn("\x1b[", ws.migline("leaves", env={"NO_COLOR": "1"}).stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
