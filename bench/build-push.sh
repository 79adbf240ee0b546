#!/usr/bin/env bash
# Slipway build+push against docker build+push (BuildKit) against the floor (tar | gzip -6 | sha256sum of the unique
# layer bytes; and the all-core floor, the same through pigz on every core), for the same fleet content pushed to the
# same kind of local registry, in one run on this machine.
# Scenarios: cold (empty caches, empty registry), no-op rebuild, one file changed in one service.
# Fleets: the example fleets (examples/busybox-fleet; examples/python-fleet, Slipway and floor only, when its Debian
# repository is there), a big family of about 1.2 GB of this machine's libraries and jars as Debian packages
# (bench/make-big-fleet.sh; docker copies the same files unpacked), generated seed-shaped fleets of 65 and 200 services.
# Prints a markdown table of medians; raw numbers go to bench/target/build-push/.
#
# Usage: bench/build-push.sh [--quick] [--runs N] [--big-runs N] [--sizes example,python,big,65,200] [--no-build] [--keep]
#                            [--jvm "OPTIONS"] [--no-docker] [--compression gzip|zstd]
#   --quick      smallest fleet, one run (what .ci/run calls; asserts nothing about timings)
#   --runs N     runs per fleet (default 5); --big-runs N: runs for the big family and fleets over 100 services
#                (default 5 too; the big family takes about 6 minutes a run on 2 cores; the table shows the count)
#   --no-build   use runner/target/runner.jar and bench/target/classes as they are (default: mvn package them)
#   --keep       keep the work directory (fleets, Dockerfiles, logs) instead of deleting it
#   --jvm OPTS   JVM options for the Slipway runner, e.g. "-XX:TieredStopAtLevel=1" (default: none, as a user runs it)
#   --no-docker  measure Slipway and the floor only (to compare Slipway with itself, e.g. under --jvm)
#   --compression zstd  Slipway builds with --compression zstd, and the floors use zstd -3 (one thread per layer;
#                all-core: -T<cores>) where they use gzip -6 / pigz -6; docker's side is unchanged (gzip)
# Needs root (it starts its own dockerd) and what scripts/setup.sh installs; /usr/bin/time (package `time`) for
# the runner's peak memory. Starts its own docker-registry and dockerd on a free loopback port / private socket
# and stops both, by their pid, when it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

runs=5
big_runs=5
sizes="example,python,big,65,200"
build=1
keep=0
no_docker=0
jvm_options=()
compression=gzip
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --big-runs) big_runs="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    --jvm) read -r -a jvm_options <<< "$2"; shift ;;
    --compression) compression="$2"; shift ;;
    --no-docker) no_docker=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-push.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then sizes="example"; runs=1; big_runs=1; fi
