#!/usr/bin/env bash
# Builds the example fleets and the seed fleet's plan with two runner jars and compares image digests
# (images.json) and `plan --json` byte for byte: the check that a refactoring changed nothing users see.
# Usage: scripts/compare-digests.sh OLD_RUNNER_JAR NEW_RUNNER_JAR
set -euo pipefail
cd "$(dirname "$0")/.."
old="$(realpath "$1")"; new="$(realpath "$2")"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
[ -f examples/busybox-fleet/base/busybox-tini.tar ] || bash examples/busybox-fleet/make-base.sh
[ -f examples/python-fleet/.debian-repo/Packages ] || bash examples/python-fleet/make-debian-repo.sh
status=0
for side in old new; do
  jar=$old; [ "$side" = new ] && jar=$new
  for fleet in examples/busybox-fleet/BusyboxFleet.java examples/python-fleet/ExampleFleet.java; do
    name=$(basename "$fleet" .java)
    SLIPWAY_CACHE="$work/cache-$side" java -jar "$jar" build --fleet "$fleet" --tag compare-1 \
        --debian-mirror examples/python-fleet/.debian-repo --out "$work/$side-$name" > "$work/$side-$name.log" 2>&1 \
      || { echo "$side build of $name failed:"; cat "$work/$side-$name.log"; exit 1; }
    SLIPWAY_CACHE="$work/cache-$side" java -jar "$jar" plan --json --fleet "$fleet" --tag compare-1 > "$work/$side-$name.plan.json"
  done
  java -jar "$jar" plan --json --tag compare-1 > "$work/$side-seed.plan.json"
done
for name in BusyboxFleet ExampleFleet; do
  if cmp -s "$work/old-$name/images.json" "$work/new-$name/images.json"; then
    echo "$name: images.json identical ($(grep -c 'sha256:' "$work/new-$name/images.json") digests)"
  else
    echo "$name: images.json DIFFERS"; { diff "$work/old-$name/images.json" "$work/new-$name/images.json" || true; } | head -20; status=1
  fi
done
for name in BusyboxFleet ExampleFleet seed; do
  if cmp -s "$work/old-$name.plan.json" "$work/new-$name.plan.json"; then
    echo "$name: plan --json identical ($(wc -c < "$work/new-$name.plan.json") bytes)"
  else
    echo "$name: plan --json differs:"; { diff "$work/old-$name.plan.json" "$work/new-$name.plan.json" || true; } | head -40; status=1
  fi
done
exit $status
