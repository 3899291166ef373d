#!/usr/bin/env bash
# Builds werkbank/sandbox:v<Kubernetes version>, the image of every learner's sandbox
# (Dockerfile), from the Debian base, the learner tools of the toolchain (kind, kubectl,
# helm) and the runc wrapper. Skipped when its inputs did not change.
#
#   docker/sandbox/build.sh           build when missing or stale
#   docker/sandbox/build.sh --print   print the image's name and exit
set -euo pipefail
SAY_PREFIX=sandbox
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

HERE="$ROOT/docker/sandbox"
SANDBOX_IMAGE="werkbank/sandbox:v$KUBERNETES_VERSION"
if [[ "${1:-}" == --print ]]; then
  echo "$SANDBOX_IMAGE"
  exit 0
fi

TOOLCHAIN="$CACHE/toolchain"
declare -A TOOLS=(
  [kind]="$TOOLCHAIN/kind-$KIND_VERSION"
  [kubectl]="$TOOLCHAIN/kubernetes-$KUBERNETES_VERSION"
  [helm]="$TOOLCHAIN/helm-$HELM_VERSION"
)
recipes=()
for tool in "${!TOOLS[@]}"; do
  dir=${TOOLS[$tool]}
  [[ -x "$dir/$tool" && -f "$dir/.$tool.recipe" ]] || die "$dir/$tool fehlt – zuerst ./werkbank toolchain ausführen."
  recipes+=("=$tool=$(<"$dir/.$tool.recipe")")
done

bash "$ROOT/docker/images/debian-base/build.sh"
HASH=$(inputs_hash docker/sandbox docker/engine/runc-wrapper "=base=$(image_id "$DEBIAN_BASE_IMAGE")" "${recipes[@]}")
if image_current "$SANDBOX_IMAGE" "$HASH"; then
  say "$SANDBOX_IMAGE: aktuell"
  exit 0
fi

staged_context "$HERE" CONTEXT
mkdir -p "$CONTEXT/bin"
for tool in "${!TOOLS[@]}"; do cp "${TOOLS[$tool]}/$tool" "$CONTEXT/bin/"; done
cp "$ROOT/docker/engine/runc-wrapper" "$CONTEXT/files/runc-wrapper"
build_image "$SANDBOX_IMAGE" "$HASH" "$CONTEXT" --build-arg "BASE=$DEBIAN_BASE_IMAGE"