[[ "$runs" =~ ^[1-9][0-9]*$ && "$big_runs" =~ ^[1-9][0-9]*$ ]] || { echo "build-push.sh: --runs/--big-runs take a positive number" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------------- checks
DOCKER_CLI=/usr/bin/docker          # Debian's docker.io client, not a stray /usr/local/bin/docker
DOCKERD=/usr/sbin/dockerd
REGISTRY_BIN=/usr/bin/docker-registry
TIME_BIN=/usr/bin/time
if [ "$(id -u)" -ne 0 ]; then
  echo "build-push.sh: must run as root (it starts its own dockerd)" >&2; exit 1
fi
missing=()
for f in "$DOCKER_CLI" "$DOCKERD" "$REGISTRY_BIN"; do [ -x "$f" ] || missing+=("$f"); done
for c in java javac tar gzip sha256sum curl xargs awk od comm; do command -v "$c" >/dev/null || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-push.sh: missing ${missing[*]}; run: sudo bash scripts/setup.sh" >&2; exit 1
fi
measure_rss=1
if [ ! -x "$TIME_BIN" ]; then
  measure_rss=0
  echo "NOTE: $TIME_BIN is missing, so the runner's peak memory is not measured; install it with: apt-get install time" >&2
fi
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_API_VERSION || true
cores="$(nproc)"

# ----------------------------------------------------------------------------------------------------- build
RUNNER_JAR="$ROOT/runner/target/runner.jar"
if [ "$build" = 1 ]; then
  echo "== mvn package (runner, bench)" >&2
  mvn -q -B -DskipTests -pl runner,bench -am package >&2
fi
[ -f "$RUNNER_JAR" ] && [ -d "$ROOT/bench/target/classes/dev/slipway/bench" ] || {
  echo "build-push.sh: $RUNNER_JAR or bench/target/classes missing; run without --no-build" >&2; exit 1; }

# ------------------------------------------------------------------------------------ work dir and daemons
work="$(mktemp -d /tmp/swbench.XXXXXX)"   # short: dockerd's socket path must stay under 108 bytes
reg_pid=""
dockerd_pid=""
reg_port=""
reg_port_fixed=0

stop_pid() { # pid, grace seconds
  local pid="$1" grace="$2" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  stop_pid "$reg_pid" 10
  stop_pid "$dockerd_pid" 20
  # dockerd leaves mounts (overlay, netns) under its directories; deepest first
  awk -v p="$work/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount --lazy "$m" 2>/dev/null
  done
  if [ "$keep" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a snapshot, so a rebuild of the working tree during the run cannot swap the jar under it
cp "$RUNNER_JAR" "$work/runner.jar"
cp -r "$ROOT/bench/target/classes" "$work/bench-classes"
RUNNER_JAR="$work/runner.jar"
BENCH_CP="$work/bench-classes:$RUNNER_JAR"   # the runner jar carries the DSL and Jackson
bench_java() { java -cp "$BENCH_CP" "$@"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts docker-registry on $reg_port (picked once) with fresh, empty storage; log at $work/registry/registry.log.
start_registry() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if [ -z "$reg_port" ]; then
      reg_port=$((30000 + RANDOM % 30000))
      port_free "$reg_port" || { reg_port=""; continue; }
    fi
    rm -rf "$work/registry"
    mkdir -p "$work/registry/storage"
    cat > "$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $work/registry/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$reg_port
EOF
    "$REGISTRY_BIN" serve "$work/registry/config.yml" > "$work/registry/registry.log" 2>&1 &
    reg_pid=$!
    local i
    for ((i = 0; i < 300; i++)); do
      if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$reg_port/v2/")" = 200 ]; then
        reg_port_fixed=1; return 0
      fi
      kill -0 "$reg_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$reg_pid" 5
    reg_pid=""
    if grep -q 'address already in use' "$work/registry/registry.log"; then
      # the Dockerfiles name the first port, so a restart waits for it rather than moving
      if [ "$reg_port_fixed" = 1 ]; then sleep 1; else reg_port=""; fi
      continue
    fi
    echo "build-push.sh: docker-registry did not start; its log:" >&2; cat "$work/registry/registry.log" >&2
    return 1
  done
  echo "build-push.sh: no free loopback port for docker-registry" >&2
  return 1
}
restart_registry() { stop_pid "$reg_pid" 10; reg_pid=""; start_registry; }

# Before every cold scenario, whichever tool: write out what the steps before left in the page cache (the fleet
# just generated, the previous tool's images and registry blobs), so no tool's cold run pays for another's writeback.
settle() { sync; }

# dockerd as testkit's LocalDockerd runs it: private socket, no bridge/iptables, its own containerd namespaces.
# overlay2 (docker's default, its fast path) when the kernel allows it here, else vfs.
docker_driver=""
start_dockerd() {
  local driver home="$work/d" i
  for driver in overlay2 vfs; do
    rm -rf "$home"; mkdir -p "$home/client"
    echo '{}' > "$home/daemon.json"
    local instance; instance="$(basename "$work" | tr -cd 'A-Za-z0-9')"
    "$DOCKERD" --host "unix://$home/docker.sock" --data-root "$home/data" --exec-root "$home/exec" \
      --pidfile "$home/pid" --config-file "$home/daemon.json" --iptables=false --ip-masq=false --bridge=none \
      --storage-driver="$driver" --containerd-namespace "slipway-$instance" \
      --containerd-plugins-namespace "slipway-$instance-plugins" \
      --insecure-registry "127.0.0.1:$reg_port" > "$home/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for ((i = 0; i < 600; i++)); do
      if [ "$(curl -s --unix-socket "$home/docker.sock" http://docker/_ping 2>/dev/null)" = OK ]; then
        docker_driver="$driver"; return 0
      fi
      kill -0 "$dockerd_pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "dockerd with $driver did not come up; last log lines:" >&2; tail -5 "$home/dockerd.log" >&2
    stop_pid "$dockerd_pid" 20; dockerd_pid=""
  done
  echo "build-push.sh: dockerd did not start" >&2
  return 1
}
dk() { DOCKER_CONFIG="$work/d/client" "$DOCKER_CLI" -H "unix://$work/d/docker.sock" "$@"; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ------------------------------------------------------------------------------------- registry accounting
# What a scenario pushed: blobs new in storage (layers = gzip data, the rest configs/manifests) and the
# completed blob uploads and cross-repository mounts in the access log.
blob_list() {
  local blobs="$work/registry/storage/docker/registry/v2/blobs"
  if [ -d "$blobs" ]; then find "$blobs" -name data -type f -printf '%p %s\n' | sort; fi
}
registry_cpu() { # seconds of CPU the registry process has used (user + system)
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$reg_pid/stat"
}
mark_registry() {
  registry_cpu_mark="$(registry_cpu)"
  blob_list > "$work/blobs.before"
  log_mark=$(wc -l < "$work/registry/registry.log")
}
# prints: new_layer_blobs new_layer_bytes new_other_blobs uploads mounts registry_cpu_seconds
pushed_since_mark() {
  local cpu; cpu="$(awk -v a="$registry_cpu_mark" -v b="$(registry_cpu)" 'BEGIN { printf "%.2f", b - a }')"
  blob_list > "$work/blobs.after"
  local layers=0 layer_bytes=0 other=0 path size
  while read -r path size; do
    if [ "$(od -An -tx1 -N2 "$path" | tr -d ' ')" = 1f8b ]; then
      layers=$((layers + 1)); layer_bytes=$((layer_bytes + size))
    else
      other=$((other + 1))
    fi
  done < <(comm -13 "$work/blobs.before" "$work/blobs.after")
  local log uploads mounts
  log="$(tail -n +"$((log_mark + 1))" "$work/registry/registry.log")"
  uploads=$(grep -cE '"PUT /v2/[^ ]*/blobs/uploads/[^ ]* HTTP/[0-9.]*" 201' <<< "$log" || true)
  mounts=$(grep -cE '"POST /v2/[^ ]*/blobs/uploads/\?[^ ]*mount=[^ ]* HTTP/[0-9.]*" 201' <<< "$log" || true)
  echo "$layers $layer_bytes $other $uploads $mounts $cpu"
}

results="$work/results.tsv"
failures="$work/failures.txt"
: > "$results"
: > "$failures"
# results.tsv columns: fleet tool scenario run seconds runner_rss_kb runner_build_s new_layer_blobs new_layer_bytes
# new_other_blobs blob_uploads blob_mounts registry_cpu_s cpu_s (user + system CPU of the runner, or of a cold floor)
# ("-" where it does not apply, FAIL for a failed scenario)
record() {
  local IFS=$'\t'; echo "$*" >> "$results"
}

# -------------------------------------------------------------------------------------------- the fleets
prepare_fleet() { # label -> sets fleet_dir fleet_java; writes $work/fleets/label.*
  local label="$1"
  fleet_dir="$work/fleets/$label"
  mkdir -p "$work/fleets"
  # the busybox base (example and generated fleets) is made from Debian packages; a fresh clone has none yet
  if [ "$label" != python ] && [ "$label" != big ] && [ ! -f "$ROOT/examples/busybox-fleet/base/busybox-tini.tar" ]; then
    bash "$ROOT/examples/busybox-fleet/make-base.sh" > /dev/null
  fi
  case "$label" in
    example)
      cp -r "$ROOT/examples/busybox-fleet" "$fleet_dir"
      fleet_java="$fleet_dir/BusyboxFleet.java" ;;
    python)
      cp -r "$ROOT/examples/python-fleet" "$fleet_dir"
      fleet_java="$fleet_dir/ExampleFleet.java" ;;
    big)
      bash "$ROOT/bench/make-big-fleet.sh" "$fleet_dir" "$RUNNER_JAR" >&2
      fleet_java="$fleet_dir/BigFleet.java" ;;
    *)
      bench_java dev.slipway.bench.GeneratedFleet "$fleet_dir" "$label" \
        "$ROOT/examples/busybox-fleet/base/busybox-tini.tar" > /dev/null
      fleet_java="$fleet_dir/BenchFleet.java" ;;
  esac
  # its own cache for the compiled definition: not the user's, and not the one a cold Slipway build starts from
  SLIPWAY_CACHE="$work/plan-cache" java -jar "$RUNNER_JAR" plan --json --tag bench --fleet "$fleet_java" \
    > "$work/fleets/$label.plan.json"
  bench_java dev.slipway.bench.DockerfilesFromPlan "$work/fleets/$label.plan.json" "$fleet_dir" \
    "$work/fleets/$label.docker" "127.0.0.1:$reg_port/bench"
  docker_unsupported="$work/fleets/$label.docker/docker-unsupported.txt"
  change_file="$(cat "$work/fleets/$label.docker/change.txt")"
  [ -n "$change_file" ] || { echo "build-push.sh: fleet $label has no service app file to change" >&2; return 1; }
  cp "$change_file" "$work/fleets/$label.change.orig"
  image_count=$(wc -l < "$work/fleets/$label.docker/images.tsv")
}
edit_change_file() { printf '# edited by bench/build-push.sh %s\n' "$(date +%s%N)" >> "$change_file"; }
restore_change_file() { cp "$work/fleets/$1.change.orig" "$change_file"; }

