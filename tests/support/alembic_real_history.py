"""Heads of a real project's Alembic history at many commits: migline against RevisionMap.

    alembic_real_history.py GIT_DIR VERSIONS_DIR [COMMITS] [--recursive]

For each of COMMITS commits (default 40) evenly spread over the history of VERSIONS_DIR, the
revision files under VERSIONS_DIR (and its subdirectories with --recursive, as neutron's
version_locations and Alembic's recursive_version_locations do) are written to a temporary
script location, flattened into one versions/ directory. The oracle reads each file with
Python's `ast` (module-level assignments, literal_eval: project imports are never run) and
hands the records to Alembic's own RevisionMap; migline reads the same files itself.
MIGLINE_HEADS names the program that prints migline's answer: `PROGRAM ROOT LOCATION` prints
{"LOCATION": {"heads": [...], "branches": {...}} or {"error": rule}}.

Prints one line per commit whose answers differ, and a summary; exit 1 on any difference.
"""

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import alembic_oracle  # noqa: E402

NAMES = ("revision", "down_revision", "branch_labels", "depends_on")


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir] + list(args), check=True,
                          capture_output=True).stdout


CONSTANTS = {}  # --constant cli.CONTRACT_BRANCH=contract: names the project defines elsewhere


def _constants(node):
    """node with every name or attribute in CONSTANTS replaced by its string."""
    class Replace(ast.NodeTransformer):
        def visit_Attribute(self, n):
            return ast.Constant(CONSTANTS[ast.unparse(n)]) if ast.unparse(n) in CONSTANTS else n

        def visit_Name(self, n):
            return ast.Constant(CONSTANTS[n.id]) if n.id in CONSTANTS else n
    return Replace().visit(node)


def read_record(text):
    """The four variables of a revision file, by ast; None when they are not literals."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # Syntax newer than this Python (3.12 f-strings) after the header: the four
        # variables come before the first function.
        head = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        cut = min([i for i in (head.find("\ndef "), head.find("\nclass ")) if i >= 0] or
                  [len(head)])
        tree = ast.parse(head[:cut])
    record = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                node.value is not None:
            name, value = node.target.id, node.value
        else:
            continue
        if name in NAMES:
            record[name] = ast.literal_eval(_constants(value))
    if "revision" not in record:
        return None
    return record


def files_at(git_dir, commit, versions_dir, recursive):
    listing = git(git_dir, "ls-tree", "-r", "--name-only", commit, "--", versions_dir + "/")
    out = []
    for path in listing.decode().splitlines():
        rest = path[len(versions_dir) + 1:]
        name = rest.rsplit("/", 1)[-1]
        if "/" in rest and not recursive:
            continue
        if name.endswith(".py") and not name.startswith("__init__") and \
                not name.startswith(".#"):
            out.append(path)
    return out


def main():
    git_dir, versions_dir = sys.argv[1], sys.argv[2].rstrip("/")
    count = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 40
    recursive = "--recursive" in sys.argv
    for arg in sys.argv:
        if arg.startswith("--constant="):
            name, value = arg[len("--constant="):].split("=", 1)
            CONSTANTS[name] = value
    program = os.environ.get("MIGLINE_HEADS", "/tmp/h24scratch/driver")
    commits = git(git_dir, "log", "--format=%H", "--", versions_dir).decode().split()
    commits = commits[::-1]
    if len(commits) > count:
        step = len(commits) / count
        commits = [commits[int(i * step)] for i in range(count)] + [commits[-1]]
    differ = compared = 0
    for commit in commits:
        paths = files_at(git_dir, commit, versions_dir, recursive)
        root = tempfile.mkdtemp(prefix="migline-real-")
        versions = os.path.join(root, "loc", "versions")
        os.makedirs(versions)
        open(os.path.join(root, "loc", "env.py"), "w").close()
        records = []
        for path in paths:
            text = git(git_dir, "show", "%s:%s" % (commit, path))
            flat = path[len(versions_dir) + 1:].replace("/", "__")
            with open(os.path.join(versions, flat), "wb") as f:
                f.write(text)
            record = read_record(text)
            if record is not None:
                records.append(record)
        expected = alembic_oracle.heads_of_records(records)
        run = subprocess.run([program, root, "loc"], capture_output=True, text=True)
        got = json.loads(run.stdout)["loc"] if run.stdout else {"error": run.stderr}
        same = got == expected or ("error" in got and "error" in expected)
        compared += 1
        if not same:
            differ += 1
            print("DIFFER %s (%d revisions, kept in %s)\n  alembic %s\n  migline %s\n  %s"
                  % (commit[:12], len(records), root, json.dumps(expected), json.dumps(got),
                     run.stderr[:800].replace("\n", "\n  ")))
        else:
            heads = expected.get("heads", expected.get("error"))
            print("same   %s %4d revisions  heads %s" % (commit[:12], len(records), heads))
            shutil.rmtree(root)
    print("%s: %d commits compared, %d differ" % (versions_dir, compared, differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
