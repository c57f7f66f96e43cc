"""The in-tree PEP 517 build backend: `pip install <this repository>` runs CMake and packs the
migline binary as a wheel script, so `migline` lands on the PATH of the environment.

It needs nothing from a package index (pyproject.toml: `requires = []`): only the Python
standard library, CMake, a C++17 compiler and migline's build dependencies (see README).

MIGLINE_PREBUILT=<binary> packs that binary instead of building one (packaging/build.sh
wraps its static binary this way); MIGLINE_NOTICES=<file> adds a copyright file to the
wheel's metadata. MIGLINE_JOBS (default 2) is the build's parallelism.

The platform tag says what the packed binary needs: a binary without an ELF interpreter is
static and runs on any Linux of its machine (x86_64 or aarch64), hence manylinux and
musllinux; any other ELF binary is `linux_<machine>`, a wheel for machines like the one that
built it. A Mach-O binary is `macosx_<minimum macOS>_<machine>`, the minimum its load
commands state.

The wheel's metadata says the licence (MIT) and carries LICENSE.
"""

import base64
import hashlib
import io
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "migline"
SUMMARY = "Keeps Django migration history linear in git"
LICENSE = "MIT"
# Whatever a sdist leaves out when there is no git to ask which files are tracked.
UNTRACKED = {".git", "build", "dist", "__pycache__"}


def project_version(root=ROOT):
    """The version in CMakeLists.txt's `project(migline VERSION x.y.z ...)`."""
    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
        match = re.search(r"project\(\s*migline\s+VERSION\s+([0-9][0-9.]*)", f.read())
    if not match:
        raise RuntimeError("CMakeLists.txt: no `project(migline VERSION ...)`")
    return match.group(1)


