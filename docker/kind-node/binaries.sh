#!/usr/bin/env bash
# Builds the programs of the node's component images that the toolchain does not make:
# pause (C, static, Debian's gcc), CoreDNS, local-path-provisioner and crictl (Go
# modules from the module proxy) and kindnet-lite (Go, in this directory); on request
# also Traefik, the Ingress add-on of docker/images/. Output:
# $WERKBANK_CACHE/kind-node/bin/<name>, each with a .<name>.recipe stamp; a binary is
# rebuilt only when its recipe changes.
#
#   docker/kind-node/binaries.sh [name...]          (default: all)
#   docker/kind-node/binaries.sh --update-modules [name...]   after a version change
set -euo pipefail
SAY_PREFIX=kind-node
source "$(dirname "${BASH_SOURCE[0]}")/../images/lib.sh"

HERE="$ROOT/docker/kind-node"
BIN="$CACHE/kind-node/bin"
KUBEADM="$CACHE/toolchain/kubernetes-$KUBERNETES_VERSION/kubeadm"
mkdir -p "$BIN"

find_go() {
  GO=$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)
  [[ -x "$GO" ]] || die "Go fehlt (gebraucht für CoreDNS, crictl, local-path-provisioner)."
}
go_env() { env CGO_ENABLED=0 GOTOOLCHAIN=local GOWORK=off GOFLAGS=-buildvcs=false "$@"; }

# The tag kubeadm asks for, e.g. "coredns" → v1.12.1 (registry.k8s.io/coredns/coredns:v1.12.1).
kubeadm_tag() {
  [[ -x "$KUBEADM" ]] || die "kubeadm fehlt unter $KUBEADM – zuerst ./werkbank toolchain ausführen."
  "$KUBEADM" config images list --kubernetes-version "v$KUBERNETES_VERSION" 2>/dev/null |
    sed -n "s|^registry.k8s.io/\(.*/\)\?$1:||p"
}

current() { # $1 = name, $2 = recipe
  [[ -x "$BIN/$1" && -f "$BIN/.$1.recipe" && "$(<"$BIN/.$1.recipe")" == "$2" ]]
}
done_building() { # $1 = name, $2 = recipe, $3 = started
  printf '%s' "$2" >"$BIN/.$1.recipe"
  say "$1: gebaut in $((SECONDS - $3)) s"
}

# Go programs are built inside small wrapper modules (modules/<name>/go.mod + go.sum,
# committed) that require the upstream module at the pinned version: the module proxy
# here refuses the version lists that `go install pkg@version` asks for, and go.sum
# pins every dependency. `--update-modules` rewrites them after a version change.
MODULES="$HERE/modules"

# name        package                                      version
GO_PROGRAMS=(
  "coredns                github.com/coredns/coredns                    coredns"
  "local-path-provisioner github.com/rancher/local-path-provisioner     v$LOCAL_PATH_PROVISIONER_VERSION"
  "crictl                 sigs.k8s.io/cri-tools/cmd/crictl              v$CRICTL_VERSION"
  "traefik                github.com/traefik/traefik/v3/cmd/traefik     v$TRAEFIK_VERSION"
)

program_line() { # $1 = name → "package version" (version "coredns" = kubeadm's tag)
  local line name pkg version
  for line in "${GO_PROGRAMS[@]}"; do
    read -r name pkg version <<<"$line"
    [[ "$name" == "$1" ]] || continue
    [[ "$version" == coredns ]] && version=$(kubeadm_tag coredns)
    printf '%s %s\n' "$pkg" "$version"
    return
  done
  die "unbekanntes Go-Programm: $1"
}

