#!/usr/bin/env bash
# Builds the images the labs use, without any container registry, each only when its
# inputs changed (label werkbank.inputs, see lib.sh):
#   werkbank/toolbox:1, werkbank/nginx:1, werkbank/demo-app:1, werkbank/postgres:15
#   werkbank/registry (Distribution + htpasswd, the private-registry lab)
#   werkbank/git-server:1 (git http-backend behind lighttpd, the GitOps lab)
#   werkbank/flux-source-controller, werkbank/flux-kustomize-controller (Flux for the
#   GitOps lab, from the toolchain's binaries, with their CRDs under /crds)
#   werkbank/metrics-server and werkbank/traefik with their manifests (the add-ons
#   every learner cluster gets: `kubectl top`/HPA and Ingress)
# With internet the Dockerfiles also build on their own: `docker build --build-arg
# BASE=debian:bookworm-slim docker/images/nginx`.
#
#   docker/images/build.sh           build what is missing or stale
#   docker/images/build.sh --print   print the image names, one per line
#   docker/images/build.sh --manifests  print the add-on manifests' paths
set -euo pipefail
SAY_PREFIX=images
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

METRICS_SERVER_IMAGE="werkbank/metrics-server:v$METRICS_SERVER_VERSION"
TRAEFIK_IMAGE="werkbank/traefik:v$TRAEFIK_VERSION"
REGISTRY_IMAGE="werkbank/registry:v$DISTRIBUTION_VERSION"
# Flux's two controllers for the GitOps lab: image, toolchain unit, version, binary.
FLUX_IMAGES=(
  "werkbank/flux-source-controller:v$FLUX_SOURCE_CONTROLLER_VERSION flux-source $FLUX_SOURCE_CONTROLLER_VERSION source-controller"
  "werkbank/flux-kustomize-controller:v$FLUX_KUSTOMIZE_CONTROLLER_VERSION flux-kustomize $FLUX_KUSTOMIZE_CONTROLLER_VERSION kustomize-controller"
)
# name, tag and directory of each image built from the Debian base
DEBIAN_IMAGES=(
  "werkbank/toolbox:1 toolbox"
  "werkbank/nginx:1 nginx"
  "werkbank/demo-app:1 demo-app"
  "werkbank/postgres:15 postgres"
  "werkbank/git-server:1 git-server"
)
MANIFESTS_DIR="$CACHE/images/manifests"
METRICS_SERVER_MANIFEST="$MANIFESTS_DIR/metrics-server.yaml"
TRAEFIK_MANIFEST="$MANIFESTS_DIR/traefik.yaml"
GATEWAY_API_MANIFEST="$MANIFESTS_DIR/gateway-api.yaml"

case "${1:-}" in
  --print)
    for entry in "${DEBIAN_IMAGES[@]}"; do echo "${entry%% *}"; done
    echo "$METRICS_SERVER_IMAGE"
    echo "$TRAEFIK_IMAGE"
    echo "$REGISTRY_IMAGE"
    for entry in "${FLUX_IMAGES[@]}"; do echo "${entry%% *}"; done
    exit 0
    ;;
  --manifests)
    echo "$METRICS_SERVER_MANIFEST"
    # The CRDs before Traefik: its manifest holds a GatewayClass.
    echo "$GATEWAY_API_MANIFEST"
    echo "$TRAEFIK_MANIFEST"
    exit 0
    ;;
esac

bash "$IMAGES_DIR/debian-base/build.sh"
BASE_ID=$(image_id "$DEBIAN_BASE_IMAGE")

for entry in "${DEBIAN_IMAGES[@]}"; do
  read -r image dir <<<"$entry"
  build_image "$image" "$(inputs_hash "docker/images/$dir" "=base=$BASE_ID")" "$IMAGES_DIR/$dir" \
    --build-arg "BASE=$DEBIAN_BASE_IMAGE"
done

# metrics-server: the toolchain's binary plus upstream's manifests from its module.
MS_DIR="$CACHE/toolchain/metrics-server-$METRICS_SERVER_VERSION"
[[ -x "$MS_DIR/metrics-server" && -d "$MS_DIR/metrics-server-manifests/base" ]] ||
  die "metrics-server $METRICS_SERVER_VERSION fehlt in $MS_DIR – zuerst ./werkbank toolchain ausführen."
