#!/usr/bin/env bash
# The example fleet's Debian repository, made with Debian's own client (see scripts/make-debian-repo.sh).
#
#   ./make-debian-repo.sh [DIR]        default DIR: examples/python-fleet/.debian-repo (gitignored)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../../scripts/make-debian-repo.sh" "$here/ExampleFleet.java" "$here/locks" "${1:-$here/.debian-repo}"
