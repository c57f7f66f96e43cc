"""action.yml, the composite GitHub Action: its structure against the rules of GitHub's action
metadata schema that can be checked here, and its shell steps run locally the way a runner
runs them (expressions substituted, GITHUB_PATH and GITHUB_OUTPUT honoured) against a pull
request branch in a temporary repository with an `origin` remote.
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "packaging"))
import migline_build  # noqa: E402
from testing import TestCase, add_app  # noqa: E402

ACTION = os.path.join(ROOT, "action.yml")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TOP_KEYS = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
STEP_KEYS = {"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory",
             "continue-on-error"}
SHELLS = {"bash", "sh", "pwsh", "python", "cmd", "powershell"}
# Contexts GitHub allows in a composite action's metadata.
CONTEXTS = {"github", "inputs", "steps", "runner", "env", "job", "strategy", "matrix"}
COLORS = {"white", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}


def load_action():
    with open(ACTION, encoding="utf-8") as f:
        return yaml.safe_load(f)


def expressions(value):
    """Every `${{ ... }}` expression in a metadata value, however deeply nested."""
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


class Structure(TestCase):
    def test_metadata_follows_the_action_schema(self):
        action = load_action()
        self.assertLessEqual(set(action), TOP_KEYS)
        for key in ("name", "description", "runs"):
            self.assertIsInstance(action[key], str if key != "runs" else dict, key)
        self.assertIn(action["branding"]["color"], COLORS)
        for name, spec in action["inputs"].items():
            self.assertRegex(name, r"^[A-Za-z_][A-Za-z0-9_-]*$")
            self.assertLessEqual(set(spec), {"description", "required", "default",
                                             "deprecationMessage"}, name)
            self.assertIsInstance(spec["description"], str, name)
        for name, spec in action["outputs"].items():
            # A composite action's outputs must say where their value comes from.
            self.assertEqual(set(spec), {"description", "value"}, name)

    def test_composite_steps_are_well_formed(self):
        runs = load_action()["runs"]
        self.assertEqual(set(runs), {"using", "steps"})
        self.assertEqual(runs["using"], "composite")
        ids = [step["id"] for step in runs["steps"] if "id" in step]
        self.assertEqual(len(ids), len(set(ids)))
        for step in runs["steps"]:
            self.assertLessEqual(set(step), STEP_KEYS, step)
            self.assertEqual(("run" in step) + ("uses" in step), 1, step)
            if "run" in step:
                # A composite action's run step must name its shell.
                self.assertIn(step.get("shell"), SHELLS, step)
            for value in step.get("env", {}).values():
                self.assertIsInstance(value, str)

    def test_expressions_name_only_what_exists(self):
        action = load_action()
        ids = {step.get("id") for step in action["runs"]["steps"]}
        for expression in expressions(action):
            self.assertRegex(expression, r"^[a-z_]+(\.[A-Za-z0-9_-]+)+$", expression)
            context, *rest = expression.split(".")
            self.assertIn(context, CONTEXTS, expression)
            if context == "inputs":
                self.assertIn(rest[0], action["inputs"], expression)
            if context == "steps":
                self.assertIn(rest[0], ids, expression)
                self.assertEqual(rest[1], "outputs", expression)
        # Shell code takes inputs through env, never by pasting them into the script.
        for step in action["runs"]["steps"]:
            self.assertFalse(expressions(step.get("run", "")), step.get("name"))


class LocalRunner:
    """Runs the action's steps as a GitHub runner would, with the given context values."""

    def __init__(self, workspace, temp, github, inputs, env):
        self.workspace, self.temp, self.env = workspace, temp, env
        self.context = {"github": dict(github, action_path=ROOT, workspace=workspace),
                        "runner": {"temp": temp, "os": "Linux"}, "steps": {}}
        action = load_action()
        self.steps = action["runs"]["steps"]
        self.outputs = action["outputs"]
        self.context["inputs"] = {name: self.evaluate(spec.get("default", ""))
                                  for name, spec in action["inputs"].items()}
        self.context["inputs"].update(inputs)
        self.path_file = os.path.join(temp, "github_path")
        open(self.path_file, "w").close()

    def lookup(self, expression):
        value = self.context
        for part in expression.split("."):
            value = value[part]
        return value

    def evaluate(self, text):
        return EXPRESSION.sub(lambda m: str(self.lookup(m.group(1))), text)

    def run(self):
        """Runs every step until one fails; returns (the failing run or None, outputs, log)."""
        log = ""
        for index, step in enumerate(self.steps):
            output_file = os.path.join(self.temp, "github_output_%d" % index)
            open(output_file, "w").close()
            with open(self.path_file) as f:
                added = [line.strip() for line in f if line.strip()]
            env = dict(self.env, GITHUB_PATH=self.path_file, GITHUB_OUTPUT=output_file,
                       GITHUB_ACTION_PATH=ROOT, GITHUB_WORKSPACE=self.workspace,
                       GITHUB_BASE_REF=self.context["github"]["base_ref"], RUNNER_TEMP=self.temp,
                       CI="true", GITHUB_ACTIONS="true")
            env["PATH"] = ":".join(list(reversed(added)) + [env["PATH"]])
            env.update({k: self.evaluate(v) for k, v in step.get("env", {}).items()})
            cwd = os.path.join(self.workspace, self.evaluate(step.get("working-directory", ".")))
            script = os.path.join(self.temp, "step_%d.sh" % index)
            with open(script, "w") as f:
                f.write(step["run"])
            # GitHub's `shell: bash`.
            run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                                 cwd=cwd, env=env, capture_output=True, text=True)
            log += "== %s\n%s%s" % (step["name"], run.stdout, run.stderr)
            with open(output_file) as f:
                pairs = [line.rstrip("\n").split("=", 1) for line in f if "=" in line]
            if "id" in step:
                self.context["steps"][step["id"]] = {"outputs": dict(pairs)}
            if run.returncode != 0:
                return run, {}, log
        return None, {name: self.evaluate(spec["value"]) for name, spec in self.outputs.items()}, log


