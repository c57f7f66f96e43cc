"""Differential test: `migline leaves --format json` against Django's MigrationGraph.

Generates MIGLINE_DIFF_TREES random trees (default 1000) and requires exact
agreement: the same leaves for every app, or both failing. A mismatching tree
is kept on disk and its path printed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
import tree_generator  # noqa: E402

MIGLINE = os.environ["MIGLINE"]

# What migline must say when Django raises each exception.
REASONS = {
    "CircularDependencyError": "circular dependency",
    "NodeNotFoundError": "which does not exist",
    "ValueError": "which has no migrations",
}


def main():
    count = int(os.environ.get("MIGLINE_DIFF_TREES", "1000"))
    first = int(os.environ.get("MIGLINE_DIFF_SEED", "1"))
    passed = failed = errors_agreed = 0
    for seed in range(first, first + count):
        root = tempfile.mkdtemp(prefix="migline-diff-%d-" % seed)
        description = tree_generator.generate(seed, root)
        expected = django_oracle.django_leaves(root)
        run = subprocess.run([MIGLINE, "-C", root, "leaves", "--format", "json"],
                             capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
        if "error" in expected:
            reason = REASONS.get(expected["error"].split(":")[0], "<unexpected Django error>")
            findings = json.loads(run.stdout).get("findings", []) if run.stdout else []
            ok = run.returncode == 1 and reason in run.stderr and \
                any(f["severity"] == "error" and reason in f["message"] for f in findings)
            errors_agreed += ok
        else:
            ok = run.returncode == 0 and run.stdout.endswith("\n") and \
                json.loads(run.stdout) == dict(expected, alembic={})
        if ok:
            passed += 1
            shutil.rmtree(root)
            continue
        failed += 1
        print("MISMATCH %s (kept in %s)" % (description, root))
        print("  django:  %s" % json.dumps(expected))
        print("  migline: exit %d %s" % (run.returncode, run.stdout.strip()))
        print("  " + run.stderr.replace("\n", "\n  "))
    print("differential: %d trees compared with Django, %d agreed (%d both rejected)"
          % (passed + failed, passed, errors_agreed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
