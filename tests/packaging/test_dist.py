"""The artifacts of packaging/build.sh in dist/, for x86_64 and aarch64: the static binaries
(through the e2e suites; aarch64 under qemu-user, with the unit tests its build compiled), the
.debs and the wheels, installed into a fresh virtual environment without an index, and the
MIT licence in each.

MIGLINE_DIST (default dist/) is where they are; MIGLINE, the test build, is the reference the
static binaries' output is compared with. The aarch64 build tree is
build/packaging/aarch64/migline (MIGLINE_AARCH64_BUILD).
"""

import base64
import concurrent.futures
import csv
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "packaging"))
import migline_build  # noqa: E402
from testing import MIGLINE, TestCase  # noqa: E402

DIST = os.path.abspath(os.environ.get("MIGLINE_DIST", os.path.join(ROOT, "dist")))
VERSION = migline_build.project_version()
BINARY = os.path.join(DIST, "migline")
DEB = os.path.join(DIST, "migline_%s_amd64.deb" % VERSION)
WHEEL = os.path.join(
    DIST, "migline-%s-py3-none-manylinux_2_17_x86_64.musllinux_1_1_x86_64.whl" % VERSION)
ARM_BINARY = os.path.join(DIST, "migline-aarch64")
ARM_DEB = os.path.join(DIST, "migline_%s_arm64.deb" % VERSION)
ARM_WHEEL = os.path.join(
    DIST, "migline-%s-py3-none-manylinux_2_17_aarch64.musllinux_1_1_aarch64.whl" % VERSION)
ARM_BUILD = os.path.abspath(os.environ.get(
    "MIGLINE_AARCH64_BUILD", os.path.join(ROOT, "build", "packaging", "aarch64", "migline")))
QEMU = "qemu-aarch64"
SHOP = os.path.join(ROOT, "examples", "shop")
with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as license_file:
    LICENSE = license_file.read()
# Every end-to-end suite but the crash tests, whose fault shim is an LD_PRELOAD library that a
# static binary never loads.
E2E_SUITES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "tests", "e2e"))
                    if name.startswith("test_") and name.endswith(".py")
                    and name != "test_crash_safety.py")


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


class StaticBinary(TestCase):
    def test_needs_no_shared_library(self):
        self.assertEqual(migline_build.elf_facts(BINARY), ("x86_64", False))
        ldd = run("ldd", BINARY)
        self.assertIn("not a dynamic executable", ldd.stdout + ldd.stderr)

    def test_version_is_the_cmake_project_version(self):
        self.assertRun(run(BINARY, "--version"), 0, stdout="migline %s\n" % VERSION)

    def test_reads_the_example_like_the_test_build(self):
        # Without the answer cache, which would let one replay the other's output.
        env = dict(os.environ, MIGLINE_NO_ANSWER_CACHE="1")
        for command in (["leaves"], ["graph"], ["check"]):
            static = run(BINARY, "-C", SHOP, *command, env=env)
            reference = run(MIGLINE, "-C", SHOP, *command, env=env)
            self.assertEqual((static.returncode, static.stdout, static.stderr),
                             (reference.returncode, reference.stdout, reference.stderr), command)

    def test_runs_without_home(self):
        # libgit2 then asks getpwuid_r, which a static glibc answers from /etc/passwd itself.
        env = {k: v for k, v in os.environ.items() if k != "HOME"}
        env["MIGLINE_NO_ANSWER_CACHE"] = "1"
        self.assertRun(run(BINARY, "-C", SHOP, "leaves", env=env), 0,
                       stdout=run(MIGLINE, "-C", SHOP, "leaves", env=env).stdout)

    def test_passes_the_git_end_to_end_suites(self):
        # Real git in temporary repositories: the hook, the merge driver, check and resolve.
        for script in ("test_manifest_git", "test_merge_driver", "test_check", "test_resolve"):
            suite = run(sys.executable, os.path.join(ROOT, "tests", "e2e", script + ".py"),
                        env=dict(os.environ, MIGLINE=BINARY))
            self.assertEqual(suite.returncode, 0, script + "\n" + suite.stderr[-3000:])


def run_suites(scripts, migline, jobs=2):
    """Runs e2e scripts against `migline`, `jobs` at a time; {script: completed process}."""
    def one(script):
        return run(sys.executable, os.path.join(ROOT, "tests", "e2e", script + ".py"),
                   env=dict(os.environ, MIGLINE=migline))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return dict(zip(scripts, pool.map(one, scripts)))


