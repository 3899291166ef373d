kubectl port-forward -n flux-system svc/git 8080:80 >/dev/null &
forward=$!
trap 'kill $forward 2>/dev/null || true' EXIT
for _ in $(seq 60); do git -C app ls-remote origin >/dev/null 2>&1 && break; sleep 1; done

sed -i 's/replicas: 2/replicas: 3/' app/web.yaml
git -C app commit -am "web auf drei Replikas"
git -C app push origin HEAD:main
# Nicht auf das nächste Intervall warten: die Quelle sofort abfragen lassen.
kubectl annotate --overwrite gitrepository app reconcile.fluxcd.io/requestedAt="$(date +%s)"
# Fertig, wenn die Kustomization genau diesen Commit angewendet hat.
kubectl wait --for=jsonpath='{.status.lastAppliedRevision}'="main@sha1:$(git -C app rev-parse HEAD)" kustomization/app --timeout=300s
kubectl rollout status deployment/web --timeout=180s
