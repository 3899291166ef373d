#!/usr/bin/env bash
# Renders the Gateway API CRDs (standard channel: GatewayClass, Gateway, HTTPRoute,
# GRPCRoute, ReferenceGrant, BackendTLSPolicy) into one add-on manifest, applied to every
# learner cluster before Traefik, whose kubernetesgateway provider watches them.
#
# The CRDs come from the Go module sigs.k8s.io/gateway-api (its zip holds
# config/crd/standard/), downloaded as Go downloads modules: through the module proxy
# into Go's module cache, checked against the go.sum of Traefik's wrapper module
# (docker/kind-node/modules/traefik), so version and checksum are pinned there. The
# version is the one Traefik is built with (GATEWAY_API_VERSION in versions.env must
# match it): a Traefik that knows an older API would mis-read newer CRDs.
#
#   docker/images/gateway-api/render.sh OUT.yaml
set -euo pipefail
SAY_PREFIX=images
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

OUT=${1:?Zieldatei fehlt}
TRAEFIK_MODULE="$ROOT/docker/kind-node/modules/traefik"
MODULE=sigs.k8s.io/gateway-api
VERSION="v$GATEWAY_API_VERSION"

sum=$(grep "^$MODULE $VERSION h1:" "$TRAEFIK_MODULE/go.sum" || true)
[[ -n "$sum" ]] || die "$MODULE $VERSION steht nicht in $TRAEFIK_MODULE/go.sum: Traefik $TRAEFIK_VERSION ist mit einer anderen Gateway-API-Version gebaut (siehe dort) – GATEWAY_API_VERSION in docker/versions.env anpassen."
recipe="$sum $(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ -f "$OUT" && "$(cat "$OUT.inputs" 2>/dev/null)" == "$recipe" ]]; then
  say "Gateway-API-CRDs $VERSION: aktuell"
  exit 0
fi

GO=$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)
[[ -x "$GO" ]] || die "Go fehlt (gebraucht für die Gateway-API-CRDs aus $MODULE)."
say "Gateway-API-CRDs $VERSION: aus dem Go-Modul …"
dir=$(env GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=readonly "$GO" -C "$TRAEFIK_MODULE" mod download -json "$MODULE@$VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
crds=("$dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml)
[[ -f "${crds[0]}" ]] || die "$MODULE $VERSION enthält keine config/crd/standard/*.yaml ($dir)."
mkdir -p "$(dirname "$OUT")"
{
  echo "# Gateway API $VERSION, standard channel, from the Go module $MODULE (docker/images/gateway-api/render.sh)."
  for crd in "${crds[@]}"; do
    echo '---'
    cat "$crd"
  done
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$recipe" >"$OUT.inputs"
say "Gateway-API-CRDs: $OUT (${#crds[@]} CRDs)"
