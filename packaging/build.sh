#!/bin/sh
# Builds every release artifact into dist/: `migline` (a static x86_64 Linux binary), its
# .deb and its wheel. libgit2, fmt and yaml-cpp are built as static archives from Debian's
# source packages, fetched with a private apt configuration under build/packaging (the
# machine's apt sources are left alone). The version is CMake's project version.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work=$root/build/packaging
prefix=$work/prefix
dist=$root/dist
JOBS=${JOBS:-2}
# The Debian mirror this machine's apt already uses, unless MIGLINE_DEBIAN_MIRROR names one.
machine_mirror() {
  sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources \
    2>/dev/null | head -n 1
  sed -e 's/\[[^]]*\]//' /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" { print $2; exit }'
}
MIRROR=${MIGLINE_DEBIAN_MIRROR:-$(machine_mirror | head -n 1)}
[ -n "$MIRROR" ] || { echo "packaging/build.sh: no Debian mirror in apt's sources; set MIGLINE_DEBIAN_MIRROR" >&2; exit 2; }
SUITE=${MIGLINE_DEBIAN_SUITE:-bookworm}

step() { echo "packaging/build.sh: $*" >&2; }

# Debian's source packages, unpacked into $work/src. apt-get runs with its own sources list,
# lists and cache, so neither root nor a deb-src line in /etc/apt is needed.
fetch_sources() {
  apt_dir=$work/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
    >"$apt_dir/sources.list"
  set -- -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root -qq
  apt-get "$@" update
  (cd "$work/src" && apt-get "$@" source libgit2 fmtlib yaml-cpp >/dev/null)
}

# One source package configured, built and installed into $prefix as a static library.
build_static() {
  name=$1
  shift
  source_dir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name "$name-*" | head -n 1)
  [ -n "$source_dir" ] || { step "no source for $name in $work/src"; exit 1; }
  log=$work/deps/$name.log
  mkdir -p "$work/deps"
  # Their compilers' warnings are not ours: the log is shown only when the build fails.
  if ! { cmake -Wno-dev -S "$source_dir" -B "$work/deps/$name" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "$@" &&
    cmake --build "$work/deps/$name" -j "$JOBS" &&
    cmake --install "$work/deps/$name"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    step "building $name failed; the whole log is $log"
    exit 1
  fi
}

build_dependencies() {
  if [ -f "$prefix/.complete" ]; then
    step "static libgit2, fmt and yaml-cpp already in $prefix"
    return
  fi
  step "fetching Debian's sources of libgit2, fmtlib and yaml-cpp"
  rm -rf "$work/src" "$work/deps" "$prefix"
  fetch_sources
  step "building static libgit2 (no network transports: migline reads local repositories)"
  build_static libgit2 -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DBUILD_EXAMPLES=OFF \
    -DBUILD_FUZZERS=OFF -DUSE_HTTPS=OFF -DUSE_SSH=OFF -DUSE_GSSAPI=OFF -DUSE_NTLMCLIENT=OFF \
    -DREGEX_BACKEND=pcre2 -DUSE_HTTP_PARSER=system -DUSE_ICONV=OFF
  step "building static fmt"
  build_static fmtlib -DFMT_TEST=OFF -DFMT_DOC=OFF
  step "building static yaml-cpp"
  build_static yaml-cpp -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
  touch "$prefix/.complete"
}

build_migline() {
  step "building the static migline"
  PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake -S "$root" -B "$work/migline" \
    -DCMAKE_BUILD_TYPE=Release -DMIGLINE_BUILD_TESTS=OFF -DMIGLINE_STATIC=ON \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/migline" -j "$JOBS" >/dev/null
  mkdir -p "$dist"
  cp "$work/migline/migline" "$dist/migline"
  strip "$dist/migline"
}

# dpkg-deb over a staged tree: /usr/bin/migline, the README, and the licences of what the
# binary contains.
make_deb() {
  version=$1
  stage=$work/deb/migline_${version}_amd64
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/doc/migline"
  install -m 0755 "$dist/migline" "$stage/usr/bin/migline"
  install -m 0644 README.md "$stage/usr/share/doc/migline/README.md"
  install -m 0644 "$work/copyright" "$stage/usr/share/doc/migline/copyright"
  size_kb=$(du -k -s "$stage/usr" | cut -f1)
  cat >"$stage/DEBIAN/control" <<CONTROL
Package: migline
Version: $version
Architecture: amd64
Maintainer: migline developers <dev@migline.invalid>
Installed-Size: $size_kb
Section: devel
Priority: optional
Recommends: git
Description: keeps Django migration history linear in git
 A pre-commit hook, a git merge driver and a CI check that find divergent
 Django migrations before they land. Reads migration files as text; never
 imports project code. Statically linked.
CONTROL
  dpkg-deb --root-owner-group --build "$stage" "$dist/migline_${version}_amd64.deb" >/dev/null
}

make_wheel() {
  MIGLINE_PREBUILT="$dist/migline" MIGLINE_NOTICES="$work/copyright" python3 -c '
import sys
sys.path.insert(0, "packaging")
import migline_build
print(migline_build.build_wheel(sys.argv[1]))' "$dist" >/dev/null
}

build_dependencies
build_migline
version=$("$dist/migline" --version | sed -n 's/^migline //p')
[ -n "$version" ] || { step "dist/migline --version printed no version"; exit 1; }
rm -f "$dist"/migline_*.deb "$dist"/migline-*.whl
step "packing migline $version"
packaging/copyright.sh "$work/src" >"$work/copyright"
make_deb "$version"
make_wheel
ls -l "$dist"
