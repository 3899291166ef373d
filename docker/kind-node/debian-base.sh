#!/usr/bin/env bash
# Builds werkbank/debian-base: a debootstrapped Debian with systemd as PID 1, the base
# of the kind node image. No registry is reachable here, so the root filesystem is made
# from Debian's packages and imported with `docker import`. Rebuilt only when this
# script or its inputs change (their hash is stored as an image label).
set -euo pipefail

SUITE=${DEBIAN_SUITE:-bookworm}
IMAGE=werkbank/debian-base:$SUITE
PACKAGES=systemd,systemd-sysv,dbus,ca-certificates
say() { printf '[debian-base] %s\n' "$*" >&2; }
die() { printf '[debian-base] Fehler: %s\n' "$*" >&2; exit 1; }

# The mirror this machine's apt uses (a learner with internet gets deb.debian.org).
mirror() {
  [[ -n "${DEBIAN_MIRROR:-}" ]] && { echo "$DEBIAN_MIRROR"; return; }
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

inputs_hash=$( { cat "${BASH_SOURCE[0]}"; echo "$SUITE $PACKAGES $(mirror)"; } | sha256sum | cut -c1-16)
if [[ "$(docker image inspect --format '{{index .Config.Labels "werkbank.inputs"}}' "$IMAGE" 2>/dev/null)" == "$inputs_hash" ]]; then
  say "$IMAGE: vorhanden"
  exit 0
fi

command -v debootstrap >/dev/null || {
  [[ $(id -u) -eq 0 ]] || die "debootstrap fehlt (apt-get install debootstrap)."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
started=$SECONDS
say "$IMAGE: debootstrap $SUITE von $(mirror) …"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$(mirror)" >"$rootfs.log" 2>&1 ||
  { tail -n 20 "$rootfs.log" >&2; die "debootstrap ist gescheitert (Protokoll: $rootfs.log)."; }
rm -f "$rootfs.log"
# Each container gets its own machine id at boot; no package lists in the image.
: >"$rootfs/etc/machine-id"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
say "$IMAGE: importiere in Docker …"
tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  --change "LABEL werkbank.inputs=$inputs_hash" \
  - "$IMAGE" >/dev/null
say "$IMAGE: fertig in $((SECONDS - started)) s"
