#!/usr/bin/env bash
# The seed fleet's Debian repository, made with Debian's own client (see scripts/make-debian-repo.sh); then
#   java -jar runner/target/runner.jar lock --debian-only --fleet fleet-definition/src/main/java/dev/slipway/fleet/FleetDefinition.java \
#     --dir fleet-definition --debian-mirror unsigned:fleet-definition/.debian-repo
# (nothing signs a dpkg-scanpackages index, so it is named unsigned; the locks record `index unsigned`)
#
#   ./make-debian-repo.sh [DIR]        default DIR: fleet-definition/.debian-repo (gitignored)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../scripts/make-debian-repo.sh" "$here/src/main/java/dev/slipway/fleet/FleetDefinition.java" \
  "$here/locks" "${1:-$here/.debian-repo}"
