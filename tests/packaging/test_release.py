""".github/workflows/release.yml, the tag-push release: its structure against the rules of
GitHub's workflow syntax that can be checked here (nothing runs on GitHub's runners from this
machine), its run steps parsed by bash, and the wheel names it expects against what the build
backend names for a binary of each platform (synthetic ELF and Mach-O headers).
"""

import fnmatch
import os
import re
import struct
import subprocess
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "packaging"))
import migline_build  # noqa: E402
from testing import TestCase  # noqa: E402

WORKFLOW = os.path.join(ROOT, ".github", "workflows", "release.yml")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TOP_KEYS = {"name", "on", "permissions", "env", "concurrency", "jobs", "defaults", "run-name"}
JOB_KEYS = {"name", "runs-on", "container", "needs", "strategy", "env", "steps", "permissions",
            "if", "timeout-minutes", "outputs", "defaults", "services", "environment",
            "concurrency", "continue-on-error"}
STEP_KEYS = {"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory",
             "continue-on-error", "timeout-minutes"}
CONTEXTS = {"github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy",
            "matrix", "needs", "inputs"}
# GitHub's hosted macOS runners and the machine each one is.
MACOS_RUNNERS = {"macos-13": "x86_64", "macos-14": "arm64", "macos-15": "arm64",
                 "macos-latest": "arm64"}
# A `uses:` names a published major version, never a branch.
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@v[0-9]+$")


