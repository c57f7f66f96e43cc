#!/bin/sh
# Builds migline's macOS wheel into dist/ on a Mac (release.yml runs it on GitHub's macOS
# runners; it is not run on the Debian machine where the rest of the suite runs). libgit2,
# fmt and yaml-cpp are built as static archives from their upstream tags, at the versions of
# the Debian source packages the Linux builds use, so the wheel's binary links only macOS's
# own libraries and runs without Homebrew. CLI11 and tl-expected (header-only), CMake and
# pkg-config come from Homebrew. MACOSX_DEPLOYMENT_TARGET is the oldest macOS it runs on.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work=$root/build/macos
prefix=$work/prefix
dist=$root/dist
JOBS=${JOBS:-$(sysctl -n hw.ncpu 2>/dev/null || echo 2)}
# The versions of Debian bookworm's libgit2, fmtlib and yaml-cpp (packaging/build.sh).
LIBGIT2_TAG=v1.5.1
FMT_TAG=9.1.0
YAML_CPP_TAG=yaml-cpp-0.7.0

step() { echo "packaging/build_macos.sh: $*" >&2; }

# One upstream repository at a tag, built and installed into $prefix as a static library.
build_static() {
  name=$1
  url=$2
  tag=$3
  shift 3
  rm -rf "$work/src/$name" "$work/deps/$name"
  git clone --quiet --depth 1 --branch "$tag" "$url" "$work/src/$name"
  cmake -Wno-dev -S "$work/src/$name" -B "$work/deps/$name" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "$@"
  cmake --build "$work/deps/$name" -j "$JOBS"
  cmake --install "$work/deps/$name"
}

if [ ! -f "$prefix/.complete" ]; then
  rm -rf "$prefix"
  mkdir -p "$work/src"
  step "building static libgit2 $LIBGIT2_TAG"
  build_static libgit2 https://github.com/libgit2/libgit2.git "$LIBGIT2_TAG" \
    -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF -DBUILD_FUZZERS=OFF -DUSE_HTTPS=OFF \
    -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF -DUSE_ICONV=OFF -DREGEX_BACKEND=builtin \
    -DUSE_HTTP_PARSER=builtin -DUSE_BUNDLED_ZLIB=ON
  step "building static fmt $FMT_TAG"
  build_static fmt https://github.com/fmtlib/fmt.git "$FMT_TAG" -DFMT_TEST=OFF -DFMT_DOC=OFF
  step "building static yaml-cpp $YAML_CPP_TAG"
  build_static yaml-cpp https://github.com/jbeder/yaml-cpp.git "$YAML_CPP_TAG" \
    -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF \
    -DYAML_BUILD_SHARED_LIBS=OFF
  touch "$prefix/.complete"
fi

step "building migline against them"
brew_prefix=$(brew --prefix)
PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake -S "$root" -B "$work/migline" \
  -DCMAKE_BUILD_TYPE=Release -DMIGLINE_BUILD_TESTS=OFF -DMIGLINE_STATIC=ON \
  -DCMAKE_PREFIX_PATH="$prefix;$brew_prefix"
cmake --build "$work/migline" -j "$JOBS"
strip "$work/migline/migline"
# Only the system's libraries (/usr/lib, /System): nothing from Homebrew or the build.
if otool -L "$work/migline/migline" | tail -n +2 | grep -v -E '^[[:space:]]+/(usr/lib|System)/'; then
  step "the binary links a library macOS does not have (above)"
  exit 1
fi
"$work/migline/migline" --version
mkdir -p "$dist"
step "packing the wheel"
# MIT, then the upstream notices of what the binary contains (libgit2's COPYING also holds
# those of the pcre, http-parser and zlib it bundles).
{
  printf 'migline\n=======\nmigline is released under the MIT licence:\n\n'
  cat LICENSE
  printf '\nThe migline binary contains the libraries below; their notices follow.\n'
  for notice in libgit2/COPYING fmt/LICENSE.rst yaml-cpp/LICENSE; do
    printf '\n\n==== %s (upstream tag) ====\n\n' "${notice%%/*}"
    cat "$work/src/$notice"
  done
} >"$work/copyright"
MIGLINE_PREBUILT="$work/migline/migline" MIGLINE_NOTICES="$work/copyright" python3 -c '
import sys
sys.path.insert(0, "packaging")
import migline_build
print(migline_build.build_wheel(sys.argv[1]))' "$dist"
