#!/usr/bin/env bash
# The example fleet's Debian repository, made with Debian's own client (see scripts/make-debian-repo.sh).
#
#   ./make-debian-repo.sh [DIR]        default DIR: examples/python-fleet/.debian-repo (gitignored)
#
# Slipway reads it as a mirror like any other: the locks name it relatively (`source file:.debian-repo/ ./ amd64`,
# resolved against the fleet directory), or pass --debian-mirror unsigned:DIR / SLIPWAY_DEBIAN_MIRROR=unsigned:DIR
# (nothing signs a dpkg-scanpackages index, so it must be named unsigned; the locks record `index unsigned`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../../scripts/make-debian-repo.sh" "$here/ExampleFleet.java" "$here/locks" "${1:-$here/.debian-repo}"
