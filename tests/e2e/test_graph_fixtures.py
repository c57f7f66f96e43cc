"""Fixture directories under tests/fixtures/graph, one test each.

A case is `tree/` (a project, copied to a temporary directory outside any git
repository) plus either `expected.json` (the exact `leaves --format json`
output, exit 0; with `expected.stderr` beside it, the exact warnings) or only
`expected.stderr` (the exact diagnostics; exit 1, and the same findings in the
JSON document on stdout). Every case is also
run through Django's own MigrationGraph: Django must give the same leaves, or
reject an `expected.stderr` tree too, unless `django_accepts` says why migline
differs on purpose.
"""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from testing import TestCase, add_fixture_tests  # noqa: E402


class GraphFixtures(TestCase):
    def check_case(self, case):
        with self.workspace() as ws:
            tree = ws.path("tree")
            shutil.copytree(os.path.join(case, "tree"), tree)
            run = ws.migline("leaves", "--format", "json", cwd=tree)
            django = django_oracle.django_leaves(tree)
            expected_json = os.path.join(case, "expected.json")
            if os.path.exists(expected_json):
                with open(expected_json) as f:
                    expected = f.read()
                warnings = ""
                if os.path.exists(os.path.join(case, "expected.stderr")):
                    with open(os.path.join(case, "expected.stderr")) as f:
                        warnings = f.read()
                self.assertRun(run, 0, stderr=warnings)
                self.assertEqual(json.loads(run.stdout).pop("django"), json.loads(expected)["django"])
                self.assertEqual(run.stdout == expected, not warnings,
                                 "findings are in the JSON exactly when there are warnings")
                self.assertEqual(django, {"django": json.loads(expected)["django"]},
                                 "Django disagrees with the fixture")
            else:
                with open(os.path.join(case, "expected.stderr")) as f:
                    self.assertRun(run, 1, stderr=f.read())
                # Still one JSON document, holding the same findings.
                findings = json.loads(run.stdout)["findings"]
                self.assertEqual(len(findings), run.stderr.count(": error: ") +
                                 run.stderr.count(": warning: "))
                self.assertIn("error", [f["severity"] for f in findings])
                if not os.path.exists(os.path.join(case, "django_accepts")):
                    self.assertIn("error", django, "Django accepts this tree")

add_fixture_tests(GraphFixtures, "graph")

if __name__ == "__main__":
    unittest.main(verbosity=2)
