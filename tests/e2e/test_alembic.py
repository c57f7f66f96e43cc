"""Alembic histories end to end: the real binary, real git, Alembic's own
RevisionMap as the oracle where heads are asserted."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import alembic_oracle  # noqa: E402
from testing import MIGLINE, TestCase  # noqa: E402

INI = "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = sqlite://\n"


def revision(rev, down, labels=None, depends=None, annotated=False, message="change"):
    """A revision file as `alembic revision` writes it (1.13's template when annotated)."""
    down_text = repr(down) if not isinstance(down, list) else repr(tuple(down))
    revises = ", ".join(down) if isinstance(down, list) else (down or "")
    lines = ['"""%s' % message, "", "Revision ID: %s" % rev, "Revises: %s" % revises,
             "Create Date: 2026-01-01 00:00:00.000000", "", '"""']
    if annotated:
        lines += ["from typing import Sequence, Union", ""]
    lines += ["from alembic import op", "import sqlalchemy as sa", "", "",
              "# revision identifiers, used by Alembic."]
    if annotated:
        lines += ["revision: str = %r" % rev,
                  "down_revision: Union[str, None] = %s" % down_text,
                  "branch_labels: Union[str, Sequence[str], None] = %r" % (labels,),
                  "depends_on: Union[str, Sequence[str], None] = %r" % (depends,)]
    else:
        lines += ["revision = %r" % rev, "down_revision = %s" % down_text,
                  "branch_labels = %r" % (labels,), "depends_on = %r" % (depends,)]
    lines += ["", "", "def upgrade():", "    op.execute('SELECT 1')", "", "",
              "def downgrade():", "    pass", ""]
    return "\n".join(lines)


def alembic_project(ws, location="alembic", revisions=(), ini=True):
    if ini:
        ws.write("alembic.ini", INI.replace("/alembic", "/" + location))
    ws.write(location + "/env.py", "from alembic import context\n")
    ws.write(location + "/script.py.mako", '"""${message}\n"""\n')
    for name, text in revisions:
        ws.write(location + "/versions/" + name, text)


def feature_and_main(ws, feature, main, update=True):
    """Commits the files of `feature` (path -> text) on a new branch `feature` and those of
    `main` on main, each with the manifest updated (the hook does it when `update` is False),
    and leaves main checked out."""
    for branch, files in (("feature", feature), ("main", main)):
        ws.git("checkout", "-q", *(["-b", branch] if branch == "feature" else [branch]))
        for path, text in files.items():
            ws.write(path, text)
        if update:
            ws.migline("update")
        ws.commit(branch)


def leaves(ws):
    run = ws.migline("leaves", "--format", "json")
    return run, json.loads(run.stdout)


class Leaves(TestCase):
    def test_heads_of_a_standard_layout_match_alembic(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[
                ("1975ea83b712_initial.py", revision("1975ea83b712", None)),
                ("ae1027a6acf_email.py", revision("ae1027a6acf", "1975ea83b712", annotated=True)),
                ("27c6a30d7c24_price.py", revision("27c6a30d7c24", "ae1027a6acf"))])
            run, got = leaves(ws)
            self.assertRun(run, 0)
            self.assertEqual(got, {"django": {}, "alembic": {"alembic": ["27c6a30d7c24"]}})
            oracle = alembic_oracle.heads_of_location(ws.path("alembic"))
            self.assertEqual(got["alembic"]["alembic"], oracle["heads"])

    def test_flask_migrate_layout_without_alembic_ini(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, "migrations", ini=False, revisions=[
                ("a1_initial.py", revision("a1", None)), ("b2_next.py", revision("b2", "a1"))])
            ws.write("migrations/alembic.ini", "[alembic]\n# template used to generate files\n")
            run, got = leaves(ws)
            self.assertRun(run, 0)
            self.assertEqual(got["alembic"], {"migrations": ["b2"]})

    def test_script_location_from_alembic_ini_and_pyproject(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.write("backend/alembic.ini", "[alembic]\nscript_location = %(here)s/../db/schema\n")
            ws.write("db/schema/env.py", "")
            ws.write("db/schema/versions/a1.py", revision("a1", None))
            ws.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.alembic]\n'
                     'script_location = "%(here)s/other"\n'
                     'version_locations = ["%(here)s/other/v1", "%(here)s/other/versions"]\n')
            ws.write("other/env.py", "")
            ws.write("other/versions/b1.py", revision("b1", None))
            ws.write("other/versions/v1/c1.py", revision("c1", "b1"))
            run, got = leaves(ws)
            self.assertRun(run, 0)
            self.assertEqual(got["alembic"], {"db/schema": ["a1"], "other": ["b1"]})

    def test_declared_history_with_recursive_version_locations(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.write(".migline.yaml", "alembic:\n  histories:\n"
                     "    - script_location: db/alembic_migrations\n      recursive: true\n"
                     "  constants: {cli.EXPAND_BRANCH: expand, cli.CONTRACT_BRANCH: contract}\n")
            alembic_project(ws, "db/alembic_migrations", ini=False, revisions=[
                ("kilo_initial.py", revision("kilo", None)),
                ("liberty/expand/e1.py", revision("e1", "kilo").replace(
                    "branch_labels = None", "branch_labels = (cli.EXPAND_BRANCH,)")),
                ("liberty/contract/c1.py", revision("c1", "kilo").replace(
                    "branch_labels = None", "branch_labels = (cli.CONTRACT_BRANCH,)")),
                ("mitaka/expand/e2.py", revision("e2", "e1"))])
            run, got = leaves(ws)
            self.assertRun(run, 0)
            self.assertEqual(got["alembic"], {"db/alembic_migrations": ["c1", "e2"]})
            text = ws.migline("leaves")
            self.assertNotIn("divergent", text.stdout)

    def test_a_name_is_a_diagnostic_never_a_guess(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[
                ("a1.py", revision("a1", None)),
                ("b2.py", revision("b2", "a1").replace("down_revision = 'a1'",
                                                       "down_revision = PREVIOUS"))])
            run, got = leaves(ws)
            self.assertEqual(run.returncode, 1)
            self.assertEqual(got["alembic"], {})
            self.assertIn("alembic/versions/b2.py:14:17: error: `down_revision` is not a literal "
                          "migline can read\n", run.stderr)


class Check(TestCase):
    def test_divergent_heads_missing_parent_long_id(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[
                ("a1.py", revision("a1", None)), ("b1.py", revision("b1", "a1")),
                ("b2.py", revision("b2", "a1"))])
            ws.migline("update")
            run = ws.migline("check", "--format", "json")
            self.assertEqual(run.returncode, 1)
            rules = [f["rule"] for f in json.loads(run.stdout)["findings"]]
            self.assertEqual(rules, ["divergent-heads"])
            ws.write("alembic/versions/c1.py", revision("c" * 33, "zz"))
            run = ws.migline("check", "--format", "json")
            rules = sorted(f["rule"] for f in json.loads(run.stdout)["findings"])
            self.assertIn("missing-parent", rules)
            self.assertIn("revision-id-too-long", rules)

    def test_expand_and_contract_branches_are_not_divergent(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[
                ("a1.py", revision("a1", None)),
                ("e1.py", revision("e1", "a1", labels=("expand",))),
                ("c1.py", revision("c1", "a1", labels=("contract",))),
                ("e2.py", revision("e2", "e1", depends="c1"))])
            self.assertRun(ws.migline("update"), 0)
            self.assertRun(ws.migline("check"), 0)
            with open(ws.path("migrations.lock.yaml")) as f:
                self.assertIn("\n  alembic: {contract: c1, expand: e2}\n", f.read())

    def test_branch_behind_and_published_modified_with_base(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[("a1.py", revision("a1", None))])
            ws.migline("update")
            ws.commit("base")
            ws.git("checkout", "-q", "-b", "feature")
            ws.write("alembic/versions/f1.py", revision("f1", "a1"))
            ws.write("alembic/versions/a1.py", revision("a1", None, message="edited"))
            ws.migline("update")
            ws.commit("feature")
            ws.git("checkout", "-q", "main")
            ws.write("alembic/versions/m1.py", revision("m1", "a1"))
            ws.migline("update")
            ws.commit("main moves on")
            ws.git("checkout", "-q", "feature")
            run = ws.migline("check", "--base", "main", "--format", "json", "--no-safety")
            rules = sorted(f["rule"] for f in json.loads(run.stdout)["findings"])
            self.assertEqual(rules, ["branch-behind", "published-modified"], run.stdout)


MANIFEST = """# migrations.lock.yaml - generated by migline; do not edit by hand.
# It records each app's newest migration. A merge conflict in this file means
# another branch added a migration to the same app: run `migline resolve`.
version: 1

django:

alembic:

  "db/analytics": b1

  "db/main": a2
"""


class Manifest(TestCase):
    def two_histories(self, ws):
        ws.init_git()
        alembic_project(ws, "db/main", ini=False, revisions=[
            ("a1.py", revision("a1", None)), ("a2.py", revision("a2", "a1"))])
        alembic_project(ws, "db/analytics", ini=False, revisions=[("b1.py", revision("b1", None))])

    def test_manifest_section_is_byte_stable(self):
        with self.workspace() as ws:
            self.two_histories(ws)
            self.assertRun(ws.migline("update"), 0)
            with open(ws.path("migrations.lock.yaml")) as f:
                self.assertEqual(f.read(), MANIFEST)
            self.assertRun(ws.migline("update", "--check"), 0)

    def test_plain_git_conflicts_on_one_history_never_across_histories(self):
        with self.workspace() as ws:
            self.two_histories(ws)
            ws.migline("update")
            ws.commit("base")
            ws.git("checkout", "-q", "-b", "other")
            ws.write("db/analytics/versions/b2.py", revision("b2", "b1"))
            ws.migline("update")
            ws.commit("analytics")
            ws.git("checkout", "-q", "main")
            ws.write("db/main/versions/a3.py", revision("a3", "a2"))
            ws.migline("update")
            ws.commit("main history")
            self.assertEqual(ws.git("merge", "-q", "other", "-m", "merge").returncode, 0)
            self.assertRun(ws.migline("check"), 0)
            # Two branches that each add a revision to the same history conflict.
            ws.git("checkout", "-q", "-b", "second")
            ws.write("db/main/versions/a4x.py", revision("a4x", "a3"))
            ws.migline("update")
            ws.commit("x")
            ws.git("checkout", "-q", "main")
            ws.write("db/main/versions/a4y.py", revision("a4y", "a3"))
            ws.migline("update")
            ws.commit("y")
            merge = ws.git("merge", "-q", "second", "-m", "merge", check=False)
            self.assertNotEqual(merge.returncode, 0)
            self.assertIn("CONFLICT (content): Merge conflict in migrations.lock.yaml",
                          merge.stdout)

    def test_the_merge_driver_names_the_history_not_its_key(self):
        with self.workspace() as ws:
            self.two_histories(ws)
            ws.env["PATH"] = os.path.dirname(MIGLINE) + os.pathsep + ws.env["PATH"]
            self.assertRun(ws.migline("init"), 0)
            ws.commit("base")
            feature_and_main(ws, {"db/main/versions/a3x.py": revision("a3x", "a2")},
                             {"db/main/versions/a3y.py": revision("a3y", "a2")})
            merge = ws.git("merge", "-q", "feature", "-m", "merge", check=False)
            self.assertNotEqual(merge.returncode, 0)
            self.assertIn("both branches changed the migrations of alembic history db/main;",
                          merge.stderr)
            self.assertNotIn("~alembic", merge.stderr + ws.git("diff").stdout)


class Resolve(TestCase):
    """Two branches each add revisions to one history and merge; `migline resolve` leaves one
    head, and Alembic's own RevisionMap agrees."""

    def diverge(self, ws, mako='"""${message}\n"""\n'):
        ws.init_git()
        alembic_project(ws, revisions=[("a1_initial.py", revision("a1", None))])
        ws.write("alembic/script.py.mako", mako)
        ws.migline("update")
        ws.commit("base")
        feature_and_main(ws, {"alembic/versions/f1_feature.py":
                              revision("f1", "a1", annotated=True),
                              "alembic/versions/f2_feature.py": revision("f2", "f1")},
                         {"alembic/versions/m1_main.py": revision("m1", "a1")})
        merge = ws.git("merge", "-q", "feature", "-m", "merge", check=False)
        self.assertNotEqual(merge.returncode, 0)

    def read(self, ws, relative):
        with open(ws.path(relative)) as f:
            return f.read()

    def test_linearize_reparents_the_incoming_chain_and_keeps_every_id(self):
        with self.workspace() as ws:
            self.diverge(ws)
            before = self.read(ws, "alembic/versions/f1_feature.py")
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            after = self.read(ws, "alembic/versions/f1_feature.py")
            # Only the down_revision literal and the Revises: line changed.
            self.assertEqual(after, before.replace("Revises: a1", "Revises: m1")
                             .replace("= 'a1'", "= 'm1'"))
            self.assertIn("alembic/versions/f1_feature.py: warning: revision f1 moved", run.stderr)
            self.assertIn("`alembic downgrade a1` first", run.stderr)
            self.assertIn("moves  f1, f2", run.stdout)
            self.assertEqual(alembic_oracle.heads_of_location(ws.path("alembic"))["heads"], ["f2"])
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "m1", "f1", "f2"])
            self.assertIn("  alembic: f2\n", ws.git("show", ":migrations.lock.yaml").stdout)
            ws.git("commit", "-q", "--no-edit")
            self.assertRun(ws.migline("check", "--no-safety"), 0)

    def test_dry_run_prints_the_diff_and_changes_nothing(self):
        with self.workspace() as ws:
            self.diverge(ws)
            status = ws.git("status", "--porcelain").stdout
            run = ws.migline("resolve", "--dry-run")
            self.assertRun(run, 0)
            self.assertIn("-down_revision: Union[str, None] = 'a1'\n"
                          "+down_revision: Union[str, None] = 'm1'\n", run.stdout)
            self.assertEqual(ws.git("status", "--porcelain").stdout, status)

    def test_merge_strategy_writes_a_merge_revision_in_the_template_style(self):
        with self.workspace() as ws:
            self.diverge(ws, mako="revision: str = ${repr(up_revision)}\n")
            run = ws.migline("resolve", "--strategy", "merge")
            self.assertRun(run, 0)
            created = [n for n in os.listdir(ws.path("alembic/versions"))
                       if n.endswith("_merge_heads.py")]
            self.assertEqual(len(created), 1)
            merge_id = created[0][:12]
            self.assertRegex(merge_id, "^[0-9a-f]{12}$")
            text = self.read(ws, "alembic/versions/" + created[0])
            self.assertIn("revision: str = '%s'\n" % merge_id, text)
            self.assertIn("down_revision: Union[str, None] = ('f2', 'm1')\n", text)
            self.assertIn("Revises: f2, m1\n", text)
            self.assertEqual(alembic_oracle.heads_of_location(ws.path("alembic"))["heads"],
                             [merge_id])
            self.assertEqual(self.read(ws, "alembic/versions/f1_feature.py"),
                             ws.git("show", "feature:alembic/versions/f1_feature.py").stdout)
            ws.git("commit", "-q", "--no-edit")
            self.assertRun(ws.migline("check", "--no-safety"), 0)

    def test_published_revisions_never_move(self):
        with self.workspace() as ws:
            self.diverge(ws)
            ws.git("merge", "--abort")
            # On the feature branch, main's m1 arrives: it is published, so f1's chain moves.
            ws.git("checkout", "-q", "feature")
            self.assertNotEqual(ws.git("merge", "-q", "main", "-m", "merge", check=False)
                                .returncode, 0)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("Revises: m1\n", self.read(ws, "alembic/versions/f1_feature.py"))
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "m1", "f1", "f2"])
            # Asked to move main's published revision instead: refused, nothing written.
            ws.git("checkout", "-q", "--", ".")
            ws.git("merge", "--abort")
            ws.git("merge", "-q", "main", "-m", "merge", check=False)
            run = ws.migline("resolve", "--move", "theirs")
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("would move migrations published on main", run.stderr)
            self.assertIn("Revises: a1\n", self.read(ws, "alembic/versions/f1_feature.py"))


    def test_a_rebase_moves_the_replayed_chain(self):
        with self.workspace() as ws:
            self.diverge(ws)
            ws.git("merge", "--abort")
            ws.git("checkout", "-q", "feature")
            self.assertNotEqual(ws.git("rebase", "main", check=False).returncode, 0)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("next: git rebase --continue", run.stderr)
            ws.git("-c", "core.editor=true", "rebase", "--continue")
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "m1", "f1", "f2"])
            self.assertRun(ws.migline("check", "--no-safety"), 0)

    def test_a_revision_both_sides_added_differently_is_refused_until_fixed(self):
        # redash's merge 93dffa0c: both sides added e7004224f284 with other bodies (and one
        # re-parented a revision), so git left the revision files themselves in conflict.
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[("a1.py", revision("a1", None))])
            ws.migline("update")
            ws.commit("base")
            feature_and_main(
                ws, {"alembic/versions/s1.py": revision("s1", "a1", message="nullable"),
                     "alembic/versions/f1.py": revision("f1", "s1")},
                {"alembic/versions/s1.py": revision("s1", "a1", message="not null"),
                 "alembic/versions/m1.py": revision("m1", "s1")})
            ws.git("merge", "-q", "feature", "-m", "merge", check=False)
            run = ws.migline("resolve")
            self.assertEqual(run.returncode, 1, run.stderr)
            self.assertIn("alembic/versions/s1.py has a conflict git could not merge", run.stderr)
            ws.git("checkout", "-q", "--ours", "--", "alembic/versions/s1.py")
            ws.git("add", "alembic/versions/s1.py")
            self.assertRun(ws.migline("resolve"), 0)
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "s1", "m1", "f1"])

    def test_three_heads_with_no_operation_in_progress_become_one_chain(self):
        # backend.ai's tree once held three heads at a time and merged two of them; with
        # nothing published and no merge in progress, every head but the first moves, each
        # chain after the one before it.
        with self.workspace() as ws:
            ws.git("init", "-q", "-b", "dev")
            alembic_project(ws, revisions=[
                ("a1.py", revision("a1", None)), ("b1.py", revision("b1", "a1")),
                ("c1.py", revision("c1", "a1")), ("c2.py", revision("c2", "c1")),
                ("d1.py", revision("d1", "a1"))])
            ws.commit("three heads")
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("alembic alembic: 3 heads; b1 stays, c2, d1 move", run.stdout)
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "b1", "c1", "c2", "d1"])
            self.assertEqual(run.stderr.count("warning: revision"), 2, run.stderr)

    def test_numbered_files_are_renumbered_after_the_kept_chain(self):
        with self.workspace() as ws:
            ws.init_git()
            alembic_project(ws, revisions=[("0001_initial.py", revision("a1", None))])
            ws.migline("update")
            ws.commit("base")
            feature_and_main(ws, {"alembic/versions/0002_feature.py": revision("f1", "a1")},
                             {"alembic/versions/0002_main.py": revision("m1", "a1")})
            ws.git("merge", "-q", "feature", "-m", "merge", check=False)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("rename  alembic/versions/0002_feature.py -> "
                          "alembic/versions/0003_feature.py", run.stdout)
            self.assertEqual(sorted(os.listdir(ws.path("alembic/versions"))),
                             ["0001_initial.py", "0002_main.py", "0003_feature.py"])
            self.assertEqual(ws.git("ls-files", "alembic/versions").stdout.split(),
                             ["alembic/versions/0001_initial.py", "alembic/versions/0002_main.py",
                              "alembic/versions/0003_feature.py"])
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "m1", "f1"])


