#!/usr/bin/env bash
# How long a build takes to give up after its registry dies mid-push (issue 18): starts docker-registry on a free
# loopback port, builds a two-service scratch fleet with a 150 MB application file, kills the registry (by its pid)
# once the first service's layers are being pushed, and prints the seconds from the kill to the build's exit.
# Usage: bench/registry-dies.sh [RUNNER_JAR] [RUNS]   (default runner/target/runner.jar, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
jar="$(realpath "${1:-runner/target/runner.jar}")"
runs="${2:-3}"
work="$(mktemp -d)"
registry_pid=""
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/fleet/app"
head -c 150000000 /dev/urandom > "$work/fleet/app/blob"
cat > "$work/fleet/BenchFleet.java" <<'JAVA'
import static dev.slipway.dsl.Slipway.*;
import dev.slipway.dsl.*;

public final class BenchFleet implements FleetDefinitionSource {
    @Override
    public FleetSpec define() {
        Family base = family("bench-base").from(Base.scratch());
        MachineProfile box = machine("box");
        return fleet("bench").registry("registry.example/acme").machines(box).families(base)
                .services(service("web").family(base).ports(8101, 8100).app("app").command("/x").on(box),
                          service("api").family(base).ports(8201, 8200).app("app").command("/y").on(box));
    }
}
JAVA
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
for run in $(seq 1 "$runs"); do
    rm -rf "$work/storage" "$work/cache" && mkdir -p "$work/storage"
    printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
        "$work/storage" "$port" > "$work/registry.yml"
    docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
    registry_pid=$!
    sleep 1
    : > "$work/build.log"
    java -jar "$jar" build --fleet "$work/fleet/BenchFleet.java" --registry "127.0.0.1:$port/acme" --insecure \
        --cache "$work/cache" --tag "run$run" --parallel 1 > "$work/build.log" 2>&1 &
    build_pid=$!
    until grep -q "web:run$run-box: layers" "$work/build.log" 2>/dev/null; do sleep 0.1; done
    kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; registry_pid=""
    killed=$(date +%s.%N)
    wait "$build_pid" || true
    ended=$(date +%s.%N)
    printf 'run %s: gave up %.1f s after the registry was killed: %s\n' "$run" "$(echo "$ended - $killed" | bc)" \
        "$(grep -m1 FAIL "$work/build.log" | sed 's/^ *//')"
done