# ---------------------------------------------------------------------------------------------- Slipway
slipway_build() { # label scenario run
  local label="$1" scenario="$2" run="$3" out="$work/logs/slipway.$1.$2.$3.log" t0 t1 rss="" inbuild
  local timed=()
  [ "$measure_rss" = 1 ] && timed=("$TIME_BIN" -f '%M %U %S' -o "$work/rss.txt")
  mark_registry
  t0=$(now)
  if ! "${timed[@]}" java "${jvm_options[@]}" -jar "$RUNNER_JAR" build --registry "127.0.0.1:$reg_port/bench" --insecure \
      --compression "$compression" --fleet "$fleet_java" --cache "$work/slipway-cache" --tag bench > "$out" 2>&1; then
    echo "build-push.sh: Slipway build failed ($label $scenario run $run); the end of its output:" >&2
    tail -5 "$out" >&2
    record "$label" slipway "$scenario" "$run" FAIL - - - - - - - -
    cp "$work/registry/registry.log" "$work/logs/registry.slipway.$label.$scenario.$run.log"
    echo "Slipway $label $scenario run $run: $(grep -E 'FAIL|failed' "$out" | head -3 | tr '\n' ' ')" >> "$failures"
    return 1
  fi
  t1=$(now)
  local cpu=""
  if [ "$measure_rss" = 1 ]; then
    read -r rss user system < <(tail -1 "$work/rss.txt")
    cpu="$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.1f", u + s }')"
  fi
  inbuild="$(sed -nE 's/^[0-9]+ images in ([0-9.]+) s.*/\1/p' "$out" | tail -1)"
  record "$label" slipway "$scenario" "$run" "$(elapsed "$t0" "$t1")" "${rss:--}" "${inbuild:--}" \
    $(pushed_since_mark) "${cpu:--}"
}

