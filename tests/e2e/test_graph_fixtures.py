"""Fixture directories under tests/fixtures/graph, one test each.

A case is `tree/` (a project, copied to a temporary directory outside any git
repository) plus either `expected.json` (the exact `leaves --format json`
output) or `expected.stderr` (the exact diagnostics; exit 1). Every case is also
run through Django's own MigrationGraph: Django must give the same leaves, or
reject an `expected.stderr` tree too, unless `django_accepts` says why migline
differs on purpose.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from testing import CLEAN_ENV, MIGLINE, add_fixture_tests, TestCase  # noqa: E402


class GraphFixtures(TestCase):
    def check_case(self, case):
        root = tempfile.mkdtemp(prefix="migline-fixture-")
        tree = os.path.join(root, "tree")
        shutil.copytree(os.path.join(case, "tree"), tree)
        run = subprocess.run([MIGLINE, "leaves", "--format", "json"], cwd=tree,
                             capture_output=True, text=True, env=dict(CLEAN_ENV, HOME=root))
        django = django_oracle.django_leaves(tree)
        expected_json = os.path.join(case, "expected.json")
        try:
            if os.path.exists(expected_json):
                with open(expected_json) as f:
                    expected = f.read()
                self.assertRun(run, 0, stdout=expected, stderr="")
                self.assertEqual(django, json.loads(expected), "Django disagrees with the fixture")
            else:
                with open(os.path.join(case, "expected.stderr")) as f:
                    self.assertRun(run, 1, stdout="", stderr=f.read())
                if not os.path.exists(os.path.join(case, "django_accepts")):
                    self.assertIn("error", django, "Django accepts this tree")
        except AssertionError:
            print("\nkept %s" % root)
            raise
        shutil.rmtree(root)


add_fixture_tests(GraphFixtures, "graph")

if __name__ == "__main__":
    unittest.main(verbosity=2)
