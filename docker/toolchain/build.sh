#!/usr/bin/env bash
# Builds kind, kubectl, helm, Kubernetes, etcd, kwok, metrics-server and the registry from the Go
# modules pinned in docker/versions.env into the cache (outside the repo). These
# machines reach the Go module proxy but not the release downloads, so nothing here
# fetches a prebuilt binary. Each binary is built once per version and per content of
# its wrapper module (docker/toolchain/modules/<unit>/go.mod + go.sum); a warm run
# only compares stamps.
#
#   docker/toolchain/build.sh                   build whatever is missing or stale
#   docker/toolchain/build.sh --update-modules  rewrite the wrapper modules after a
#                                               version change in versions.env
#
# Layout: $WERKBANK_CACHE/toolchain/<unit>-<version>/<binary> (see paths.ts).
set -euo pipefail

TOOLCHAIN_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TOOLCHAIN_SRC/../.." && pwd)
MODULES="$TOOLCHAIN_SRC/modules"
# shellcheck source=docker/versions.env
source "$ROOT/docker/versions.env"
CACHE="${WERKBANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/werkbank}"
OUT="$CACHE/toolchain"

say() { printf '[toolchain] %s\n' "$*" >&2; }
die() { printf '[toolchain] Fehler: %s\n' "$*" >&2; exit 1; }

# binary                   unit            Go package
TOOLS=(
  "kind                    kind            sigs.k8s.io/kind"
  "kubectl                 kubernetes      k8s.io/kubernetes/cmd/kubectl"
  "kubelet                 kubernetes      k8s.io/kubernetes/cmd/kubelet"
  "kubeadm                 kubernetes      k8s.io/kubernetes/cmd/kubeadm"
  "kube-apiserver          kubernetes      k8s.io/kubernetes/cmd/kube-apiserver"
  "kube-controller-manager kubernetes      k8s.io/kubernetes/cmd/kube-controller-manager"
  "kube-scheduler          kubernetes      k8s.io/kubernetes/cmd/kube-scheduler"
  "kube-proxy              kubernetes      k8s.io/kubernetes/cmd/kube-proxy"
  "etcd                    etcd            go.etcd.io/etcd/server/v3"
  "etcdctl                 etcd            go.etcd.io/etcd/etcdctl/v3"
  "kwok                    kwok            sigs.k8s.io/kwok/cmd/kwok"
  "kwokctl                 kwok            sigs.k8s.io/kwok/cmd/kwokctl"
  "metrics-server          metrics-server  sigs.k8s.io/metrics-server/cmd/metrics-server"
  "helm                    helm            helm.sh/helm/v3/cmd/helm"
  "registry                distribution    github.com/distribution/distribution/v3/cmd/registry"
  "source-controller       flux-source     github.com/fluxcd/source-controller"
  "kustomize-controller    flux-kustomize  github.com/fluxcd/kustomize-controller"
)

unit_version() {
  case "$1" in
    kubernetes) echo "$KUBERNETES_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    kind) echo "$KIND_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    metrics-server) echo "$METRICS_SERVER_VERSION" ;;
    distribution) echo "$DISTRIBUTION_VERSION" ;;
    flux-source) echo "$FLUX_SOURCE_CONTROLLER_VERSION" ;;
    flux-kustomize) echo "$FLUX_KUSTOMIZE_CONTROLLER_VERSION" ;;
    *) die "unbekannte Einheit $1" ;;
  esac
}

