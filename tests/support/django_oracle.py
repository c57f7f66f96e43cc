"""Leaves of a migration tree as Django itself computes them.

Runs Django's own MigrationLoader.build_graph() (connection None, so every squash
replaces its targets) on the migration modules of a directory tree. Only
load_disk() is replaced, because the tree is not an installed Django project:
packages are found the way migline finds them (a `migrations` directory with an
`__init__.py` and a module defining `class Migration`), modules are imported by
file path. Dependencies on apps that have no migrations package in the tree are
external (migline warns and leaves them out) and are dropped before the graph is
built, as Django drops those of installed apps without migrations.

The tree may hold an `oracle.json` with {"labels": {app_dir: label},
"settings": {NAME: "app.Model"}} mirroring its .migline.yaml.
"""

import ast
import importlib.util
import itertools
import json
import os
import pkgutil
import re
import sys

import django
from django.conf import settings

if not settings.configured:
    # Real contrib apps, so that migration files may import their models; their own
    # migrations are not loaded (TreeLoader.load_disk reads only the tree).
    settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
                       AUTH_USER_MODEL="auth.User")
    django.setup()

from django.apps import AppConfig  # noqa: E402
from django.db.migrations.exceptions import BadMigrationError  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

DEFAULT_EXCLUDES = {".git", "node_modules", ".venv", "venv", "env", ".tox", "site-packages",
                    "dist-packages", "build", "dist", "__pycache__"}
_module_ids = itertools.count()
_settings_set = set()  # settings a tree set, unset before the next tree


def _import_path(path):
    name = "migline_oracle_%d" % next(_module_ids)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _label_from_apps_py(path):
    module = _import_path(path)
    labels = [cls.__dict__["label"] for cls in vars(module).values()
              if isinstance(cls, type) and issubclass(cls, AppConfig) and "label" in cls.__dict__]
    return labels[0] if labels else None


def _defines_migration(path):
    """Whether the module at path defines a top-level class Migration (read, not run)."""
    with open(path, "rb") as f:
        try:
            tree = ast.parse(f.read())
        except (SyntaxError, ValueError):
            return True  # not for the oracle to decide: Django will fail on it
    return any(isinstance(node, ast.ClassDef) and node.name == "Migration" for node in tree.body)


def _is_django_package(path):
    """A package none of whose modules defines `class Migration` is not one."""
    modules = [name for _, name, is_pkg in pkgutil.iter_modules([path])
               if not is_pkg and name[0] not in "_~"]
    return not modules or any(_defines_migration(os.path.join(path, name + ".py"))
                              for name in modules)


def _configure_missing_settings(path):
    """A swappable setting the tree does not configure names an app outside the project: its
    dependency is external, as Django drops those of apps without migrations."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    for name in re.findall(r"settings\.([A-Z_][A-Z0-9_]*)", text):
        if not hasattr(settings, name):
            setattr(settings, name, "migline_unconfigured_%s.Model" % name.lower())
            _settings_set.add(name)


def find_packages(root, labels):
    """(label, migrations_dir) of every migrations package below root."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_EXCLUDES)
        if os.path.basename(dirpath) != "migrations" or "__init__.py" not in filenames:
            continue
        if not _is_django_package(dirpath):
            continue
        app_dir = os.path.dirname(dirpath)
        rel = os.path.relpath(app_dir, root).replace(os.sep, "/")
        label = labels.get(rel)
        if label is None and os.path.isfile(os.path.join(app_dir, "apps.py")):
            label = _label_from_apps_py(os.path.join(app_dir, "apps.py"))
        found.append((label or os.path.basename(app_dir), dirpath))
    return sorted(found)


class TreeLoader(MigrationLoader):
    def __init__(self, packages):
        self.packages = packages
        super().__init__(None, ignore_no_migrations=False)

    def load_disk(self):
        self.disk_migrations = {}
        self.unmigrated_apps = set()
        self.migrated_apps = {label for label, _ in self.packages}
        for label, path in self.packages:
            names = {name for _, name, is_pkg in pkgutil.iter_modules([path])
                     if not is_pkg and name[0] not in "_~"}
            for name in sorted(names):
                _configure_missing_settings(os.path.join(path, name + ".py"))
                module = _import_path(os.path.join(path, name + ".py"))
                if not hasattr(module, "Migration"):
                    raise BadMigrationError("Migration %s in app %s has no Migration class"
                                            % (name, label))
                migration = module.Migration(name, label)
                migration.dependencies = [d for d in migration.dependencies
                                          if d[0] in self.migrated_apps]
                migration.run_before = [d for d in migration.run_before
                                        if d[0] in self.migrated_apps]
                self.disk_migrations[label, name] = migration


def django_leaves(root):
    """{"django": {label: [leaves]}} or {"error": "<exception type>: message"}."""
    meta = {}
    meta_path = os.path.join(root, "oracle.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    for name in _settings_set:
        delattr(settings, name)
    _settings_set.clear()
    settings.AUTH_USER_MODEL = "auth.User"
    for name, value in meta.get("settings", {}).items():
        setattr(settings, name, value)
        _settings_set.add(name)
    try:
        packages = find_packages(root, meta.get("labels", {}))
        labels = [label for label, _ in packages]
        if len(labels) != len(set(labels)):
            return {"error": "duplicate label"}
        loader = TreeLoader(packages)
    except Exception as e:  # every Django failure is an answer here
        return {"error": "%s: %s" % (type(e).__name__, e)}
    leaves = {}
    for app, name in loader.graph.leaf_nodes():
        leaves.setdefault(app, []).append(name)
    return {"django": {app: sorted(names) for app, names in sorted(leaves.items())}}


if __name__ == "__main__":
    print(json.dumps(django_leaves(sys.argv[1]), sort_keys=True))
