#!/usr/bin/env bash
# Makes a Docker engine available for kind: uses one that answers; otherwise installs
# Debian's docker.io (as root) and starts dockerd. Then it probes whether privileged
# containers start (kind's nodes are privileged) and, only where they fail because the
# machine lacks CAP_SYS_RESOURCE, registers docker/engine/runc-wrapper as the default
# runtime. Idempotent; about a second when everything is in place.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE="${WERKBANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/werkbank}"
STATE="$CACHE/docker"
WRAPPER=/usr/local/libexec/werkbank/runc-wrapper
RUNTIME_NAME=werkbank-runc
DAEMON_JSON=/etc/docker/daemon.json
PROBE_IMAGE=werkbank/probe:1

say() { printf '[docker] %s\n' "$*" >&2; }
die() { printf '[docker] Fehler: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }
engine_answers() { docker info >/dev/null 2>&1; }

apt_install() {
  is_root && command -v apt-get >/dev/null || die "$* fehlt. Bitte als root installieren: apt-get install $*"
  say "Installiere $* aus Debians Paketen …"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A dockerd killed with its session leaves its pid files (and it and its containerd may
# linger as zombies for a moment); a new dockerd refuses to start, or waits for the old
# containerd, while those files name a process.
remove_stale_pidfile() { # $1: pid file, $2: the command it should name
  local pid state
  [[ -f "$1" ]] || return 0
  pid=$(cat "$1")
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  if [[ -z "$state" || "$state" == Z || "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$2" ]]; then
    rm -f "$1"
  fi
}

start_dockerd() {
  if ! is_root && [[ -S /var/run/docker.sock && ! -w /var/run/docker.sock ]]; then
    die "Docker läuft, aber du darfst /var/run/docker.sock nicht benutzen. Füge dich der Gruppe docker hinzu ('sudo usermod -aG docker $(id -un)'), melde dich neu an und versuche es erneut."
  fi
  is_root || die "Docker läuft nicht. Starte den Docker-Dienst (z. B. 'sudo systemctl start docker') und versuche es erneut."
  remove_stale_pidfile /var/run/docker.pid dockerd
  remove_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
  mkdir -p "$STATE"
  say "Starte dockerd (Protokoll: $STATE/dockerd.log) …"
  nohup dockerd >>"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  local waited=0
  until engine_answers; do
    sleep 0.5
    waited=$((waited + 1))
    if ((waited > 60)) || ! kill -0 "$(cat "$STATE/dockerd.pid")" 2>/dev/null; then
      tail -n 15 "$STATE/dockerd.log" >&2 || true
      die "dockerd ist nicht bereit geworden (siehe $STATE/dockerd.log)."
    fi
  done
}

stop_own_dockerd() {
  local pid
  pid=$(cat "$STATE/dockerd.pid" 2>/dev/null || true)
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null ||
    die "dockerd muss neu starten, wurde aber nicht von Werkbank gestartet. Bitte den Docker-Dienst neu starten."
  say "Starte dockerd neu …"
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    waited=$((waited + 1))
    ((waited < 150)) || die "dockerd ($pid) beendet sich nicht. Bitte 'kill $pid' ausführen und es erneut versuchen."
  done
}

ensure_engine() {
  engine_answers && return
  command -v docker >/dev/null && command -v dockerd >/dev/null || apt_install docker.io
  start_dockerd
}

# A tiny image made from Debian's static busybox: nothing can be pulled here.
ensure_probe_image() {
  docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1 && return
  [[ -x /bin/busybox ]] && file_is_static /bin/busybox || apt_install busybox-static
  say "Erzeuge das Probe-Image $PROBE_IMAGE aus Debians busybox-static …"
  local rootfs
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/sh"
  tar -C "$rootfs" -c . | docker import - "$PROBE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

privileged_works() {
  docker run --rm --privileged "$PROBE_IMAGE" /bin/sh -c 'exit 0' >/dev/null 2>&1
}

register_wrapper() {
  is_root || die "Privilegierte Container scheitern hier; die Abhilfe (runc-Wrapper) braucht root."
  command -v jq >/dev/null || apt_install jq
  say "Privilegierte Container scheitern (CAP_SYS_RESOURCE fehlt) – registriere den runc-Wrapper …"
  install -D -m 0755 "$HERE/runc-wrapper" "$WRAPPER"
  mkdir -p "$(dirname "$DAEMON_JSON")"
  local current='{}'
  [[ -s "$DAEMON_JSON" ]] && current=$(cat "$DAEMON_JSON")
  jq --arg name "$RUNTIME_NAME" --arg path "$WRAPPER" \
    '.runtimes = ((.runtimes // {}) + {($name): {path: $path}}) | ."default-runtime" = $name' \
    <<<"$current" >"$DAEMON_JSON.werkbank"
  mv "$DAEMON_JSON.werkbank" "$DAEMON_JSON"
  stop_own_dockerd
  start_dockerd
}

# The probe takes a second; its result holds as long as the same local dockerd runs
# with the same default runtime, so it is remembered for that process.
engine_identity() {
  [[ -z "${DOCKER_HOST:-}" ]] || return 1
  local pid start
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  start=$(awk '{print $22}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n "$start" ]] || return 1
  printf '%s %s %s\n' "$pid" "$start" "$(docker info --format '{{.DefaultRuntime}}')"
}

# Keep an installed wrapper in step with the repository's (dockerd runs it per call,
# so no restart is needed).
refresh_wrapper() {
  [[ -x "$WRAPPER" ]] && is_root || return 0
  cmp -s "$HERE/runc-wrapper" "$WRAPPER" && return
  say "Aktualisiere den runc-Wrapper ($WRAPPER) …"
  install -m 0755 "$HERE/runc-wrapper" "$WRAPPER"
}

# Every kind node's systemd, containerd and kubelet hold inotify instances of the host's
# root user: with the kernel's default of 128, the fifth cluster's pods fail (measured
# with bench/kind-capacity.ts). kind's known-issues page names these values.
ensure_inotify_limits() {
  local key want have
  for key in max_user_instances:512 max_user_watches:524288; do
    want=${key#*:}
    key=${key%%:*}
    have=$(cat "/proc/sys/fs/inotify/$key" 2>/dev/null || echo "$want")
    ((have >= want)) && continue
    if is_root && echo "$want" >"/proc/sys/fs/inotify/$key" 2>/dev/null; then
      say "fs.inotify.$key: $have → $want (für mehrere kind-Cluster gleichzeitig)"
    else
      say "Warnung: fs.inotify.$key ist $have; ab etwa vier kind-Clustern scheitern Pods. Abhilfe: sudo sysctl -w fs.inotify.$key=$want"
    fi
  done
}

ensure_engine
[[ -n "${DOCKER_HOST:-}" ]] || "$HERE/cgroup-mounts.sh" # the host's cgroups only matter for a local engine
refresh_wrapper
ensure_inotify_limits
ensure_probe_image
identity=$(engine_identity || true)
if [[ -z "$identity" || "$identity" != "$(cat "$STATE/probe-ok" 2>/dev/null)" ]]; then
  if ! privileged_works; then
    register_wrapper
    privileged_works || die "Privilegierte Container starten auch mit dem Wrapper nicht (siehe $STATE/dockerd.log)."
    identity=$(engine_identity || true)
  fi
  if [[ -n "$identity" ]] && mkdir -p "$STATE" 2>/dev/null; then
    printf '%s\n' "$identity" >"$STATE/probe-ok" 2>/dev/null || true
  fi
fi
say "Docker bereit: $(docker version --format '{{.Server.Version}}'), privilegierte Container funktionieren."
