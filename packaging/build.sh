#!/bin/sh
# Builds every release artifact into dist/, for x86_64 and aarch64 Linux: a static `migline`
# binary, its .deb and its wheel for each. libgit2, fmt and yaml-cpp are built as static
# archives from Debian's source packages, fetched with a private apt configuration under
# build/packaging (the machine's apt sources are left alone). aarch64 is cross-built with
# Debian's g++-aarch64-linux-gnu against a sysroot of Debian's arm64 packages (static pcre2,
# http-parser and zlib; the header-only CLI11, tl-expected and Catch2), and its build also
# compiles the unit tests, which tests/packaging runs under qemu-user.
# MIGLINE_ARCHES (default "x86_64 aarch64") picks the architectures. The version is CMake's
# project version.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work=$root/build/packaging
dist=$root/dist
JOBS=${JOBS:-2}
ARCHES=${MIGLINE_ARCHES:-x86_64 aarch64}
# The Debian mirror this machine's apt already uses, unless MIGLINE_DEBIAN_MIRROR names one.
machine_mirror() {
  sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources \
    2>/dev/null | head -n 1
  sed -e 's/\[[^]]*\]//' /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" { print $2; exit }'
}
MIRROR=${MIGLINE_DEBIAN_MIRROR:-$(machine_mirror | head -n 1)}
[ -n "$MIRROR" ] || { echo "packaging/build.sh: no Debian mirror in apt's sources; set MIGLINE_DEBIAN_MIRROR" >&2; exit 2; }
SUITE=${MIGLINE_DEBIAN_SUITE:-bookworm}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# What the aarch64 sysroot holds: Debian's arm64 (or arch-independent) binary packages.
ARM64_PACKAGES="libpcre2-dev zlib1g-dev libhttp-parser-dev libcli11-dev libexpected-dev catch2"

step() { echo "packaging/build.sh: $*" >&2; }

# An apt configuration of its own under $2 (sources list $1, lists, cache, status), so
# neither root, a deb-src line nor a foreign architecture in /etc/apt is needed; extra
# settings follow. apt-get reads it through APT_CONFIG.
private_apt() {
  mkdir -p "$2/lists/partial" "$2/cache/archives/partial"
  : >"$2/status"
  printf '%s\n' "$1" >"$2/sources.list"
  cat >"$2/apt.conf" <<CONF
Dir::Etc::SourceList "$2/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::State::Lists "$2/lists";
Dir::Cache "$2/cache";
Dir::State::status "$2/status";
Debug::NoLocking "1";
APT::Sandbox::User "root";
$3
CONF
}

# Debian's source packages, unpacked into $work/src (shared by every architecture).
fetch_sources() {
  if [ -f "$work/src/.complete" ]; then
    return
  fi
  step "fetching Debian's sources of libgit2, fmtlib and yaml-cpp"
  rm -rf "$work/src"
  mkdir -p "$work/src"
  private_apt "deb-src [signed-by=$KEYRING] $MIRROR $SUITE main" "$work/apt" ""
  APT_CONFIG=$work/apt/apt.conf apt-get -qq update
  (cd "$work/src" && APT_CONFIG=$work/apt/apt.conf apt-get -qq source libgit2 fmtlib yaml-cpp >/dev/null)
  touch "$work/src/.complete"
}

