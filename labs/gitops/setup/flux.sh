# Installs Flux's source-controller and kustomize-controller and a Git server into the
# cluster (namespace flux-system), plus the lab's namespace. The CRDs come out of the
# controller images (docker/images/flux), so they always belong to the binaries that run.
# Keep the image tags in step with flux.yaml and docker/versions.env.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
crds=$(mktemp -d)
trap 'rm -rf "$crds"' EXIT
for image in werkbank/flux-source-controller:v1.9.0 werkbank/flux-kustomize-controller:v1.9.6; do
  container=$(docker create "$image")
  docker cp "$container:/crds/." "$crds/" >/dev/null
  docker rm "$container" >/dev/null
done
kubectl apply --server-side -f "$crds" >/dev/null
kubectl wait --for=condition=Established --timeout=60s -f "$crds" >/dev/null
kubectl apply -f "$here/flux.yaml"