# ---------------------------------------------------------------- Go
# Found only when something must be built, so a warm cache needs no Go at all.
GO=""
find_go() {
  [[ -n "$GO" ]] && return
  local go
  go=$(command -v go 2>/dev/null || true)
  [[ -z "$go" && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  [[ -n "$go" ]] || die "Go fehlt. Bitte Go >= 1.26 installieren (https://go.dev/dl/); es wird nur der Go-Modul-Proxy gebraucht."
  local version
  version=$("$go" env GOVERSION | sed 's/^go//')
  [[ "$(printf '%s\n%s\n' 1.26 "$version" | sort -V | head -n1)" == 1.26 ]] ||
    die "Go $version ist zu alt; etcd $ETCD_VERSION und kwok $KWOK_VERSION brauchen Go >= 1.26."
  GO=$go
}

# Every go invocation: static binaries, no toolchain download behind our back (the go
# lines of the pinned modules must be met by the installed Go), no stray go.work.
go_in() { # $1 = unit, rest = go arguments
  find_go
  CGO_ENABLED=0 GOTOOLCHAIN=local GOWORK=off "$GO" -C "$MODULES/$1" "${@:2}"
}

unit_module() { # the upstream module whose version versions.env pins
  case "$1" in
    kubernetes) echo k8s.io/kubernetes ;;
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    kind) echo sigs.k8s.io/kind ;;
    helm) echo helm.sh/helm/v3 ;;
    kwok) echo sigs.k8s.io/kwok ;;
    metrics-server) echo sigs.k8s.io/metrics-server ;;
    distribution) echo github.com/distribution/distribution/v3 ;;
    flux-source) echo github.com/fluxcd/source-controller ;;
    flux-kustomize) echo github.com/fluxcd/kustomize-controller ;;
  esac
}

module_version() { # $1 = unit, $2 = module: the version the wrapper's go.mod requires
  sed -n "s|^[[:space:]]*\(require[[:space:]]\+\)\?$2[[:space:]]\+\(v[^[:space:]]*\).*|\2|p" "$MODULES/$1/go.mod" | head -n1
}

# ---------------------------------------------------------------- version stamps
build_date() { date -u +'%Y-%m-%dT%H:%M:%SZ'; }

# -X flags per unit, as the upstream Makefiles set them (kubernetes: hack/lib/version.sh,
# helm: Makefile, ...); unstamped binaries report v0.0.0 and kubeadm/kwok then choose
# wrong defaults. The build date is left out of the recipe so it does not force rebuilds.
version_ldflags() { # $1 = unit, $2 = "date" to include the build date
  local unit=$1 with_date=${2:-} v
  v=$(unit_version "$unit")
  case "$unit" in
    kubernetes)
      local major=${v%%.*} rest=${v#*.}
      local minor=${rest%%.*} pkg
      for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        printf -- '-X %s.%s=%s ' "$pkg" gitVersion "v$v" "$pkg" gitMajor "$major" "$pkg" gitMinor "$minor" \
          "$pkg" gitTreeState clean
        [[ -n "$KUBERNETES_GIT_COMMIT" ]] && printf -- '-X %s.gitCommit=%s ' "$pkg" "$KUBERNETES_GIT_COMMIT"
        [[ -n "$with_date" ]] && printf -- '-X %s.buildDate=%s ' "$pkg" "$(build_date)"
      done
      ;;
    etcd)
      [[ -n "$ETCD_GIT_COMMIT" ]] && printf -- '-X go.etcd.io/etcd/api/v3/version.GitSHA=%s ' "${ETCD_GIT_COMMIT:0:9}"
      ;;
    kind)
      [[ -n "$KIND_GIT_COMMIT" ]] && printf -- '-X sigs.k8s.io/kind/pkg/cmd/kind/version.gitCommit=%s ' "$KIND_GIT_COMMIT"
      ;;
    helm)
      local pkg=helm.sh/helm/v3/internal/version client_go major minor
      printf -- '-X %s.version=v%s -X %s.metadata= -X %s.gitTreeState=clean ' "$pkg" "$v" "$pkg" "$pkg"
      [[ -n "$HELM_GIT_COMMIT" ]] && printf -- '-X %s.gitCommit=%s ' "$pkg" "$HELM_GIT_COMMIT"
      # helm derives the Kubernetes version it lints against from its client-go (v0.N -> 1.N).
      client_go=$(module_version helm k8s.io/client-go)
      client_go=${client_go#v}
      major=$((${client_go%%.*} + 1))
      minor=${client_go#*.}
      minor=${minor%%.*}
      for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
        printf -- '-X %s.k8sVersionMajor=%s -X %s.k8sVersionMinor=%s ' "$pkg" "$major" "$pkg" "$minor"
      done
      ;;
    kwok)
      # KubeVersion is what kwokctl assumes when it is not told; ours is the one we build.
      printf -- '-X sigs.k8s.io/kwok/pkg/consts.Version=%s -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=%s ' \
        "$v" "$KUBERNETES_VERSION"
      ;;
    metrics-server)
      local pkg=k8s.io/client-go/pkg/version
      printf -- '-X %s.gitVersion=v%s ' "$pkg" "$v"
      [[ -n "$METRICS_SERVER_GIT_COMMIT" ]] && printf -- '-X %s.gitCommit=%s ' "$pkg" "$METRICS_SERVER_GIT_COMMIT"
      [[ -n "$with_date" ]] && printf -- '-X %s.buildDate=%s ' "$pkg" "$(build_date)"
      ;;
  esac
  return 0
}

