kubectl patch deployment kaputt --type=json -p='[
  {"op": "remove", "path": "/spec/template/spec/containers/0/readinessProbe"},
  {"op": "add", "path": "/spec/template/spec/containers/0/livenessProbe",
   "value": {"tcpSocket": {"port": 9999}, "periodSeconds": 5, "failureThreshold": 3}}
]'
kubectl rollout status deployment/kaputt --timeout=120s
# Wait for the first restart instead of a fixed pause.
for _ in $(seq 40); do
  [ "$(kubectl get pods -l variante=kaputt -o jsonpath='{.items[0].status.containerStatuses[0].restartCount}')" -ge 1 ] && break
  sleep 3
done
kubectl get pods -l variante=kaputt
kubectl get events --sort-by=.lastTimestamp | grep -i liveness
kubectl logs -l variante=kaputt --previous
