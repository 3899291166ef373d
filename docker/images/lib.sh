# Shared by docker/images/ and docker/kind-node/ build scripts (sourced, not run).
# Every image carries the hash of what it was built from in the label werkbank.inputs;
# a build is skipped when the image already has the hash its inputs give now, so a warm
# run costs one `docker image inspect` per image.

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$IMAGES_DIR/../.." && pwd)
# shellcheck source=docker/versions.env
source "$ROOT/docker/versions.env"
CACHE="${WERKBANK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/werkbank}"
LOGS="$CACHE/logs"
mkdir -p "$LOGS"

: "${SAY_PREFIX:=images}"
say() { printf '[%s] %s\n' "$SAY_PREFIX" "$*" >&2; }
die() { printf '[%s] Fehler: %s\n' "$SAY_PREFIX" "$*" >&2; exit 1; }

# Seconds since the script started, for progress lines.
elapsed() { printf '%ds' "$SECONDS"; }

# Hash of inputs: paths (relative to the repo root; directories are walked) and
# literal strings written as "=text" (versions, IDs of parent images, recipes).
inputs_hash() {
  local arg
  {
    for arg in "$@"; do
      case "$arg" in
        =*) printf '%s\n' "$arg" ;;
        *) (cd "$ROOT" && find "$arg" -type f -print0 | sort -z | xargs -0r sha256sum) ;;
      esac
    done
  } | sha256sum | cut -c1-16
}

image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
image_inputs() { docker image inspect --format '{{index .Config.Labels "werkbank.inputs"}}' "$1" 2>/dev/null || true; }

# True when $1 exists and was built from inputs hashing to $2.
image_current() { [[ -n "$2" && "$(image_inputs "$1")" == "$2" ]]; }

# Runs a command with its output in a log file; on failure shows the end of the log.
logged() { # $1 = log name, rest = command
  local log="$LOGS/$1.log"
  if ! "${@:2}" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "$1 ist fehlgeschlagen (ganzes Protokoll: $log)."
  fi
}

# docker build with the inputs label, skipped when the image is current.
#   build_image IMAGE HASH CONTEXT_DIR [docker build options...]
build_image() {
  local image=$1 hash=$2 context=$3
  if image_current "$image" "$hash"; then
    say "$image: aktuell"
    return
  fi
  say "$image: baue … ($(elapsed))"
  local started=$SECONDS
  # The legacy builder (no buildx here) and BuildKit both read these Dockerfiles.
  logged "build-${image//[\/:]/_}" docker build --label "werkbank.inputs=$hash" -t "$image" "${@:4}" "$context"
  say "$image: fertig in $((SECONDS - started)) s"
}

# A temporary build context that holds the given directory's files plus staged extras
# (binaries from the cache); removed when the calling script exits.
STAGED_CONTEXTS=()
remove_staged_contexts() { ((${#STAGED_CONTEXTS[@]} == 0)) || rm -rf "${STAGED_CONTEXTS[@]}"; }
trap remove_staged_contexts EXIT
staged_context() { # $1 = directory to copy, $2 = variable that gets the new context's path
  local -n context_var=$2
  context_var=$(mktemp -d "$CACHE/.context.XXXXXX")
  STAGED_CONTEXTS+=("$context_var")
  cp -a "$1/." "$context_var/"
}

# The base every werkbank image starts from (docker/images/debian-base/build.sh).
DEBIAN_BASE_IMAGE="werkbank/debian-base:$DEBIAN_SUITE"
STATIC_BASE_IMAGE="werkbank/static-base:$DEBIAN_SUITE"