def load_workflow():
    with open(WORKFLOW, encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    # YAML 1.1 reads the key `on` as the boolean true.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def expressions(value):
    """Every `${{ ... }}` expression in a value, however deeply nested."""
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


def elf(machine, interpreter):
    """A little-endian 64-bit ELF header with one program header (PT_INTERP or PT_LOAD)."""
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<H", header, 18, machine)
    struct.pack_into("<Q", header, 32, 64)
    struct.pack_into("<HH", header, 54, 56, 1)
    program = bytearray(56)
    struct.pack_into("<I", program, 0, 3 if interpreter else 1)
    return bytes(header + program)


def macho(cputype, major, minor, command=migline_build.LC_BUILD_VERSION):
    """A 64-bit Mach-O header whose one load command states the minimum macOS."""
    version = (major << 16) | (minor << 8)
    if command == migline_build.LC_BUILD_VERSION:
        load = struct.pack("<IIIIII", command, 24, 1, version, version, 0)
    else:
        load = struct.pack("<IIII", command, 16, version, version)
    header = struct.pack("<IIIIIIII", migline_build.MACHO_MAGIC, cputype, 0, 2, 1, len(load), 0, 0)
    return header + load


class Structure(TestCase):
    def test_runs_only_when_a_tag_is_pushed(self):
        workflow = load_workflow()
        self.assertLessEqual(set(workflow), TOP_KEYS)
        self.assertEqual(set(workflow["on"]), {"push"})
        self.assertEqual(set(workflow["on"]["push"]), {"tags"})
        self.assertTrue(all(isinstance(t, str) for t in workflow["on"]["push"]["tags"]))
        # Read-only by default; only the job that publishes may write.
        self.assertEqual(workflow["permissions"], {"contents": "read"})

    def test_jobs_and_steps_are_well_formed(self):
        jobs = load_workflow()["jobs"]
        for name, job in jobs.items():
            self.assertRegex(name, r"^[A-Za-z_][A-Za-z0-9_-]*$")
            self.assertLessEqual(set(job), JOB_KEYS, name)
            self.assertIn("runs-on", job, name)
            for need in job.get("needs", []):
                self.assertIn(need, jobs, name)
            ids = [step["id"] for step in job["steps"] if "id" in step]
            self.assertEqual(len(ids), len(set(ids)), name)
            for step in job["steps"]:
                self.assertLessEqual(set(step), STEP_KEYS, step)
                self.assertEqual(("run" in step) + ("uses" in step), 1, step)
                if "uses" in step:
                    self.assertRegex(step["uses"], PINNED)
                for value in step.get("env", {}).values():
                    self.assertIsInstance(value, str)

    def test_expressions_name_only_what_exists(self):
        for name, job in load_workflow()["jobs"].items():
            include = job.get("strategy", {}).get("matrix", {}).get("include", [])
            for expression in expressions(job):
                self.assertRegex(expression, r"^[a-z_]+(\.[A-Za-z0-9_-]+)+$", expression)
                context, *rest = expression.split(".")
                self.assertIn(context, CONTEXTS, expression)
                if context == "matrix":
                    self.assertTrue(include, name)
                    for entry in include:
                        self.assertIn(rest[0], entry, expression)
            # Scripts take anything from outside through env; only the matrix's own constants
            # may be pasted into them.
            for step in job["steps"]:
                for expression in expressions(step.get("run", "")):
                    self.assertTrue(expression.startswith("matrix."), expression)

    def test_run_steps_parse_as_bash_and_name_executable_scripts(self):
        for job in load_workflow()["jobs"].values():
            for step in job["steps"]:
                if "run" not in step:
                    continue
                script = EXPRESSION.sub("x", step["run"])
                parsed = subprocess.run(["bash", "-n"], input=script, capture_output=True,
                                        text=True)
                self.assertEqual(parsed.returncode, 0, step["name"] + ": " + parsed.stderr)
                for path in re.findall(r"(?<![\w/])(packaging/[\w.-]+)", script):
                    self.assertTrue(os.access(os.path.join(ROOT, path), os.X_OK), path)

    def test_release_needs_every_build_and_alone_may_write(self):
        jobs = load_workflow()["jobs"]
        release = jobs["release"]
        self.assertEqual(set(release["needs"]), set(jobs) - {"release"})
        self.assertEqual(release["permissions"], {"contents": "write"})
        for name, job in jobs.items():
            if name != "release":
                self.assertNotIn("permissions", job, name)


class Platforms(TestCase):
    def test_linux_builds_both_architectures_in_debian(self):
        job = load_workflow()["jobs"]["linux"]
        self.assertEqual(job["container"], "debian:bookworm")
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        self.assertIn("packaging/build.sh", runs)
        # build.sh makes both unless MIGLINE_ARCHES narrows it.
        self.assertNotIn("MIGLINE_ARCHES", runs + str(job.get("env", {})))
        # What build.sh needs for aarch64 is installed.
        for package in ("g++-aarch64-linux-gnu", "qemu-user", "dpkg-dev", "catch2"):
            self.assertRegex(runs, r"\s%s(\s|$)" % re.escape(package), package)

    def test_linux_uploads_the_wheels_the_backend_names(self):
        job = load_workflow()["jobs"]["linux"]
        upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
        self.assertEqual(len(upload), 1)
        patterns = upload[0]["with"]["path"].split()
        version = migline_build.project_version()
        for machine, code in (("x86_64", 62), ("aarch64", 183)):
            with self.workspace() as ws:
                with open(ws.path("migline"), "wb") as f:
                    f.write(elf(code, interpreter=False))
                tag = migline_build.platform_tag(ws.path("migline"))
            wheel = "dist/migline-%s-py3-none-%s.whl" % (version, tag)
            self.assertTrue(any(fnmatch.fnmatch(wheel, p) for p in patterns), wheel)
            deb = "dist/migline_%s_%s.deb" % (version, {"x86_64": "amd64", "aarch64": "arm64"}[machine])
            self.assertTrue(any(fnmatch.fnmatch(deb, p) for p in patterns), deb)

    def test_macos_covers_arm64_and_x86_64_on_runners_of_that_machine(self):
        job = load_workflow()["jobs"]["macos"]
        include = job["strategy"]["matrix"]["include"]
        self.assertEqual(sorted(entry["arch"] for entry in include), ["arm64", "x86_64"])
        self.assertEqual(job["runs-on"], "${{ matrix.runner }}")
        for entry in include:
            self.assertEqual(MACOS_RUNNERS[entry["runner"]], entry["arch"], entry)

    def test_macos_wheel_check_matches_what_the_backend_names(self):
        # The binary packaging/build_macos.sh builds states MACOSX_DEPLOYMENT_TARGET as its
        # minimum; the backend's tag for it must match the glob the job checks.
        job = load_workflow()["jobs"]["macos"]
        self.assertEqual(job["env"]["MACOSX_DEPLOYMENT_TARGET"], "${{ matrix.deployment-target }}")
        check = [s["run"] for s in job["steps"] if "platform tag" in s.get("name", "")]
        self.assertEqual(len(check), 1)
        version = migline_build.project_version()
        cputypes = {v: k for k, v in migline_build.MACHO_MACHINES.items()}
        for entry in job["strategy"]["matrix"]["include"]:
            major, minor = (int(p) for p in entry["deployment-target"].split("."))
            with self.workspace() as ws:
                with open(ws.path("migline"), "wb") as f:
                    f.write(macho(cputypes[entry["arch"]], major, minor))
                tag = migline_build.platform_tag(ws.path("migline"))
            glob = check[0].replace("${{ matrix.arch }}", entry["arch"]).split()[-1]
            wheel = "dist/migline-%s-py3-none-%s.whl" % (version, tag)
            self.assertTrue(fnmatch.fnmatch(wheel, glob), (wheel, glob))


class PlatformTags(TestCase):
    def tag(self, data):
        """The backend's tag for a file holding `data`, or the RuntimeError it raised."""
        with self.workspace() as ws:
            with open(ws.path("binary"), "wb") as f:
                f.write(data)
            try:
                result = migline_build.platform_tag(ws.path("binary"))
            except RuntimeError as error:
                result = error
        if isinstance(result, RuntimeError):
            raise result
        return result

    def test_static_elf_is_manylinux_and_musllinux_of_its_machine(self):
        self.assertEqual(self.tag(elf(62, False)), "manylinux_2_17_x86_64.musllinux_1_1_x86_64")
        self.assertEqual(self.tag(elf(183, False)),
                         "manylinux_2_17_aarch64.musllinux_1_1_aarch64")

    def test_dynamic_elf_is_for_machines_like_the_builder(self):
        self.assertEqual(self.tag(elf(62, True)), "linux_x86_64")
        self.assertEqual(self.tag(elf(183, True)), "linux_aarch64")

    def test_macho_states_its_minimum_macos(self):
        self.assertEqual(self.tag(macho(0x0100000C, 11, 0)), "macosx_11_0_arm64")
        self.assertEqual(self.tag(macho(0x01000007, 10, 15)), "macosx_10_15_x86_64")
        self.assertEqual(self.tag(macho(0x01000007, 10, 13, migline_build.LC_VERSION_MIN_MACOSX)),
                         "macosx_10_13_x86_64")
        # 11.3 does not run on 11.0, and installers match only 11_0 from macOS 11 on.
        self.assertEqual(self.tag(macho(0x0100000C, 11, 3)), "macosx_12_0_arm64")

    def test_unknown_formats_are_refused(self):
        for data in (b"#!/bin/sh\n", macho(0x00000012, 11, 0), elf(40, False)):
            with self.assertRaises(RuntimeError):
                self.tag(data)


if __name__ == "__main__":
    unittest.main()
