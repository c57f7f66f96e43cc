#!/bin/sh
# Builds the libFuzzer targets and runs each for SECONDS (default 30) on a seed corpus made
# from the test fixtures, JOBS (default 2) targets at a time.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Findings are written to $MIGLINE_FUZZ_BUILD/findings/ (default build/fuzz); the exit
# status is non-zero on any.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-"migration_reader app_config manifest_reader manifest_merge conflict_text migration_codec safety"}
build=${MIGLINE_FUZZ_BUILD:-build/fuzz}
CXX=${CXX:-clang++} cmake -S . -B "$build" -DMIGLINE_FUZZ=ON -DMIGLINE_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
for t in $targets; do cmake --build "$build" -j2 --target "fuzz_$t" >/dev/null; done

# Seed corpora from what the tests already use.
seeds=$build/seeds
rm -rf "$seeds" && mkdir -p "$seeds/migration_reader" "$seeds/app_config" \
  "$seeds/manifest_reader" "$seeds/manifest_merge" "$seeds/conflict_text" \
  "$seeds/migration_codec" "$seeds/safety" "$build/findings"
n=0
for f in $(find tests/fixtures examples -path '*/migrations/*.py' -size -64k); do
  n=$((n + 1)); cp "$f" "$seeds/migration_reader/$n"; cp "$f" "$seeds/migration_codec/$n"
  cp "$f" "$seeds/safety/$n"
done
for f in $(find tests/fixtures examples -name apps.py); do
  n=$((n + 1)); cp "$f" "$seeds/app_config/$n"
done
for d in tests/fixtures/merge/*; do
  n=$((n + 1))
  for f in base ours theirs expected; do cp "$d/$f" "$seeds/manifest_reader/$n$f"; done
  { cat "$d/base"; printf '\0'; cat "$d/ours"; printf '\0'; cat "$d/theirs"; } \
    >"$seeds/manifest_merge/$n"
  { printf '\007'; cat "$d/ours"; } >"$seeds/conflict_text/$n"
done

# One target for $seconds, its verdict written beside its log.
run_target() {
  corpus=$build/corpus/$1
  mkdir -p "$corpus"
  log=$build/findings/$1.log
  if "$build/fuzz/fuzz_$1" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$build/findings/$1-" "$corpus" "$seeds/$1" >"$log" 2>&1; then
    echo "fuzz_$1: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)" >"$log.verdict"
  else
    echo "fuzz_$1: FAILED, see $log" >"$log.verdict"
  fi
}

# JOBS targets at a time (default 2, one per core of the CI machine): each is one process.
jobs=${JOBS:-2}
running=0
for t in $targets; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait

status=0
for t in $targets; do
  log=$build/findings/$t.log
  cat "$log.verdict"
  if grep -q FAILED "$log.verdict"; then
    tail -30 "$log"
    status=1
  fi
done
exit $status
