#!/usr/bin/env bash
# README's test command: installs what the tests need (scripts/setup.sh), then runs the whole suite with Maven.
# The tests start real dockerd engines and network namespaces, which needs root: as root it runs them directly;
# a user with sudo is asked for it once (the Maven repository then stays root's, like CI's).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "scripts/test.sh: the tests start dockerd and network namespaces: run as root or with sudo" >&2
    exit 1
  fi
  exec sudo --preserve-env=CI,JAVA_HOME,MAVEN_OPTS,SLIPWAY_DEBUG bash -c 'cd "$1" && mvn -B verify' _ "$PWD"
fi
mvn -B verify
