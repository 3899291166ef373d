#!/usr/bin/env bash
# Builds werkbank/kind-node:v<Kubernetes version>, a kind node image, without any
# container registry:
#   1. werkbank/debian-base (docker/images/debian-base/build.sh)
#   2. the programs the toolchain does not build (binaries.sh: pause, CoreDNS, crictl,
#      local-path-provisioner, kindnet-lite)
#   3. the component images kubeadm asks for (`kubeadm config images list`), with
#      exactly those names and tags, plus the pod network and storage images
#   4. the node image (Dockerfile), then the component images imported into its
#      containerd in a running build container, which is committed as the result.
# Every step is skipped when its inputs did not change; a warm run takes seconds.
#
#   docker/kind-node/build.sh           build what is missing or stale
#   docker/kind-node/build.sh --print   print the node image's name and exit
set -euo pipefail
SAY_PREFIX=kind-node
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

HERE="$ROOT/docker/kind-node"
NODE_IMAGE="werkbank/kind-node:v$KUBERNETES_VERSION"
if [[ "${1:-}" == --print ]]; then
  echo "$NODE_IMAGE"
  exit 0
fi

TOOLCHAIN="$CACHE/toolchain"
KUBE_BIN="$TOOLCHAIN/kubernetes-$KUBERNETES_VERSION"
ETCD_BIN="$TOOLCHAIN/etcd-$ETCD_VERSION"
NODE_BIN="$CACHE/kind-node/bin"
# Our own images for the pods kind starts after kubeadm (network, storage).
KINDNET_TAG=1
STORAGE_PROVISIONER_IMAGE="docker.io/werkbank/local-path-provisioner:v$LOCAL_PATH_PROVISIONER_VERSION"
STORAGE_HELPER_IMAGE="docker.io/werkbank/local-path-helper:1"

for binary in kubelet kubeadm kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  [[ -x "$KUBE_BIN/$binary" ]] || die "$KUBE_BIN/$binary fehlt – zuerst ./werkbank toolchain ausführen."
done
[[ -x "$ETCD_BIN/etcd" ]] || die "$ETCD_BIN/etcd fehlt – zuerst ./werkbank toolchain ausführen."

bash "$ROOT/docker/images/debian-base/build.sh"
bash "$HERE/binaries.sh"
BASE_ID=$(image_id "$DEBIAN_BASE_IMAGE")

# What a binary was built from (the toolchain's and binaries.sh's recipe stamps).
recipe_of() { # $1 = directory, $2 = binary
  [[ -f "$1/.$2.recipe" ]] || die "$1/$2 hat keinen Rezept-Stempel; bitte neu bauen."
  printf '=%s=%s' "$2" "$(<"$1/.$2.recipe")"
}

