"""The real pre-commit framework (Debian's /usr/bin/pre-commit) with the `migline` hook of
.pre-commit-hooks.yaml: a project whose .pre-commit-config.yaml points at a local copy of
this repository, hooks installed with `pre-commit install`, no package index. pre-commit has
pip build migline from source through the in-tree backend, so this also tests
`pip install <repository>`.

The copy is of the work tree as it is (tracked and new files), committed in a fresh
repository, so uncommitted changes are what is tested.
"""

import glob
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "packaging"))
import migline_build  # noqa: E402
from testing import TestCase, add_app  # noqa: E402

PRE_COMMIT = "/usr/bin/pre-commit"


def copy_of_this_repository(destination, env):
    """A git repository holding this work tree's files; returns its commit."""
    listed = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, check=True)
    for relative in sorted(set(p for p in listed.stdout.decode().split("\0") if p)):
        source = os.path.join(ROOT, relative)
        if not os.path.isfile(source):
            continue  # deleted in the work tree
        target = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(["git", *command], cwd=destination, env=env, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=destination, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


class PreCommitFramework(TestCase):
    def test_commits_go_through_the_migline_hook(self):
        with self.workspace() as ws:
            # Only system directories on PATH: the migline that runs is the one pip built.
            ws.env.update(PATH="/usr/bin:/bin", PRE_COMMIT_HOME=os.path.join(ws.top, "cache"),
                          PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", MIGLINE_JOBS="2")
            # install.sh --test builds the Release configuration once, for this test and the
            # action's (MIGLINE_PIP_PREBUILT); pip then packs it through the same backend.
            # Run alone, this test has pip build migline from source.
            if os.environ.get("MIGLINE_PIP_PREBUILT"):
                ws.env["MIGLINE_PREBUILT"] = os.path.abspath(os.environ["MIGLINE_PIP_PREBUILT"])
            source = os.path.join(ws.top, "migline")
            rev = copy_of_this_repository(source, ws.env)
            ws.root = os.path.join(ws.top, "project")
            os.makedirs(ws.root)
            ws.init_git()
            ws.write(".pre-commit-config.yaml",
                     "repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: migline\n" % (source, rev))
            install = subprocess.run([PRE_COMMIT, "install"], cwd=ws.root, env=ws.env,
                                     capture_output=True, text=True)
            self.assertRun(install, 0)

            add_app(ws, "shop/orders", [("0001_initial", [])])
            ws.git("add", "-A")
            first = ws.git("commit", "-q", "-m", "initial", check=False)
            self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
            self.assertIn("orders: 0001_initial\n", ws.git("show", "HEAD:migrations.lock.yaml").stdout)

            add_app(ws, "shop/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.git("add", "-A")
            ws.git("commit", "-q", "-m", "status")
            self.assertIn("orders: 0002_status\n", ws.git("show", "HEAD:migrations.lock.yaml").stdout)
            self.assertEqual(ws.git("status", "--porcelain").stdout, "")

            add_app(ws, "shop/orders", [("0003_a", [("orders", "0002_status")]),
                                        ("0003_b", [("orders", "0002_status")])])
            ws.git("add", "-A")
            refused = ws.git("commit", "-q", "-m", "diverge", check=False)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("the staged migrations have several leaves in an app: orders (0003_a, 0003_b)",
                          refused.stdout + refused.stderr)
            self.assertEqual(ws.git("rev-list", "--count", "HEAD").stdout.strip(), "2")

            # What pip built from source links Debian's shared libraries, and its wheel says so.
            binaries = glob.glob(os.path.join(ws.env["PRE_COMMIT_HOME"], "*", "py_env-*", "bin",
                                              "migline"))
            self.assertEqual(len(binaries), 1, binaries)
            self.assertEqual(migline_build.elf_facts(binaries[0]), ("x86_64", True))
            version = migline_build.project_version()
            wheel_files = glob.glob(os.path.join(os.path.dirname(os.path.dirname(binaries[0])),
                                                 "lib", "python3*", "site-packages",
                                                 "migline-%s.dist-info" % version, "WHEEL"))
            self.assertEqual(len(wheel_files), 1)
            with open(wheel_files[0]) as f:
                self.assertIn("Tag: py3-none-linux_x86_64\n", f.read())


if __name__ == "__main__":
    unittest.main()
