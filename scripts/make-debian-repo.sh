#!/usr/bin/env bash
# Makes a fleet's Debian repository with Debian's own client: `apt-get download` of every package the families
# ask for (read from the definition's .debian(...) calls) and of their whole dependency closure, plus the exact
# versions the committed locks pin (while the archive still serves them), indexed by `dpkg-scanpackages` as a flat
# repository. Needs a bookworm apt configuration and `apt-get update` once; dpkg-dev for dpkg-scanpackages.
#
#   scripts/make-debian-repo.sh DEFINITION.java LOCKS_DIR REPO_DIR
#
# examples/python-fleet/make-debian-repo.sh and fleet-definition/make-debian-repo.sh call it with their paths.
# Slipway reads it as a mirror like any other: the locks name it relatively (`source file:.debian-repo/ ./ amd64`,
# resolved against the fleet directory), or pass --debian-mirror unsigned:DIR / SLIPWAY_DEBIAN_MIRROR=unsigned:DIR
# (nothing signs a dpkg-scanpackages index, so it must be named unsigned; the locks record `index unsigned`).
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 DEFINITION.java LOCKS_DIR REPO_DIR" >&2
  exit 2
fi
definition="$1"
locks="$2"
repo="$3"
mkdir -p "$repo"
repo="$(cd "$repo" && pwd)"

apt_options=(-q)
# as root, apt's sandbox user cannot write into a private directory
if [ "$(id -u)" -eq 0 ]; then apt_options+=(-o APT::Sandbox::User=root); fi

# the names inside every .debian(SUITE, "a", "b") of the definition
mapfile -t requested < <(grep -o '\.debian([^)]*)' "$definition" | grep -o '"[a-z0-9.+-]*"' | tr -d '"' | sort -u)
if [ "${#requested[@]}" -eq 0 ]; then
  echo "no .debian(...) packages found in $definition" >&2
  exit 1
fi

# Depends and Pre-Depends, recursively, every alternative (a superset of what Slipway's resolver picks)
mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${requested[@]}" | grep -v '^ ' | grep -v '^<' | sort -u)

cd "$repo"
echo "downloading ${#closure[@]} packages (closure of: ${requested[*]}) into $repo"
apt-get "${apt_options[@]}" download "${closure[@]}" >/dev/null

# the exact versions the committed locks pin, so they keep building until the archive drops them
stale=0
for lock in "$locks"/*.debian.lock; do
  [ -e "$lock" ] || continue
  while read -r kind name version arch size sha file; do
    [ "$kind" = package ] || continue
    [ -e "$repo/$(basename "$file")" ] && continue
    if ! apt-get "${apt_options[@]}" download "$name=$version" >/dev/null 2>&1; then
      echo "note: $name $version (locked in $(basename "$lock")) is no longer in the archive; run \`lock\` again" >&2
      stale=1
    fi
  done < "$lock"
done

dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null
echo "indexed $(grep -c '^Package:' Packages) packages in $repo/Packages"
if [ "$stale" -eq 1 ]; then
  echo "the archive moved on from the committed locks: refresh them with the lock command (see docs/families.md)" >&2
fi
