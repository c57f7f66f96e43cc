#!/bin/sh
# Prints the copyright file shipped with the .deb and the wheel: migline's own licence (MIT,
# the repository's LICENSE), then the notices of every library linked into the static binary
# (their licences require it).
# usage: packaging/copyright.sh SOURCE_DIR   (where packaging/build.sh unpacked the sources)
set -eu
cd "$(dirname "$0")/.."
sources=$1
cat <<'HEAD'
migline
=======
migline is released under the MIT licence:

HEAD
cat LICENSE
cat <<'HEAD'

The static migline binary contains the libraries below; their notices follow.
HEAD
notice() {
  printf '\n\n==== %s ====\n\n' "$1"
  cat "$2"
}
for package in libgit2 fmtlib yaml-cpp; do
  dir=$(find "$sources" -mindepth 1 -maxdepth 1 -type d -name "$package-*" | head -n 1)
  notice "$package (built from Debian's source package $(basename "$dir"))" "$dir/debian/copyright"
done
for package in libpcre2-8-0 libhttp-parser2.9 zlib1g libc6 libstdc++6 libgcc-s1; do
  notice "$package (Debian's static library)" "/usr/share/doc/$package/copyright"
done