build_tags() {
  # As kubernetes' hack/lib/golang.sh builds release binaries.
  [[ "$1" == kubernetes ]] && echo "selinux,notest,grpcnotrace"
  return 0
}

# ---------------------------------------------------------------- stamps
module_hash() {
  local dir="$MODULES/$1"
  [[ -f "$dir/go.mod" && -f "$dir/go.sum" ]] ||
    die "$dir/go.mod oder go.sum fehlt; bitte 'docker/toolchain/build.sh --update-modules' ausführen."
  cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-16
}

check_module_pins() { # the wrapper must pin what versions.env says
  local unit=$1 v
  v=$(unit_version "$unit")
  [[ "$(module_version "$unit" "$(unit_module "$unit")")" == "v$v" ]] ||
    die "docker/toolchain/modules/$unit/go.mod pinnt nicht Version $v aus docker/versions.env; bitte 'docker/toolchain/build.sh --update-modules' ausführen."
}

# What a binary was built from; any change means a rebuild.
recipe() { # $1 = unit
  printf '%s module=%s tags=%s ldflags=%s' "$(unit_version "$1")" "${MODULE_HASH[$1]}" "$(build_tags "$1")" \
    "$(version_ldflags "$1")"
}

# ---------------------------------------------------------------- building
TMP=""
BUILD_PID=""
cleanup() {
  [[ -n "$BUILD_PID" ]] && kill "$BUILD_PID" 2>/dev/null
  [[ -n "$TMP" ]] && rm -rf "$TMP"
  return 0
}
trap cleanup EXIT
# A plain `exit` makes bash run the EXIT trap, which stops the compiler and removes the
# half-built files; without these traps a TERM would leave go build running on its own.
trap 'exit 130' INT
trap 'exit 143' TERM

build_binary() { # $1 = binary, $2 = unit, $3 = package, $4 = recipe
  local name=$1 unit=$2 pkg=$3 want=$4 version dest
  version=$(unit_version "$unit")
  dest="$OUT/$unit-$version"
  if [[ -x "$dest/$name" && -f "$dest/.$name.recipe" && "$(<"$dest/.$name.recipe")" == "$want" ]]; then
    say "$name $version: vorhanden"
    return
  fi
  find_go
  printf '[toolchain] %s %s: baue … ' "$name" "$version" >&2
  local started=$SECONDS log
  mkdir -p "$dest"
  TMP=$(mktemp -d "$OUT/.build.XXXXXX")
  log="$TMP/build.log"
  local -a flags=(-trimpath -ldflags "-s -w $(version_ldflags "$unit" date)")
  local tags
  tags=$(build_tags "$unit")
  [[ -n "$tags" ]] && flags+=(-tags "$tags")
  # In the background so that `wait` (unlike a foreground command) is cut short by a signal.
  CGO_ENABLED=0 GOTOOLCHAIN=local GOWORK=off "$GO" -C "$MODULES/$unit" build -mod=readonly "${flags[@]}" \
    -o "$TMP/$name" "$pkg" >"$log" 2>&1 &
  BUILD_PID=$!
  if ! wait "$BUILD_PID"; then
    BUILD_PID=""
    printf 'fehlgeschlagen\n' >&2
    cat "$log" >&2
    die "$name $version ließ sich nicht bauen (Ausgabe oben)."
  fi
  BUILD_PID=""
  # rename(2) replaces atomically: a reader sees the old or the new binary, never half.
  mv -f "$TMP/$name" "$dest/$name"
  printf '%s' "$want" >"$TMP/recipe"
  mv -f "$TMP/recipe" "$dest/.$name.recipe"
  rm -rf "$TMP"
  TMP=""
  printf 'fertig in %d s\n' $((SECONDS - started)) >&2
}