slipway_series() { # label run
  local label="$1" run="$2"
  restart_registry
  rm -rf "$work/slipway-cache"
  settle
  # a failed scenario ends the series: the next one would not start from what it names
  slipway_build "$label" cold "$run" && slipway_build "$label" noop "$run" \
    && { edit_change_file; slipway_build "$label" change "$run"; } || true
  restore_change_file "$label"
}

# ------------------------------------------------------------------------------------------------ docker
# One image: BuildKit build with the fleet directory as context, then push; what a CI job per Dockerfile does.
cat > "$work/docker-one.sh" <<'EOF'
#!/usr/bin/env bash
# usage: docker-one.sh IMAGE DOCKERFILE  (env: BENCH_DOCKER_HOST BENCH_DOCKER_CONFIG BENCH_CONTEXT BENCH_LOGS)
set -euo pipefail
log="$BENCH_LOGS/$(basename "$2").log"
export DOCKER_CONFIG="$BENCH_DOCKER_CONFIG" DOCKER_BUILDKIT=1
if ! { /usr/bin/docker -H "$BENCH_DOCKER_HOST" build -q -f "$2" -t "$1" "$BENCH_CONTEXT" \
       && /usr/bin/docker -H "$BENCH_DOCKER_HOST" push -q "$1"; } > "$log" 2>&1; then
  echo "docker build/push of $1 failed:" >&2; tail -20 "$log" >&2; exit 255
