"""The hooks around the workflow with real git: auto-linearized merges and pulls,
the paths where git must keep stopping, branch switches that leave migrations behind (the
rollback targets judged by Django's own graph), chaining, and `init --uninstall`."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import django_oracle  # noqa: E402
from testing import MIGLINE, TestCase, Workspace, add_app, migration  # noqa: E402

AUTO = "resolve: {auto: true}\n"


def add(ws, app, name, deps):
    ws.write("shop/%s/migrations/%s.py" % (app, name), migration(app, name, deps))


def base_project(ws, config=AUTO):
    """orders 0001..0002 and billing 0001 on main, committed, with migline set up."""
    ws.init_git()
    ws.env["MIGLINE"] = MIGLINE  # the hooks and the driver run the binary under test
    if config:
        ws.write(".migline.yaml", config)
    add_app(ws, "shop/orders", [("0001_initial", []),
                                ("0002_order_notes", [("orders", "0001_initial")])])
    add_app(ws, "shop/billing", [("0001_initial", [])])
    run = ws.migline("init")
    assert run.returncode == 0, run.stderr
    ws.commit("base")


def feature_and_main(ws):
    """feature: orders 0003_order_status, 0004_order_status_index and billing
    0002_invoice_due (which depends on the orders index); main: orders 0003_order_refund."""
    ws.git("checkout", "-q", "-b", "feature")
    add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
    ws.commit("feature 1")
    add(ws, "orders", "0004_order_status_index", [("orders", "0003_order_status")])
    add(ws, "billing", "0002_invoice_due", [("billing", "0001_initial"),
                                           ("orders", "0004_order_status_index")])
    ws.commit("feature 2")
    ws.git("checkout", "-q", "main")
    add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
    ws.commit("main: refunds")


def names(ws, rev="HEAD"):
    """{app: sorted migration names} in the tree of `rev`."""
    out = {}
    for path in ws.git("ls-tree", "-r", "--name-only", rev).stdout.split():
        parts = path.split("/")
        if len(parts) == 4 and parts[2] == "migrations" and parts[3][0].isdigit():
            out.setdefault(parts[1], []).append(parts[3][:-3])
    return {app: sorted(n) for app, n in out.items()}


def commit_fields(ws, rev):
    """Parents, author, message of `rev`."""
    return ws.git("show", "-s", "--format=%P%n%an <%ae> %ad%n%B", rev).stdout


class AutoMerge(TestCase):
    def assertLinear(self, ws):
        """One leaf per app for Django, `check` passes, nothing left to commit."""
        leaves = django_oracle.django_leaves(ws.root)
        self.assertIn("django", leaves, leaves)
        for app, leaf in leaves["django"].items():
            self.assertEqual(len(leaf), 1, "%s has leaves %s" % (app, leaf))
        self.assertRun(ws.migline("check"), 0)
        self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def test_feature_into_main_completes_with_a_linear_merge_commit(self):
        with self.workspace() as ws:
            base_project(ws)
            feature_and_main(ws)
            main_before = ws.git("rev-parse", "main").stdout.strip()
            feature = ws.git("rev-parse", "feature").stdout.strip()
            merge = ws.git("merge", "--no-edit", "feature", check=False)
            self.assertRun(merge, 0)
            self.assertIn("the post-merge hook linearizes them", merge.stderr)
            self.assertIn("migline: replaced merge commit", merge.stderr)
            # Same parents, author and message as git's merge commit; only the tree differs.
            self.assertEqual(ws.git("rev-parse", "HEAD^1", "HEAD^2").stdout.split(),
                             [main_before, feature])
            replaced = ws.git("rev-parse", "HEAD@{1}").stdout.strip()
            self.assertEqual(commit_fields(ws, "HEAD"), commit_fields(ws, replaced))
            self.assertIn("migline: linearize migrations of the merge",
                          ws.git("reflog", "-1", "--format=%gs").stdout)
            self.assertEqual(names(ws), {
                "orders": ["0001_initial", "0002_order_notes", "0003_order_refund",
                           "0004_order_status", "0005_order_status_index"],
                "billing": ["0001_initial", "0002_invoice_due"]})
            with open(ws.path("shop/billing/migrations/0002_invoice_due.py")) as f:
                self.assertIn("('orders', '0005_order_status_index')", f.read())
            self.assertLinear(ws)

    def test_a_merge_that_did_not_diverge_is_left_as_git_made_it(self):
        with self.workspace() as ws:
            base_project(ws)
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "billing", "0002_invoice_due", [("billing", "0001_initial")])
            ws.commit("feature")
            ws.git("checkout", "-q", "main")
            add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            ws.commit("main")
            merge = ws.git("merge", "--no-edit", "feature")
            self.assertNotIn("linearized", merge.stderr)
            self.assertIn("merge", ws.git("reflog", "-1", "--format=%gs").stdout)
            self.assertNotIn("migline", ws.git("reflog", "-1", "--format=%gs").stdout)
            self.assertLinear(ws)

    def test_per_app_layout_and_a_project_in_a_sub_directory(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            ws.write("backend/.migline.yaml", AUTO + "manifest: {layout: per-app}\n")
            add_app(ws, "backend/orders", [("0001_initial", [])])
            self.assertRun(ws.migline("-C", "backend", "init"), 0)
            ws.commit("base")
            ws.git("checkout", "-q", "-b", "feature")
            add_app(ws, "backend/orders", [("0002_status", [("orders", "0001_initial")])])
            ws.commit("feature")
            ws.git("checkout", "-q", "main")
            add_app(ws, "backend/orders", [("0002_refund", [("orders", "0001_initial")])])
            ws.commit("main")
            merge = ws.git("merge", "--no-edit", "feature", check=False)
            self.assertRun(merge, 0)
            self.assertIn("replaced merge commit", merge.stderr)
            self.assertEqual(ws.git("show", "HEAD:backend/orders/migrations/max_migration.txt")
                             .stdout, "0003_status\n")
            self.assertRun(ws.migline("-C", "backend", "check"), 0)
            self.assertEqual(ws.git("status", "--porcelain").stdout, "")

    def test_main_into_feature_moves_the_feature(self):
        with self.workspace() as ws:
            base_project(ws)
            feature_and_main(ws)
            ws.git("checkout", "-q", "feature")
            self.assertRun(ws.git("merge", "--no-edit", "main", check=False), 0)
            self.assertEqual(names(ws)["orders"], [
                "0001_initial", "0002_order_notes", "0003_order_refund", "0004_order_status",
                "0005_order_status_index"])
            with open(ws.path("shop/billing/migrations/0002_invoice_due.py")) as f:
                self.assertIn("('orders', '0005_order_status_index')", f.read())
            self.assertEqual(ws.git("log", "-1", "--format=%s").stdout.strip(),
                             "Merge branch 'main' into feature")
            self.assertLinear(ws)

    def test_pull_from_a_bare_remote(self):
        with self.workspace() as ws:
            base_project(ws)
            teammate = Workspace(self)
            self.addCleanup(teammate.__exit__, None, None, None)
            remote = teammate.path("remote.git")
            ws.git("clone", "-q", "--bare", ".", remote)
            ws.git("remote", "add", "origin", remote)
            ws.git("fetch", "-q", "origin")
            ws.git("branch", "-q", "--set-upstream-to", "origin/main")
            ws.git("remote", "set-head", "origin", "main")
            # A teammate pushes a refund migration; we add a status migration locally.
            teammate.git("clone", "-q", remote, teammate.path("c"))
            teammate.root, teammate.env = teammate.path("c"), ws.env
            add(teammate, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            teammate.migline("update")  # no hooks in a fresh clone
            teammate.commit("refunds")
            teammate.git("push", "-q", "origin", "main")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            ws.commit("status")
            pull = ws.git("pull", "--no-rebase", "--no-edit", "origin", "main", check=False)
            self.assertRun(pull, 0)
            # The pushed migration is published: ours moves after it.
            self.assertEqual(names(ws)["orders"], ["0001_initial", "0002_order_notes",
                                                   "0003_order_refund", "0004_order_status"])
            self.assertIn("new migrations arrived", pull.stderr)
            self.assertIn("  orders: 0003_order_refund, 0004_order_status\n", pull.stderr)
            self.assertLinear(ws)
            self.assertRun(ws.git("push", "-q", "origin", "main", check=False), 0)

    def test_both_sides_published_leaves_the_merge_and_says_what_to_run(self):
        with self.workspace() as ws:
            base_project(ws)
            feature_and_main(ws)
            # A web merge brought the feature's first migration into main: main diverged.
            ws.git("merge", "--no-edit", "-s", "ours", "feature~1")
            ws.git("checkout", "-q", "feature~1", "--",
                   "shop/orders/migrations/0003_order_status.py")
            ws.git("commit", "-q", "--no-verify", "-m", "web merge")
            ws.git("checkout", "-q", "feature")
            merge = ws.git("merge", "--no-edit", "main", check=False)
            self.assertRun(merge, 0)  # a post-merge hook cannot stop a merge
            self.assertIn("published on main", merge.stderr)
            self.assertIn("migline resolve --strategy merge", merge.stderr)
            self.assertIn("the merge commit was left as it is", merge.stderr)
            self.assertNotIn("migline:", ws.git("reflog", "-1", "--format=%gs").stdout)
            self.assertRun(ws.migline("check"), 1)
            self.assertRun(ws.migline("resolve", "--strategy", "merge"), 0)
            ws.git("commit", "-q", "-m", "merge migration")
            self.assertRun(ws.migline("check"), 0)

    def test_no_commit_and_squash_leave_the_divergence_to_the_pre_commit_hook(self):
        for flag in ("--no-commit", "--squash"):
            with self.subTest(flag=flag), self.workspace() as ws:
                base_project(ws)
                feature_and_main(ws)
                head = ws.git("rev-parse", "HEAD").stdout.strip()
                ws.git("merge", flag, "feature", check=False)
                self.assertEqual(ws.git("rev-parse", "HEAD").stdout.strip(), head)
                commit = ws.git("commit", "-q", "--no-edit", "-m", "merge", check=False)
                self.assertNotEqual(commit.returncode, 0)
                self.assertIn("migline resolve", commit.stderr)
                self.assertRun(ws.migline("resolve"), 0)
                ws.git("commit", "-q", "--no-edit", "-m", "merge")
                self.assertLinear(ws)

    def test_rebase_and_cherry_pick_still_stop_at_the_conflict(self):
        # A rebasing pull runs its driver with GIT_REFLOG_ACTION `pull ...`, like a merging one.
        cases = [("rebase", "--merge", "main"), ("rebase", "--apply", "main"),
                 ("pull", "--rebase", ".", "main"),
                 ("-c", "rebase.backend=apply", "pull", "--rebase", ".", "main"),
                 ("cherry-pick", "main")]
        for args in cases:
            with self.subTest(args=args), self.workspace() as ws:
                base_project(ws)
                feature_and_main(ws)
                ws.git("checkout", "-q", "feature")
                run = ws.git(*args, check=False)
                self.assertNotEqual(run.returncode, 0, run.stdout + run.stderr)
                with open(ws.path("migrations.lock.yaml")) as f:
                    self.assertIn("<<<<<<< ", f.read())
                self.assertIn("run `migline resolve`", run.stderr)

    def test_a_signed_merge_commit_is_not_rewritten(self):
        with self.workspace() as ws:
            base_project(ws)
            feature_and_main(ws)
            ws.git("merge", "--no-commit", "feature", check=False)
            # A merge commit with a signature header, made as `git merge -S` would.
            tree = ws.git("write-tree").stdout.strip()
            parents = ws.git("rev-parse", "HEAD", "MERGE_HEAD").stdout.split()
            body = ("tree %s\nparent %s\nparent %s\nauthor Test <test@example.com> 1767225600 "
                    "+0000\ncommitter Test <test@example.com> 1767225600 +0000\ngpgsig "
                    "-----BEGIN PGP SIGNATURE-----\n \n -----END PGP SIGNATURE-----\n\n"
                    "Merge branch 'feature'\n") % (tree, parents[0], parents[1])
            signed = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"],
                                    cwd=ws.root, input=body, capture_output=True, text=True,
                                    env=ws.env).stdout.strip()
            ws.git("update-ref", "ORIG_HEAD", parents[0])
            ws.git("update-ref", "HEAD", signed)
            run = ws.migline("hook", "post-merge", "0")
            self.assertRun(run, 0)
            self.assertIn("the merge commit is signed; migline does not rewrite it", run.stderr)
            self.assertIn("git commit --amend -S", run.stderr)
            self.assertEqual(ws.git("rev-parse", "HEAD").stdout.strip(), signed)

    def test_a_merge_commit_git_did_not_just_make_is_not_rewritten(self):
        with self.workspace() as ws:
            base_project(ws)
            feature_and_main(ws)
            ws.git("merge", "--no-commit", "feature", check=False)
            ws.git("commit", "-q", "--no-verify", "--no-edit")  # a merge `git commit` made
            head = ws.git("rev-parse", "HEAD").stdout.strip()
            run = ws.migline("hook", "post-merge", "0")
            self.assertRun(run, 0)
            self.assertIn("HEAD is no longer the merge commit git just made", run.stderr)
            self.assertIn("run `migline resolve`, then `git commit` the result", run.stderr)
            self.assertEqual(ws.git("rev-parse", "HEAD").stdout.strip(), head)
            self.assertRun(ws.migline("check"), 1)


class BranchSwitch(TestCase):
    def feature_branch(self, ws):
        """feature: orders 0003..0004, billing 0002 (on orders 0004), new app shipping."""
        base_project(ws, config="")
        ws.git("checkout", "-q", "-b", "feature")
        add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
        add(ws, "orders", "0004_order_status_index", [("orders", "0003_order_status")])
        add(ws, "billing", "0002_invoice_due", [("billing", "0001_initial"),
                                               ("orders", "0004_order_status_index")])
        add_app(ws, "shop/shipping", [("0001_initial", [("orders", "0003_order_status")])])
        ws.commit("feature")

    def django_rollback(self, ws, rev, app, target):
        """What Django's `migrate APP TARGET` unapplies at `rev` when all is applied."""
        with tempfile.TemporaryDirectory() as tree:
            archive = subprocess.run(["git", "archive", rev], cwd=ws.root, capture_output=True,
                                     env=ws.env, check=True).stdout
            subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
            graph = django_oracle.TreeLoader(django_oracle.find_packages(tree, {})).graph
        if target == "zero":
            starts = graph.root_nodes(app)
        else:
            starts = [c for c in graph.node_map[(app, target)].children if c[0] == app]
        return {node for start in starts for node in graph.backwards_plan(start)}

    def test_switch_that_removes_migrations_in_several_apps(self):
        with self.workspace() as ws:
            self.feature_branch(ws)
            switch = ws.git("checkout", "-q", "main")
            expected = (
                "migline: this checkout leaves behind migrations your database may have applied:\n"
                "  billing: 0002_invoice_due\n"
                "  orders: 0003_order_status, 0004_order_status_index\n"
                "  shipping: 0001_initial\n"
                "migline: to roll them back, run on the branch that has them:\n"
                "  git checkout - && python manage.py migrate billing 0001_initial && git checkout -\n"
                "  git checkout - && python manage.py migrate orders 0002_order_notes && git checkout -\n"
                "  git checkout - && python manage.py migrate shipping zero && git checkout -\n")
            # Django's own graph judges the printed targets: together they unapply exactly
            # what went away, and each nothing else.
            removed = {("billing", "0002_invoice_due"), ("orders", "0003_order_status"),
                       ("orders", "0004_order_status_index"), ("shipping", "0001_initial")}
            printed = re.findall(r"python manage\.py migrate (\w+) (\w+) &&", switch.stderr)
            self.assertEqual([app for app, _ in printed], ["billing", "orders", "shipping"])
            unapplied = set()
            for app, target in printed:
                plan = self.django_rollback(ws, "feature", app, target)
                self.assertTrue(plan <= removed, plan)
                unapplied |= plan
            self.assertEqual(unapplied, removed)
            self.assertEqual(switch.stderr, expected)
            # The command gives the same answer, and `git switch` too.
            self.assertRun(ws.migline("switch-check", "feature", "main"), 0, stdout="",
                           stderr=expected)
            ws.git("switch", "-q", "feature")
            self.assertEqual(ws.git("switch", "-q", "main").stderr, expected)

    def test_a_migration_renamed_by_linearizing_rolls_back_to_the_shared_one(self):
        with self.workspace() as ws:
            base_project(ws, config="")
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            ws.commit("feature")
            ws.git("checkout", "-q", "-b", "linear", "main")
            add(ws, "orders", "0003_order_refund", [("orders", "0002_order_notes")])
            ws.commit("refund")
            ws.git("merge", "-q", "--no-edit", "feature", check=False)
            self.assertRun(ws.migline("resolve"), 0)
            ws.git("commit", "-q", "--no-edit")
            run = ws.migline("switch-check", "feature", "linear")
            self.assertRun(run, 0)
            self.assertIn("  orders: 0003_order_status\n", run.stderr)
            self.assertIn("migrate orders 0002_order_notes && git checkout -", run.stderr)

    def test_switch_that_removes_nothing_and_file_checkouts_say_nothing(self):
        with self.workspace() as ws:
            self.feature_branch(ws)
            ws.git("checkout", "-q", "main")
            self.assertEqual(ws.git("checkout", "-q", "feature").stderr, "")
            self.assertEqual(ws.git("checkout", "-q", "-b", "copy").stderr, "")
            # A file checkout (the hook's flag is 0) is not a switch.
            ws.git("checkout", "-q", "feature")
            self.assertEqual(ws.git("checkout", "main", "--", "shop/billing").stderr, "")
            self.assertRun(ws.migline("switch-check", "main", "feature"), 0, stdout="", stderr="")

    def test_merge_and_rebasing_pull_name_the_migrations_that_arrived(self):
        with self.workspace() as ws:
            self.feature_branch(ws)
            ws.git("checkout", "-q", "main")
            merge = ws.git("merge", "-q", "feature")  # a fast-forward
            self.assertIn("migline: new migrations arrived; `python manage.py migrate` applies "
                          "them:\n  billing: 0002_invoice_due\n"
                          "  orders: 0003_order_status, 0004_order_status_index\n"
                          "  shipping: 0001_initial\n", merge.stderr)
            # A rebasing pull: post-rewrite names what the upstream brought.
            ws.git("clone", "-q", "--bare", ".", "remote.git")
            ws.write(".gitignore", "remote.git/\n")
            ws.commit("ignore")
            ws.git("remote", "add", "origin", "remote.git")
            ws.git("reset", "-q", "--hard", "HEAD~1")
            ws.git("reset", "-q", "--hard", "HEAD~1")  # back to the base, before the feature
            ws.write(".gitignore", "remote.git/\n")
            ws.write("README", "local work\n")
            ws.commit("local")
            pull = ws.git("pull", "--rebase", "origin", "main", check=False)
            self.assertRun(pull, 0)
            self.assertIn("new migrations arrived", pull.stderr)
            self.assertIn("  shipping: 0001_initial\n", pull.stderr)


