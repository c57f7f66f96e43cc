"""`migline init` and `migline doctor` with real git, used the way a newcomer would."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import MIGLINE, TestCase, Workspace, add_app  # noqa: E402


def project(ws):
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE  # the hook and the driver run the binary under test
    add_app(ws, "shop/orders", [("0001_initial", [])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    return ws


class Init(TestCase):
    def test_print_changes_nothing_and_init_is_idempotent(self):
        with self.workspace() as ws:
            project(ws)
            run = ws.migline("init", "--print")
            self.assertRun(run, 0)
            self.assertIn("would add `/migrations.lock.yaml merge=migline` to .gitattributes", run.stdout)
            self.assertFalse(os.path.exists(ws.path(".gitattributes")))
            self.assertFalse(os.path.exists(ws.path(".git/hooks/pre-commit")))
            self.assertRun(ws.migline("doctor"), 1)
            self.assertRun(ws.migline("init"), 0)
            self.assertRun(ws.migline("init"), 0,
                           stdout="migline is set up in this clone; nothing to do\n")
            with open(ws.path(".gitattributes")) as f:
                self.assertEqual(f.read(), "/migrations.lock.yaml merge=migline\n")
            self.assertEqual(ws.git("config", "merge.migline.driver").stdout.strip(),
                             MIGLINE + " merge-driver %O %A %B %P -l %L")
            self.assertEqual(ws.git("config", "merge.migline.recursive").stdout.strip(), "text")
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 0)
            self.assertIn("ok   pre-commit hook: runs `migline update --staged`", doctor.stdout)

    def test_a_package_that_is_not_djangos_is_skipped_and_listed_by_doctor(self):
        with self.workspace() as ws:
            project(ws)
            ws.write("index/migrations/__init__.py", "")
            ws.write("index/migrations/m0001_v1_to_v2.py", "FROM_VERSION = 1\n")
            self.assertRun(ws.migline("init"), 0)
            self.assertRun(ws.migline("check"), 0, stdout="migline check: ok (2 apps, 2 migrations)\n")
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 0)
            self.assertIn("skip index/migrations/: none of its modules defines `class Migration`: "
                          "not a Django migrations package\n", doctor.stdout)

    def test_counts_agree_with_their_nouns(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "shop/orders", [("0001_initial", [])])
            doctor = ws.migline("doctor")
            self.assertIn("FIX  manifest: 1 file missing or stale\n", doctor.stdout)
            self.assertRun(ws.migline("update"), 0)
            self.assertRun(ws.migline("check"), 0, stdout="migline check: ok (1 app, 1 migration)\n")
            ws.write("shop/orders/migrations/0002_bad.py", "class Migration:\n    dependencies = X\n")
            check = ws.migline("check")
            self.assertRun(check, 1)
            self.assertTrue(check.stdout.endswith("migline check: 1 error, 0 warnings\n"),
                            check.stdout)

    def test_doctor_reports_the_set_up_also_when_the_project_has_errors(self):
        with self.workspace() as ws:
            project(ws)
            self.assertRun(ws.migline("init"), 0)
            ws.write("shop/orders/migrations/0002_bad.py", "class Migration:\n    dependencies = X\n")
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 1)
            self.assertIn("ok   pre-commit hook: runs `migline update --staged`", doctor.stdout)
            self.assertIn("FIX  project: its migrations have errors (above)", doctor.stdout)
            self.assertIn("0002_bad.py:2:20: error:", doctor.stderr)
            # Excluding the package by the directory the error names leaves it out.
            ws.write(".migline.yaml", "exclude: [\"shop/orders/migrations\"]\n")
            self.assertRun(ws.migline("leaves"), 0, stdout="billing  0001_initial\n")

    def test_a_computed_replaces_is_stated_in_config_and_listed_by_doctor(self):
        with self.workspace() as ws:
            project(ws)
            ws.write("shop/orders/migrations/0002_order_note.py",
                     "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                     "    dependencies = [('orders', '0001_initial')]\n")
            ws.write("shop/orders/migrations/0001_squashed_0002_order_note.py",
                     "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                     "    replaces = applied_squashed_migrations('orders')\n")
            # Without the entry every command says which line to add, and init stops on it.
            init = ws.migline("init")
            self.assertRun(init, 1)
            self.assertIn("0001_squashed_0002_order_note.py:5:5: error: `replaces` is computed "
                          "when Django imports this squash", init.stderr)
            self.assertIn("hint: state it in .migline.yaml: `replaces: "
                          "{orders.0001_squashed_0002_order_note: [0001_initial, ...]}`",
                          init.stderr)
            ws.write(".migline.yaml", "replaces:\n  orders.0001_squashed_0002_order_note: "
                                      "[0001_initial, 0002_order_note]\n")
            self.assertRun(ws.migline("init"), 0)
            self.assertRun(ws.migline("leaves"), 0, stdout=(
                "billing  0001_initial\norders   0001_squashed_0002_order_note\n"))
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 0)
            self.assertIn("ok   replaces: orders.0001_squashed_0002_order_note replaces 2 "
                          "migrations, as .migline.yaml states "
                          "(shop/orders/migrations/0001_squashed_0002_order_note.py computes it "
                          "at import)\n", doctor.stdout)
            # An entry whose squash is gone is stale: doctor says to remove it.
            ws.remove("shop/orders/migrations/0001_squashed_0002_order_note.py")
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 1)
            self.assertIn("FIX  replaces: .migline.yaml states what "
                          "orders.0001_squashed_0002_order_note replaces, but no such migration "
                          "exists\n", doctor.stdout)

    def test_existing_hook_is_chained_and_hooks_path_honoured(self):
        with self.workspace() as ws:
            project(ws)
            ws.git("config", "core.hooksPath", "githooks")
            ws.write("githooks/pre-commit", "#!/bin/sh\necho previous hook ran >&2\n")
            os.chmod(ws.path("githooks/pre-commit"), 0o755)
            self.assertRun(ws.migline("init"), 0)
            self.assertTrue(os.path.exists(ws.path("githooks/pre-commit.before-migline")))
            ws.git("add", "-A")
            commit = ws.git("commit", "-q", "-m", "initial")
            self.assertIn("previous hook ran", commit.stderr)
            self.assertIn("orders: 0001_initial", ws.git("show", "HEAD:migrations.lock.yaml").stdout)

    def test_a_sub_project_gets_a_hook_for_its_own_directory(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            ws.write("backend/.migline.yaml", "protected_branch: main\n")
            add_app(ws, "backend/orders", [("0001_initial", [])])
            self.assertRun(ws.migline("-C", "backend", "init"), 0)
            self.assertTrue(os.path.exists(ws.path("backend/migrations.lock.yaml")))
            ws.commit("set up")
            add_app(ws, "backend/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            ws.git("commit", "-q", "-m", "status")  # git runs the hook at the top of the work tree
            self.assertIn("  orders: 0002_status\n",
                          ws.git("show", "HEAD:backend/migrations.lock.yaml").stdout)
            self.assertFalse(os.path.exists(ws.path("migrations.lock.yaml")))

    def test_a_project_directory_with_a_quote_gets_a_working_hook(self):
        # The directory is pasted into the installed shell script: quoted, a ' must not end it.
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            ws.write("it's $HOME/.migline.yaml", "protected_branch: main\n")
            add_app(ws, "it's $HOME/orders", [("0001_initial", [])])
            self.assertRun(ws.migline("-C", "it's $HOME", "init"), 0)
            with open(ws.path(".git/hooks/pre-commit")) as f:
                self.assertIn("\nproject_dir='it'\\''s $HOME'\n", f.read())
            ws.commit("set up")
            add_app(ws, "it's $HOME/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            commit = ws.git("commit", "-q", "-m", "status")
            self.assertEqual(commit.stderr, "migline: updated migrations.lock.yaml\n")
            self.assertIn("  orders: 0002_status\n",
                          ws.git("show", "HEAD:it's $HOME/migrations.lock.yaml").stdout)

    def test_hooks_find_the_binary_init_ran_from_when_migline_is_not_on_path(self):
        with open(MIGLINE, "rb") as f:
            if f.read(2) == b"#!":
                # A wrapper (qemu-user): the binary it runs is not one the hooks can exec.
                self.skipTest("MIGLINE is a script, not the binary itself")
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "shop/orders", [("0001_initial", [])])
            # Neither $MIGLINE nor PATH names it: it was unpacked somewhere and run from there.
            tools = ws.path("my tools")
            os.makedirs(tools)
            binary = os.path.join(tools, "migline")
            shutil.copy(MIGLINE, binary)
            ws.env["PATH"] = "/usr/bin:/bin"
            ws.env.pop("MIGLINE", None)
            run = subprocess.run([binary, "init"], cwd=ws.root, capture_output=True, text=True,
                                 env=ws.env)
            self.assertRun(run, 0)
            self.assertEqual(ws.git("config", "merge.migline.driver").stdout.strip(),
                             "'%s' merge-driver %%O %%A %%B %%P -l %%L" % binary)
            ws.commit("set up")  # through the pre-commit hook
            self.assertIn("orders: 0001_initial", ws.git("show", "HEAD:migrations.lock.yaml").stdout)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.commit("status")
            self.assertIn("orders: 0002_status", ws.git("show", "HEAD:migrations.lock.yaml").stdout)
            doctor = subprocess.run([binary, "doctor"], cwd=ws.root, capture_output=True,
                                    text=True, env=ws.env)
            self.assertRun(doctor, 0)
            self.assertIn("ok   binary: the hooks and the merge driver run %s (migline " % binary,
                          doctor.stdout)
            self.assertIn("from the binary `migline init` ran from (migline is not on PATH)",
                          doctor.stdout)
            # Gone from there, the hook says so instead of failing silently.
            os.remove(binary)
            add_app(ws, "shop/orders", [("0003_more", [("orders", "0002_status")])])
            ws.git("add", "-A")
            commit = ws.git("commit", "-q", "-m", "more", check=False)
            self.assertEqual(commit.returncode, 1)
            self.assertIn("'migline' is not installed", commit.stderr)

    def test_newcomer_flow(self):
        """init, commit through the hook, branch, and see the conflict in a fresh clone."""
        with self.workspace() as ws:
            project(ws)
            self.assertRun(ws.migline("init"), 0)
            ws.commit("set up migline")
            self.assertRun(ws.migline("check"), 0)
            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.commit("orders status")
            self.assertIn("  orders: 0002_status\n", ws.git("show", "HEAD:migrations.lock.yaml").stdout)
            # A teammate's fresh clone: no driver configured, plain git.
            clone = Workspace(self)
            clone.env["MIGLINE"] = MIGLINE
            with clone:
                subprocess.run(["git", "clone", "-q", ws.root, clone.path("c")], check=True,
                               env=clone.env)
                clone.root = clone.path("c")
                clone.git("checkout", "-q", "-b", "feature")
                add_app(clone, "shop/orders", [("0003_feature", [("orders", "0002_status")])])
                clone.commit("feature")  # no hook in the clone either
                self.assertRun(clone.migline("check"), 1)  # the manifest is stale
                clone.migline("update")
                clone.commit("manifest")
                add_app(ws, "shop/orders", [("0003_main", [("orders", "0002_status")])])
                ws.commit("main")
                clone.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)
                status = clone.git("status", "--porcelain").stdout
                self.assertIn("UU migrations.lock.yaml", status)

    def merge_with_driver(self, ws, feature_app, main_app):
        """init, then a migration in `feature_app` on a branch and in `main_app` on main."""
        project(ws)
        self.assertRun(ws.migline("init"), 0)
        ws.commit("set up")
        ws.git("checkout", "-q", "-b", "feature")
        add_app(ws, "shop/" + feature_app, [("0002_feature", [(feature_app, "0001_initial")])])
        ws.commit("feature")
        ws.git("checkout", "-q", "main")
        add_app(ws, "shop/" + main_app, [("0002_main", [(main_app, "0001_initial")])])
        ws.commit("main")
        return ws.git("merge", "--no-edit", "feature", check=False)

    def test_merge_with_the_driver_installed_conflicts_with_a_hint(self):
        with self.workspace() as ws:
            merge = self.merge_with_driver(ws, "orders", "orders")
            self.assertNotEqual(merge.returncode, 0)
            self.assertIn("run `migline resolve`", merge.stderr)
            with open(ws.path("migrations.lock.yaml")) as f:
                text = f.read()
            self.assertIn("<<<<<<< ", text)
            self.assertIn("0002_main", text)
            self.assertIn("0002_feature", text)

    def test_merge_of_different_apps_is_clean_with_the_driver(self):
        with self.workspace() as ws:
            self.assertRun(self.merge_with_driver(ws, "orders", "billing"), 0)
            self.assertRun(ws.migline("check"), 0)

    def test_init_outside_git_is_an_error(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            run = ws.migline("init")
            self.assertRun(run, 2)
            self.assertIn("not inside a git repository", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