class Aarch64Binary(TestCase):
    """The static aarch64 binary, run by qemu-user through a two-line wrapper script."""

    def wrapper(self, ws):
        path = ws.path("migline")
        with open(path, "w") as f:
            f.write('#!/bin/sh\nexec %s "%s" "$@"\n' % (QEMU, ARM_BINARY))
        os.chmod(path, 0o755)
        return path

    def test_is_static_aarch64(self):
        self.assertEqual(migline_build.elf_facts(ARM_BINARY), ("aarch64", False))
        self.assertRun(run(QEMU, ARM_BINARY, "--version"), 0, stdout="migline %s\n" % VERSION)

    def test_reads_the_example_like_the_test_build(self):
        env = dict(os.environ, MIGLINE_NO_ANSWER_CACHE="1")
        for command in (["leaves"], ["graph"], ["check"], ["check", "--format", "json"]):
            arm = run(QEMU, ARM_BINARY, "-C", SHOP, *command, env=env)
            reference = run(MIGLINE, "-C", SHOP, *command, env=env)
            self.assertEqual((arm.returncode, arm.stdout, arm.stderr),
                             (reference.returncode, reference.stdout, reference.stderr), command)

    def test_passes_the_unit_tests_its_build_compiled(self):
        # The Catch2 tests, compiled for aarch64 by packaging/build.sh in the same build as the
        # binary; ctest runs them through the toolchain's emulator.
        # Every Catch2 test (core, fs, git, project, cli); the Python suites run below against
        # the shipped binary instead.
        tests = run("ctest", "--test-dir", ARM_BUILD, "-E", "^python[.]", "-j", "2",
                    "--output-on-failure")
        self.assertEqual(tests.returncode, 0, tests.stdout[-3000:] + tests.stderr[-2000:])
        self.assertIn("100% tests passed", tests.stdout)
        listed = run("ctest", "--test-dir", ARM_BUILD, "-N", "-E", "^python[.]")
        self.assertRegex(listed.stdout, r"Total Tests: [1-9][0-9]{2,}")

    def test_passes_the_end_to_end_suites(self):
        with self.workspace() as ws:
            results = run_suites(E2E_SUITES, self.wrapper(ws))
            for script, suite in results.items():
                self.assertEqual(suite.returncode, 0, script + "\n" + suite.stderr[-3000:])
                self.assertRegex(suite.stderr, r"\nOK", script)


class Deb(TestCase):
    def test_control_fields(self):
        for field, value in (("Package", "migline"), ("Version", VERSION),
                             ("Architecture", "amd64")):
            self.assertRun(run("dpkg-deb", "-f", DEB, field), 0, stdout=value + "\n")

    def test_installs_the_binary_readme_and_licences(self):
        listing = run("dpkg-deb", "-c", DEB)
        self.assertRun(listing, 0)
        entries = {line.split()[-1]: line.split()[0] for line in listing.stdout.splitlines()}
        self.assertEqual(entries["./usr/bin/migline"], "-rwxr-xr-x")
        self.assertIn("./usr/share/doc/migline/README.md", entries)
        self.assertIn("./usr/share/doc/migline/copyright", entries)
        with self.workspace() as ws:
            self.assertRun(run("dpkg-deb", "-x", DEB, ws.root), 0)
            self.assertRun(run(ws.path("usr", "bin", "migline"), "--version"), 0,
                           stdout="migline %s\n" % VERSION)
            with open(ws.path("usr", "share", "doc", "migline", "copyright")) as f:
                notices = f.read()
            for library in ("libgit2", "fmtlib", "yaml-cpp", "libpcre2-8-0", "zlib1g", "libc6"):
                self.assertIn("==== %s " % library, notices)
            # migline's own licence first, word for word.
            self.assertTrue(notices.startswith("migline\n"), notices[:200])
            self.assertIn("released under the MIT licence", notices.split("\n\n==== ")[0])
            self.assertIn(LICENSE, notices)

    def test_arm64_deb_holds_the_aarch64_binary(self):
        for field, value in (("Package", "migline"), ("Version", VERSION),
                             ("Architecture", "arm64")):
            self.assertRun(run("dpkg-deb", "-f", ARM_DEB, field), 0, stdout=value + "\n")
        with self.workspace() as ws:
            self.assertRun(run("dpkg-deb", "-x", ARM_DEB, ws.root), 0)
            binary = ws.path("usr", "bin", "migline")
            self.assertEqual(migline_build.elf_facts(binary), ("aarch64", False))
            self.assertRun(run(QEMU, binary, "--version"), 0, stdout="migline %s\n" % VERSION)
            with open(ws.path("usr", "share", "doc", "migline", "copyright")) as f:
                self.assertIn(LICENSE, f.read())