class GoodCitizens(TestCase):
    def snapshot(self, ws, hooks):
        files = {}
        for name in sorted(os.listdir(hooks)) if os.path.isdir(hooks) else []:
            with open(os.path.join(hooks, name), "rb") as f:
                files[name] = f.read()
        return (ws.git("status", "--porcelain", "--ignored").stdout,
                ws.git("config", "--local", "--list").stdout, files)

    def test_uninstall_leaves_the_repository_as_before_init(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            add_app(ws, "shop/orders", [("0001_initial", [])])
            ws.write(".gitattributes", "*.png binary\n")
            ws.git("config", "core.hooksPath", "githooks")
            ws.write("githooks/post-checkout", "#!/bin/sh\necho team hook >&2\nexit 3\n")
            os.chmod(ws.path("githooks/post-checkout"), 0o755)
            ws.commit("start")
            before = self.snapshot(ws, ws.path("githooks"))
            self.assertRun(ws.migline("init"), 0)
            self.assertNotEqual(self.snapshot(ws, ws.path("githooks")), before)
            run = ws.migline("init", "--uninstall")
            self.assertRun(run, 0)
            self.assertIn("did put back the earlier hook from", run.stdout)
            self.assertEqual(self.snapshot(ws, ws.path("githooks")), before)
            self.assertRun(ws.migline("init", "--uninstall"), 0,
                           stdout="migline is not set up in this clone; nothing to do\n")

    def test_uninstall_deletes_a_gitattributes_that_init_created(self):
        with self.workspace() as ws:
            ws.init_git()
            ws.env["MIGLINE"] = MIGLINE
            add_app(ws, "shop/orders", [("0001_initial", [])])
            ws.commit("start")
            before = self.snapshot(ws, ws.path(".git", "hooks"))
            self.assertRun(ws.migline("init"), 0)
            self.assertRun(ws.migline("init", "--uninstall"), 0)
            self.assertFalse(os.path.exists(ws.path(".gitattributes")))
            self.assertEqual(self.snapshot(ws, ws.path(".git", "hooks")), before)

    def test_chained_hook_runs_first_keeps_its_status_and_doctor_reports_each_hook(self):
        with self.workspace() as ws:
            base_project(ws, config="")
            hooks = ws.path(".git", "hooks")
            self.assertRun(ws.migline("init", "--uninstall"), 0)
            with open(os.path.join(hooks, "post-checkout"), "w") as f:
                f.write("#!/bin/sh\necho team hook $3 >&2\nexit 3\n")
            os.chmod(os.path.join(hooks, "post-checkout"), 0o755)
            alone = ws.git("checkout", "-q", "-b", "before", check=False).returncode
            self.assertNotEqual(alone, 0)
            ws.git("checkout", "-q", "main", check=False)
            doctor = ws.migline("doctor")
            self.assertRun(doctor, 1)
            self.assertIn("FIX  post-checkout hook: another post-checkout hook is installed",
                          doctor.stdout)
            self.assertIn("FIX  post-merge hook: missing", doctor.stdout)
            self.assertRun(ws.migline("init"), 0)
            doctor = ws.migline("doctor")
            for hook in ("pre-commit", "post-merge", "post-checkout", "post-rewrite"):
                self.assertIn("ok   %s hook: runs `migline " % hook, doctor.stdout)
            ws.git("checkout", "-q", "-b", "feature", check=False)
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            ws.commit("feature")
            switch = ws.git("checkout", "-q", "main", check=False)
            self.assertEqual(switch.returncode, alone)  # the team hook's status, as before
            self.assertTrue(switch.stderr.startswith("team hook 1\n"), switch.stderr)
            self.assertIn("migrate orders 0002_order_notes", switch.stderr)

    def test_chained_post_merge_and_post_rewrite_hooks_get_their_arguments_and_input(self):
        with self.workspace() as ws:
            base_project(ws, config="")
            self.assertRun(ws.migline("init", "--uninstall"), 0)
            log = ws.path(".git", "team.log")
            for hook in ("post-merge", "post-rewrite"):
                path = ws.path(".git", "hooks", hook)
                with open(path, "w") as f:
                    f.write("#!/bin/sh\necho \"%s $*: $(cat | tr '\\n' ' ')\" >> %s\n"
                            % (hook, log))
                os.chmod(path, 0o755)
            self.assertRun(ws.migline("init"), 0)
            ws.git("checkout", "-q", "-b", "feature")
            add(ws, "orders", "0003_order_status", [("orders", "0002_order_notes")])
            ws.commit("feature")
            ws.git("checkout", "-q", "main")
            merge = ws.git("merge", "-q", "feature")
            self.assertIn("  orders: 0003_order_status\n", merge.stderr)  # ours ran too
            before = ws.git("rev-parse", "HEAD").stdout.strip()
            ws.git("commit", "-q", "--amend", "-m", "amended")
            after = ws.git("rev-parse", "HEAD").stdout.strip()
            with open(log) as f:
                self.assertEqual(f.read(), "post-merge 0: \npost-rewrite amend: %s %s \n"
                                 % (before, after))

    def test_hooks_do_nothing_where_migline_is_not_set_up(self):
        with self.workspace() as ws:
            base_project(ws, config="")
            shared = ws.path(".git", "hooks")
            # Another repository sharing the hooks directory, without a manifest.
            other = Workspace(self)
            with other:
                other.init_git()
                other.env["MIGLINE"] = MIGLINE
                other.git("config", "core.hooksPath", shared)
                add_app(other, "shop/orders", [("0001_initial", [])])
                other.git("add", "-A")
                # The pre-commit hook is not asked: it writes a manifest wherever it runs.
                other.git("commit", "-q", "--no-verify", "-m", "base")
                other.git("checkout", "-q", "-b", "feature")
                add_app(other, "shop/orders", [("0002_more", [("orders", "0001_initial")])])
                other.git("add", "-A")
                other.git("commit", "-q", "--no-verify", "-m", "more")
                self.assertEqual(other.git("checkout", "-q", "main").stderr, "")
                self.assertEqual(other.git("merge", "-q", "feature").stderr, "")


if __name__ == "__main__":
    unittest.main()
