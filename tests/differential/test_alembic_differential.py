"""Differential test: `migline leaves` against Alembic's own ScriptDirectory and RevisionMap.

Generates MIGLINE_DIFF_HISTORIES random trees (default 500; tests/support/alembic_generator.py)
of one to three Alembic histories each and requires exact agreement for every history: the
same heads (`leaves --format json`), the same divergence (two heads whose branch labels, as
Alembic propagates them, are equal: `leaves` marks the history divergent), or both failing
for the same reason (a finding with the rule below, exit 1). A mismatching tree is kept on
disk and its path printed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import alembic_generator  # noqa: E402
import alembic_oracle  # noqa: E402

MIGLINE = os.environ["MIGLINE"]

# The rule of migline's finding when Alembic fails for each reason.
RULES = {"duplicate": "duplicate-revision", "missing": "missing-parent", "cycle": "cycle",
         "label": "branch-label-clash", "id": "parse-error"}


def compare(root, expected):
    env = {"PATH": os.environ["PATH"]}
    run = subprocess.run([MIGLINE, "-C", root, "leaves", "--format", "json"],
                         capture_output=True, text=True, env=env)
    text = subprocess.run([MIGLINE, "-C", root, "leaves"], capture_output=True, text=True,
                          env=env)
    got = json.loads(run.stdout)
    findings = got.get("findings", [])
    problems = []
    # One failing history makes `leaves` (text) print nothing: divergence is judged without.
    any_error = any("error" in answer for answer in expected.values())
    for loc, answer in expected.items():
        if "error" in answer:
            rule = RULES.get(answer["error"], "?")
            if loc in got["alembic"] or not any(f["rule"] == rule and f["path"].startswith(loc + "/")
                                                for f in findings):
                problems.append("%s: Alembic fails (%s), migline: %s" % (
                    loc, answer["message"], got["alembic"].get(loc, findings)))
            continue
        if got["alembic"].get(loc) != answer["heads"]:
            problems.append("%s: heads %s, migline %s" % (loc, answer["heads"],
                                                           got["alembic"].get(loc)))
        divergent = alembic_oracle.divergent(answer)
        marked = any(line.startswith("alembic %s " % loc) and "divergent" in line
                     for line in text.stdout.splitlines())
        if not any_error and divergent != marked:
            problems.append("%s: divergent %s (branches %s), migline says %s" % (
                loc, divergent, answer["branches"], marked))
    if sorted(got["alembic"]) != sorted(loc for loc, a in expected.items() if "error" not in a):
        problems.append("histories: %s, migline %s" % (sorted(expected), sorted(got["alembic"])))
    if run.returncode != (1 if any_error else 0):
        problems.append("exit %d: %s" % (run.returncode, run.stderr[:2000]))
    return problems


def main():
    count = int(os.environ.get("MIGLINE_DIFF_HISTORIES", "500"))
    first = int(os.environ.get("MIGLINE_DIFF_SEED", "1"))
    passed = failed = errors_agreed = 0
    for seed in range(first, first + count):
        root = tempfile.mkdtemp(prefix="migline-alembic-diff-%d-" % seed)
        description = alembic_generator.generate(seed, root)
        expected = alembic_oracle.alembic_heads(root)["alembic"]
        problems = compare(root, expected)
        if not problems:
            passed += 1
            errors_agreed += any("error" in a for a in expected.values())
            shutil.rmtree(root)
            continue
        failed += 1
        print("MISMATCH %s (kept in %s)" % (description, root))
        for p in problems:
            print("  " + p)
    print("differential: %d trees compared with Alembic, %d agreed (%d with a failure both saw)"
          % (passed + failed, passed, errors_agreed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