fi
EOF
chmod +x "$work/docker-one.sh"

docker_reset() { # empty image store and build cache
  local images
  images="$(dk images -aq | sort -u)"
  [ -z "$images" ] || dk rmi -f $images > /dev/null
  dk builder prune -af > /dev/null
}

docker_build_push() { # label: load the base tarballs if not there, then build+push level by level
  local label="$1" dir="$work/fleets/$1.docker" tarball tag loaded level
  # (called where errexit does not apply, so every step checks)
  while IFS=$'\t' read -r tarball tag; do
    if ! dk image inspect "$tag" > /dev/null 2>&1; then
      loaded="$(dk load -q -i "$tarball" | sed -nE 's/^Loaded image( ID)?: //p' | head -1)"
      [ -n "$loaded" ] && dk tag "$loaded" "$tag" || { echo "docker load of $tarball failed" >&2; return 1; }
    fi
  done < "$dir/bases.tsv"
  mkdir -p "$work/logs/docker"
  for level in $(cut -f1 "$dir/images.tsv" | sort -nu); do
    awk -F'\t' -v l="$level" '$1 == l { print $2; print $3 }' "$dir/images.tsv" \
      | BENCH_DOCKER_HOST="unix://$work/d/docker.sock" BENCH_DOCKER_CONFIG="$work/d/client" \
        BENCH_CONTEXT="$fleet_dir" BENCH_LOGS="$work/logs/docker" xargs -n 2 -P "$cores" "$work/docker-one.sh" \
      || return 1
  done
}

# CPU seconds (user + system) used so far by dockerd and every process under it (containerd, shims), reaped ones
# included; beside the docker clients' own CPU, what a docker build + push costs.
dockerd_cpu() {
  local pids=("$dockerd_pid") next=("$dockerd_pid") p children all=()
  while [ ${#next[@]} -gt 0 ]; do
    children=()
    for p in "${next[@]}"; do children+=($(pgrep -P "$p" || true)); done
    pids+=("${children[@]}"); next=("${children[@]}")
  done
  for p in "${pids[@]}"; do [ -r "/proc/$p/stat" ] && all+=("/proc/$p/stat"); done
  cat "${all[@]}" 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15 } END { printf "%.2f", t / hz }'
}
children_cpu() { # sets children_cpu_s: user + system CPU of this shell's reaped children (`times`, in this shell)
  times > "$work/times.txt"
  children_cpu_s="$(tail -1 "$work/times.txt" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } } END { printf "%.2f", t }')"
}

docker_scenario() { # label scenario run
  local t0 t1 d0 c0
  mark_registry
  d0="$(dockerd_cpu)"; children_cpu; c0="$children_cpu_s"
  t0=$(now)
  if ! docker_build_push "$1"; then
    record "$1" docker "$2" "$3" FAIL - - - - - - - -
    cp "$work/registry/registry.log" "$work/logs/registry.docker.$1.$2.$3.log"
    echo "docker $1 $2 run $3: see the docker build/push output above" >> "$failures"
    return 1
  fi
  t1=$(now)
  local cpu
  children_cpu
  cpu="$(awk -v d0="$d0" -v d1="$(dockerd_cpu)" -v c0="$c0" -v c1="$children_cpu_s" 'BEGIN { printf "%.1f", d1 - d0 + c1 - c0 }')"
  record "$1" docker "$2" "$3" "$(elapsed "$t0" "$t1")" - - $(pushed_since_mark) "$cpu"
}

docker_series() { # label run
  local label="$1" run="$2"
  restart_registry
  docker_reset
  settle
  docker_scenario "$label" cold "$run" && docker_scenario "$label" noop "$run" \
    && { edit_change_file; docker_scenario "$label" change "$run"; } || true
  restore_change_file "$label"
}

# ------------------------------------------------------------------------------------------------- floor
# Each unique layer once: tar (sorted), gzip -6 (Jib's and docker's default level), sha256; layers in parallel on
# every core (the one-core floor: one layer is one gzip). The all-core floor takes the layers one after the other,
# each through pigz -6 on every core. A base tarball is already a tar: it is gzipped and hashed as it is.
cat > "$work/floor-one.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
gz=(${FLOOR_GZIP:-gzip -6})
case "$1" in
  tarball) "${gz[@]}" -c < "$2" | sha256sum > /dev/null ;;
  debs) while read -r deb; do dpkg-deb --fsys-tarfile "$deb"; done < "$2" | "${gz[@]}" | sha256sum > /dev/null ;;
  *) tar -C "$(dirname "$2")" --sort=name -cf - "$(basename "$2")" | "${gz[@]}" | sha256sum > /dev/null ;;
