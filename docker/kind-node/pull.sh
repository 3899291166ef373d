#!/usr/bin/env bash
# The ready-made node image before the local build: kind's own kindest/node, pulled by
# its digest (KIND_NODE_DIGEST in docker/versions.env, or WERKBANK_KIND_NODE_DIGEST) from
# Docker Hub or the engine's registry mirror, and tagged kindest/node:v$KIND_NODE_VERSION
# (the Kubernetes version kind publishes for the pinned minor, which may differ from
# KUBERNETES_VERSION), the first of the runner's node images (WERKBANK_KIND_NODE_IMAGES).
#
#   docker/kind-node/pull.sh   exit 0: the image is here; exit 1: build it locally
#                              (offline setting, no digest pinned, or the pull failed)
set -euo pipefail
SAY_PREFIX=kind-node
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

IMAGE="kindest/node:v$KIND_NODE_VERSION"
DIGEST="${WERKBANK_KIND_NODE_DIGEST:-${KIND_NODE_DIGEST:-unbekannt}}"
if [[ "${WERKBANK_OFFLINE:-}" == 1 ]]; then
  say "$IMAGE: WERKBANK_OFFLINE=1, kein Pull – das Node-Image wird lokal gebaut."
  exit 1
fi
if [[ ! "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  say "$IMAGE: kein Digest festgelegt (KIND_NODE_DIGEST in docker/versions.env) – das Node-Image wird lokal gebaut."
  exit 1
fi
# Where the engine needs Werkbank's runc wrapper (the host lacks CAP_SYS_RESOURCE, see
# docker/engine/ensure.sh), the pods inside a node need the same help (files/select-runc),
# which only Werkbank's own node image carries: kind's image would make clusters whose pods
# never start. Elsewhere any node image fits.
fits_this_engine() {
  [[ "$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null)" != werkbank-runc ]] ||
    docker run --rm --network none --entrypoint /usr/bin/test "kindest/node@$DIGEST" -x /usr/local/libexec/werkbank/select-runc
}
not_fitting() {
  say "$IMAGE: passt nicht zu dieser Docker-Engine (dem Rechner fehlt CAP_SYS_RESOURCE; nur Werkbanks eigenes Node-Image kommt damit zurecht) – das Node-Image wird lokal gebaut."
  docker image rm "$IMAGE" >/dev/null 2>&1 || true # the runner would take the tag first
  exit 1
}

# A tag alone proves nothing: only the pinned digest counts.
if docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$IMAGE" 2>/dev/null | grep -qxF "kindest/node@$DIGEST"; then
  fits_this_engine || not_fitting
  say "$IMAGE: vorhanden ($DIGEST)"
  exit 0
fi
say "$IMAGE: wird geladen ($DIGEST) …"
# Without a network the engine fails within seconds (name lookup), an unreachable registry
# after the engine's own 30 s connect timeout; the limit only ends a transfer that stalls.
PULL_MINUTES=20
if ! timeout "$((PULL_MINUTES * 60))" docker pull --quiet "kindest/node@$DIGEST" >&2; then
  if (( SECONDS >= PULL_MINUTES * 60 )); then
    say "$IMAGE: Pull nach $PULL_MINUTES Minuten abgebrochen (Verbindung zu langsam oder hängt) – das Node-Image wird lokal gebaut."
  else
    say "$IMAGE: Pull fehlgeschlagen (keine Verbindung zu Docker Hub oder zum Spiegel) – das Node-Image wird lokal gebaut."
  fi
  exit 1
fi
fits_this_engine || not_fitting
docker tag "kindest/node@$DIGEST" "$IMAGE"
say "$IMAGE: geladen nach $(elapsed)"
