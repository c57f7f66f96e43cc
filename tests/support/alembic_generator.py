"""Random Alembic histories for differential tests against Alembic's RevisionMap.

generate(seed, root) writes one to three script locations under root (each a directory with
`env.py` and `versions/`, at varied depths: `alembic/`, `migrations/`, `db/<name>/`), each a
random history: several bases, chains, forks, merge revisions (down_revision a tuple or a
list), depends_on (on a revision id or on a branch label, a string or a sequence), branch
labels on a base or in the middle, written in the plain form (`revision = "..."`) or the
annotated one (`revision: str = "..."`, `down_revision: Union[str, Sequence[str], None] =`),
with Alembic's normalisation exercised: a 1-tuple or 1-list down_revision is a string, `()`
and `[]` are None, branch_labels and depends_on as a string, a tuple or a list. Docstrings
carry the `Revises:` line as `alembic revision` writes it.

Edges point from later to earlier revisions, so a history is acyclic unless an error is
injected on purpose (about 1 in 8 histories): a missing parent, a missing dependency, a
duplicate id, a cycle, a self-loop, or a branch label used twice.

Returns a one-line description of what was generated.
"""

import json
import os
import random

HEX = "0123456789abcdef"
WORDS = ["initial", "add_user_email", "order_status", "add_index", "price", "sku", "stock",
         "refund", "timezone", "alter_column", "drop_flag", "backfill", "merge_heads"]
LOCATIONS = ["alembic", "migrations", "db/main", "db/analytics", "services/api/alembic",
             "src/app/migrations"]
LABELS = ["expand", "contract", "core", "billing", "reports", "analytics"]

ENV_PY = "from alembic import context\n\n# env.py is never run by migline or the oracle\n"


def _rev_id(rng, taken):
    while True:
        if rng.random() < 0.1:
            rid = "%s_%s" % (rng.choice(WORDS), rng.randrange(1000))
        else:
            rid = "".join(rng.choice(HEX) for _ in range(12))
        if rid not in taken:
            taken.add(rid)
            return rid


def _literal(rng, text):
    style = rng.random()
    if style < 0.6:
        return '"%s"' % text
    if style < 0.9:
        return "'%s'" % text
    return "r'%s'" % text


def _sequence(rng, values, allow_scalar):
    """A Python expression for a sequence of ids, in Alembic's accepted spellings."""
    if not values:
        return rng.choice(["None", "()", "[]", "None"])
    if len(values) == 1 and allow_scalar and rng.random() < 0.7:
        return _literal(rng, values[0])
    items = ", ".join(_literal(rng, v) for v in values)
    if rng.random() < 0.5:
        return "[%s]" % items
    if len(values) == 1:
        return "(%s,)" % items
    return "(%s%s)" % (items, "," if rng.random() < 0.2 else "")


class History:
    def __init__(self, location):
        self.location = location
        self.revs = []  # dicts: revision, down (list), labels (list), depends (list), file
        self.error = None


def _build(rng, location, taken):
    h = History(location)
    count = rng.randint(1, 25)
    labels_free = list(LABELS)
    rng.shuffle(labels_free)
    for i in range(count):
        rid = _rev_id(rng, taken)
        earlier = [r["revision"] for r in h.revs]
        if not earlier or rng.random() < 0.08:
            down = []
        else:
            r = rng.random()
            if r < 0.12 and len(earlier) >= 2:
                down = rng.sample(earlier, rng.choice([2, 2, 3]) if len(earlier) >= 3 else 2)
            elif r < 0.75:
                down = [earlier[-1]]
            else:
                down = [rng.choice(earlier)]
        labels = []
        if labels_free and rng.random() < 0.12:
            labels = [labels_free.pop()]
            if labels_free and rng.random() < 0.2:
                labels.append(labels_free.pop())
        depends = []
        if earlier and rng.random() < 0.12:
            pool = earlier + [lab for r in h.revs for lab in r["labels"]]
            depends = rng.sample(pool, min(len(pool), rng.choice([1, 1, 2])))
        h.revs.append({"revision": rid, "down": down, "labels": labels, "depends": depends,
                       "slug": rng.choice(WORDS)})
    if rng.random() < 0.125:
        _inject_error(rng, h, taken)
    return h