esac
EOF
chmod +x "$work/floor-one.sh"

floor_scenario() { # label scenario run [all]: "all" for the all-core floor (pigz, one layer at a time)
  local label="$1" scenario="$2" layers="$work/fleets/$1.docker/layers.tsv" t0 t1 changed tool=floor parallel="$cores"
  if [ "${4:-}" = all ]; then
    tool=floorall; parallel=1; export FLOOR_GZIP="pigz -6 -p $cores"
    if [ "$compression" = zstd ]; then export FLOOR_GZIP="zstd -3 -q -T$cores"; fi
  else
    unset FLOOR_GZIP
    if [ "$compression" = zstd ]; then export FLOOR_GZIP="zstd -3 -q -T1"; fi
  fi
  [ "$scenario" != cold ] || settle
  t0=$(now)
  case "$scenario" in
    cold)
      local timed=()
      [ "$measure_rss" = 1 ] && timed=("$TIME_BIN" -f '%U %S' -o "$work/floor-cpu.txt")
      tr '\t' '\n' < "$layers" | "${timed[@]}" xargs -n 2 -P "$parallel" "$work/floor-one.sh" ;;
    noop) cut -f2 "$layers" | xargs find > /dev/null ;;    # the least a no-op needs: look at every input once
    change)
      cut -f2 "$layers" | xargs find > /dev/null
      changed="$(awk -F'\t' -v f="$change_file" '$1 == "tree" && index(f, $2 "/") == 1 { print $2 }' "$layers" | head -1)"
      "$work/floor-one.sh" tree "$changed" ;;
  esac
  t1=$(now)
  local cpu=-
  if [ "$scenario" = cold ] && [ "$measure_rss" = 1 ]; then
    cpu="$(awk '{ printf "%.1f", $1 + $2 }' "$work/floor-cpu.txt")"
  fi
  record "$label" "$tool" "$scenario" "$3" "$(elapsed "$t0" "$t1")" - - - - - - - - "$cpu"
}

floor_series() { # label run
  local all
  for all in one all; do
    [ "$all" = one ] || command -v pigz > /dev/null || continue
    [ "$compression" = gzip ] || command -v zstd > /dev/null || continue
    floor_scenario "$1" cold "$2" "$all"
    floor_scenario "$1" noop "$2" "$all"
    edit_change_file
    floor_scenario "$1" change "$2" "$all"
    restore_change_file "$1"
  done
}

# --------------------------------------------------------------------------------------------------- run
mkdir -p "$work/logs"
started=$(now)
echo "== starting docker-registry and dockerd" >&2
start_registry
start_dockerd
echo "   registry 127.0.0.1:$reg_port, dockerd $(dk version -f '{{.Server.Version}}') ($docker_driver storage) on $work/d/docker.sock" >&2