def pull_request(ws):
    """An `origin` with main, and a clone of it on a feature branch; the Django project is in
    site/."""
    origin = os.path.join(ws.top, "origin")
    os.makedirs(origin)
    ws.root = origin
    ws.init_git()
    add_app(ws, "site/shop/orders", [("0001_initial", []),
                                     ("0002_status", [("orders", "0001_initial")])])
    ws.migline("-C", "site", "update")
    ws.commit("base")
    ws.git("checkout", "-q", "--detach")  # so that pushes to main are accepted
    ws.root = os.path.join(ws.top, "checkout")
    subprocess.run(["git", "clone", "-q", origin, ws.root], env=ws.env, check=True)
    ws.git("checkout", "-q", "-b", "feature")
    return ws


class Run(TestCase):
    def run_action(self, ws, inputs=None):
        runner = LocalRunner(ws.root, self.runner_temp, {"base_ref": "main"}, inputs or {},
                             dict(ws.env, PATH="/usr/bin:/bin"))
        return runner.run()

    def setUp(self):
        # One runner.temp for the class's runs, so the build is made once and then reused;
        # MIGLINE_ACTION_TEMP keeps it between runs of this file.
        if os.environ.get("MIGLINE_ACTION_TEMP"):
            os.makedirs(os.environ["MIGLINE_ACTION_TEMP"], exist_ok=True)
            self.runner_temp = os.environ["MIGLINE_ACTION_TEMP"]
            return
        if not hasattr(Run, "temp_dir"):
            Run.temp_dir = tempfile.TemporaryDirectory(prefix="migline-action-")
        self.runner_temp = Run.temp_dir.name

    def test_a_clean_pull_request_passes_and_reports_the_version(self):
        with self.workspace() as ws:
            pull_request(ws)
            add_app(ws, "site/shop/orders", [("0003_more", [("orders", "0002_status")])])
            ws.migline("-C", "site", "update")
            ws.commit("more")
            failed, outputs, log = self.run_action(ws, {"working-directory": "site"})
            self.assertIsNone(failed, log)
            self.assertEqual(outputs, {"version": migline_build.project_version()}, log)
            self.assertIn("== migline check\nmigline check: ok (1 app, 3 migrations)\n", log)

    def test_a_stale_manifest_fails_with_an_annotation(self):
        with self.workspace() as ws:
            pull_request(ws)
            add_app(ws, "site/shop/orders", [("0003_more", [("orders", "0002_status")])])
            ws.commit("forgot the manifest")
            failed, _, log = self.run_action(ws, {"working-directory": "site"})
            self.assertIsNotNone(failed, log)
            self.assertEqual(failed.returncode, 1, log)
            self.assertIn("::error file=migrations.lock.yaml,title=migline manifest-stale::",
                          failed.stdout)

    def test_the_base_input_is_what_check_compares_with(self):
        with self.workspace() as ws:
            pull_request(ws)
            ws.git("push", "-q", "origin", "HEAD:refs/heads/feature")
            # A migration the base branch has and the pull request's branch does not.
            ws.git("checkout", "-q", "main")
            add_app(ws, "site/shop/orders", [("0003_on_main", [("orders", "0002_status")])])
            ws.migline("-C", "site", "update")
            ws.commit("main moves on")
            ws.git("push", "-q", "origin", "main")
            ws.git("checkout", "-q", "feature")
            add_app(ws, "site/shop/orders", [("0003_mine", [("orders", "0002_status")])])
            ws.migline("-C", "site", "update")
            ws.commit("mine")
            failed, _, log = self.run_action(ws, {"working-directory": "site"})
            self.assertIsNotNone(failed, log)
            self.assertIn("branch-behind", failed.stdout)
            # Compared with the fork point instead, the branch is fine.
            fork = ws.git("merge-base", "HEAD", "origin/main").stdout.strip()
            failed, _, log = self.run_action(ws, {"working-directory": "site", "base": fork})
            self.assertIsNone(failed, log)


if __name__ == "__main__":
    unittest.main()
