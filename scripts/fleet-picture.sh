#!/usr/bin/env bash
# Draws a fleet's plan as a PNG with the tool itself: `plan --html`, then headless Chromium takes a screenshot.
# This is how docs/seed-fleet.png is made:  scripts/fleet-picture.sh docs/seed-fleet.png --dir fleet-definition
# Usage: scripts/fleet-picture.sh OUT.png [plan options: --fleet, --dir, --tag, --host, --build-output ...]
# WIDTH and HEIGHT (default 1400 x 2400) set the browser window, so the picture's size.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: scripts/fleet-picture.sh OUT.png [plan options]" >&2
  exit 2
fi
out=$(realpath -m "$1")
shift
cd "$(dirname "$0")/.."
jar=runner/target/runner.jar
if [ ! -f "$jar" ]; then
  mvn -B -q -o -pl runner -am package -DskipTests
fi
command -v chromium >/dev/null || { echo "chromium is not installed: run scripts/setup.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -jar "$jar" plan --html "$work/page.html" "$@"
# a fresh profile, no network: the page needs nothing from anywhere
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-extensions --user-data-dir="$work/profile" --hide-scrollbars \
  --window-size="${WIDTH:-1400},${HEIGHT:-2400}" --screenshot="$out" "file://$work/page.html" 2>"$work/chromium.log" \
  || { cat "$work/chromium.log" >&2; exit 1; }
echo "Wrote $out"
