"""Fixture directories under tests/fixtures/safety, one test each: the safety rules.

A case is `branch/` (files written over the project in `tests/fixtures/safety_base`, or in
the case's own `base/` if it has one, committed on `main`; the branch is committed on
`feature`; the paths listed in an optional `deleted.txt` are removed on the branch, so a
file added under another name there is a rename) and `expected.txt`, the exact stdout of
`migline check --base main` on the branch (exit 1 when it holds an error, else 0). With `--no-safety` the same branch must
pass (but for check's own published-* errors), so every other finding in `expected.txt` comes
from the rules.
"""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_fixture_tests  # noqa: E402


SHARED_BASE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "safety_base")


def copy_over(source, target):
    for root, _dirs, files in os.walk(source):
        for name in files:
            path = os.path.join(root, name)
            dest = os.path.join(target, os.path.relpath(path, source))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(path, dest)


class SafetyFixtures(TestCase):
    def check_case(self, case):
        with self.workspace() as ws:
            ws.init_git()
            base = os.path.join(case, "base")
            copy_over(base if os.path.isdir(base) else SHARED_BASE, ws.root)
            self.assertRun(ws.migline("update"), 0)
            ws.commit("base")
            ws.git("checkout", "-q", "-b", "feature")
            copy_over(os.path.join(case, "branch"), ws.root)
            deleted = os.path.join(case, "deleted.txt")
            if os.path.exists(deleted):
                with open(deleted) as f:
                    for path in f.read().split():
                        os.remove(os.path.join(ws.root, path))
            self.assertRun(ws.migline("update"), 0)
            ws.commit("branch")
            with open(os.path.join(case, "expected.txt")) as f:
                expected = f.read()
            code = 1 if ": error: " in expected else 0
            self.assertRun(ws.migline("check", "--base", "main"), code, stdout=expected)
            # A deleted, renamed or edited migration is check's own error (published-*), not a
            # rule's.
            published = os.path.exists(deleted) or " was changed, but it exists at " in expected
            self.assertRun(ws.migline("check", "--base", "main", "--no-safety"),
                           1 if published else 0)


add_fixture_tests(SafetyFixtures, "safety")

if __name__ == "__main__":
    unittest.main(verbosity=2)