def _inject_error(rng, h, taken):
    kinds = ["missing", "missing-dep", "duplicate", "self-loop"]
    if len(h.revs) >= 2:
        kinds.append("cycle")
    if any(r["labels"] for r in h.revs) and len(h.revs) >= 2:
        kinds.append("label")
    kind = rng.choice(kinds)
    h.error = kind
    victim = rng.choice(h.revs)
    if kind == "missing":
        victim["down"] = victim["down"][:1] + [_rev_id(rng, taken)]
    elif kind == "missing-dep":
        victim["depends"] = [_rev_id(rng, taken)]
    elif kind == "duplicate":
        copy = dict(rng.choice(h.revs))
        copy["slug"] = "duplicate"
        copy["down"] = list(copy["down"])
        h.revs.append(copy)
    elif kind == "self-loop":
        victim["down"] = [victim["revision"]]
    elif kind == "cycle":
        i = rng.randrange(len(h.revs) - 1)
        later = rng.choice(h.revs[i + 1:])
        h.revs[i]["down"] = [later["revision"]]
    elif kind == "label":
        labelled = [r for r in h.revs if r["labels"]][0]
        other = rng.choice([r for r in h.revs if r is not labelled])
        other["labels"] = other["labels"] + [labelled["labels"][0]]


def _render(rng, rev, annotated, numbered, index):
    down = rev["down"]
    doc_revises = ", ".join(down)
    lines = ['"""%s' % rev["slug"].replace("_", " "), "",
             "Revision ID: %s" % rev["revision"], "Revises: %s" % doc_revises,
             "Create Date: 2026-01-01 00:00:%02d.000000" % (index % 60), "", '"""']
    if annotated:
        lines += ["from typing import Sequence, Union", ""]
    lines += ["from alembic import op", "import sqlalchemy as sa", "", ""]
    lines.append("# revision identifiers, used by Alembic.")
    down_expr = _sequence(rng, down, True)
    labels_expr = _sequence(rng, rev["labels"], True) if rev["labels"] or rng.random() < 0.5 \
        else None
    depends_expr = _sequence(rng, rev["depends"], True) if rev["depends"] or \
        rng.random() < 0.5 else None
    if annotated:
        lines.append("revision: str = %s" % _literal(rng, rev["revision"]))
        lines.append("down_revision: Union[str, Sequence[str], None] = %s" % down_expr)
        if labels_expr is not None:
            lines.append("branch_labels: Union[str, Sequence[str], None] = %s" % labels_expr)
        if depends_expr is not None:
            lines.append("depends_on: Union[str, Sequence[str], None] = %s" % depends_expr)
    else:
        lines.append("revision = %s" % _literal(rng, rev["revision"]))
        lines.append("down_revision = %s" % down_expr)
        if labels_expr is not None:
            lines.append("branch_labels = %s" % labels_expr)
        if depends_expr is not None:
            lines.append("depends_on = %s" % depends_expr)
    lines += ["", "", "def upgrade() -> None:" if annotated else "def upgrade():",
              "    revision = 'not this one'  # a local, never read",
              "    op.execute('SELECT 1')", "", "",
              "def downgrade():", "    pass", ""]
    name = "%s_%s.py" % (rev["revision"], rev["slug"])
    if numbered:
        name = "%04d_%s.py" % (index + 1, rev["slug"])
    return name, "\n".join(lines)


def generate(seed, root):
    rng = random.Random(seed)
    taken = set()
    locations = rng.sample(LOCATIONS, rng.choice([1, 1, 1, 2, 3]))
    described = []
    records = {}
    for location in sorted(locations):
        h = _build(rng, location, taken)
        annotated = rng.random() < 0.4
        numbered = rng.random() < 0.15
        loc_dir = os.path.join(root, location)
        versions = os.path.join(loc_dir, "versions")
        os.makedirs(versions, exist_ok=True)
        with open(os.path.join(loc_dir, "env.py"), "w") as f:
            f.write(ENV_PY)
        with open(os.path.join(loc_dir, "script.py.mako"), "w") as f:
            f.write('"""${message}\n\nRevision ID: ${up_revision}\nRevises: ${down_revision'
                    ' | comma,n}\n"""\n')
        used = set()
        for index, rev in enumerate(h.revs):
            name, text = _render(rng, rev, annotated, numbered, index)
            while name in used:
                name = name[:-3] + "_2.py"
            used.add(name)
            with open(os.path.join(versions, name), "w") as f:
                f.write(text)
        records[location] = [{"revision": r["revision"], "down_revision": r["down"] or None,
                              "branch_labels": r["labels"] or None,
                              "depends_on": r["depends"] or None} for r in h.revs]
        described.append("%s: %d revisions%s%s%s" % (
            location, len(h.revs), ", annotated" if annotated else "",
            ", numbered" if numbered else "", ", error " + h.error if h.error else ""))
    with open(os.path.join(root, "records.json"), "w") as f:
        json.dump(records, f, indent=1, sort_keys=True)
    return "seed %d: %s" % (seed, "; ".join(described))
