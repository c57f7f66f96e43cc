"""Hostile input: every case ends with a clear diagnostic and exit 1 or 2 (or the right answer
when the input is valid Python), never a crash, a hang, a stack overflow or a partial write.
Also: resolve is all-or-nothing, and no repository code is ever executed."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import MIGLINE, TestCase, add_app, migration  # noqa: E402

HEADER = b"from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
DEPENDS = b"    dependencies = [('orders', '0001_initial')]\n"


class HostileFiles(TestCase):
    """A project with orders/0001_initial and one more file, 0002_x.py, holding `content`."""

    def run_on(self, content, name="0002_x.py"):
        ws = self.workspace()
        with ws:
            add_app(ws, "orders", [("0001_initial", [])])
            with open(ws.path("orders", "migrations", name), "wb") as f:
                f.write(content)
            run = ws.migline("leaves", env={})
            self.assertIn(run.returncode, (0, 1, 2), run.stderr)
            self.assertNotIn("Sanitizer", run.stderr)
            return run

    def assertDiagnostic(self, run, where):
        self.assertRun(run, 1, stdout="")
        self.assertIn("orders/migrations/0002_x.py:%s: error: " % where, run.stderr)

    def test_binary_file(self):
        self.assertDiagnostic(self.run_on(bytes(range(256)) * 4), "1:1")

    def test_nul_byte(self):
        run = self.run_on(HEADER + b"    x = 1\0\n" + DEPENDS)
        self.assertDiagnostic(run, "4:10")
        self.assertIn("NUL", run.stderr)

    def test_invalid_utf8(self):
        run = self.run_on(HEADER + b"    x = '\xff\xfe'\n" + DEPENDS)
        self.assertDiagnostic(run, "4:10")
        self.assertIn("UTF-8", run.stderr)

    def test_truncated_file(self):
        self.assertDiagnostic(self.run_on(HEADER + b"    dependencies = [('orders', '0001_in"),
                              "4:32")

    def test_conflict_markers_in_a_migration(self):
        run = self.run_on(HEADER + b"<<<<<<< HEAD\n" + DEPENDS + b"=======\n" + DEPENDS +
                          b">>>>>>> feature\n")
        self.assertDiagnostic(run, "4:1")
        self.assertIn("unresolved merge conflict", run.stderr)

    def test_bom_crlf_and_tabs_are_valid_python(self):
        text = b"\xef\xbb\xbf" + (HEADER + b"\tdependencies = [\r\n\t\t('orders', '0001_initial'),"
                                  b"\r\n\t]\r\n").replace(b"\n", b"\r\n").replace(b"\r\r", b"\r")
        self.assertRun(self.run_on(text), 0, stdout="orders  0002_x\n")

    def test_a_one_megabyte_line(self):
        run = self.run_on(HEADER + DEPENDS + b"    note = '" + b"x" * (1 << 20) + b"'\n")
        self.assertRun(run, 0, stdout="orders  0002_x\n")

    def test_one_hundred_thousand_nested_brackets(self):
        run = self.run_on(HEADER + DEPENDS + b"    deep = " + b"[" * 100000 + b"]" * 100000 + b"\n")
        self.assertRun(run, 0, stdout="orders  0002_x\n")
        unbalanced = self.run_on(HEADER + DEPENDS + b"    deep = " + b"[" * 100000 + b"\n")
        self.assertDiagnostic(unbalanced, "6:1")
        self.assertIn("'[' was never closed", unbalanced.stderr)

    def test_names_with_spaces_and_non_ascii(self):
        run = self.run_on(HEADER + DEPENDS, name="0002_ünïcode name.py")
        self.assertRun(run, 0, stdout="orders  0002_ünïcode name\n")


class HostileLayout(TestCase):
    def test_symlinked_migration_file(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            os.symlink("0001_initial.py", ws.path("orders", "migrations", "0002_link.py"))
            run = ws.migline("leaves")
            self.assertRun(run, 2, stdout="")
            self.assertIn("orders/migrations/0002_link.py: error: cannot read: is a symbolic link",
                          run.stderr)
            ws.init_git()
            ws.commit()
            for args in (("leaves",), ("leaves", "--staged"), ("leaves", "--rev", "HEAD")):
                run = ws.migline(*args)
                self.assertRun(run, 2, stdout="")
                self.assertIn("is a symbolic link", run.stderr)

    def test_symlinked_directories_and_loops_are_not_followed(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            os.symlink(".", ws.path("orders", "migrations", "loop"))
            os.symlink(ws.path("orders"), ws.path("linked"))
            os.symlink("/", ws.path("orders", "root"))
            self.assertRun(ws.migline("leaves"), 0, stdout="orders  0001_initial\n")

    def test_unreadable_file(self):
        if os.geteuid() == 0:
            self.skipTest("root reads everything")
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            os.chmod(ws.path("orders", "migrations", "0001_initial.py"), 0)
            run = ws.migline("leaves")
            self.assertRun(run, 2, stdout="")
            self.assertIn("Permission denied", run.stderr)

    def test_a_fifo_does_not_hang(self):
        with self.workspace() as ws:
            add_app(ws, "orders", [("0001_initial", [])])
            os.mkfifo(ws.path("orders", "migrations", "0002_fifo.py"))
            # Not a file, so not a migration; and never opened, so nothing blocks.
            self.assertRun(ws.migline("leaves"), 0, stdout="orders  0001_initial\n")

    def test_never_writes_through_a_symlink(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            outside = ws.path("outside.txt")
            with open(outside, "w") as f:
                f.write("keep me\n")
            os.symlink(outside, ws.path("migrations.lock.yaml"))
            run = ws.migline("update")
            self.assertRun(run, 2)
            self.assertIn("is a symbolic link", run.stderr)
            with open(outside) as f:
                self.assertEqual(f.read(), "keep me\n")

    def test_conflict_markers_in_the_manifest(self):
        with self.workspace() as ws:
            ws.init_git()
            add_app(ws, "orders", [("0001_initial", [])])
            self.assertRun(ws.migline("update"), 0)
            with open(ws.path("migrations.lock.yaml"), "a") as f:
                f.write("<<<<<<< HEAD\n  orders: 0001_a\n=======\n  orders: 0001_b\n>>>>>>> x\n")
            run = ws.migline("check")
            self.assertRun(run, 1)
            self.assertIn("migrations.lock.yaml:9:1: error: unresolved merge conflict", run.stdout)


class Safety(TestCase):
    def conflicted_merge(self, ws):
        ws.init_git()
        ws.env["MIGLINE"] = MIGLINE
        add_app(ws, "orders", [("0001_initial", [])])
        self.assertRun(ws.migline("init"), 0)
        ws.commit("base")
        ws.git("checkout", "-q", "-b", "feature")
        ws.write("orders/migrations/0002_feature.py",
                 migration("orders", "0002_feature", [("orders", "0001_initial")]))
        ws.commit("feature")
        ws.git("checkout", "-q", "main")
        ws.write("orders/migrations/0002_main.py",
                 migration("orders", "0002_main", [("orders", "0001_initial")]))
        ws.commit("main")
        self.assertNotEqual(ws.git("merge", "--no-edit", "feature", check=False).returncode, 0)

    def snapshot(self, ws):
        files = {}
        for top, dirs, names in os.walk(ws.root):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                with open(os.path.join(top, name), "rb") as f:
                    files[os.path.relpath(os.path.join(top, name), ws.root)] = f.read()
        return files, ws.git("ls-files", "--stage").stdout

    def test_resolve_is_all_or_nothing(self):
        with self.workspace() as ws:
            self.conflicted_merge(ws)
            before = self.snapshot(ws)
            # Another git process holds the index: every work-tree write must be undone.
            open(ws.path(".git", "index.lock"), "w").close()
            run = ws.migline("resolve")
            self.assertRun(run, 2)
            self.assertIn("nothing was changed", run.stderr)
            os.remove(ws.path(".git", "index.lock"))
            self.assertEqual(self.snapshot(ws), before)
            self.assertRun(ws.migline("resolve"), 0)

    def test_no_repository_code_is_executed(self):
        with self.workspace() as ws:
            marker = ws.path("executed")
            payload = ("import os\nopen(%r, 'w').write('module')\n" % marker +
                       "os.system('touch %s')\n" % marker)
            self.conflicted_merge(ws)
            for path in ("orders/migrations/0002_main.py", "orders/apps.py",
                         "orders/migrations/__init__.py"):
                with open(ws.path(path), "a") as f:
                    f.write(payload)
            ws.git("add", "orders")
            for args in (("leaves",), ("graph",), ("check",), ("update", "--check"),
                         ("doctor",), ("resolve", "--dry-run"), ("resolve",)):
                ws.migline(*args)
            self.assertFalse(os.path.exists(marker))


if __name__ == "__main__":
    unittest.main(verbosity=2)
