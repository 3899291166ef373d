kubectl port-forward -n flux-system svc/git 8080:80 >/dev/null &
forward=$!
trap 'kill $forward 2>/dev/null || true' EXIT
for _ in $(seq 60); do git -C app ls-remote origin >/dev/null 2>&1 && break; sleep 1; done

git -C app rm alt.yaml
git -C app commit -m "alt wird nicht mehr gebraucht"
git -C app push origin HEAD:main
kubectl annotate --overwrite gitrepository app reconcile.fluxcd.io/requestedAt="$(date +%s)"
kubectl wait --for=jsonpath='{.status.lastAppliedRevision}'="main@sha1:$(git -C app rev-parse HEAD)" kustomization/app --timeout=300s
# Flux hat alt aus seinem Inventar gestrichen und löscht das Deployment.
kubectl wait --for=delete deployment/alt --timeout=120s
kubectl get deployments
