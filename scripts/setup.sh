#!/usr/bin/env bash
# Installs what Slipway's build and tests need on Debian bookworm (run as root): Maven and a JDK, the real components
# the tests start on loopback (docker-registry, dockerd, skopeo...) and the Debian tools the example fleet is made with.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail

packages=(docker.io docker-registry skopeo umoci tini busybox-static dpkg-dev curl iproute2 maven time apache2-utils pigz zstd docker-compose
  chromium graphviz)  # plan --html is tested in headless Chromium, plan --dot with Graphviz
# signed indexes and images: Debian's archive keyring, gpg/apt-ftparchive/xz to make a signed test archive, openssl
packages+=(debian-archive-keyring gnupg apt-utils xz-utils openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# maven pulls in only a JRE, and compiling needs javac: a JDK unless one is already on the PATH
jdk=openjdk-17-jdk-headless
if ! command -v javac >/dev/null \
    && ! dpkg-query -W -f='${Status}' "$jdk" 2>/dev/null | grep -q "install ok installed"; then
  missing+=("$jdk")
fi
if [ ${#missing[@]} -eq 0 ] && command -v mvn >/dev/null; then
  exit 0
fi
# As root this runs apt-get itself; a user with sudo is asked for it; anyone else is told what is missing.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "scripts/setup.sh: must run as root (or with sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# Packages must not start their system services here (docker.io would start dockerd, docker-registry a registry
# on :5000): on a machine without a working init that can fail the install, and Slipway's tests need neither.
policy_rc_d=/usr/sbin/policy-rc.d
if [ ! -e "$policy_rc_d" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy_rc_d" >/dev/null
  "${as_root[@]}" chmod +x "$policy_rc_d"
  trap '"${as_root[@]}" rm -f "$policy_rc_d"' EXIT
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
