#!/usr/bin/env bash
# The ready-made node image before the local build: kindest/node for the pinned
# Kubernetes version, pulled by its digest (KIND_NODE_DIGEST in docker/versions.env, or
# WERKBANK_KIND_NODE_DIGEST) from Docker Hub or the engine's registry mirror, and tagged
# kindest/node:v<version>, the first of the runner's node images (WERKBANK_KIND_NODE_IMAGES).
#
#   docker/kind-node/pull.sh   exit 0: the image is here; exit 1: build it locally
#                              (offline setting, no digest pinned, or the pull failed)
set -euo pipefail
SAY_PREFIX=kind-node
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

IMAGE="kindest/node:v$KUBERNETES_VERSION"
DIGEST="${WERKBANK_KIND_NODE_DIGEST:-${KIND_NODE_DIGEST:-unbekannt}}"
if [[ "${WERKBANK_OFFLINE:-}" == 1 ]]; then
  say "$IMAGE: WERKBANK_OFFLINE=1, kein Pull – das Node-Image wird lokal gebaut."
  exit 1
fi
if [[ ! "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  say "$IMAGE: kein Digest festgelegt (KIND_NODE_DIGEST in docker/versions.env) – das Node-Image wird lokal gebaut."
  exit 1
fi
# A tag alone proves nothing: only the pinned digest counts.
if docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$IMAGE" 2>/dev/null | grep -qxF "kindest/node@$DIGEST"; then
  say "$IMAGE: vorhanden ($DIGEST)"
  exit 0
fi
say "$IMAGE: wird geladen ($DIGEST) …"
if ! docker pull --quiet "kindest/node@$DIGEST" >&2; then
  say "$IMAGE: Pull fehlgeschlagen (keine Verbindung zu Docker Hub oder zum Spiegel) – das Node-Image wird lokal gebaut."
  exit 1
fi
docker tag "kindest/node@$DIGEST" "$IMAGE"
say "$IMAGE: geladen nach $(elapsed)"
