#!/usr/bin/env bash
# Installs what Slipway's build and tests need on Debian bookworm (run as root): the real components the tests
# start on loopback (docker-registry, dockerd, skopeo...) and the Debian tools the example fleet is made with.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail

packages=(docker.io docker-registry skopeo umoci tini busybox-static dpkg-dev curl iproute2 maven time apache2-utils)
# signed indexes and images: Debian's archive keyring, gpg/apt-ftparchive/xz to make a signed test archive, openssl
packages+=(debian-archive-keyring gnupg apt-utils xz-utils openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && command -v mvn >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/setup.sh: must run as root to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Packages must not start their system services here (docker.io would start dockerd, docker-registry a registry
# on :5000): on a machine without a working init that can fail the install, and Slipway's tests need neither.
policy_rc_d=/usr/sbin/policy-rc.d
if [ ! -e "$policy_rc_d" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy_rc_d"
  chmod +x "$policy_rc_d"
  trap 'rm -f "$policy_rc_d"' EXIT
fi
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