# kubeadm's image list, e.g. "registry.k8s.io/etcd:3.6.5-0".
mapfile -t KUBEADM_IMAGES < <("$KUBE_BIN/kubeadm" config images list --kubernetes-version "v$KUBERNETES_VERSION" 2>/dev/null)
((${#KUBEADM_IMAGES[@]} >= 7)) || die "kubeadm config images list lieferte keine Liste."
kubeadm_image() { # $1 = name (kube-apiserver, etcd, coredns, pause, ...)
  local image
  for image in "${KUBEADM_IMAGES[@]}"; do
    [[ "$image" =~ /$1:[^/]+$ ]] && { echo "$image"; return; }
  done
  die "kubeadm nennt kein Image $1."
}

COMPONENT_IMAGES=()
# component_image IMAGE DOCKERFILE BINARY_DIR BINARY [EXTRA_FILE]
component_image() {
  local image=$1 dockerfile=$2 bin_dir=$3 binary=$4 extra=${5:-} context hash
  hash=$(inputs_hash "docker/kind-node/components/$dockerfile" ${extra:+"docker/kind-node/components/$extra"} \
    "$(recipe_of "$bin_dir" "$binary")" "=base=$BASE_ID")
  COMPONENT_IMAGES+=("$image")
  if image_current "$image" "$hash"; then
    say "$image: aktuell"
    return
  fi
  context=$(mktemp -d "$CACHE/.context.XXXXXX")
  STAGED_CONTEXTS+=("$context")
  cp "$bin_dir/$binary" "$context/"
  [[ -z "$extra" ]] || cp "$HERE/components/$extra" "$context/"
  build_image "$image" "$hash" "$context" -f "$HERE/components/$dockerfile" \
    --build-arg "BINARY=$binary" --build-arg "BASE=$DEBIAN_BASE_IMAGE"
}

say "Komponenten-Images … ($(elapsed))"
for component in kube-apiserver kube-controller-manager kube-scheduler; do
  component_image "$(kubeadm_image "$component")" static.Dockerfile "$KUBE_BIN" "$component"
done
component_image "$(kubeadm_image kube-proxy)" kube-proxy.Dockerfile "$KUBE_BIN" kube-proxy kube-proxy-iptables-mode
# kubeadm names etcd's image after the etcd release it was tested with; the binary
# inside is the patched etcd pinned in versions.env.
component_image "$(kubeadm_image etcd)" static.Dockerfile "$ETCD_BIN" etcd
component_image "$(kubeadm_image coredns)" coredns.Dockerfile "$NODE_BIN" coredns
component_image "$(kubeadm_image pause)" pause.Dockerfile "$NODE_BIN" pause
component_image "docker.io/werkbank/kindnet-lite:$KINDNET_TAG" kindnet-lite.Dockerfile "$NODE_BIN" kindnet-lite
component_image "$STORAGE_PROVISIONER_IMAGE" static.Dockerfile "$NODE_BIN" local-path-provisioner
helper_hash=$(inputs_hash docker/kind-node/components/local-path-helper.Dockerfile "=base=$BASE_ID")
build_image "$STORAGE_HELPER_IMAGE" "$helper_hash" "$HERE/components" -f "$HERE/components/local-path-helper.Dockerfile" \
  --build-arg "BASE=$DEBIAN_BASE_IMAGE"
COMPONENT_IMAGES+=("$STORAGE_HELPER_IMAGE")

# kind's containerd config names its own sandbox image; tag our pause under that name too.
KIND_MODULE=$(cd "$ROOT/docker/toolchain/modules/kind" && GOWORK=off GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' sigs.k8s.io/kind)
[[ -d "$KIND_MODULE/images/base/files" ]] || die "kinds Modul ($KIND_MODULE) enthält images/base/files nicht."
SANDBOX_IMAGE=$(sed -n 's/^[[:space:]]*sandbox_image = "\(.*\)"/\1/p' "$KIND_MODULE/images/base/files/etc/containerd/config.toml")
[[ -n "$SANDBOX_IMAGE" ]] || die "sandbox_image nicht in kinds containerd-Konfiguration gefunden."
docker tag "$(kubeadm_image pause)" "$SANDBOX_IMAGE"
COMPONENT_IMAGES+=("$SANDBOX_IMAGE")

component_ids=$(for image in "${COMPONENT_IMAGES[@]}"; do printf '%s=%s\n' "$image" "$(image_id "$image")"; done)
NODE_HASH=$(inputs_hash docker/kind-node/Dockerfile docker/kind-node/files docker/kind-node/manifests \
  docker/engine/runc-wrapper "docker/kind-node/build.sh" "=kind=$KIND_MODULE" "=base=$BASE_ID" \
  "=components=$component_ids" "=k8s=$KUBERNETES_VERSION" \
  "$(recipe_of "$KUBE_BIN" kubelet)" "$(recipe_of "$KUBE_BIN" kubeadm)" "$(recipe_of "$KUBE_BIN" kubectl)" \
  "$(recipe_of "$NODE_BIN" crictl)")
if image_current "$NODE_IMAGE" "$NODE_HASH"; then
  say "$NODE_IMAGE: aktuell ($(elapsed))"
  exit 0
fi

say "Stelle den Build-Kontext des Knotens zusammen … ($(elapsed))"
staged_context "$HERE" CONTEXT
rm -rf "$CONTEXT/modules" "$CONTEXT/kindnet-lite" "$CONTEXT/components"
mkdir -p "$CONTEXT/kind-base" "$CONTEXT/bin"
cp -r "$KIND_MODULE/images/base/files/." "$CONTEXT/kind-base/"
chmod -R u+w "$CONTEXT/kind-base"
cp "$ROOT/docker/engine/runc-wrapper" "$CONTEXT/files/runc-wrapper"
cp "$KUBE_BIN/kubelet" "$KUBE_BIN/kubeadm" "$KUBE_BIN/kubectl" "$NODE_BIN/crictl" "$CONTEXT/bin/"
sed -i "s|@KINDNET_TAG@|$KINDNET_TAG|" "$CONTEXT/manifests/default-cni.yaml"
# kind's storage manifest (local-path-provisioner as the default StorageClass "standard"),
# taken from the module's Go source with our two image names put in.
awk '/^const defaultStorageManifest = `$/ { on = 1; next } on && /^`$/ { exit } on { print }' \
  "$KIND_MODULE/pkg/build/nodeimage/const_storage.go" |
  sed -e "s|\` + storageProvisionerImage + \`|$STORAGE_PROVISIONER_IMAGE|g" \
    -e "s|\` + storageHelperImage + \`|$STORAGE_HELPER_IMAGE|g" >"$CONTEXT/manifests/default-storage.yaml"
grep -q "$STORAGE_HELPER_IMAGE" "$CONTEXT/manifests/default-storage.yaml" ||
  die "kinds Storage-Manifest hat sich geändert (const_storage.go); build.sh anpassen."

STAGE_IMAGE="werkbank/kind-node-stage:v$KUBERNETES_VERSION"
say "Knoten-Image (Pakete, kind-Dateien, Kubernetes) … ($(elapsed))"
logged build-kind-node-stage docker build -t "$STAGE_IMAGE" \
  --build-arg "BASE=$DEBIAN_BASE_IMAGE" --build-arg "KUBERNETES_VERSION=$KUBERNETES_VERSION" "$CONTEXT"

say "Importiere ${#COMPONENT_IMAGES[@]} Images in containerd des Knotens … ($(elapsed))"
BUILDER=$(docker run -d --privileged --entrypoint sleep "$STAGE_IMAGE" infinity)
trap 'docker rm -f "$BUILDER" >/dev/null 2>&1 || true; remove_staged_contexts' EXIT
# The build container's PID 1 (sleep) reaps nobody, so a bash stays containerd's parent.
docker exec "$BUILDER" bash -c 'nohup bash -c "containerd >/var/log/containerd-build.log 2>&1; true" &
  for _ in $(seq 50); do ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done
  cat /var/log/containerd-build.log; exit 1' || die "containerd im Build-Container startet nicht."
# Like kind's own node-image build: pinned so the kubelet's image GC keeps them, not
# unpacked yet (unpacking on overlayfs inside the build container does not work).
docker save "${COMPONENT_IMAGES[@]}" |
  docker exec -i "$BUILDER" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
    --all-platforms --no-unpack --digests - >"$LOGS/kind-node-import.log" 2>&1 ||
  { tail -n 20 "$LOGS/kind-node-import.log" >&2; die "Import der Komponenten-Images fehlgeschlagen."; }
docker exec "$BUILDER" bash -c 'pkill containerd; while pgrep -x containerd >/dev/null; do sleep 0.1; done; rm -f /var/log/containerd-build.log'

docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'CMD []' \
  --change "LABEL werkbank.inputs=$NODE_HASH" \
  "$BUILDER" "$NODE_IMAGE" >/dev/null
say "$NODE_IMAGE: fertig ($(docker image inspect --format '{{.Size}}' "$NODE_IMAGE" | numfmt --to=iec), $(elapsed))"
