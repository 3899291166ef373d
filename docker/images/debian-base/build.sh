#!/usr/bin/env bash
# werkbank/debian-base:<suite>: a minimal Debian made with debootstrap from Debian's
# package mirror and turned into an image with `docker import`, because no container
# registry can be reached here. Every other werkbank image starts from it.
#
#   docker/images/debian-base/build.sh          debootstrap (needs root and debootstrap)
#   docker/images/debian-base/build.sh --pull   machines with internet: the same as
#                                               `docker pull debian:<suite>-slim` + tag
set -euo pipefail
SAY_PREFIX=debian-base
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HERE="$IMAGES_DIR/debian-base"
# Inputs: the suite and this directory; the mirror's daily changes are not inputs, so a
# rebuild happens only when we change something (delete the image to refresh it).
HASH=$(inputs_hash docker/images/debian-base "=suite=$DEBIAN_SUITE")

if image_current "$DEBIAN_BASE_IMAGE" "$HASH"; then
  say "$DEBIAN_BASE_IMAGE: aktuell"
  exit 0
fi

if [[ "${1:-}" == --pull ]]; then
  say "Hole debian:$DEBIAN_SUITE-slim aus der Registry …"
  docker pull "debian:$DEBIAN_SUITE-slim"
  printf 'FROM debian:%s-slim\n' "$DEBIAN_SUITE" |
    docker build -q --label "werkbank.inputs=$HASH" -t "$DEBIAN_BASE_IMAGE" - >/dev/null
  say "$DEBIAN_BASE_IMAGE: aus debian:$DEBIAN_SUITE-slim"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "debootstrap braucht root (oder auf Rechnern mit Internet: $0 --pull)."
if ! command -v debootstrap >/dev/null; then
  say "Installiere debootstrap …"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

ROOTFS=$(mktemp -d "$CACHE/.debian-base.XXXXXX")
trap 'rm -rf "$ROOTFS"; remove_staged_contexts' EXIT

say "debootstrap $DEBIAN_SUITE (minbase) von $MIRROR … ($(elapsed))"
logged debootstrap debootstrap --variant=minbase --merged-usr "$DEBIAN_SUITE" "$ROOTFS" "$MIRROR"

say "Richte das Dateisystem wie ein Debian-Container-Image ein …"
# apt and dpkg settings as in Debian's official -slim images: no recommends, no docs,
# no package caches left in layers.
cp "$HERE/apt-docker.conf" "$ROOTFS/etc/apt/apt.conf.d/docker"
cp "$HERE/dpkg-slim.cfg" "$ROOTFS/etc/dpkg/dpkg.cfg.d/docker"
sed -e "s|@MIRROR@|$MIRROR|" -e "s|@SUITE@|$DEBIAN_SUITE|g" "$HERE/debian.sources" \
  >"$ROOTFS/etc/apt/sources.list.d/debian.sources"
rm -f "$ROOTFS/etc/apt/sources.list" "$ROOTFS/etc/hostname" "$ROOTFS/etc/resolv.conf"
# Keep the docs' copyright files (licences), drop the rest as the slim images do.
find "$ROOTFS/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$ROOTFS/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOTFS/usr/share/man/"* "$ROOTFS/usr/share/info/"* "$ROOTFS/usr/share/locale/"* \
  "$ROOTFS/var/cache/apt/"*.bin "$ROOTFS/var/cache/apt/archives/"*.deb "$ROOTFS/var/lib/apt/lists/"* \
  "$ROOTFS/var/log/"*.log "$ROOTFS/var/log/apt/"* "$ROOTFS/var/cache/ldconfig/aux-cache"
# Containers have no init to start services on install.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"
: >"$ROOTFS/etc/machine-id"

say "docker import → $DEBIAN_BASE_IMAGE … ($(elapsed))"
tar --numeric-owner --xattrs -C "$ROOTFS" -c . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL werkbank.inputs=$HASH" \
    - "$DEBIAN_BASE_IMAGE" >/dev/null
say "$DEBIAN_BASE_IMAGE: fertig ($(docker image inspect --format '{{.Size}}' "$DEBIAN_BASE_IMAGE" | numfmt --to=iec), $(elapsed))"
