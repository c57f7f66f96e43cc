"""Compares migline's deploy stages (`stages: syzygy`) with django-syzygy's own verdicts.

    /usr/bin/python3 tests/differential/compare_syzygy_stages.py SYZYGY_CHECKOUT MIGLINE [DIR...]

For each directory of migration files (default: the checkout's tests/test_migrations/*,
syzygy_forms/ beside this script, and tests/fixtures/stages/syzygy_*/branch/shop/migrations),
syzygy's `get_migration_stage()` is run on every migration (imported by Django 3.2 from Debian), and
`migline plan --format json` on the same files committed in a temporary git repository as the
app `tests`. Prints one line per migration and exits 1 on any difference. Not run by ctest:
django-syzygy is not a Debian package (fetch github:charettes/django-syzygy to run it).
"""

import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

syzygy_dir, migline = sys.argv[1], os.path.abspath(sys.argv[2])
sys.path.insert(0, syzygy_dir)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"])
django.setup()
from syzygy import conf  # noqa: E402
from syzygy.exceptions import AmbiguousStage  # noqa: E402
from syzygy.plan import get_migration_stage  # noqa: E402

conf._configure()
here = os.path.dirname(os.path.abspath(__file__))
dirs = sys.argv[3:] or (
    sorted(glob.glob(os.path.join(syzygy_dir, "tests", "test_migrations", "*"))) +
    [os.path.join(here, "syzygy_forms")] +
    sorted(glob.glob(os.path.join(here, "..", "fixtures", "stages", "syzygy_*", "branch", "shop",
                                  "migrations"))))


def syzygy_verdict(path):
    spec = importlib.util.spec_from_file_location("m%d" % abs(hash(path)), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    migration = module.Migration(os.path.basename(path)[:-3], "tests")
    try:
        stage = get_migration_stage(migration)
    except AmbiguousStage:
        return "ambiguous"
    return "post-deploy" if stage is not None and stage.name == "POST_DEPLOY" else "pre-deploy"


def migline_verdicts(files):
    root = tempfile.mkdtemp()
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=root, GIT_AUTHOR_NAME="T",
               GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@e")
    run = lambda *a: subprocess.run(a, cwd=root, env=env, capture_output=True, text=True)
    run("git", "init", "-q", "-b", "main")
    run("git", "commit", "-q", "--allow-empty", "-m", "base")
    os.makedirs(os.path.join(root, "tests", "migrations"))
    open(os.path.join(root, "tests", "migrations", "__init__.py"), "w").close()
    with open(os.path.join(root, ".migline.yaml"), "w") as f:
        f.write("safety:\n  stages: syzygy\n")
    for path in files:
        shutil.copy(path, os.path.join(root, "tests", "migrations"))
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "set")
    plan = json.loads(run(migline, "plan", "--base", "HEAD~1", "--format", "json").stdout)
    shutil.rmtree(root)
    mixed = {f["path"] for f in plan["findings"] if f["rule"] == "stage-mixed"}
    return {m["name"]: "ambiguous" if m["path"] in mixed else m["stage"]
            for m in plan["migrations"]}


differences = 0
for d in dirs:
    files = sorted(glob.glob(os.path.join(d, "[0-9]*.py")))
    if not files:
        continue
    ours = migline_verdicts(files)
    for path in files:
        name = os.path.basename(path)[:-3]
        theirs = syzygy_verdict(path)
        same = ours.get(name) == theirs
        differences += not same
        label = (path.split("test_migrations/")[-1] if "test_migrations" in path
                 else path.split(os.path.join("stages", ""))[-1].replace("branch/shop/", ""))
        print("%-4s %-62s syzygy %-11s migline %s" % ("ok" if same else "DIFF", label, theirs,
                                                       ours.get(name)))
sys.exit(1 if differences else 0)