declare -A fleet_images fleet_runs
labels=()
IFS=',' read -r -a wanted <<< "$sizes"
notes="$work/notes.txt"
: > "$notes"
for label in "${wanted[@]}"; do
  [[ "$label" = example || "$label" = python || "$label" = big || "$label" =~ ^[1-9][0-9]*$ ]] || {
    echo "build-push.sh: --sizes takes example, python, big or numbers" >&2; exit 2; }
  if [ "$label" = python ] && [ ! -f "$ROOT/examples/python-fleet/.debian-repo/Packages" ]; then
    echo "python-fleet left out: its Debian repository is missing; make it with examples/python-fleet/make-debian-repo.sh" \
      | tee -a "$notes" >&2
    continue
  fi
  echo "== preparing fleet $label" >&2
  prepare_fleet "$label"
  fleet_images[$label]=$image_count
  n=$runs
  if { [ "$label" = big ] || { [[ "$label" =~ ^[0-9]+$ ]] && [ "$label" -gt 100 ]; }; } && [ "$big_runs" -lt "$runs" ]; then
    n=$big_runs
  fi
  with_docker=1
  if [ "$no_docker" = 1 ]; then
    with_docker=0
  elif [ -s "$docker_unsupported" ]; then
    with_docker=0
    kinds="$(sed -nE "s/.*: a '([a-z]+)' layer.*/\1/p" "$docker_unsupported" | sort -u | paste -sd, -)"
    echo "$label: docker not measured: its plan has $kinds layers, which have no offline Dockerfile equivalent here" \
      | tee -a "$notes" >&2
  fi
  fleet_runs[$label]=$n
  labels+=("$label")
  for ((run = 1; run <= n; run++)); do
    echo "== fleet $label ($image_count images), run $run/$n: slipway, docker, floor" >&2
    slipway_series "$label" "$run"
    [ "$with_docker" = 0 ] || docker_series "$label" "$run"
    floor_series "$label" "$run"
    awk -F'\t' -v l="$label" -v r="$run" '$1 == l && $4 == r { printf "   %-7s %-6s %8s s\n", $2, $3, $5 }' "$results" >&2
  done
  # the generated fleets are large; the next fleet does not need this one's images
  docker_reset
done
total=$(elapsed "$started" "$(now)")

