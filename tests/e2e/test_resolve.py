"""`migline resolve` end to end: real git merges, rebases and cherry-picks in temporary
repositories, then Django's own MigrationGraph as the judge of the result."""

import glob
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from testing import MIGLINE, TestCase, add_app, migration  # noqa: E402


def base_project(ws, driver=True, layout="single"):
    """orders 0001..0002 and billing 0001 on main, committed, with migline set up."""
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE  # the hook and the driver run the binary under test
    if layout != "single":
        ws.write(".migline.yaml", "manifest:\n  layout: %s\n" % layout)
    add_app(ws, "shop/orders", [("0001_initial", []), ("0002_order_notes", [("orders", "0001_initial")])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    assert ws.migline("init").returncode == 0
    if not driver:  # git falls back to its own line merge for an undefined driver
        ws.git("config", "--remove-section", "merge.migline")
    ws.commit("base")


def add(ws, app, name, deps, extra=""):
    ws.write("shop/%s/migrations/%s.py" % (app, name), migration(app, name, deps, extra))


# After the one-migration scenarios: the branch's 0003_order_status follows main's refund.
LINEARIZED = {
    "orders": ["0001_initial", "0002_order_notes", "0003_order_refund", "0004_order_status"],
    "billing": ["0001_initial"]}


def migration_names(ws):
    """{app: sorted migration names} from the work tree."""
    out = {}
    for path in glob.glob(ws.path("shop", "*", "migrations", "0*.py")):
        out.setdefault(path.split(os.sep)[-3], []).append(os.path.basename(path)[:-3])
    return {app: sorted(names) for app, names in out.items()}


class Resolve(TestCase):
    def assertResolved(self, ws, expected):
        """One leaf per app for Django, exactly `expected` migrations, and `check` passes."""
        self.assertEqual(migration_names(ws), expected)
        leaves = django_oracle.django_leaves(ws.root)
        self.assertIn("django", leaves, leaves)
        for app, names in leaves["django"].items():
            self.assertEqual(len(names), 1, "%s has leaves %s" % (app, names))
        self.assertRun(ws.migline("check"), 0)
        self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def start_merge(self, ws, driver=True, layout="single"):
        """feature adds orders 0003_order_status; main adds orders 0003_order_refund."""
        base_project(ws, driver, layout)
        ws.git("checkout", "-q", "-b", "feature")
        add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
        ws.commit("feature: order status")
        ws.git("checkout", "-q", "main")
        add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")],
            extra="initial = False")
        ws.commit("main: refunds")

    def test_merge_feature_into_main_moves_the_feature(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            merge = ws.git("merge", "--no-edit", "feature", check=False)
            self.assertNotEqual(merge.returncode, 0)
            self.assertIn("migline resolve", merge.stderr + merge.stdout)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("rename  shop/orders/migrations/0003_order_status.py -> "
                          "shop/orders/migrations/0004_order_status.py", run.stdout)
            self.assertIn("next: git commit", run.stderr)
            self.assertEqual(ws.git("status", "--porcelain").stdout,
                             "M  migrations.lock.yaml\n"
                             "A  shop/orders/migrations/0004_order_status.py\n")
            ws.git("commit", "-q", "--no-edit")
            self.assertResolved(ws, LINEARIZED)

    def test_merge_main_into_feature_without_the_driver(self):
        with self.workspace() as ws:
            self.start_merge(ws, driver=False)
            ws.git("checkout", "-q", "feature")
            merge = ws.git("merge", "--no-edit", "main", check=False)
            self.assertNotEqual(merge.returncode, 0)  # plain git: a textual conflict
            self.assertIn("migrations.lock.yaml",
                          ws.git("diff", "--name-only", "--diff-filter=U").stdout)
            self.assertRun(ws.migline("resolve"), 0)
            # Our migration moves: git records a rename, and the conflict is gone.
            self.assertEqual(ws.git("status", "--porcelain").stdout,
                             "M  migrations.lock.yaml\n"
                             "A  shop/orders/migrations/0003_order_refund.py\n"
                             "R  shop/orders/migrations/0003_order_status.py -> "
                             "shop/orders/migrations/0004_order_status.py\n")
            ws.git("commit", "-q", "--no-edit")
            self.assertResolved(ws, LINEARIZED)

    def test_per_app_layout(self):
        with self.workspace() as ws:
            self.start_merge(ws, layout="per-app")
            merge = ws.git("merge", "--no-edit", "feature", check=False)
            self.assertIn("both branches changed the migrations of orders", merge.stderr)
            self.assertIn("shop/orders/migrations/max_migration.txt",
                          ws.git("diff", "--name-only", "--diff-filter=U").stdout)
            self.assertRun(ws.migline("resolve"), 0)
            ws.git("commit", "-q", "--no-edit")
            with open(ws.path("shop/orders/migrations/max_migration.txt")) as f:
                self.assertEqual(f.read(), "0004_order_status\n")
            self.assertResolved(ws, LINEARIZED)

    def test_edits_are_token_precise(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            path = "shop/orders/migrations/0003_order_status.py"
            ws.git("checkout", "-q", "feature")
            odd = ('from django.db import migrations\n\n# a comment: ("orders", "0002_order_notes")\n'
                   'class Migration(migrations.Migration):\n    dependencies = [ ( "orders" ,'
                   "\t'0002_order_notes' ) ,]  # trailing\n    operations = []\n")
            ws.write(path, odd)
            ws.commit("odd formatting")
            ws.git("checkout", "-q", "main")
            ws.git("merge", "--no-edit", "feature", check=False)
            self.assertRun(ws.migline("resolve"), 0)
            with open(ws.path("shop/orders/migrations/0004_order_status.py")) as f:
                self.assertEqual(f.read(), odd.replace("'0002_order_notes'", "'0003_order_refund'"))

    def test_dry_run_prints_the_plan_and_changes_nothing(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            ws.git("merge", "--no-edit", "feature", check=False)
            before = ws.git("status", "--porcelain").stdout
            run = ws.migline("resolve", "--dry-run")
            self.assertRun(run, 0)
            self.assertEqual(run.stdout.count("rename  shop/orders/migrations/0003_order_status.py "
                                              "-> shop/orders/migrations/0004_order_status.py\n"), 1)
            self.assertIn("-        ('orders', '0002_order_notes'),\n"
                          "+        ('orders', '0003_order_refund'),", run.stdout)
            self.assertIn("+  orders: 0004_order_status", run.stdout)
            self.assertEqual(ws.git("status", "--porcelain").stdout, before)

    def test_merge_strategy_writes_a_django_merge_migration(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            ws.git("merge", "--no-edit", "feature", check=False)
            self.assertRun(ws.migline("resolve", "--strategy", "merge"), 0)
            ws.git("commit", "-q", "--no-edit")
            name = "0004_merge_0003_order_refund_0003_order_status"
            self.assertResolved(ws, {
                "orders": ["0001_initial", "0002_order_notes", "0003_order_refund",
                           "0003_order_status", name],
                "billing": ["0001_initial"]})
            with open(ws.path("shop/orders/migrations/%s.py" % name)) as f:
                text = f.read()
            self.assertEqual(text.split("\n", 1)[1], django_merge_migration(
                "orders", ["0003_order_refund", "0003_order_status"], name).split("\n", 1)[1])

    def test_both_sides_published_refuses_to_linearize(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            # A web merge brought both into main.
            ws.git("merge", "--no-edit", "-s", "ours", "feature")
            ws.git("checkout", "-q", "feature", "--", "shop/orders/migrations/0003_order_status.py")
            ws.git("commit", "-q", "--no-verify", "-m", "web merge")
            run = ws.migline("resolve")
            self.assertRun(run, 1)
            self.assertIn("published on main", run.stderr)
            self.assertIn("--strategy merge", run.stderr)
            self.assertRun(ws.migline("resolve", "--strategy", "merge"), 0)

    def test_move_overrides_the_choice(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            ws.git("checkout", "-q", "-b", "other", "main")
            ws.git("merge", "--no-edit", "feature", check=False)
            # Nothing of `other` is published beyond main's; moving ours would move main's.
            run = ws.migline("resolve", "--move", "ours")
            self.assertRun(run, 1)
            self.assertIn("published on main", run.stderr)

    def test_warns_about_the_same_model_and_stale_mentions(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            ws.git("checkout", "-q", "feature")
            ws.write("docs/notes.md", "See migration 0003_order_status.\n")
            ws.commit("docs")
            ws.git("checkout", "-q", "main")
            ws.git("merge", "--no-edit", "feature", check=False)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("both sides change model 'orders.orders'", run.stderr)
            self.assertIn("docs/notes.md:1:15: warning: still mentions 0003_order_status, now "
                          "0004_order_status", run.stderr)
            self.assertIn("stays  (ours)   0003_order_refund: AddField orders", run.stdout)
            self.assertIn("moves  (theirs) 0003_order_status: AddField orders", run.stdout)

    def test_unstaged_changes_are_refused_and_nothing_changes(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            ws.git("merge", "--no-edit", "feature", check=False)
            path = "shop/orders/migrations/0003_order_status.py"
            with open(ws.path(path), "a") as f:
                f.write("# local edit\n")
            before = ws.git("status", "--porcelain").stdout
            run = ws.migline("resolve")
            self.assertRun(run, 2)
            self.assertIn("has changes that are not staged", run.stderr)
            self.assertEqual(ws.git("status", "--porcelain").stdout, before)

    def test_a_project_with_errors_is_refused_causes_first(self):
        with self.workspace() as ws:
            base_project(ws)
            ws.write("shop/orders/migrations/0003_bad.py",
                     "class Migration:\n    dependencies = BASE\n")
            ws.git("add", "-A")
            run = ws.migline("resolve")
            self.assertRun(run, 1, stdout="")
            self.assertTrue(run.stderr.startswith("shop/orders/migrations/0003_bad.py:2:20: error: "),
                            run.stderr)
            self.assertTrue(run.stderr.endswith(
                "migline: error: resolve works on a project that loads cleanly\n"
                "hint: fix the errors above, `git add` the files, then run it again\n"), run.stderr)

    def test_nothing_to_resolve(self):
        with self.workspace() as ws:
            base_project(ws)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("nothing to resolve", run.stderr)

    def test_rebase_with_several_migrations_and_a_dependent_app(self):
        with self.workspace() as ws:
            base_project(ws)
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            ws.commit("feature 1: status")
            add(ws, "orders", "0004_order_status_index", [("orders", "0003_order_status")])
            ws.commit("feature 2: index")
            add(ws, "billing", "0002_invoice_status",
                [("billing", "0001_initial"), ("orders", "0004_order_status_index")])
            ws.commit("feature 3: billing")
            ws.git("checkout", "-q", "main")
            add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            ws.commit("main: refunds")
            ws.git("checkout", "-q", "feature")

            rebase = ws.git("rebase", "main", check=False)
            self.assertNotEqual(rebase.returncode, 0)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("next: git rebase --continue", run.stderr)
            stops = 1
            while True:
                cont = ws.git("-c", "core.editor=true", "rebase", "--continue", check=False)
                if cont.returncode == 0:
                    break
                stops += 1
                self.assertLess(stops, 5, cont.stdout + cont.stderr)
                self.assertRun(ws.migline("resolve"), 0)
            # Stops: feature 1 (orders diverged), feature 2 (its parent was renamed).
            self.assertEqual(stops, 2)
            # Feature 3 named a migration the second stop renamed, and git applied it cleanly:
            # check says how to fix it, and resolve does after the rebase.
            check = ws.migline("check")
            self.assertRun(check, 1)
            self.assertIn("depends on orders.0004_order_status_index, which does not exist",
                          check.stdout)
            self.assertIn("it was probably renamed to 0005_order_status_index (e.g. by a "
                          "rebase): `migline resolve` re-points this reference", check.stdout)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("repair  shop/billing/migrations/0002_invoice_status.py: "
                          "('orders', '0004_order_status_index') -> '0005_order_status_index'",
                          run.stdout)
            ws.git("commit", "-q", "-m", "fix references")
            self.assertResolved(ws, {
                "orders": ["0001_initial", "0002_order_notes", "0003_order_refund",
                           "0004_order_status", "0005_order_status_index"],
                "billing": ["0001_initial", "0002_invoice_status"]})
            with open(ws.path("shop/billing/migrations/0002_invoice_status.py")) as f:
                self.assertIn("('orders', '0005_order_status_index')", f.read())

    def test_rebase_where_a_later_commit_edits_the_renamed_migration(self):
        with self.workspace() as ws:
            base_project(ws)
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")],
                extra="# status of an order, first draft")
            ws.commit("feature 1: status")
            path = "shop/orders/migrations/0003_order_status.py"
            with open(ws.path(path)) as f:
                text = f.read()
            ws.write(path, text.replace("first draft", "reviewed").replace(
                "IntegerField(null=True)", "CharField(max_length=20, null=True)"))
            ws.commit("feature 2: status is a string")
            ws.git("checkout", "-q", "main")
            add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            ws.commit("main: refunds")
            ws.git("checkout", "-q", "feature")
            self.assertNotEqual(ws.git("rebase", "main", check=False).returncode, 0)
            self.assertRun(ws.migline("resolve"), 0)
            self.assertRun(ws.git("-c", "core.editor=true", "rebase", "--continue",
                                  check=False), 0)
            self.assertResolved(ws, LINEARIZED)
            with open(ws.path("shop/orders/migrations/0004_order_status.py")) as f:
                text = f.read()
            self.assertIn("reviewed", text)
            self.assertIn("CharField(max_length=20, null=True)", text)
            self.assertIn("('orders', '0003_order_refund')", text)

    def test_cherry_pick(self):
        with self.workspace() as ws:
            self.start_merge(ws)
            pick = ws.git("cherry-pick", "feature", check=False)
            self.assertNotEqual(pick.returncode, 0)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("next: git cherry-pick --continue", run.stderr)
            self.assertRun(ws.git("-c", "core.editor=true", "cherry-pick", "--continue",
                                  check=False), 0)
            self.assertResolved(ws, LINEARIZED)

    def start_rename(self, ws, own_app=True):
        """main renames a migration to a new suffix; feature still names the old one, from
        its own app (unless not `own_app`) and from another."""
        base_project(ws)
        add(ws, "orders", "0003_auto_20240101_1200", [("orders", "0002_order_notes")])
        ws.migline("update")
        ws.commit("main: an auto-named migration")
        ws.git("checkout", "-q", "-b", "feature")
        if own_app:
            add(ws, "orders", "0004_order_status", [("orders", "0003_auto_20240101_1200")])
        add(ws, "billing", "0002_invoice_due", [("billing", "0001_initial"),
                                               ("orders", "0003_auto_20240101_1200")])
        ws.commit("feature: status and due date")
        ws.git("checkout", "-q", "main")
        ws.git("mv", "shop/orders/migrations/0003_auto_20240101_1200.py",
               "shop/orders/migrations/0003_order_flags.py")
        ws.commit("main: a name that says what it does")

    RENAMED = {"orders": ["0001_initial", "0002_order_notes", "0003_order_flags",
                          "0004_order_status"],
               "billing": ["0001_initial", "0002_invoice_due"]}

    def test_a_merge_follows_a_rename_the_other_side_made(self):
        with self.workspace() as ws:
            self.start_rename(ws)
            self.assertNotEqual(ws.git("merge", "--no-edit", "feature", check=False).returncode, 0)
            dry = ws.migline("resolve", "--dry-run")
            self.assertRun(dry, 0)
            self.assertIn("repair  shop/orders/migrations/0004_order_status.py: ('orders', "
                          "'0003_auto_20240101_1200') -> '0003_order_flags'", dry.stdout)
            self.assertIn("repair  shop/billing/migrations/0002_invoice_due.py: ('orders', "
                          "'0003_auto_20240101_1200') -> '0003_order_flags'", dry.stdout)
            self.assertRun(ws.migline("resolve"), 0)
            self.assertRun(ws.git("commit", "--no-edit", check=False), 0)
            self.assertResolved(ws, self.RENAMED)

    def test_a_cherry_pick_follows_a_rename_the_other_side_made(self):
        with self.workspace() as ws:
            self.start_rename(ws)
            self.assertNotEqual(ws.git("cherry-pick", "feature", check=False).returncode, 0)
            self.assertRun(ws.migline("resolve"), 0)
            self.assertRun(ws.git("-c", "core.editor=true", "cherry-pick", "--continue",
                                  check=False), 0)
            self.assertResolved(ws, self.RENAMED)

    def test_a_merge_reparents_onto_the_leaf_of_the_side_that_deleted_the_parent(self):
        """main deletes the migration feature's chain follows and puts another in its place,
        different enough that git sees no rename."""
        with self.workspace() as ws:
            base_project(ws)
            add(ws, "orders", "0003_auto_20240101_1200", [("orders", "0002_order_notes")])
            ws.migline("update")
            ws.commit("main: an auto-named migration")
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0004_order_status", [("orders", "0003_auto_20240101_1200")])
            ws.commit("feature: status")
            ws.git("checkout", "-q", "main")
            ws.remove("shop/orders/migrations/0003_auto_20240101_1200.py")
            add(ws, "orders", "0003_order_flags", [("orders", "0002_order_notes")],
                extra="".join("# flag %d: what it is for, said at length\n" % i
                              for i in range(40)))
            ws.migline("update")
            ws.commit("main: flags instead of the auto-named migration")
            self.assertNotEqual(ws.git("merge", "--no-edit", "feature", check=False).returncode, 0)
            dry = ws.migline("resolve", "--dry-run")
            self.assertRun(dry, 0)
            self.assertIn("repair  shop/orders/migrations/0004_order_status.py: ('orders', "
                          "'0003_auto_20240101_1200') -> '0003_order_flags' "
                          "(0003_auto_20240101_1200 was deleted since the fork; re-parented "
                          "onto the leaf of the side that deleted it)", dry.stdout)
            self.assertRun(ws.migline("resolve"), 0)
            self.assertRun(ws.git("commit", "--no-edit", check=False), 0)
            self.assertResolved(ws, {"orders": ["0001_initial", "0002_order_notes",
                                                "0003_order_flags", "0004_order_status"],
                                     "billing": ["0001_initial"]})

    def test_a_clean_merge_that_leaves_a_dangling_dependency_is_named_and_repaired(self):
        """main renames an orders migration; feature's billing migration names the old one.
        The apps differ, so git merges and commits without a conflict."""
        with self.workspace() as ws:
            self.start_rename(ws, own_app=False)
            merge = ws.git("merge", "--no-edit", "feature")
            self.assertIn("migline: this merge left 1 reference to migrations that no longer "
                          "exist:\nshop/billing/migrations/0002_invoice_due.py:8:9: error: "
                          "depends on orders.0003_auto_20240101_1200, which does not exist\n",
                          merge.stderr)
            self.assertIn("migline: `migline resolve` re-points them (to the renamed migration, "
                          "or to the leaf of the side that deleted it); then "
                          "`git commit --amend --no-edit`\n", merge.stderr)
            self.assertRun(ws.migline("check"), 1)
            run = ws.migline("resolve")
            self.assertRun(run, 0)
            self.assertIn("repair  shop/billing/migrations/0002_invoice_due.py: ('orders', "
                          "'0003_auto_20240101_1200') -> '0003_order_flags'", run.stdout + run.stderr)
            self.assertRun(ws.git("commit", "--amend", "--no-edit", check=False), 0)
            self.assertRun(ws.migline("check"), 0)
            self.assertResolved(ws, self.RENAMED_ONLY)

    RENAMED_ONLY = {"orders": ["0001_initial", "0002_order_notes", "0003_order_flags"],
                    "billing": ["0001_initial", "0002_invoice_due"]}

    def test_two_apps_diverge_at_once(self):
        with self.workspace() as ws:
            base_project(ws)
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            add(ws, "billing", "0002_invoice_due", [("billing", "0001_initial"),
                                                   ("orders", "0003_order_status")])
            ws.commit("feature")
            ws.git("checkout", "-q", "main")
            add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            add(ws, "billing", "0002_invoice_total", [("billing", "0001_initial")])
            ws.commit("main")
            ws.git("merge", "--no-edit", "feature", check=False)
            self.assertRun(ws.migline("resolve"), 0)
            ws.git("commit", "-q", "--no-edit")
            self.assertResolved(ws, {
                "orders": ["0001_initial", "0002_order_notes", "0003_order_refund",
                           "0004_order_status"],
                "billing": ["0001_initial", "0002_invoice_total", "0003_invoice_due"]})
            with open(ws.path("shop/billing/migrations/0003_invoice_due.py")) as f:
                text = f.read()
            self.assertIn("('billing', '0002_invoice_total')", text)
            self.assertIn("('orders', '0004_order_status')", text)


def django_merge_migration(app, leaves, name):
    """The file Django's own makemigrations --merge writer produces for this merge."""
    import django
    from django.conf import settings
    if not settings.configured:
        settings.configure()
        django.setup()
    from django.db import migrations
    from django.db.migrations.writer import MigrationWriter
    subclass = type("Migration", (migrations.Migration,), {
        "dependencies": [(app, leaf) for leaf in leaves]})
    return MigrationWriter(subclass(name, app)).as_string()


if __name__ == "__main__":
    unittest.main(verbosity=2)