def elf_facts(path):
    """(machine name, whether it has a PT_INTERP, i.e. loads shared libraries) of an ELF file."""
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            raise RuntimeError("%s is not a little-endian 64-bit ELF file" % path)
        machine, = struct.unpack_from("<H", header, 18)
        phoff, = struct.unpack_from("<Q", header, 32)
        phentsize, phnum = struct.unpack_from("<HH", header, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    has_interp = any(struct.unpack_from("<I", table, i * phentsize)[0] == 3  # PT_INTERP
                     for i in range(phnum))
    names = {62: "x86_64", 183: "aarch64"}
    if machine not in names:
        raise RuntimeError("%s: unknown ELF machine %d" % (path, machine))
    return names[machine], has_interp


def static_tag(machine):
    """The compressed platform tag of a static Linux binary for `machine`."""
    return "manylinux_2_17_%s.musllinux_1_1_%s" % (machine, machine)


MACHO_MAGIC = 0xFEEDFACF  # 64-bit, little-endian
MACHO_MACHINES = {0x01000007: "x86_64", 0x0100000C: "arm64"}
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32


def macho_facts(path):
    """(machine name, (major, minor) of the minimum macOS) of a 64-bit Mach-O executable."""
    with open(path, "rb") as f:
        header = f.read(32)
        if len(header) < 32 or struct.unpack_from("<I", header)[0] != MACHO_MAGIC:
            raise RuntimeError("%s is not a 64-bit little-endian Mach-O file" % path)
        cputype, _, _, ncmds, sizeofcmds = struct.unpack_from("<IIIII", header, 4)
        commands = f.read(sizeofcmds)
    if cputype not in MACHO_MACHINES:
        raise RuntimeError("%s: unknown Mach-O CPU type %#x" % (path, cputype))
    offset = 0
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", commands, offset)
        if cmd == LC_BUILD_VERSION:
            version, = struct.unpack_from("<I", commands, offset + 12)  # platform, then minos
        elif cmd == LC_VERSION_MIN_MACOSX:
            version, = struct.unpack_from("<I", commands, offset + 8)
        else:
            offset += size
            continue
        return MACHO_MACHINES[cputype], (version >> 16, (version >> 8) & 0xFF)
    raise RuntimeError("%s states no minimum macOS version" % path)


def platform_tag(binary):
    """The wheel platform tag that tells the truth about what `binary` needs."""
    with open(binary, "rb") as f:
        magic = f.read(4)
    if magic != b"\x7fELF":
        machine, (major, minor) = macho_facts(binary)
        # From macOS 11 on, installers match only `major_0`: a later minor needs the next major.
        if major >= 11 and minor > 0:
            major, minor = major + 1, 0
        return "macosx_%d_%d_%s" % (major, minor, machine)
    machine, dynamic = elf_facts(binary)
    if not dynamic:
        return static_tag(machine)
    return "linux_" + machine


def _log(message):
    print("migline build backend: " + message, file=sys.stderr, flush=True)


def _build_binary():
    build_dir = os.path.join(ROOT, "build", "pip")
    jobs = os.environ.get("MIGLINE_JOBS", "2")
    if shutil.which("cmake") is None:
        raise RuntimeError("migline builds with CMake, which is not installed; see the README's "
                           "Install section for the build dependencies")
    _log("building migline with CMake in %s" % build_dir)
    # stdout to stderr: pip shows a failed build's output, and a backend's stdout is pip's.
    for command in (["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                     "-DMIGLINE_BUILD_TESTS=OFF"],
                    ["cmake", "--build", build_dir, "-j", jobs]):
        subprocess.run(command, check=True, stdout=sys.stderr)
    return os.path.join(build_dir, NAME)


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _metadata(version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\nLicense: %s\n"
            "License-File: LICENSE\nClassifier: License :: OSI Approved :: MIT License\n\n"
            % (NAME, version, SUMMARY, LICENSE))


def _license_text():
    with open(os.path.join(ROOT, "LICENSE"), "rb") as f:
        return f.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Builds (or takes MIGLINE_PREBUILT) the binary and writes the wheel; returns its name."""
    version = project_version()
    binary = os.environ.get("MIGLINE_PREBUILT") or _build_binary()
    tag = "py3-none-" + platform_tag(binary)
    dist_info = "%s-%s.dist-info" % (NAME, version)
    with open(binary, "rb") as f:
        files = [("%s-%s.data/scripts/%s" % (NAME, version, NAME), f.read(), 0o755)]
    files.append((dist_info + "/METADATA", _metadata(version).encode(), 0o644))
    files.append((dist_info + "/LICENSE", _license_text(), 0o644))
    wheel_text = "Wheel-Version: 1.0\nGenerator: migline_build\nRoot-Is-Purelib: false\n"
    wheel_text += "".join("Tag: %s\n" % t for t in _expand_tags(tag))
    files.append((dist_info + "/WHEEL", wheel_text.encode(), 0o644))
    notices = os.environ.get("MIGLINE_NOTICES")
    if notices:
        with open(notices, "rb") as f:
            files.append((dist_info + "/COPYRIGHT", f.read(), 0o644))
    record = [_record_line(name, data) for name, data, _ in files]
    record.append(dist_info + "/RECORD,,")
    files.append((dist_info + "/RECORD", ("\n".join(record) + "\n").encode(), 0o644))

    wheel_name = "%s-%s-%s.whl" % (NAME, version, tag)
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return wheel_name


def _expand_tags(tag):
    """py3-none-a.b -> py3-none-a, py3-none-b (a compressed tag set, PEP 425)."""
    python, abi, platforms = tag.split("-")
    return ["%s-%s-%s" % (python, abi, p) for p in platforms.split(".")]


def _source_files():
    """The files of the source tree: what git does not ignore when git knows them, else a walk."""
    try:
        run = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True)
        listed = sorted(set(p for p in run.stdout.decode().split("\0") if p))
        if listed:
            return [p for p in listed if os.path.isfile(os.path.join(ROOT, p))]
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for directory, subdirs, names in os.walk(ROOT):
        subdirs[:] = sorted(d for d in subdirs if d not in UNTRACKED)
        found += [os.path.relpath(os.path.join(directory, n), ROOT) for n in sorted(names)]
    return found


def build_sdist(sdist_directory, config_settings=None):
    """A .tar.gz of the source tree with PKG-INFO; returns its name."""
    version = project_version()
    base = "%s-%s" % (NAME, version)
    os.makedirs(sdist_directory, exist_ok=True)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for relative in _source_files():
            tar.add(os.path.join(ROOT, relative), arcname=base + "/" + relative, recursive=False)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        data = _metadata(version).encode()
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    return name
