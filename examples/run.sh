#!/usr/bin/env bash
# The main job on the embedded default, from a fresh clone (as root on Debian bookworm): install what Slipway
# needs, build the runner, make the example fleet's Debian repository with apt-get (a flat dpkg-scanpackages
# repository, so nothing signs its index: it is named unsigned), refresh its locks (a no-op
# while Debian still serves the locked versions), then `apply` with no host configured: every image is built to
# local OCI output (target/slipway/) and the rollout Slipway would carry out is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
mvn -q -B -DskipTests package
# apt-get download (below) needs current package lists
if [ "$(id -u)" -eq 0 ]; then apt-get update -qq; elif command -v sudo >/dev/null; then sudo apt-get update -qq; fi
bash examples/python-fleet/make-debian-repo.sh
fleet=examples/python-fleet/ExampleFleet.java
java -jar runner/target/runner.jar lock --fleet "$fleet" --debian-mirror unsigned:examples/python-fleet/.debian-repo
java -jar runner/target/runner.jar apply --fleet "$fleet" "$@"