# ------------------------------------------------------------------------------------------------ report
report_dir="$ROOT/bench/target/build-push"
mkdir -p "$report_dir"
stamp="$(date -u +%Y%m%dT%H%MZ)"
cp "$results" "$report_dir/results-$stamp.tsv"
{
  echo "# bench/build-push.sh, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $cores cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average at the end $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$(java -version 2>&1 | head -1)${jvm_options[*]:+ (runner JVM options: ${jvm_options[*]})}; Slipway layers and floors: $compression; docker $(dk version -f '{{.Server.Version}}') ($docker_driver), docker-registry $("$REGISTRY_BIN" --version 2>/dev/null | awk '{print $3}'). Whole run: ${total%.*} s."
  echo
  echo "| fleet (images) | scenario | runs | Slipway s | docker s | floor s | all-core floor s | Slipway/docker | Slipway/floor | Slipway/all-core floor | Slipway pushed | docker pushed | runner peak RSS |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for label in "${labels[@]}"; do
    for scenario in cold noop change; do
      awk -F'\t' -v l="$label" -v s="$scenario" -v imgs="${fleet_images[$label]}" -v runs="${fleet_runs[$label]}" '
        function median(key,    n, i, j, t, a) {
          n = split(vals[key], a, " ")
          for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        function add(key, v) { vals[key] = (key in vals) ? vals[key] " " v : v }
        $1 == l && $3 == s && $5 == "FAIL" { failed[$2]++ }
        $1 == l && $3 == s && $5 != "FAIL" {
          add($2 ".t", $5)
          if ($2 != "floor" && $2 != "floorall") { add($2 ".layers", $8); add($2 ".mib", $9 / 1048576); add($2 ".up", $11); add($2 ".mnt", $12); add($2 ".reg", $13) }
          if ($2 == "slipway" && $6 != "-") add("rss", $6 / 1024)
        }
        function pushed(tool) {
          mib = median(tool ".mib")
          size = (mib >= 1) ? sprintf("%.2f MiB", mib) : sprintf("%.1f KiB", mib * 1024)
          return sprintf("%d layers, %s (%d uploads, %d mounts; registry CPU %.1f s)", median(tool ".layers"), size,
                         median(tool ".up"), median(tool ".mnt"), median(tool ".reg"))
        }
        END {
          sw = median("slipway.t"); fl = median("floor.t")
          if ("floorall.t" in vals) { fa = median("floorall.t"); fas = sprintf("%.3f", fa); fratio = sprintf("%.2f", sw / fa) }
          else { fas = "n/a"; fratio = "n/a" }
          name = (l == "example") ? "busybox-fleet" : (l == "python") ? "python-fleet" : (l == "big") ? "big family" : l " services"
          rss = ("rss" in vals) ? sprintf("%.0f MiB", median("rss")) : "n/a"
          # runs that count: a failed scenario also ends its series, so later scenarios of that run are missing
          ns = split(vals["slipway.t"], tmp, " "); nd = split(vals["docker.t"], tmp, " ")
          if (nd == 0) { dks = "n/a"; ratio = "n/a"; dpushed = "n/a" }
          else { dk = median("docker.t"); dks = sprintf("%.2f", dk); ratio = sprintf("%.2f", sw / dk); dpushed = pushed("docker") }
          if (ns != runs || (nd != runs && nd != 0)) runs = runs " (counted: Slipway " ns ", docker " nd ")"
          printf "| %s (%d) | %s | %s | %.2f | %s | %.3f | %s | %s | %.1f | %s | %s | %s | %s |\n", name, imgs, s, runs,
                 sw, dks, fl, fas, ratio, (fl > 0) ? sw / fl : 0, fratio, pushed("slipway"), dpushed, rss
        }' "$results"
    done
  done
  echo
  echo "Where Slipway's time goes (medians): the runner's own \"N images in X s\" is the build and push; the rest of the"
  echo "wall time is JVM start, compiling the .java definition in memory, validating and planning."
  echo
  echo "| fleet | scenario | Slipway wall s | build+push s | start+compile+plan s |"
  echo "|---|---|---|---|---|"
  for label in "${labels[@]}"; do
    for scenario in cold noop change; do
      awk -F'\t' -v l="$label" -v s="$scenario" '
        $1 == l && $2 == "slipway" && $3 == s && $5 != "FAIL" { n++; w[n] = $5; b[n] = $7 }
        function med(a, n,    i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
                                         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { mw = med(w, n); mb = med(b, n); printf "| %s | %s | %.2f | %.2f | %.2f |\n", l, s, mw, mb, mw - mb }' "$results"
    done
  done
  echo
  echo "CPU, cold (user + system seconds, medians): what a build costs whatever else the machine runs. The registry's"
  echo "CPU is in the first table."
  echo
  echo "| fleet | Slipway runner CPU s | docker CPU s (dockerd, containerd, clients) | one-core floor CPU s | all-core floor CPU s | Slipway CPU / floor CPU |"
  echo "|---|---|---|---|---|---|"
  for label in "${labels[@]}"; do
    awk -F'\t' -v l="$label" '
      $1 == l && $3 == "cold" && $5 != "FAIL" && NF >= 14 && $14 != "-" { n[$2]++; v[$2, n[$2]] = $14 }
      function med(tool,    k, i, j, t, a) { k = n[tool]; if (k == 0) return -1
        for (i = 1; i <= k; i++) a[i] = v[tool, i]
        for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
      function show(x) { return x < 0 ? "n/a" : sprintf("%.1f", x) }
      END { s = med("slipway"); d = med("docker"); f = med("floor"); a = med("floorall")
            printf "| %s | %s | %s | %s | %s | %s |\n", l, show(s), show(d), show(f), show(a), (s >= 0 && f > 0) ? sprintf("%.2f", s / f) : "n/a" }' "$results"
  done
  if [ -s "$notes" ]; then
    echo
    sed 's/^/- /' "$notes"
  fi
  if [ -s "$failures" ]; then
    echo
    echo "Failed runs (left out of the medians):"
    sed 's/^/- /' "$failures"
  fi
} | tee "$report_dir/report-$stamp.md"
echo >&2
echo "raw numbers: $report_dir/results-$stamp.tsv; this table: $report_dir/report-$stamp.md" >&2
if [ -s "$failures" ]; then
  echo "build-push.sh: $(wc -l < "$failures") scenario(s) failed; see above" >&2
  exit 1
fi
