"""Fixture directories under tests/fixtures/stages, one test each: deploy stages.

A case is `branch/` (files written over tests/fixtures/safety_base, committed on `main`; the
branch is committed on `feature`) and the exact stdout of three commands on the branch:
`plan.txt` (`migline plan --base main`, exit 1 when it says the plan is impossible),
`plan.json` (the same with `--format json`) and `check.txt` (`migline check --base main`,
exit 1 when it holds an error). The JSON plan's order must be the order in which Django's own
`migrate` applies the branch's migrations on a database that has the base's.
"""

import enum
import json
import os
import shutil
import sys
import types
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_fixture_tests  # noqa: E402

SHARED_BASE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "safety_base")


def install_mark_modules():
    """The two names the fixtures import, as django-syzygy 1.2.3 and django-safemigrate 5 define
    them, so that Django can import the migration files (neither package is in Debian)."""
    class Stage(enum.Enum):
        PRE_DEPLOY = "pre_deploy"
        POST_DEPLOY = "post_deployment"

    class Safe:
        def __init__(self, when, delay=None):
            self.when, self.delay = when, delay

        @classmethod
        def before_deploy(cls):
            return cls("before_deploy")

        @classmethod
        def after_deploy(cls, *, delay=None):
            return cls("after_deploy", delay)

        @classmethod
        def always(cls):
            return cls("always")

    syzygy = types.ModuleType("syzygy")
    constants = types.ModuleType("syzygy.constants")
    constants.Stage = syzygy.Stage = Stage
    syzygy.constants = constants
    safemigrate = types.ModuleType("django_safemigrate")
    safemigrate.Safe = Safe
    sys.modules.update({"syzygy": syzygy, "syzygy.constants": constants,
                        "django_safemigrate": safemigrate})


def django_migrate_order(root, applied):
    """What Django's MigrationExecutor.migration_plan(leaf_nodes()) applies when `applied` is."""
    from django_oracle import TreeLoader, find_packages
    loader = TreeLoader(find_packages(root, {}))
    plan, done = [], set(applied)
    for target in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(target):
            if key not in done:
                plan.append(list(key))
                done.add(key)
    return plan


def copy_over(source, target):
    for root, _dirs, files in os.walk(source):
        for name in files:
            path = os.path.join(root, name)
            dest = os.path.join(target, os.path.relpath(path, source))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(path, dest)


def read(case, name):
    with open(os.path.join(case, name)) as f:
        return f.read()


class StageFixtures(TestCase):
    def check_case(self, case):
        with self.workspace() as ws:
            ws.init_git()
            copy_over(SHARED_BASE, ws.root)
            self.assertRun(ws.migline("update"), 0)
            ws.commit("base")
            base = [("shop", name[:-3]) for name in
                    os.listdir(ws.path("shop", "migrations")) if name[0] != "_"]
            ws.git("checkout", "-q", "-b", "feature")
            copy_over(os.path.join(case, "branch"), ws.root)
            self.assertRun(ws.migline("update"), 0)
            ws.commit("branch")

            plan = read(case, "plan.txt")
            code = 1 if "migline plan: impossible" in plan else 0
            self.assertRun(ws.migline("plan", "--base", "main"), code, stdout=plan)
            expected_json = read(case, "plan.json")
            run = ws.migline("plan", "--base", "main", "--format", "json")
            self.assertRun(run, code, stdout=expected_json)
            document = json.loads(run.stdout)
            self.assertEqual(document["impossible"], code == 1)
            order = [[m["app"], m["name"]] for m in document["migrations"]]
            self.assertEqual(order, django_migrate_order(ws.root, base))

            check = read(case, "check.txt")
            code = 1 if ": error: " in check else 0
            self.assertRun(ws.migline("check", "--base", "main"), code, stdout=check)


install_mark_modules()
add_fixture_tests(StageFixtures, "stages")

if __name__ == "__main__":
    unittest.main(verbosity=2)