ms_hash=$(inputs_hash docker/images/metrics-server "=$(<"$MS_DIR/.metrics-server.recipe")")
if ! image_current "$METRICS_SERVER_IMAGE" "$ms_hash"; then
  staged_context "$IMAGES_DIR/metrics-server" context
  cp "$MS_DIR/metrics-server" "$context/"
  build_image "$METRICS_SERVER_IMAGE" "$ms_hash" "$context"
else
  say "$METRICS_SERVER_IMAGE: aktuell"
fi

manifest_hash="$ms_hash $(<"$MS_DIR/.metrics-server-manifests.recipe")"
if [[ ! -f "$METRICS_SERVER_MANIFEST" || "$(cat "$METRICS_SERVER_MANIFEST.inputs" 2>/dev/null)" != "$manifest_hash" ]]; then
  staged_context "$IMAGES_DIR/metrics-server" overlay
  mkdir -p "$overlay/upstream" "$MANIFESTS_DIR"
  cp -r "$MS_DIR/metrics-server-manifests/base" "$overlay/upstream/"
  "$CACHE/toolchain/kubernetes-$KUBERNETES_VERSION/kubectl" kustomize "$overlay" >"$METRICS_SERVER_MANIFEST.tmp" 2>"$LOGS/metrics-server-manifest.log"
  mv "$METRICS_SERVER_MANIFEST.tmp" "$METRICS_SERVER_MANIFEST"
  echo "$manifest_hash" >"$METRICS_SERVER_MANIFEST.inputs"
  say "metrics-server-Manifest: $METRICS_SERVER_MANIFEST"
fi
# Traefik: binary from docker/kind-node/binaries.sh, manifest with this version's image.
bash "$ROOT/docker/kind-node/binaries.sh" traefik
TRAEFIK_BIN="$CACHE/kind-node/bin"
traefik_hash=$(inputs_hash docker/images/traefik "=$(<"$TRAEFIK_BIN/.traefik.recipe")")
if ! image_current "$TRAEFIK_IMAGE" "$traefik_hash"; then
  staged_context "$IMAGES_DIR/traefik" context
  cp "$TRAEFIK_BIN/traefik" "$context/"
  build_image "$TRAEFIK_IMAGE" "$traefik_hash" "$context"
else
  say "$TRAEFIK_IMAGE: aktuell"
fi
# The registry lab's image: Distribution's binary from the toolchain plus htpasswd.
REGISTRY_DIR="$CACHE/toolchain/distribution-$DISTRIBUTION_VERSION"
[[ -x "$REGISTRY_DIR/registry" ]] ||
  die "registry $DISTRIBUTION_VERSION fehlt in $REGISTRY_DIR – zuerst ./werkbank toolchain ausführen."
registry_hash=$(inputs_hash docker/images/registry "=$(<"$REGISTRY_DIR/.registry.recipe")" "=base=$BASE_ID")
if ! image_current "$REGISTRY_IMAGE" "$registry_hash"; then
  staged_context "$IMAGES_DIR/registry" context
  cp "$REGISTRY_DIR/registry" "$context/"
  build_image "$REGISTRY_IMAGE" "$registry_hash" "$context" --build-arg "BASE=$DEBIAN_BASE_IMAGE"
else
  say "$REGISTRY_IMAGE: aktuell"
fi
# Flux: each controller's binary and its module's CRDs from the toolchain.
for entry in "${FLUX_IMAGES[@]}"; do
  read -r image unit version binary <<<"$entry"
  flux_dir="$CACHE/toolchain/$unit-$version"
  [[ -x "$flux_dir/$binary" && -d "$flux_dir/crds" ]] ||
    die "$binary $version fehlt in $flux_dir – zuerst ./werkbank toolchain ausführen."
  flux_hash=$(inputs_hash docker/images/flux "=$(<"$flux_dir/.$binary.recipe")" "=$(<"$flux_dir/.crds.recipe")")
  if ! image_current "$image" "$flux_hash"; then
    staged_context "$IMAGES_DIR/flux" context
    cp "$flux_dir/$binary" "$context/controller"
    cp -R "$flux_dir/crds" "$context/crds"
    build_image "$image" "$flux_hash" "$context"
  else
    say "$image: aktuell"
  fi
done
bash "$IMAGES_DIR/gateway-api/render.sh" "$GATEWAY_API_MANIFEST"
sed "s|\${TRAEFIK_VERSION}|$TRAEFIK_VERSION|" "$IMAGES_DIR/traefik/traefik.yaml" >"$TRAEFIK_MANIFEST.tmp"
mv "$TRAEFIK_MANIFEST.tmp" "$TRAEFIK_MANIFEST"

say "Lab-Images bereit ($(elapsed))."
