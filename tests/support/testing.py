"""Helpers for end-to-end tests: the real migline binary, real git, temporary repositories.

A Workspace is a temporary directory that is deleted when its test passes and kept (its path
printed) when it fails, so a failure can be inspected by hand.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

MIGLINE = os.path.abspath(os.environ.get(
    "MIGLINE", os.path.join(os.path.dirname(__file__), "..", "..", "build", "migline")))

# A clean environment: no user or system git config, no colour, fixed identity and dates.
CLEAN_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "LANG": "C.UTF-8",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}
# The sanitizer build's settings (tests/CMakeLists.txt) reach the binary under test.
CLEAN_ENV.update({k: v for k, v in os.environ.items()
                  if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")})


class Workspace:
    def __init__(self, test):
        self.test = test
        self.root = tempfile.mkdtemp(prefix="migline-e2e-")
        self.top = self.root  # what to delete, even if a test points root elsewhere inside
        self.env = dict(CLEAN_ENV, HOME=self.root)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            shutil.rmtree(self.top, ignore_errors=True)
        else:
            print("\nkept %s for %s" % (self.top, self.test.id()))
        return False

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, relative, text):
        full = self.path(relative)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="") as f:
            f.write(text)

    def remove(self, relative):
        os.remove(self.path(relative))

    def git(self, *args, env=None, check=True):
        run = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                             env=dict(self.env, **(env or {})))
        if check and run.returncode != 0:
            raise AssertionError("git %s failed:\n%s%s" % (" ".join(args), run.stdout, run.stderr))
        return run

    def init_git(self):
        self.git("init", "-q", "-b", "main")
        return self

    def commit(self, message="change"):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def migline(self, *args, cwd=None, env=None):
        return subprocess.run([MIGLINE, *args], cwd=cwd or self.root, capture_output=True,
                              text=True, env=dict(self.env, **(env or {})))


def migration(app, name, deps=(), extra=""):
    """The text of a realistic migration file."""
    lines = ["from django.db import migrations, models", "", "",
             "class Migration(migrations.Migration):", "", "    dependencies = ["]
    lines += ["        (%r, %r)," % dep for dep in deps]
    lines += ["    ]", ""]
    if extra:
        lines += ["    " + line for line in extra.splitlines()] + [""]
    lines += ["    operations = [",
              "        migrations.AddField(model_name=%r, name=%r, field=models.IntegerField(null=True))," % (app, name.split("_", 1)[-1]),
              "    ]"]
    return "\n".join(lines) + "\n"


def add_app(ws, app_dir, migrations):
    """Writes a migrations package; `migrations` is a list of (name, deps) for the app."""
    label = os.path.basename(app_dir)
    ws.write(os.path.join(app_dir, "migrations", "__init__.py"), "")
    for name, deps in migrations:
        ws.write(os.path.join(app_dir, "migrations", name + ".py"), migration(label, name, deps))


class TestCase(unittest.TestCase):
    maxDiff = None

    def workspace(self):
        return Workspace(self)

    def assertRun(self, run, code, stdout=None, stderr=None):
        detail = "exit %d\nstdout:\n%s\nstderr:\n%s" % (run.returncode, run.stdout, run.stderr)
        self.assertEqual(run.returncode, code, detail)
        if stdout is not None:
            self.assertEqual(run.stdout, stdout, detail)
        if stderr is not None:
            self.assertEqual(run.stderr, stderr, detail)


def add_fixture_tests(cls, directory):
    """Adds `test_<case>` to `cls` for each case directory below tests/fixtures/<directory>;
    each calls `cls.check_case(path)`."""
    root = os.path.join(os.path.dirname(__file__), "..", "fixtures", directory)
    for case in sorted(os.listdir(root)):
        path = os.path.join(root, case)
        setattr(cls, "test_" + case, lambda self, path=path: self.check_case(path))