class Wheel(TestCase):
    def test_tag_matches_the_binary_it_holds(self):
        with zipfile.ZipFile(WHEEL) as wheel:
            data = wheel.read("migline-%s.data/scripts/migline" % VERSION)
            tags = [line.split(": ", 1)[1] for line in
                    wheel.read("migline-%s.dist-info/WHEEL" % VERSION).decode().splitlines()
                    if line.startswith("Tag: ")]
        with self.workspace() as ws:
            ws.write("migline", "")
            with open(ws.path("migline"), "wb") as f:
                f.write(data)
            self.assertEqual(migline_build.platform_tag(ws.path("migline")),
                             "manylinux_2_17_x86_64.musllinux_1_1_x86_64")
        self.assertEqual(tags, ["py3-none-manylinux_2_17_x86_64", "py3-none-musllinux_1_1_x86_64"])

    def test_aarch64_wheel_holds_the_aarch64_binary(self):
        with zipfile.ZipFile(ARM_WHEEL) as wheel:
            data = wheel.read("migline-%s.data/scripts/migline" % VERSION)
            tags = [line.split(": ", 1)[1] for line in
                    wheel.read("migline-%s.dist-info/WHEEL" % VERSION).decode().splitlines()
                    if line.startswith("Tag: ")]
        with self.workspace() as ws:
            with open(ws.path("migline"), "wb") as f:
                f.write(data)
            self.assertEqual(migline_build.elf_facts(ws.path("migline")), ("aarch64", False))
        self.assertEqual(tags, ["py3-none-manylinux_2_17_aarch64", "py3-none-musllinux_1_1_aarch64"])

    def test_metadata_says_mit_and_carries_the_licence(self):
        for path in (WHEEL, ARM_WHEEL):
            with zipfile.ZipFile(path) as wheel:
                info = "migline-%s.dist-info/" % VERSION
                metadata = wheel.read(info + "METADATA").decode()
                self.assertIn("\nLicense: MIT\n", metadata)
                self.assertIn("\nClassifier: License :: OSI Approved :: MIT License\n", metadata)
                self.assertIn("\nLicense-File: LICENSE\n", metadata)
                self.assertEqual(wheel.read(info + "LICENSE").decode(), LICENSE)
                self.assertIn(LICENSE, wheel.read(info + "COPYRIGHT").decode())

    def test_record_lists_every_file_with_its_hash(self):
        with zipfile.ZipFile(WHEEL) as wheel:
            record = wheel.read("migline-%s.dist-info/RECORD" % VERSION).decode()
            rows = list(csv.reader(io.StringIO(record)))
            self.assertEqual(sorted(r[0] for r in rows), sorted(wheel.namelist()))
            for name, digest, size in rows:
                if name.endswith("/RECORD"):
                    continue
                data = wheel.read(name)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
                self.assertEqual((digest, size), ("sha256=" + expected.decode(), str(len(data))))

    def test_pip_puts_migline_on_the_environment_path_without_an_index(self):
        with self.workspace() as ws:
            venv = ws.path("venv")
            self.assertRun(run(sys.executable, "-m", "venv", venv), 0)
            pip = run(os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--no-index",
                      WHEEL, env=dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1"))
            self.assertRun(pip, 0)
            self.assertRun(run(os.path.join(venv, "bin", "migline"), "--version"), 0,
                           stdout="migline %s\n" % VERSION)
            # On the environment's PATH the way an activated venv or pre-commit sets it.
            env = dict(os.environ, PATH=os.path.join(venv, "bin") + ":/usr/bin:/bin")
            self.assertRun(run("migline", "-C", SHOP, "leaves", env=env), 0)


class Sdist(TestCase):
    def test_holds_the_sources_and_metadata_but_no_build_output(self):
        with self.workspace() as ws:
            name = migline_build.build_sdist(ws.root)
            self.assertEqual(name, "migline-%s.tar.gz" % VERSION)
            with tarfile.open(ws.path(name)) as tar:
                names = set(tar.getnames())
                pkg_info = tar.extractfile("migline-%s/PKG-INFO" % VERSION).read().decode()
            for path in ("pyproject.toml", "packaging/migline_build.py", "CMakeLists.txt",
                         "src/main.cpp", "hooks/pre-commit", "LICENSE"):
                self.assertTrue("migline-%s/%s" % (VERSION, path) in names, path)
            self.assertFalse([n for n in names if n.split("/")[1] in ("build", "dist", ".git")])
            self.assertIn("Version: %s\n" % VERSION, pkg_info)
            self.assertIn("License: MIT\n", pkg_info)


if __name__ == "__main__":
    unittest.main()
