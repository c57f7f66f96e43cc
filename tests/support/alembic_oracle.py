"""Heads of Alembic histories as Alembic itself computes them.

Runs Debian python3-alembic's own ScriptDirectory and RevisionMap: every revision file is
imported by Alembic (util.load_python_file), exactly as `alembic heads` does, so the oracle
also checks how migline reads the files. A history is a script location: a directory with
`env.py` and `versions/`, found by walking the tree the way migline does; `alembic.ini` is not consulted here (the generator writes standard layouts only).

For each history the answer is its heads (RevisionMap.heads, sorted) and, for each head, the
branch labels Alembic propagated to it (Revision.branch_labels after _add_branches), from
which divergence follows (two heads with the same labels). Alembic's failures
are answers too, by kind:
  duplicate   "Revision X is present more than once" (Alembic only warns; migline refuses)
  missing     a down_revision or depends_on that names nothing (KeyError inside RevisionMap)
  cycle       CycleDetected, DependencyCycleDetected, LoopDetected and the dependency loops
  label       "Branch name 'x' in revision R already used by revision S"
  id          "Character(s) '@' not allowed in revision identifier"
  other       anything else, with its message

Also usable on plain records: heads_of_records([{"revision":..., "down_revision":...,
"branch_labels":..., "depends_on":...}]) builds Revision objects directly.

Command line: alembic_oracle.py ROOT  ->  one JSON document on stdout.
"""

import json
import os
import sys
import warnings

sys.dont_write_bytecode = True  # Alembic imports every revision; leave the tree as it was

from alembic.script import ScriptDirectory
from alembic.script import revision as alembic_revision
from alembic.util import to_tuple

DEFAULT_EXCLUDES = {".git", "node_modules", ".venv", "venv", "env", ".tox", "site-packages",
                    "dist-packages", "build", "dist", "__pycache__"}


def find_script_locations(root):
    """Script locations (relative, '/'-separated, sorted): directories with env.py and
    versions/ below root."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_EXCLUDES)
        if "env.py" in filenames and os.path.isdir(os.path.join(dirpath, "versions")):
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            found.append(rel)
    return sorted(found)


def _classify(error):
    text = str(error)
    if isinstance(error, alembic_revision.CycleDetected):
        return "cycle"
    if isinstance(error, KeyError):
        return "missing"
    if "already used by revision" in text:
        return "label"
    if "not allowed in revision identifier" in text:
        return "id"
    return "other"


def _answer(revision_map):
    """{"heads": [...], "branches": {head: [labels]}} or {"error": kind, "message": ...}."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            heads = sorted(revision_map.heads)
            revision_map.bases  # noqa: B018 (memoized, may raise on its own)
            branches = {h: sorted(revision_map.get_revision(h).branch_labels) for h in heads}
        except Exception as e:  # every Alembic failure is an answer here
            duplicate = [str(w.message) for w in caught if "more than once" in str(w.message)]
            if duplicate:
                return {"error": "duplicate", "message": duplicate[0]}
            return {"error": _classify(e), "message": "%s: %s" % (type(e).__name__, e)}
    duplicate = [str(w.message) for w in caught if "more than once" in str(w.message)]
    if duplicate:
        return {"error": "duplicate", "message": duplicate[0]}
    return {"heads": heads, "branches": branches}


def heads_of_location(path):
    """The answer for one script location directory, its files imported by Alembic."""
    try:
        script = ScriptDirectory(path)
        return _answer(script.revision_map)
    except Exception as e:  # a failure while importing or listing is an answer too
        return {"error": _classify(e), "message": "%s: %s" % (type(e).__name__, e)}


def order_of_location(path):
    """The revision ids of one script location from base to head, as Alembic walks them."""
    script = ScriptDirectory(path)
    return [s.revision for s in reversed(list(script.walk_revisions("base", "heads")))]


def heads_of_records(records):
    """The answer for revision records (dicts), built as Alembic's Script builds a Revision."""
    def generate():
        for r in records:
            yield alembic_revision.Revision(
                r["revision"], r.get("down_revision"),
                dependencies=to_tuple(r.get("depends_on"), default=()) or None,
                branch_labels=to_tuple(r.get("branch_labels"), default=()))
    try:
        return _answer(alembic_revision.RevisionMap(generate))
    except Exception as e:
        return {"error": _classify(e), "message": "%s: %s" % (type(e).__name__, e)}


def divergent(answer):
    """True when two heads carry the same branch labels (or none)."""
    seen = set()
    for labels in answer.get("branches", {}).values():
        key = tuple(labels)
        if key in seen:
            return True
        seen.add(key)
    return False


def alembic_heads(root):
    """{"alembic": {location: answer}} for every script location below root."""
    return {"alembic": {loc: heads_of_location(os.path.join(root, loc))
                        for loc in find_script_locations(root)}}


if __name__ == "__main__":
    print(json.dumps(alembic_heads(sys.argv[1]), sort_keys=True))
