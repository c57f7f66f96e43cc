"""Deploy stages with real git: the two-release column drop passes `check --base` at
each release, the same drop in one unmarked migration fails it, and the one-release split
(nullable before the deploy, drop after it) passes only with the drop marked post-deploy."""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase  # noqa: E402

BASE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "safety_base")

HEADER = "from django.db import migrations, models\n\n\n"

NULLABLE_LEGACY = ('migrations.AlterField("order", "legacy", models.CharField('
                   'max_length=10, db_column="legacy_code", null=True))')
DROP_SQL = ('migrations.RunSQL("ALTER TABLE shop_order DROP COLUMN legacy_code", '
            'reverse_sql="ALTER TABLE shop_order ADD COLUMN legacy_code varchar(10) NULL")')


def migration(deps, operations, class_comment=""):
    deps = ", ".join("(%r, %r)" % d for d in deps)
    ops = "".join("        %s,\n" % op for op in operations)
    return (HEADER + "class Migration(migrations.Migration):%s\n" % class_comment +
            "    dependencies = [%s]\n\n    operations = [\n%s    ]\n" % (deps, ops))


class DeployStages(TestCase):
    def setUp(self):
        self.ws = self.workspace().__enter__()
        self.addCleanup(self.ws.__exit__, None, None, None)
        self.ws.init_git()
        shutil.copytree(BASE, self.ws.root, dirs_exist_ok=True)
        self.assertRun(self.ws.migline("update"), 0)
        self.ws.commit("base")

    def release(self, branch, files):
        ws = self.ws
        ws.git("checkout", "-q", "main")
        ws.git("checkout", "-q", "-b", branch)
        for name, text in files.items():
            ws.write(os.path.join("shop", "migrations", name + ".py"), text)
        self.assertRun(ws.migline("update"), 0)
        ws.commit(branch)

    def merge(self, branch):
        self.ws.git("checkout", "-q", "main")
        self.ws.git("merge", "-q", "--no-ff", "-m", "release " + branch, branch)

    def plan(self):
        run = self.ws.migline("plan", "--base", "main", "--format", "json")
        return run.returncode, json.loads(run.stdout)

    def test_two_releases_pass_and_one_unmarked_drop_fails(self):
        ws = self.ws
        # The removal in one unmarked migration: pre-deploy, judged against the old code.
        self.release("one-step", {"0003_remove_order_legacy": migration(
            [("shop", "0002_order_paid")], ['migrations.RemoveField("order", "legacy")'])})
        run = ws.migline("check", "--base", "main")
        self.assertRun(run, 1)
        self.assertIn("shop/migrations/0003_remove_order_legacy.py:8:9: error: RemoveField drops "
                      "the column of `order.legacy`", run.stdout)
        code, plan = self.plan()
        self.assertEqual(code, 0)  # a legal plan, only an unsafe one
        self.assertEqual(plan["migrations"][0]["why"], "unmarked: pre-deploy by default")

        # Release 1: the code stops using `legacy`; its column becomes nullable (the new code
        # no longer writes it) and leaves the state only.
        self.release("release-1", {"0003_order_legacy_state": migration(
            [("shop", "0002_order_paid")],
            [NULLABLE_LEGACY,
             'migrations.SeparateDatabaseAndState(state_operations=['
             'migrations.RemoveField("order", "legacy")])'])})
        self.assertRun(ws.migline("check", "--base", "main"), 0)
        code, plan = self.plan()
        self.assertEqual(code, 0)
        self.assertEqual([(m["name"], m["when"]) for m in plan["migrations"]],
                         [("0003_order_legacy_state", "before")])
        self.merge("release-1")

        # Release 2: the column is dropped once the release-1 code is the only one live.
        self.release("release-2", {"0004_drop_order_legacy": migration(
            [("shop", "0003_order_legacy_state")],
            ['migrations.SeparateDatabaseAndState(database_operations=[%s])' % DROP_SQL],
            "  # migline: post-deploy")})
        self.assertRun(ws.migline("check", "--base", "main"), 0)
        code, plan = self.plan()
        self.assertEqual(code, 0)
        [drop] = plan["migrations"]
        self.assertEqual((drop["name"], drop["stage"], drop["when"], drop["origin"]),
                         ("0004_drop_order_legacy", "post-deploy", "after", "mark"))

    def test_one_release_split_needs_the_post_deploy_mark(self):
        ws = self.ws
        nullable = migration([("shop", "0002_order_paid")], [NULLABLE_LEGACY])
        drop = migration([("shop", "0003_order_legacy_nullable")],
                         ['migrations.RemoveField("order", "legacy")'])
        self.release("unmarked", {"0003_order_legacy_nullable": nullable,
                                  "0004_remove_order_legacy": drop})
        run = ws.migline("check", "--base", "main")
        self.assertRun(run, 1)
        self.assertIn("error: RemoveField drops the column of `order.legacy`", run.stdout)

        marked = drop.replace("(migrations.Migration):", "(migrations.Migration):  # migline: "
                              "post-deploy")
        self.release("marked", {"0003_order_legacy_nullable": nullable,
                                "0004_remove_order_legacy": marked})
        self.assertRun(ws.migline("check", "--base", "main"), 0,
                       stdout="migline check: ok (1 app, 4 migrations)\n")
        code, plan = self.plan()
        self.assertEqual(code, 0)
        self.assertEqual([m["when"] for m in plan["migrations"]], ["before", "after"])
        self.assertEqual(plan["migrations"][1]["rollback"], ["the column of `shop.order.legacy`"])

        # Marked, but without the nullable step first: the new code's INSERTs fail until the
        # drop ran.
        self.release("marked-not-null", {"0003_remove_order_legacy": marked.replace(
            "0003_order_legacy_nullable", "0002_order_paid")})
        run = ws.migline("check", "--base", "main")
        self.assertRun(run, 1)
        self.assertIn("error: RemoveField drops `order.legacy` after the deploy, but it is NOT "
                      "NULL without a database default", run.stdout)

    def test_impossible_plan_in_every_format_of_check(self):
        ws = self.ws
        self.release("inverted", {
            "0003_remove_order_note": migration(
                [("shop", "0002_order_paid")], ['migrations.RemoveField("order", "note")'],
                "  # migline: post-deploy"),
            "0004_order_total": migration(
                [("shop", "0003_remove_order_note")],
                ['migrations.AddField("order", "total", models.IntegerField(null=True))'])})
        run = ws.migline("check", "--base", "main", "--format", "github")
        self.assertRun(run, 1)
        self.assertIn("::error file=shop/migrations/0004_order_total.py,line=4,col=7,"
                      "title=migline stage-inversion::`shop.0004_order_total` must run before "
                      "the deploy", run.stdout)
        run = ws.migline("check", "--base", "main", "--format", "json")
        self.assertRun(run, 1)
        rules = [f["rule"] for f in json.loads(run.stdout)["findings"]]
        self.assertEqual(rules, ["stage-inversion"])
        run = ws.migline("plan", "--base", "main", "--format", "json")
        self.assertRun(run, 1)
        self.assertTrue(json.loads(run.stdout)["impossible"])
        # Marked post-deploy too, the plan is possible again.
        ws.write("shop/migrations/0004_order_total.py", migration(
            [("shop", "0003_remove_order_note")],
            ['migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)'],
            "  # migline: post-deploy"))
        ws.commit("mark it")
        self.assertRun(ws.migline("check", "--base", "main"), 0)
        self.assertRun(ws.migline("plan", "--base", "main"), 0)

    def test_plan_usage_and_configuration_errors(self):
        ws = self.ws
        self.assertEqual(ws.migline("plan").returncode, 2)  # --base is required
        ws.write(".migline.yaml", "safety:\n  stages: liquibase\n")
        run = ws.migline("plan", "--base", "main")
        self.assertRun(run, 2)
        self.assertIn(".migline.yaml:2:11: error: unknown deploy stages 'liquibase'", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
