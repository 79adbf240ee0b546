#!/usr/bin/env bash
# Writes base/busybox-tini.tar, the example fleet's base image in `docker save` format, from Debian's
# busybox-static and tini packages only (apt-get download; run `apt-get update` once first). Same packages,
# same bytes: entries sorted, fixed times, numeric owners.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/base/busybox-tini.tar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

apt_options=()
# as root, apt's sandbox user cannot write into this private temp dir
if [ "$(id -u)" -eq 0 ]; then apt_options=(-o APT::Sandbox::User=root); fi
apt-get -q "${apt_options[@]}" download busybox-static tini >/dev/null
dpkg-deb -x busybox-static_*.deb debs
dpkg-deb -x tini_*.deb debs

root="$work/rootfs"
mkdir -p "$root"/{bin,usr/bin,etc,tmp,root,home/appuser}
cp debs/bin/busybox "$root/bin/busybox"
cp debs/usr/bin/tini-static "$root/usr/bin/tini"
chmod 755 "$root/bin/busybox" "$root/usr/bin/tini"
for applet in $("$root/bin/busybox" --list-full); do
  if [ ! -e "$root/$applet" ] && [ ! -L "$root/$applet" ]; then
    mkdir -p "$(dirname "$root/$applet")"
    ln -s /bin/busybox "$root/$applet"
  fi
done
printf 'root:x:0:0:root:/root:/bin/sh\nappuser:x:10001:10001:appuser:/home/appuser:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nappuser:x:10001:\n' > "$root/etc/group"
find "$root" -type d -exec chmod 755 {} +
chmod 644 "$root/etc/passwd" "$root/etc/group"
chmod 1777 "$root/tmp"

reproducible=(--sort=name --mtime=@1 --numeric-owner --format=gnu)
# everything root-owned, then appuser's home owned by 10001
tar "${reproducible[@]}" --owner=0 --group=0 -C "$root" --exclude=./home/appuser -cf layer.tar .
tar "${reproducible[@]}" --owner=10001 --group=10001 -C "$root" -rf layer.tar ./home/appuser

case "$(dpkg --print-architecture)" in
  amd64) arch=amd64 ;;
  arm64) arch=arm64 ;;
  *) arch="$(dpkg --print-architecture)" ;;
esac
diff_id="sha256:$(sha256sum layer.tar | cut -d' ' -f1)"
printf '%s' '{"architecture":"'"$arch"'","os":"linux","created":"1970-01-01T00:00:00Z",'\
'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},'\
'"rootfs":{"type":"layers","diff_ids":["'"$diff_id"'"]},'\
'"history":[{"created":"1970-01-01T00:00:00Z","created_by":"examples/busybox-fleet/make-base.sh"}]}' > config.json
printf '%s' '[{"Config":"config.json","RepoTags":["slipway-examples/busybox-tini:base"],"Layers":["layer.tar"]}]' \
  > manifest.json

mkdir -p "$(dirname "$out")"
tar "${reproducible[@]}" --owner=0 --group=0 -cf "$out.partial" manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "wrote $out ($(du -h "$out" | cut -f1), layer $diff_id)"