update_module() { # $1 = name
  local name=$1 pkg version dir upstream_mod
  read -r pkg version < <(program_line "$name")
  dir="$MODULES/$name"
  say "Modul $name: $pkg@$version"
  mkdir -p "$dir"
  printf 'module werkbank.local/kind-node/%s\n\ngo 1.24.0\n' "$name" >"$dir/go.mod"
  : >"$dir/go.sum"
  # GODEBUG defaults follow the main module's go line; keep upstream's behaviour.
  upstream_mod=$(go_env "$GO" -C "$dir" mod download -json "$(module_of "$pkg")@$version" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  go_env "$GO" -C "$dir" mod edit -godebug="default=go$(sed -n 's/^go[[:space:]]\+\([0-9]\+\.[0-9]\+\).*/\1/p' "$upstream_mod")"
  # A dependency's replace and exclude lines do not apply outside its own module: copy
  # upstream's (Traefik needs its forks of go-http-auth and mux). Local paths cannot be.
  local edit
  while read -r edit; do
    [[ -n "$edit" ]] && go_env "$GO" -C "$dir" mod edit "$edit"
  done < <(module_edits "$upstream_mod")
  go_env "$GO" -C "$dir" get -tool "$pkg@$version"
  go_env "$GO" -C "$dir" mod tidy
}

# `go mod edit` flags for the replace and exclude directives of a go.mod file.
module_edits() { # $1 = go.mod
  awk '
    function emit(kind, line,   f) {
      n = split(line, f, /[ \t]+/)
      if (kind == "replace" && f[2] == "=>" && n == 4) print "-replace=" f[1] "=" f[3] "@" f[4]
      else if (kind == "replace" && f[3] == "=>" && n == 5) print "-replace=" f[1] "@" f[2] "=" f[4] "@" f[5]
      else if (kind == "exclude" && n == 2) print "-exclude=" f[1] "@" f[2]
    }
    { sub(/\/\/.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
    block != "" && $0 == ")" { block = ""; next }
    block != "" && $0 != "" { emit(block, $0); next }
    /^(replace|exclude)[ \t]*\($/ { block = $1; next }
    /^(replace|exclude)[ \t]/ { kind = $1; sub(/^(replace|exclude)[ \t]+/, ""); emit(kind, $0) }
  ' "$1"
}

module_of() { # the module a package of GO_PROGRAMS lives in
  case "$1" in
    sigs.k8s.io/cri-tools/*) echo sigs.k8s.io/cri-tools ;;
    github.com/traefik/traefik/v3/*) echo github.com/traefik/traefik/v3 ;;
    *) echo "$1" ;;
  esac
}

go_program() { # $1 = name, $2 = ldflags
  local name=$1 ldflags=$2 pkg version dir recipe started
  read -r pkg version < <(program_line "$name")
  dir="$MODULES/$name"
  [[ -f "$dir/go.sum" ]] && grep -q "^[[:space:]]*$(module_of "$pkg") $version\b" "$dir/go.mod" ||
    die "docker/kind-node/modules/$name pinnt nicht $pkg@$version; bitte '$0 --update-modules' ausführen."
  recipe="$pkg@$version module=$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-16) ldflags=$ldflags"
  if current "$name" "$recipe"; then say "$name: vorhanden"; return; fi
  find_go
  say "$name: baue $pkg@$version … ($(elapsed))"
  started=$SECONDS
  logged "go-$name" go_env "$GO" -C "$dir" build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/$name" "$pkg"
  done_building "$name" "$recipe" "$started"
}

build_pause() {
  local version source recipe started
  version=$(kubeadm_tag pause)
  # pause.c ships in the k8s.io/kubernetes module (build/pause/linux) that the toolchain's
  # wrapper module requires (its go.sum vouches for it); kubeadm's tag is the version
  # compiled in.
  find_go
  source="$(go_env "$GO" -C "$ROOT/docker/toolchain/modules/kubernetes" list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [[ -f "$source" ]] || die "pause.c nicht gefunden ($source)."
  recipe="pause $version $(sha256sum "$source" | cut -c1-16) gcc=$(gcc -dumpfullversion)"
  if current pause "$recipe"; then say "pause: vorhanden"; return; fi
  command -v gcc >/dev/null || die "gcc fehlt (apt-get install gcc libc6-dev)."
  started=$SECONDS
  say "pause $version: gcc -static …"
  logged gcc-pause gcc -Os -Wall -Werror -static -DVERSION="v$version-werkbank" -o "$BIN/pause" "$source"
  strip "$BIN/pause"
  done_building pause "$recipe" "$started"
}

build_coredns() {
  go_program coredns ""
}

build_local_path_provisioner() {
  go_program local-path-provisioner "-X main.VERSION=v$LOCAL_PATH_PROVISIONER_VERSION"
}

build_crictl() {
  go_program crictl "-X sigs.k8s.io/cri-tools/pkg/version.Version=v$CRICTL_VERSION"
}

build_kindnet_lite() {
  local recipe started
  recipe="kindnet-lite $(inputs_hash docker/kind-node/kindnet-lite)"
  if current kindnet-lite "$recipe"; then say "kindnet-lite: vorhanden"; return; fi
  find_go
  started=$SECONDS
  say "kindnet-lite: baue …"
  logged go-kindnet-lite go_env "$GO" -C "$HERE/kindnet-lite" build -trimpath -ldflags "-s -w" -o "$BIN/kindnet-lite" .
  done_building kindnet-lite "$recipe" "$started"
}

if [[ "${1:-}" == --update-modules ]]; then
  find_go
  shift
  (($#)) || set -- coredns local-path-provisioner crictl traefik
  for name in "$@"; do update_module "$name"; done
  say "Module neu geschrieben; bitte docker/kind-node/modules/ einchecken."
  exit 0
fi

names=("$@")
((${#names[@]})) || names=(pause kindnet-lite crictl local-path-provisioner coredns)
for name in "${names[@]}"; do
  case "$name" in
    pause) build_pause ;;
    coredns) build_coredns ;;
    local-path-provisioner) build_local_path_provisioner ;;
    crictl) build_crictl ;;
    kindnet-lite) build_kindnet_lite ;;
    # Not part of the node: the Ingress add-on (docker/images/build.sh asks for it).
    traefik) go_program traefik "-X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" ;;
    *) die "unbekanntes Programm: $name" ;;
  esac
done
