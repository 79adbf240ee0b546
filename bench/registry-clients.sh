#!/usr/bin/env bash
# CPU and wall time a fresh JVM spends on the small registry requests of a cold build, per HTTP client: the JDK's
# java.net.http (what OciRegistry used until 2026-12-07), HttpURLConnection (what it uses now) and Apache HttpClient
# 4.5 (what Jib pushes with). Each run is one fresh JVM sending UPLOADS small blob uploads (HEAD, POST, PUT: 3
# requests each) on 4 threads to a docker-registry on loopback, under /usr/bin/time; runs alternate between clients.
# Prints a markdown table of every run and the medians.
#
# Usage: bench/registry-clients.sh [UPLOADS] [RUNS]     e.g. bench/registry-clients.sh 300 5
set -euo pipefail
cd "$(dirname "$0")/.."
uploads="${1:-300}"
runs="${2:-5}"
work=bench/target/registry-clients
mvn -q -B -o -DskipTests -pl bench,runner -am package >/dev/null
cp="bench/target/classes:runner/target/runner.jar"
rm -rf "$work"
mkdir -p "$work/storage"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $PWD/$work/storage}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
registry=$!
trap 'kill $registry 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

clients=(jdk urlconnection apache)
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), $uploads uploads ($((3 * uploads)) requests) per run"
echo "| client | run | wall s | user CPU s | sys CPU s |"
echo "|---|---|---|---|---|"
for run in $(seq "$runs"); do
  for client in "${clients[@]}"; do
    /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
      java -cp "$cp" dev.slipway.bench.RegistryClientBenchmark "$client" "http://127.0.0.1:$port" "$uploads" > /dev/null
    read -r wall user sys < "$work/time.txt"
    echo "$client $wall $user $sys" >> "$work/runs.txt"
    echo "| $client | $run | $wall | $user | $sys |"
  done
done
echo
echo "| client | median wall s | median user CPU s |"
echo "|---|---|---|"
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for client in "${clients[@]}"; do
  wall=$(awk -v c="$client" '$1 == c {print $2}' "$work/runs.txt" | median)
  user=$(awk -v c="$client" '$1 == c {print $3}' "$work/runs.txt" | median)
  echo "| $client | $wall | $user |"
done