class Hooks(TestCase):
    """The database warning after a merge, and the post-* hooks on Alembic histories."""

    def branches(self, ws, config=None):
        ws.init_git()
        ws.env["MIGLINE"] = MIGLINE
        ws.env["PATH"] = os.path.dirname(MIGLINE) + os.pathsep + ws.env["PATH"]
        if config:
            ws.write(".migline.yaml", config)
        alembic_project(ws, revisions=[("a1_initial.py", revision("a1", None))])
        self.assertRun(ws.migline("init"), 0)
        ws.commit("base")
        feature_and_main(ws, {"alembic/versions/f1_feature.py": revision("f1", "a1"),
                              "alembic/versions/f2_feature.py": revision("f2", "f1")},
                         {"alembic/versions/m1_main.py": revision("m1", "a1")}, update=False)

    def test_post_merge_linearizes_and_says_which_downgrade_to_run_first(self):
        with self.workspace() as ws:
            self.branches(ws, "resolve: {auto: true}\n")
            merge = ws.git("merge", "-q", "feature", "-m", "merge")
            self.assertIn("linearized the migrations of this merge", merge.stderr)
            self.assertIn("`alembic downgrade a1` first", merge.stderr)
            self.assertEqual(alembic_oracle.order_of_location(ws.path("alembic")),
                             ["a1", "m1", "f1", "f2"])
            self.assertEqual(ws.git("status", "--porcelain").stdout, "")
            self.assertRun(ws.migline("check", "--no-safety"), 0)

    def test_post_checkout_names_the_downgrade_and_post_merge_the_arrivals(self):
        with self.workspace() as ws:
            self.branches(ws)
            ws.git("merge", "-q", "feature", "-m", "merge", check=False)
            self.assertRun(ws.migline("resolve"), 0)
            ws.git("commit", "-q", "--no-edit")
            # Back to feature: main's m1 goes, f1 and f2 follow a1 again there.
            checkout = ws.git("checkout", "-q", "feature")
            self.assertIn("  alembic history alembic: f1, f2, m1\n", checkout.stderr)
            self.assertIn("  git checkout - && alembic downgrade a1 && git checkout -\n",
                          checkout.stderr)
            ws.git("checkout", "-q", "main")
            ws.git("checkout", "-q", "-b", "later", "HEAD~1")
            merge = ws.git("merge", "-q", "--ff-only", "main")
            self.assertIn("new revisions arrived; `alembic upgrade heads` applies them:\n"
                          "  alembic history alembic: f1, f2\n", merge.stderr)


    def test_post_rewrite_names_the_downgrade_for_a_rebased_chain(self):
        with self.workspace() as ws:
            self.branches(ws)
            ws.git("checkout", "-q", "feature")
            self.assertNotEqual(ws.git("rebase", "main", check=False).returncode, 0)
            self.assertRun(ws.migline("resolve"), 0)
            done = ws.git("-c", "core.editor=true", "rebase", "--continue")
            self.assertIn("new revisions arrived; `alembic upgrade heads` applies them:\n"
                          "  alembic history alembic: m1\n", done.stderr)
            self.assertIn("  alembic history alembic: f1, f2\n"
                          "migline: on such a database, first run:\n"
                          "  git checkout ORIG_HEAD && alembic downgrade a1 && git checkout -\n",
                          done.stderr)


class Setup(TestCase):
    def test_init_and_the_hook_on_an_alembic_only_repository(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            ws.env["PATH"] = os.path.dirname(MIGLINE) + os.pathsep + ws.env["PATH"]
            alembic_project(ws, revisions=[("a1.py", revision("a1", None))])
            self.assertRun(ws.migline("init"), 0)
            with open(ws.path("migrations.lock.yaml")) as f:
                self.assertIn('\nalembic:\n\n  alembic: a1\n', f.read())
            ws.commit("initial")
            self.assertRun(ws.migline("doctor"), 0)
            ws.write("alembic/versions/b1.py", revision("b1", "a1"))
            ws.write("alembic/versions/b2.py", revision("b2", "a1"))
            ws.git("add", "-A")
            commit = ws.git("commit", "-q", "-m", "two heads", check=False)
            self.assertNotEqual(commit.returncode, 0)
            self.assertIn("alembic alembic (b1, b2)", commit.stderr)
            ws.remove("alembic/versions/b2.py")
            ws.git("add", "-A")
            ws.git("commit", "-q", "-m", "one head")
            self.assertIn("  alembic: b1\n", ws.git("show", "HEAD:migrations.lock.yaml").stdout)


if __name__ == "__main__":
    unittest.main()
