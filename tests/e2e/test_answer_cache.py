"""The answer cache under .git/migline/answers: asked again with nothing
changed, a read-only command prints exactly what it printed before; any change to what it
reads (files, directories, ignore rules, the index, revisions, config) is seen."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from testing import TestCase, add_app, migration  # noqa: E402

ANSWERS = os.path.join(".git", "migline", "answers")
# Answers are recorded only when every file read is older than 2 seconds (kSettleNs).
SETTLE = 2.2

COMMANDS = [
    ("update", "--check"),
    ("check", "--format", "json"),
    ("check", "--color", "always"),
    ("leaves",),
    ("graph", "--format", "dot"),
    ("check", "--staged", "--format", "github"),
    ("leaves", "--rev", "HEAD"),
    ("check", "--base", "HEAD~1", "--format", "json"),
]


def repo(ws):
    ws.init_git()
    ws.write(".gitignore", "*.pyc\n")
    ws.write("docs/README", "docs\n")
    add_app(ws, "accounts", [("0001_initial", [])])
    add_app(ws, "orders", [("0001_initial", []), ("0002_status", [("orders", "0001_initial")])])
    ws.migline("update")
    ws.commit("base")
    add_app(ws, "orders", [("0003_total", [("orders", "0002_status")])])
    ws.migline("update")
    ws.commit("more")
    # Untracked but listed: ignore rules can hide it.
    add_app(ws, "extra", [("0001_initial", [])])
    return ws


def ask(ws, args, cached=True):
    """(exit status, stdout, stderr without trace lines), and the trace lines."""
    env = {"MIGLINE_TRACE": "1"}
    if not cached:
        env["MIGLINE_NO_ANSWER_CACHE"] = "1"
    run = ws.migline(*args, env=env)
    lines = run.stderr.splitlines(keepends=True)
    trace = [line for line in lines if line.startswith("migline: trace: ")]
    stderr = "".join(line for line in lines if not line.startswith("migline: trace: "))
    return (run.returncode, run.stdout, stderr), trace


def answers(ws):
    return {args: ask(ws, args)[0] for args in COMMANDS}


def append(ws, relative, text):
    os.makedirs(os.path.dirname(ws.path(relative)), exist_ok=True)
    with open(ws.path(relative), "a") as f:
        f.write(text)


def same_size_edit(ws):
    path = ws.path("orders", "migrations", "0003_total.py")
    with open(path) as f:
        text = f.read()
    edited = text.replace("'0002_status'", "'0002_statux'")
    assert len(edited) == len(text) and edited != text
    mtime = os.stat(path).st_mtime_ns
    with open(path, "w") as f:
        f.write(edited)
    os.utime(path, ns=(mtime, mtime))  # only ctime tells


# Each changes something a command reads; every command must then answer as a cold run does.
CHANGES = {
    "a migration edited, same size and mtime": same_size_edit,
    "an untracked migration added": lambda ws: ws.write(
        "orders/migrations/0003_other.py",
        migration("orders", "0003_other", [("orders", "0002_status")])),
    "a tracked migration deleted": lambda ws: ws.remove("orders/migrations/0003_total.py"),
    "an app added in a new directory": lambda ws: add_app(ws, "pkg/shop", [("0001_initial", [])]),
    "an app added in a directory without one": lambda ws: add_app(
        ws, "docs/blog", [("0001_initial", [])]),
    "a .gitignore edited in place": lambda ws: append(ws, ".gitignore", "extra/\n"),
    "a .gitignore added below": lambda ws: ws.write("extra/.gitignore", "*\n"),
    "info/exclude edited": lambda ws: append(ws, ".git/info/exclude", "extra/\n"),
    "the global excludes file created": lambda ws: append(ws, ".config/git/ignore", "extra/\n"),
    "core.excludesFile set": lambda ws: (
        ws.write("my-ignore", "extra/\n"), ws.git("config", "core.excludesFile", "~/my-ignore")),
    "the manifest edited": lambda ws: append(ws, "migrations.lock.yaml", "# edited\n"),
    "the config written": lambda ws: ws.write(".migline.yaml", "exclude: [extra]\n"),
    "a migration staged": lambda ws: ws.git("add", "extra"),
    "a commit made": lambda ws: (ws.git("add", "-A"), ws.git("commit", "-q", "-m", "extra")),
}


class AnswerCache(TestCase):
    def test_every_change_is_seen(self):
        workspaces = {name: repo(self.workspace()) for name in CHANGES}
        try:
            time.sleep(SETTLE)
            for name, change in CHANGES.items():
                with self.subTest(name):
                    ws = workspaces[name]
                    before = answers(ws)
                    for args in COMMANDS:
                        answer, trace = ask(ws, args)
                        self.assertEqual(answer, before[args], args)
                        self.assertEqual(trace, ["migline: trace: answer cache hit\n"], args)
                    change(ws)
                    after = {args: ask(ws, args, cached=False)[0] for args in COMMANDS}
                    self.assertNotEqual(after, before, "the change should matter")
                    # A hit is right where the answer did not change (another source).
                    for args in COMMANDS:
                        self.assertEqual(ask(ws, args)[0], after[args], args)
        finally:
            for ws in workspaces.values():
                ws.__exit__(None, None, None)

    def test_a_hit_prints_what_a_cold_run_prints(self):
        with self.workspace() as ws:
            repo(ws)
            ws.write("orders/migrations/0003_other.py",
                     migration("orders", "0003_other", [("orders", "0002_status")]))
            time.sleep(SETTLE)
            cold = {args: ask(ws, args, cached=False)[0] for args in COMMANDS}
            self.assertIn(1, [status for status, _, _ in cold.values()])
            for _ in range(2):
                self.assertEqual(answers(ws), cold)
            for args in COMMANDS:
                self.assertEqual(ask(ws, args)[1], ["migline: trace: answer cache hit\n"])

    def test_files_changed_within_the_settle_time_are_not_recorded(self):
        with self.workspace() as ws:
            repo(ws)
            answer, trace = ask(ws, ("leaves",))
            self.assertEqual(len(trace), 2, trace)
            self.assertIn("changed too recently", trace[1])
            self.assertFalse(os.path.exists(ws.path(ANSWERS)) and os.listdir(ws.path(ANSWERS)))

    def test_a_damaged_answer_is_ignored(self):
        with self.workspace() as ws:
            repo(ws)
            time.sleep(SETTLE)
            expected, _ = ask(ws, ("check", "--format", "json"))
            (name,) = os.listdir(ws.path(ANSWERS))
            file = ws.path(ANSWERS, name)
            with open(file, "rb") as f:
                pristine = f.read()
            middle = len(pristine) // 2
            damages = {
                "empty": b"",
                "garbage": os.urandom(len(pristine)),
                "truncated": pristine[:middle],
                "flipped": pristine[:middle] + bytes([pristine[middle] ^ 4]) + pristine[middle + 1:],
                "last-byte": pristine[:-1] + bytes([pristine[-1] ^ 1]),
            }
            for damage, damaged in damages.items():
                with self.subTest(damage):
                    with open(file, "wb") as f:
                        f.write(damaged)
                    answer, trace = ask(ws, ("check", "--format", "json"))
                    self.assertEqual(answer, expected)
                    self.assertEqual(trace[0], "migline: trace: answer cache miss\n")
                    with open(file, "rb") as f:
                        self.assertEqual(f.read(), pristine)

    def test_the_answers_directory_stays_small(self):
        with self.workspace() as ws:
            repo(ws)
            time.sleep(SETTLE)
            for i in range(40):  # the environment is part of the command line
                self.assertRun(ws.migline("leaves", env={"GIT_MIGLINE_TEST": str(i)}), 0)
            self.assertEqual(len(os.listdir(ws.path(ANSWERS))), 32)


if __name__ == "__main__":
    unittest.main()