# The aarch64 sysroot: Debian's arm64 packages unpacked, their pkg-config files pointing into
# it.
make_arm64_sysroot() {
  sysroot=$1
  rm -rf "$sysroot" "$work/apt-arm64/debs"
  mkdir -p "$sysroot" "$work/apt-arm64/debs"
  private_apt "deb [arch=arm64 signed-by=$KEYRING] $MIRROR $SUITE main" "$work/apt-arm64" \
    'APT::Architecture "arm64"; APT::Architectures { "arm64"; };'
  APT_CONFIG=$work/apt-arm64/apt.conf apt-get -qq update
  # shellcheck disable=SC2086 # a list of package names
  (cd "$work/apt-arm64/debs" && APT_CONFIG=$work/apt-arm64/apt.conf apt-get -qq download $ARM64_PACKAGES)
  for deb in "$work/apt-arm64/debs"/*.deb; do
    dpkg-deb -x "$deb" "$sysroot"
  done
  find "$sysroot/usr" -name '*.pc' -exec sed -i "s|^prefix=/usr\$|prefix=$sysroot/usr|" {} +
}

# A CMake toolchain file ($2) for Debian's aarch64 cross compiler that searches the sysroot
# $1, and nothing of the host, for libraries, headers and packages. Programs built for tests
# run under qemu-user, which finds the cross toolchain's ld.so and shared libraries in
# /usr/aarch64-linux-gnu (-L) for the test executables that are not static.
write_toolchain() {
  cat >"$2" <<TOOLCHAIN
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH "$1")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
TOOLCHAIN
}

# The compiler (CMake 3.21+ reads CMAKE_TOOLCHAIN_FILE from the environment) and the
# pkg-config search path of architecture $1; the host's own paths only for the host.
use_arch() {
  if [ "$1" = aarch64 ]; then
    sysroot=$work/aarch64/sysroot
    write_toolchain "$sysroot" "$work/aarch64/toolchain.cmake"
    CMAKE_TOOLCHAIN_FILE=$work/aarch64/toolchain.cmake
    export CMAKE_TOOLCHAIN_FILE
    PKG_CONFIG_LIBDIR=$sysroot/usr/local/lib/pkgconfig:$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig:$sysroot/usr/share/pkgconfig
    export PKG_CONFIG_LIBDIR
    unset PKG_CONFIG_PATH || true
  else
    unset CMAKE_TOOLCHAIN_FILE PKG_CONFIG_LIBDIR || true
    PKG_CONFIG_PATH=$work/x86_64/prefix/lib/pkgconfig
    export PKG_CONFIG_PATH
  fi
}

# One source package configured, built and installed into $prefix as a static library.
build_static() {
  arch=$1
  name=$2
  shift 2
  source_dir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name "$name-*" | head -n 1)
  [ -n "$source_dir" ] || { step "no source for $name in $work/src"; exit 1; }
  log=$work/$arch/deps/$name.log
  mkdir -p "$work/$arch/deps"
  # Their compilers' warnings are not ours: the log is shown only when the build fails.
  if ! { cmake -Wno-dev -S "$source_dir" -B "$work/$arch/deps/$name" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "$@" &&
    cmake --build "$work/$arch/deps/$name" -j "$JOBS" &&
    cmake --install "$work/$arch/deps/$name"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    step "building $name for $arch failed; the whole log is $log"
    exit 1
  fi
}

# Static libgit2, fmt and yaml-cpp for architecture $1, in $prefix; kept for the next run.
build_dependencies() {
  arch=$1
  if [ -f "$prefix/.complete" ]; then
    step "static libgit2, fmt and yaml-cpp for $arch already in $prefix"
    return
  fi
  fetch_sources
  rm -rf "$work/$arch"
  mkdir -p "$work/$arch"
  if [ "$arch" = aarch64 ]; then
    step "unpacking Debian's arm64 packages into the aarch64 sysroot"
    make_arm64_sysroot "$work/aarch64/sysroot"
  fi
  use_arch "$arch"
  step "building static libgit2 for $arch (no network transports: migline reads local repositories)"
  build_static "$arch" libgit2 -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF \
    -DBUILD_FUZZERS=OFF -DUSE_HTTPS=OFF -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
    -DREGEX_BACKEND=pcre2 -DUSE_HTTP_PARSER=system -DUSE_ICONV=OFF
  step "building static fmt for $arch"
  build_static "$arch" fmtlib -DFMT_TEST=OFF -DFMT_DOC=OFF
  step "building static yaml-cpp for $arch"
  build_static "$arch" yaml-cpp -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
  touch "$prefix/.complete"
}

# The static migline for architecture $1 into dist/ (dist/migline for x86_64,
# dist/migline-aarch64 for aarch64). The aarch64 build also compiles the unit tests: this
# build tree is the one tests/packaging runs them from, so nothing is compiled twice.
build_migline() {
  arch=$1
  use_arch "$arch"
  tests=OFF
  strip=strip
  binary=$dist/migline
  if [ "$arch" = aarch64 ]; then
    tests=ON
    strip=aarch64-linux-gnu-strip
    binary=$dist/migline-aarch64
  fi
  step "building the static migline for $arch"
  cmake -S "$root" -B "$work/$arch/migline" -DCMAKE_BUILD_TYPE=Release \
    -DMIGLINE_BUILD_TESTS=$tests -DMIGLINE_STATIC=ON -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/$arch/migline" -j "$JOBS" >/dev/null
  mkdir -p "$dist"
  cp "$work/$arch/migline/migline" "$binary"
  "$strip" "$binary"
}

# dpkg-deb over a staged tree: /usr/bin/migline, the README, and the copyright file (MIT,
# then the licences of what the binary contains).
make_deb() {
  version=$1
  arch=$2
  binary=$3
  stage=$work/deb/migline_${version}_$arch
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/doc/migline"
  install -m 0755 "$binary" "$stage/usr/bin/migline"
  install -m 0644 README.md "$stage/usr/share/doc/migline/README.md"
  install -m 0644 "$work/copyright" "$stage/usr/share/doc/migline/copyright"
  size_kb=$(du -k -s "$stage/usr" | cut -f1)
  cat >"$stage/DEBIAN/control" <<CONTROL
Package: migline
Version: $version
Architecture: $arch
Maintainer: migline developers <dev@migline.invalid>
Installed-Size: $size_kb
Section: devel
Priority: optional
Recommends: git
Description: keeps Django migration history linear in git
 A pre-commit hook, a git merge driver and a CI check that find divergent
 Django migrations before they land. Reads migration files as text; never
 imports project code. Statically linked. MIT licence.
CONTROL
  dpkg-deb --root-owner-group --build "$stage" "$dist/migline_${version}_$arch.deb" >/dev/null
}

make_wheel() {
  MIGLINE_PREBUILT="$1" MIGLINE_NOTICES="$work/copyright" python3 -c '
import sys
sys.path.insert(0, "packaging")
import migline_build
print(migline_build.build_wheel(sys.argv[1]))' "$dist" >/dev/null
}

for arch in $ARCHES; do
  case $arch in
    x86_64) prefix=$work/x86_64/prefix ;;
    # Inside the sysroot, where the toolchain file's searches look (as /usr/local).
    aarch64) prefix=$work/aarch64/sysroot/usr/local ;;
    *) step "unknown architecture $arch (x86_64, aarch64)"; exit 2 ;;
  esac
  build_dependencies "$arch"
  build_migline "$arch"
done
version=$(sed -n 's/^project(migline VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { step "CMakeLists.txt names no project version"; exit 1; }
rm -f "$dist"/migline_*.deb "$dist"/migline-*.whl
step "packing migline $version"
packaging/copyright.sh "$work/src" >"$work/copyright"
for arch in $ARCHES; do
  case $arch in
    x86_64) make_deb "$version" amd64 "$dist/migline" && make_wheel "$dist/migline" ;;
    aarch64) make_deb "$version" arm64 "$dist/migline-aarch64" && make_wheel "$dist/migline-aarch64" ;;
  esac
done
ls -l "$dist"
