#!/bin/sh
# Builds and installs migline (PREFIX, default /usr/local), or with --test builds and runs
# the whole test suite. Missing Debian packages are installed with apt-get when run as root.
set -eu
cd "$(dirname "$0")"

PREFIX=${PREFIX:-/usr/local}
JOBS=${JOBS:-2}
BUILD_DEPS="cmake make g++ pkg-config libgit2-dev libcli11-dev libyaml-cpp-dev libfmt-dev libexpected-dev"
TEST_DEPS="catch2 git python3 python3-django python3-django-swapper clang libclang-rt-14-dev clang-format"
# packaging/build.sh and the tests of what it makes (tests/packaging): the aarch64 build is
# cross-compiled and its tests run under qemu-user.
TEST_DEPS="$TEST_DEPS dpkg-dev xz-utils python3-venv python3-yaml pre-commit"
TEST_DEPS="$TEST_DEPS g++-aarch64-linux-gnu qemu-user"

usage() {
  echo "usage: ./install.sh [--test]" >&2
  exit 2
}

mode=install
case "${1:-}" in
  "") ;;
  --test) mode=test ;;
  *) usage ;;
esac

deps=$BUILD_DEPS
[ "$mode" = test ] && deps="$deps $TEST_DEPS"
missing=""
for package in $deps; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: missing packages:$missing" >&2
    echo "install.sh: run as root, or first: sudo apt-get install -y$missing" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi

if [ "$mode" = test ]; then
  # 0. The tree is formatted: clang-format changes nothing (in a checkout; a tarball skips it).
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z '*.cpp' '*.hpp' '*.c' | xargs -0 clang-format --dry-run --Werror
  fi
  # 1. The whole suite, once, under AddressSanitizer and UndefinedBehaviorSanitizer, warnings
  #    as errors.
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
    -DMIGLINE_SANITIZE=ON -DMIGLINE_BUILD_TESTS=ON -DMIGLINE_WERROR=ON
  cmake --build build/asan -j "$JOBS"
  (cd build/asan && ctest --output-on-failure -j "$JOBS")
  # 2. The Release build the GitHub Action and `pip install .` make (the system's shared
  #    libraries), warnings as errors, built once: the action's test finds it already built in
  #    its runner.temp (build/ci; the step's own cmake commands find nothing to do) and
  #    pre-commit's pip packs its binary (MIGLINE_PIP_PREBUILT).
  ci=$(pwd)/build/ci
  cmake -S "$(pwd)" -B "$ci/migline-build" -DCMAKE_BUILD_TYPE=Release \
    -DMIGLINE_BUILD_TESTS=OFF -DMIGLINE_WERROR=ON
  cmake --build "$ci/migline-build" -j "$JOBS"
  # 3. The release artifacts (packaging/build.sh), then what ships them: the optimized static
  #    binaries through the e2e suites (aarch64 under qemu-user, with its unit tests), the
  #    .deb, the wheel in a fresh venv, the pre-commit framework building from a copy of this
  #    tree, and the GitHub Action's steps run locally.
  JOBS=$JOBS packaging/build.sh
  for test in tests/packaging/test_*.py; do
    MIGLINE=$ci/migline-build/migline MIGLINE_ACTION_TEMP=$ci \
      MIGLINE_PIP_PREBUILT=$ci/migline-build/migline /usr/bin/python3 "$test"
  done
  # 4. Each fuzz target for a short smoke run (MIGLINE_FUZZ_SECONDS, default 15).
  fuzz/run.sh "${MIGLINE_FUZZ_SECONDS:-15}"
fi

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMIGLINE_BUILD_TESTS=OFF
cmake --build build/release -j "$JOBS"
cmake --install build/release --prefix "$PREFIX"
