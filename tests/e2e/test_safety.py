"""The safety rules where they run, with real git: `check --base` in its three
formats and with `--no-safety`, and the pre-commit hook, which warns and never blocks."""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import MIGLINE, TestCase  # noqa: E402

HOOK = os.path.join(os.path.dirname(__file__), "..", "..", "hooks", "pre-commit")

INITIAL = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("note", models.TextField(null=True)),
            ],
        ),
    ]
"""

DROP_NOTE = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="order", name="note"),
        migrations.RunPython(migrations.RunPython.noop),
    ]
"""

PATH = "orders/migrations/0002_drop_note.py"


def with_hook(ws):
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE
    shutil.copy(HOOK, ws.path(".git", "hooks", "pre-commit"))
    ws.write("orders/migrations/__init__.py", "")
    ws.write("orders/migrations/0001_initial.py", INITIAL)
    ws.commit("initial")
    return ws


class Hook(TestCase):
    def test_a_commit_adding_an_unsafe_migration_warns_and_goes_on(self):
        with self.workspace() as ws:
            with_hook(ws)
            ws.write(PATH, DROP_NOTE)
            ws.git("add", "-A")
            run = ws.git("commit", "-q", "-m", "drop note", check=False)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertIn(
                "orders/migrations/0002_drop_note.py:8:9: warning: RemoveField drops the column "
                "of `order.note`", run.stderr)
            self.assertIn("        migrations.RemoveField(model_name=\"order\", name=\"note\"),\n"
                          "        ^\n", run.stderr)
            self.assertIn("0002_drop_note.py:9:9: warning: RunPython has no reverse_code", run.stderr)
            self.assertIn("migline: 2 safety findings in the staged migrations", run.stderr)
            self.assertEqual(ws.git("log", "--format=%s", "-1").stdout, "drop note\n")
            self.assertIn(PATH, ws.git("show", "--name-only", "HEAD").stdout)

    def test_migrations_already_in_head_are_not_warned_about_again(self):
        with self.workspace() as ws:
            with_hook(ws)
            ws.write(PATH, DROP_NOTE)
            ws.commit("drop note")
            ws.write("README", "unrelated\n")
            ws.git("add", "-A")
            run = ws.git("commit", "-q", "-m", "readme", check=False)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stderr, "")

    def test_hook_off_silences_it(self):
        with self.workspace() as ws:
            with_hook(ws)
            ws.write(".migline.yaml", "safety:\n  hook: off\n")
            ws.commit("config")
            ws.write(PATH, DROP_NOTE)
            ws.git("add", "-A")
            run = ws.git("commit", "-q", "-m", "drop note", check=False)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stderr, "migline: updated migrations.lock.yaml\n")


class CheckBase(TestCase):
    def branch(self, ws):
        ws.init_git()
        ws.write("orders/migrations/__init__.py", "")
        ws.write("orders/migrations/0001_initial.py", INITIAL)
        ws.migline("update")
        ws.commit("initial")
        ws.git("checkout", "-q", "-b", "feature")
        ws.write(PATH, DROP_NOTE)
        ws.migline("update")
        ws.commit("drop note")

    def test_json_has_the_rule_ids_and_positions(self):
        with self.workspace() as ws:
            self.branch(ws)
            run = ws.migline("check", "--base", "main", "--format", "json")
            self.assertRun(run, 1)
            out = json.loads(run.stdout)
            found = [(f["rule"], f["severity"], f["path"], f["line"], f["column"])
                     for f in out["findings"]]
            self.assertEqual(found, [("remove-field", "error", PATH, 8, 9),
                                     ("runpython-irreversible", "warning", PATH, 9, 9)])
            self.assertIn("SeparateDatabaseAndState", out["findings"][0]["hint"])
            self.assertEqual((out["errors"], out["warnings"]), (1, 1))

    def test_github_annotations(self):
        with self.workspace() as ws:
            self.branch(ws)
            run = ws.migline("check", "--base", "main", "--format", "github")
            self.assertRun(run, 1)
            lines = run.stdout.splitlines()
            self.assertTrue(lines[0].startswith(
                "::error file=%s,line=8,col=9,title=migline remove-field::RemoveField drops" % PATH),
                lines[0])
            self.assertTrue(lines[1].startswith(
                "::warning file=%s,line=9,col=9,title=migline runpython-irreversible::" % PATH),
                lines[1])

    def test_no_safety_skips_the_rules(self):
        with self.workspace() as ws:
            self.branch(ws)
            self.assertRun(ws.migline("check", "--base", "main", "--no-safety"), 0)
            # Without --base nothing is new, so nothing is judged.
            self.assertRun(ws.migline("check"), 0)

    def test_merged_branch_is_no_longer_judged(self):
        with self.workspace() as ws:
            self.branch(ws)
            ws.git("checkout", "-q", "main")
            ws.git("merge", "-q", "--ff-only", "feature")
            self.assertRun(ws.migline("check", "--base", "feature"), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
