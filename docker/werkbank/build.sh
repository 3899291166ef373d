#!/usr/bin/env bash
# Builds werkbank/werkbank:<inputs hash> (also tagged with the package version), the
# image the Helm chart (chart/werkbank/) installs: the runner with the built site, the
# labs and lessons, Node from the cache, the npm packages the runner needs (node-pty
# compiled against that Node) and the learner tools kubectl and helm. Skipped when its
# inputs did not change.
#
#   docker/werkbank/build.sh           build when missing or stale; prints the image's
#                                      name (with its hash tag) on stdout, progress on stderr
#   docker/werkbank/build.sh --print   print that name without building
set -euo pipefail
SAY_PREFIX=werkbank-image
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

HERE="$ROOT/docker/werkbank"
NODE_HOME="$CACHE/node/$NODE_VERSION"
APP_VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json" | head -1)

TOOLCHAIN="$CACHE/toolchain"
declare -A TOOLS=(
  [kubectl]="$TOOLCHAIN/kubernetes-$KUBERNETES_VERSION"
  [helm]="$TOOLCHAIN/helm-$HELM_VERSION"
)
# What the runner reads at run time, relative to the repository: its folders and every
# module its imports reach (docker/werkbank/app-files.ts), one path a line.
APP_FILES="$CACHE/werkbank-image.files"
list_app_files() { "$NODE_HOME/bin/node" "$HERE/app-files.ts" "$ROOT" >"$APP_FILES"; }

inputs() {
  local recipes=() tool dir
  for tool in "${!TOOLS[@]}"; do
    dir=${TOOLS[$tool]}
    [[ -x "$dir/$tool" && -f "$dir/.$tool.recipe" ]] || die "$dir/$tool fehlt – zuerst ./werkbank toolchain ausführen."
    recipes+=("=$tool=$(<"$dir/.$tool.recipe")")
  done
  [[ -f "$ROOT/site/dist/.werkbank-build" ]] || die "Die Website ist nicht gebaut – zuerst ./werkbank setup ausführen."
  list_app_files
  inputs_hash docker/werkbank package-lock.json \
    "=app=$(cd "$ROOT" && tr '\n' '\0' <"$APP_FILES" | xargs -0 sha256sum | sha256sum)" \
    "=node=$NODE_VERSION" "=site=$(<"$ROOT/site/dist/.werkbank-build")" \
    "=base=$(image_id "$DEBIAN_BASE_IMAGE")" "${recipes[@]}"
}

if [[ "${1:-}" == --print ]]; then
  hash=$(inputs)
  echo "werkbank/werkbank:$hash"
  exit 0
fi

# Node, the npm packages and the built site, each only when its inputs changed.
say "Prüfe Node, npm-Pakete und Website … ($(elapsed))"
"$ROOT/werkbank" setup >&2
bash "$ROOT/docker/images/debian-base/build.sh"
# node-pty in node_modules was compiled for one Node ABI; the image's Node must match it.
[[ -x "$NODE_HOME/bin/node" ]] || die "Node $NODE_VERSION fehlt in $NODE_HOME – zuerst ./werkbank setup ausführen."
want_abi="node-abi-$("$NODE_HOME/bin/node" -p process.versions.modules)"
[[ "$(cut -d' ' -f2 "$ROOT/node_modules/.werkbank-installed" 2>/dev/null)" == "$want_abi" ]] ||
  die "node_modules ist nicht für Node $NODE_VERSION gebaut ($want_abi) – mit Node $NODE_VERSION im PATH ./werkbank setup ausführen."
HASH=$(inputs)
IMAGE="werkbank/werkbank:$HASH"
if image_current "$IMAGE" "$HASH"; then
  say "$IMAGE: aktuell"
  docker tag "$IMAGE" "werkbank/werkbank:$APP_VERSION"
  echo "$IMAGE"
  exit 0
fi

say "Stelle den Build-Kontext zusammen … ($(elapsed))"
staged_context "$HERE" CONTEXT
mkdir -p "$CONTEXT/node/bin" "$CONTEXT/bin" "$CONTEXT/app/site"
# Only the node binary: npm and corepack are not needed to run the runner.
cp "$NODE_HOME/bin/node" "$CONTEXT/node/bin/"
cp "$NODE_HOME/LICENSE" "$CONTEXT/node/"
for tool in "${!TOOLS[@]}"; do cp "${TOOLS[$tool]}/$tool" "$CONTEXT/bin/"; done
"$NODE_HOME/bin/node" "$HERE/runtime-modules.ts" "$ROOT" "$CONTEXT/modules" >&2
tar -C "$ROOT" -cf - --files-from "$APP_FILES" | tar -C "$CONTEXT/app" -xf -
cp -a "$ROOT/site/dist" "$CONTEXT/app/site/dist"
build_image "$IMAGE" "$HASH" "$CONTEXT" --build-arg "BASE=$DEBIAN_BASE_IMAGE" --label "org.opencontainers.image.version=$APP_VERSION"
docker tag "$IMAGE" "werkbank/werkbank:$APP_VERSION"
# Earlier builds' tags go (their layers are mostly shared); one still running stays.
docker images --format '{{.Repository}}:{{.Tag}}' werkbank/werkbank | grep -E ':[0-9a-f]{16}$' | grep -vxF "$IMAGE" |
  xargs -r docker rmi >/dev/null 2>&1 || true
say "$IMAGE bereit ($(elapsed))."
echo "$IMAGE"
