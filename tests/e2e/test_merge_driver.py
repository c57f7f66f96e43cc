"""Merge-driver fixtures under tests/fixtures/merge, one test each.

A case is `base`, `ours`, `theirs` (git's %O, %A, %B), `expected` (what %A must hold
afterwards) and `exit` (the driver's exit status); optionally `path` (%P, default
`migrations.lock.yaml`) and `args` (extra arguments such as `-l 9 -x a -y b`). The driver
runs in an empty directory outside git, which must hold nothing else afterwards. Set
MIGLINE_UPDATE_FIXTURES=1 to write `expected` and `exit` from the current behaviour.
"""

import difflib
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_fixture_tests  # noqa: E402

UPDATE = os.environ.get("MIGLINE_UPDATE_FIXTURES") == "1"


def read(case, name, default=None):
    path = os.path.join(case, name)
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


class MergeDriverFixtures(TestCase):
    def check_case(self, case):
        with self.workspace() as ws:
            for name in ("base", "ours", "theirs"):
                shutil.copy(os.path.join(case, name), ws.path(name))
            path = read(case, "path", "migrations.lock.yaml").strip()
            args = read(case, "args", "").split()
            run = ws.migline("merge-driver", "base", "ours", "theirs", path, *args)
            result = read(ws.root, "ours")
            if UPDATE:
                with open(os.path.join(case, "expected"), "w", encoding="utf-8", newline="") as f:
                    f.write(result)
                with open(os.path.join(case, "exit"), "w") as f:
                    f.write("%d\n" % run.returncode)
            expected = read(case, "expected")
            if result != expected:
                diff = "".join(difflib.unified_diff(
                    expected.splitlines(True), result.splitlines(True), "expected", "result"))
                self.fail("%%A differs from `expected`:\n%s\nstderr: %s" % (diff, run.stderr))
            self.assertEqual(run.returncode, int(read(case, "exit")), run.stderr)
            self.assertEqual(sorted(os.listdir(ws.root)), ["base", "ours", "theirs"],
                             "the driver wrote something besides %A")
            if run.returncode == 0:
                self.assertEqual(run.stderr, "")
            else:
                self.assertIn("migline resolve", run.stderr)
                # Neither side's changes are lost: each line a side added is in the result.
                base = read(case, "base").splitlines()
                for side in ("ours", "theirs"):
                    for line in read(case, side).splitlines():
                        if line.strip() and line not in base and not line.startswith("#"):
                            self.assertIn(line, result, "lost a line of %s" % side)

add_fixture_tests(MergeDriverFixtures, "merge")


class MergeDriverConfig(TestCase):
    def test_an_unreadable_config_is_an_error_and_the_conflict_stays(self):
        """In a merge, the driver reads `.migline.yaml` for `resolve: {auto: true}`; one that
        cannot be read (here a directory) is said, never taken for absent."""
        case = os.path.join(os.path.dirname(__file__), "..", "fixtures", "merge",
                            "same_app_changed_differently")
        with self.workspace() as ws:
            for name in ("base", "ours", "theirs"):
                shutil.copy(os.path.join(case, name), ws.path(name))
            os.mkdir(ws.path(".migline.yaml"))
            run = ws.migline("merge-driver", "base", "ours", "theirs", "migrations.lock.yaml",
                             env={"GIT_REFLOG_ACTION": "merge feature"})
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn(".migline.yaml: error: cannot read: ", run.stderr)
            self.assertIn("run `migline resolve`", run.stderr)
            self.assertEqual(read(ws.root, "ours"), read(case, "expected"))

    def test_an_invalid_config_is_an_error_too(self):
        case = os.path.join(os.path.dirname(__file__), "..", "fixtures", "merge",
                            "same_app_changed_differently")
        with self.workspace() as ws:
            for name in ("base", "ours", "theirs"):
                shutil.copy(os.path.join(case, name), ws.path(name))
            with open(ws.path(".migline.yaml"), "w") as f:
                f.write("resolve: {auto: maybe}\n")
            run = ws.migline("merge-driver", "base", "ours", "theirs", "migrations.lock.yaml",
                             env={"GIT_REFLOG_ACTION": "merge feature"})
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("resolve.auto", run.stderr)
            self.assertEqual(read(ws.root, "ours"), read(case, "expected"))

if __name__ == "__main__":
    unittest.main(verbosity=2)