# Manifests that kwokctl would otherwise download from GitHub, taken from the very
# module sources the binaries are built from.
copy_module_dir() { # $1 = unit, $2 = module, $3 = directory in the module, $4 = target name
  local unit=$1 module=$2 from=$3 to=$4 version dest want src
  version=$(unit_version "$unit")
  dest="$OUT/$unit-$version"
  want="$version module=${MODULE_HASH[$unit]}"
  if [[ -d "$dest/$to" && -f "$dest/.$to.recipe" && "$(<"$dest/.$to.recipe")" == "$want" ]]; then
    say "$unit $version $to: vorhanden"
    return
  fi
  find_go
  src=$(go_in "$unit" mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$src/$from" ]] || die "$module enthält kein $from."
  mkdir -p "$dest"
  TMP=$(mktemp -d "$OUT/.build.XXXXXX")
  cp -R "$src/$from" "$TMP/$to"
  chmod -R u+w "$TMP/$to" # the module cache is read-only
  rm -rf "${dest:?}/$to"
  mv "$TMP/$to" "$dest/$to"
  printf '%s' "$want" >"$dest/.$to.recipe"
  rm -rf "$TMP"
  TMP=""
  say "$unit $version $to: kopiert"
}

build_all() {
  local line name unit pkg
  declare -gA MODULE_HASH=() RECIPE=()
  for line in "${TOOLS[@]}"; do
    read -r name unit pkg <<<"$line"
    if [[ -z "${MODULE_HASH[$unit]:-}" ]]; then
      MODULE_HASH[$unit]=$(module_hash "$unit")
      check_module_pins "$unit"
    fi
  done
  for line in "${TOOLS[@]}"; do
    read -r name unit pkg <<<"$line"
    # helm's recipe asks go for its client-go version; only compute it once per unit.
    [[ -n "${RECIPE[$unit]:-}" ]] || RECIPE[$unit]=$(recipe "$unit")
    build_binary "$name" "$unit" "$pkg" "${RECIPE[$unit]}"
  done
  copy_module_dir metrics-server sigs.k8s.io/metrics-server manifests metrics-server-manifests
  copy_module_dir kwok sigs.k8s.io/kwok kustomize kwok-kustomize
  # The CRDs (GitRepository, Kustomization, ...) as the controllers' modules ship them.
  copy_module_dir flux-source github.com/fluxcd/source-controller config/crd/bases crds
  copy_module_dir flux-kustomize github.com/fluxcd/kustomize-controller config/crd/bases crds
}

# ---------------------------------------------------------------- --update-modules
# Rewrites modules/<unit>/go.mod and go.sum from versions.env. The wrapper module
# declares the binaries as `tool`s, so go.sum covers exactly what they import.
# The checksum database mirror some machines see lags the proxy (seen: k8s.io/kubernetes
# v1.34.11+, metrics-server v0.8.0 missing); then run this with
# GONOSUMDB=k8s.io/kubernetes,sigs.k8s.io/metrics-server once: the go.sum written
# here pins those hashes for every later build, which no longer asks the database.
update_module() { # $1 = unit
  local unit=$1 version dir line name u pkg
  version=$(unit_version "$unit")
  dir="$MODULES/$unit"
  local -a packages=()
  for line in "${TOOLS[@]}"; do
    read -r name u pkg <<<"$line"
    [[ "$u" == "$unit" ]] && packages+=("$pkg@v$version")
  done
  say "Modul $unit: $version"
  mkdir -p "$dir"
  printf 'module werkbank.local/toolchain/%s\n\ngo 1.24.0\n' "$unit" >"$dir/go.mod"
  : >"$dir/go.sum"

  # Upstream's go.mod settings that apply only to its own main module: replace
  # directives and GODEBUG defaults. Carry them over so our binaries behave as theirs.
  local upstream_mod upstream_module
  upstream_module=$(unit_module "$unit")
  upstream_mod=$(go_in "$unit" mod download -json "$upstream_module@v$version" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f "$upstream_mod" ]] || die "go.mod von $upstream_module@v$version nicht gefunden."
  local godebug
  godebug=$(sed -n 's/^godebug[[:space:]]\+default=\(go[0-9.]*\).*/\1/p' "$upstream_mod")
  [[ -n "$godebug" ]] || godebug="go$(sed -n 's/^go[[:space:]]\+\([0-9]\+\.[0-9]\+\).*/\1/p' "$upstream_mod")"
  go_in "$unit" mod edit -godebug="default=$godebug"

  if [[ "$unit" == kubernetes ]]; then
    # k8s.io/kubernetes points every staging module at ./staging/src/...; each is
    # published as its own module with version v0.<minor>.<patch> of the same release.
    local staging
    while read -r staging; do
      go_in "$unit" mod edit -replace="$staging=$staging@v0.${version#*.}"
    done < <(sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*|\1|p' "$upstream_mod")
  fi

  if [[ "$unit" == flux-* ]]; then
    # Flux pins forks (go-digest with BLAKE3, kustomize, yaml.v3) by replace; its own
    # ./api replace stays out: the api module of the same version is required instead.
    local old new ver
    while read -r old new ver; do
      go_in "$unit" mod edit -replace="$old=$new@$ver"
    done < <(go_in "$unit" mod edit -json "$upstream_mod" |
      jq -r '.Replace[]? | select(.New.Version != null) | "\(.Old.Path) \(.New.Path) \(.New.Version)"')
  fi

  go_in "$unit" get -tool "${packages[@]}"
  if [[ "$unit" == flux-* ]]; then
    # Tidy also wants what Flux's own tests import (helmtestserver, ...), versions the
    # module proxy here refuses; the binaries need none of it.
    go_in "$unit" mod tidy -e
  else
    go_in "$unit" mod tidy
  fi
}

update_modules() {
  local unit
  local -a units=(kubernetes etcd kind helm kwok metrics-server distribution flux-source flux-kustomize)
  # --update-modules <unit>: only that one (a new unit must not re-resolve the others).
  [[ -n "${1:-}" ]] && units=("$1")
  for unit in "${units[@]}"; do
    update_module "$unit"
  done
  say "Module neu geschrieben; bitte docker/toolchain/modules/ einchecken."
}

# ---------------------------------------------------------------- main
main() {
  mkdir -p "$OUT"
  # One build at a time: parallel test runs would otherwise build the same binary twice.
  exec 9>"$OUT/.lock"
  if ! flock -n 9; then
    say "ein anderer Build läuft gerade – warte auf ihn …"
    flock 9
  fi
  # Left by a build that was killed; under the lock nobody else is using them.
  rm -rf "$OUT"/.build.*
  case "${1:-}" in
    --update-modules) update_modules "${2:-}" ;;
    "") build_all ;;
    *) die "Unbekannte Option: $1 (erlaubt: --update-modules)" ;;
  esac
}

main "$@"
