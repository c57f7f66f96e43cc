"""Compares migline's deploy stages with django-syzygy's or django-safemigrate's own verdicts.

    /usr/bin/python3 tests/differential/compare_stages.py syzygy SYZYGY_CHECKOUT MIGLINE [DIR...]
    /usr/bin/python3 tests/differential/compare_stages.py safemigrate SAFEMIGRATE_CHECKOUT MIGLINE

syzygy: for each directory of migration files (default: the checkout's tests/test_migrations/*,
syzygy_forms/ beside this script, tests/fixtures/stages/syzygy_*/branch/shop/migrations),
syzygy's `must_post_deploy_migration()` runs on every migration. safemigrate (default:
safemigrate_forms/, tests/fixtures/stages/safemigrate_*/...): its command's `safety()`. Both are
imported by Debian's Django 3.2; `migline plan --format json` (`stages:` the same convention)
reads the same files committed in a temporary git repository as the app `tests`. Prints one
line per migration and exits 1 on any difference. Not run by ctest: neither package is in
Debian (fetch github:charettes/django-syzygy or github:aspiredu/django-safemigrate).
"""

import datetime
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

convention, checkout, migline = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
sys.path.insert(0, os.path.join(checkout, "src") if convention == "safemigrate" else checkout)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"] +
                   (["django_safemigrate"] if convention == "safemigrate" else []))
django.setup()
here = os.path.dirname(os.path.abspath(__file__))
dirs = sys.argv[4:] or (
    (sorted(glob.glob(os.path.join(checkout, "tests", "test_migrations", "*")))
     if convention == "syzygy" else []) +
    [os.path.join(here, convention + "_forms")] +
    sorted(glob.glob(os.path.join(here, "..", "fixtures", "stages", convention + "_*", "branch",
                                  "shop", "migrations"))))


def load(path):
    spec = importlib.util.spec_from_file_location("m%d" % abs(hash(path)), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Migration(os.path.basename(path)[:-3], "tests")


def syzygy_verdict(path):
    from syzygy import conf
    from syzygy.exceptions import AmbiguousStage
    from syzygy.plan import must_post_deploy_migration
    conf._configure()
    try:
        post = must_post_deploy_migration(load(path))  # what `migrate --pre-deploy` uses
    except AmbiguousStage:
        return "ambiguous"
    return "post-deploy" if post else "pre-deploy"


def safemigrate_verdict(path):
    from django_safemigrate import Safe, When
    from django_safemigrate.management.commands.safemigrate import safety
    safe = safety(load(path))
    if not isinstance(safe, Safe) or safe.when not in When:
        return "invalid"
    verdict = {"before_deploy": "pre-deploy", "after_deploy": "post-deploy",
               "always": "either side"}[safe.when.value]
    return verdict + (" delay=%s" % safe.delay if safe.delay else "")


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
        f.write("safety:\n  stages: %s\n" % convention)
    for path in files:
        shutil.copy(path, os.path.join(root, "tests", "migrations"))
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "set")
    plan = json.loads(run(migline, "plan", "--base", "HEAD~1", "--format", "json").stdout)
    shutil.rmtree(root)
    mixed = {f["path"] for f in plan["findings"] if f["rule"] == "stage-mixed"}
    invalid = {f["path"] for f in plan["findings"] if f["rule"] == "stage-unreadable"}
    verdicts = {}
    for m in plan["migrations"]:
        verdict = "ambiguous" if m["path"] in mixed else m["stage"]
        if convention == "safemigrate":
            verdict = "invalid" if m["path"] in invalid else verdict
            # The delay as written, evaluated as safemigrate would see it.
            delay = m["delay"] and eval(m["delay"], {"datetime": datetime,
                                                     "timedelta": datetime.timedelta})
            verdict += " delay=%s" % delay if delay else ""
        verdicts[m["name"]] = verdict
    return verdicts


differences = 0
for d in dirs:
    files = sorted(glob.glob(os.path.join(d, "[0-9]*.py")))
    if not files:
        continue
    ours = migline_verdicts(files)
    for path in files:
        name = os.path.basename(path)[:-3]
        theirs = (syzygy_verdict if convention == "syzygy" else safemigrate_verdict)(path)
        same = ours.get(name) == theirs
        differences += not same
        label = (path.split("test_migrations/")[-1] if "test_migrations" in path
                 else path.split(os.path.join("stages", ""))[-1].replace("branch/shop/", "")
                 if "fixtures" in path else os.path.relpath(path, here))
        print("%-4s %-50s %s %-11s migline %s" % ("ok" if same else "DIFF", label, convention,
                                                   theirs, ours.get(name)))
sys.exit(1 if differences else 0)
