#!/usr/bin/env bash
# Validate + plan time and heap (peak; live for the fleet and for its plans; allocated) for generated fleets.
# Prints a table. Usage: bench/validate-plan.sh [SIZES...]
# Each size runs in its own JVM so one size's heap does not count against the next.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl bench -am package >/dev/null
cp="bench/target/classes:plan/target/classes:dsl/target/classes"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
first=1
for n in "${sizes[@]}"; do
  if [ $first = 1 ]; then java -Xmx4g -cp "$cp" dev.slipway.bench.ValidatePlanBenchmark "$n"; first=0
  else java -Xmx4g -cp "$cp" dev.slipway.bench.ValidatePlanBenchmark "$n" | tail -n +2; fi
done
