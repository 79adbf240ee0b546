#!/usr/bin/env bash
# Peak RSS and time of installing one torch-sized wheel into a layer tar, streamed (no wheel or file in memory).
# Generates the wheel (default 2 GiB, as a file and unpacked; one 1.25 GiB member) under bench/target/wheel-install/, then installs it
# in a fresh JVM under /usr/bin/time (package `time`), once with the JVM's default heap (as a user runs the
# runner) and once with -Xmx128m (what the installer itself needs). Prints a markdown table.
#
# Usage: bench/wheel-install.sh [GIB]     e.g. bench/wheel-install.sh 2
set -euo pipefail
cd "$(dirname "$0")/.."
gib="${1:-2}"
work=bench/target/wheel-install
mvn -q -B -o -DskipTests -pl bench,runner -am package >/dev/null
cp="bench/target/classes:runner/target/runner.jar"
rm -rf "$work"
mkdir -p "$work"
java -cp "$cp" dev.slipway.bench.WheelInstallBenchmark generate "$work/wheels" "$gib"
echo
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "| JVM heap | wheel (file) | unpacked | time | peak RSS |"
echo "|---|---|---|---|---|"
for heap in default -Xmx128m; do
  opts=()
  [ "$heap" = default ] || opts=("$heap")
  rm -f "$work/layer.tar"
  /usr/bin/time -v -o "$work/time.txt" java "${opts[@]}" -cp "$cp" dev.slipway.bench.WheelInstallBenchmark install \
    "$work/wheels" "$work/layer.tar" > "$work/install.txt"
  rss_kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/time.txt")
  printf "| %s | %.2f GiB | %.2f GiB | %s | %d MiB |\n" "$heap" \
    "$(stat -c %s "$work/wheels/"*.whl | awk '{print $1/1073741824}')" \
    "$(stat -c %s "$work/layer.tar" | awk '{print $1/1073741824}')" "$wall" "$((rss_kib / 1024))"
done
rm -rf "$work"
