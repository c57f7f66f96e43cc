"""Fixture directories under tests/fixtures/conditional, one test each.

A case is `tree/` (a project whose migrations build dependency lists with `+` and
`A if COND else B`), `case.json` ({"condition": COND, "leaves": {"true": ..., "false": ...}})
and `expected.stderr` (what `leaves` says while no `.migline.yaml` decides COND: empty when
the condition cannot change any app's leaves, else the exact finding, exit 1). With
`conditions: {COND: VALUE}` stated, migline's leaves must equal the case's and Django's own
MigrationGraph, the tree imported with the condition set to VALUE (the tree's files read
MIGLINE_CONDITION from Django's settings).
"""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from django.conf import settings  # noqa: E402
from testing import TestCase, add_fixture_tests  # noqa: E402


def django_leaves_with(tree, value):
    settings.MIGLINE_CONDITION = value
    try:
        return django_oracle.django_leaves(tree)
    finally:
        del settings.MIGLINE_CONDITION


class ConditionalFixtures(TestCase):
    def check_case(self, case):
        with open(os.path.join(case, "case.json")) as f:
            meta = json.load(f)
        with open(os.path.join(case, "expected.stderr")) as f:
            undecided = f.read()
        with self.workspace() as ws:
            tree = ws.path("tree")
            shutil.copytree(os.path.join(case, "tree"), tree)
            run = ws.migline("leaves", "--format", "json", cwd=tree)
            self.assertRun(run, 1 if undecided else 0, stderr=undecided)
            for value in ("true", "false"):
                with self.subTest(condition=value):
                    ws.write("tree/.migline.yaml",
                             "conditions:\n  %s: %s\n" % (meta["condition"], value))
                    run = ws.migline("leaves", "--format", "json", cwd=tree)
                    self.assertRun(run, 0, stderr="")
                    expected = meta["leaves"][value]
                    self.assertEqual(json.loads(run.stdout)["django"], expected)
                    self.assertEqual(django_leaves_with(tree, value == "true"),
                                     {"django": expected}, "Django disagrees with the fixture")

    def test_graph_shows_conditional_dependencies(self):
        case = os.path.join(os.path.dirname(__file__), "..", "fixtures", "conditional",
                            "cross_app_condition_is_no_finding")
        with self.workspace() as ws:
            tree = ws.path("tree")
            shutil.copytree(os.path.join(case, "tree"), tree)
            run = ws.migline("graph", "socialaccount", cwd=tree)
            self.assertRun(run, 0)
            self.assertIn(
                "  0001_initial  <- sites.0001_initial (if app_settings.SITES_ENABLED), "
                "auth.__first__ (external)\n", run.stdout)
            self.assertIn(
                "  0002_token_max_lengths  <- 0001_initial, "
                "sites.0002_alter_domain_unique (if app_settings.SITES_ENABLED), "
                "billing.0001_initial (external, unless app_settings.SITES_ENABLED)  *leaf\n",
                run.stdout)
            dot = ws.migline("graph", "socialaccount", "--format", "dot", cwd=tree)
            self.assertIn('  "sites.0001_initial" -> "socialaccount.0001_initial" '
                          '[style=dashed, label="if app_settings.SITES_ENABLED"];\n', dot.stdout)
            self.assertIn('  "billing.0001_initial" -> "socialaccount.0002_token_max_lengths" '
                          '[label="unless app_settings.SITES_ENABLED"];\n', dot.stdout)
            mermaid = ws.migline("graph", "socialaccount", "--format", "mermaid", cwd=tree)
            self.assertEqual(mermaid.stdout.count(' -. "if app_settings.SITES_ENABLED" .-> '), 2)
            self.assertEqual(mermaid.stdout.count(' -. "unless app_settings.SITES_ENABLED" .-> '),
                             1)
            # decided, the dependency is plain and the other branch is gone
            ws.write("tree/.migline.yaml", "conditions:\n  app_settings.SITES_ENABLED: false\n")
            run = ws.migline("graph", "socialaccount", cwd=tree)
            self.assertIn("  0001_initial  <- auth.__first__ (external)\n", run.stdout)
            self.assertIn("  0002_token_max_lengths  <- 0001_initial, billing.0001_initial "
                          "(external)  *leaf\n", run.stdout)


add_fixture_tests(ConditionalFixtures, "conditional")

if __name__ == "__main__":
    unittest.main(verbosity=2)
