# Erst die Route: web-v2 bekommt alles (ein einzelnes Backend ohne weight zählt 1 von 1).
cat > route.yaml <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
    - name: web
  hostnames:
    - gewichte.werkbank.local
  rules:
    - backendRefs:
        - name: web-v2
          port: 80
YAML
kubectl apply -f route.yaml
for versuch in $(seq 120); do
  [ "$(sh traefik-gewichte.sh)" = "web-v2=1" ] && break
  sleep 1
done
sh traefik-gewichte.sh
[ "$(sh traefik-gewichte.sh)" = "web-v2=1" ]
# Dann die alte Version abbauen: Deployment und Service web-v1.
kubectl delete -f web-v1.yaml
kubectl delete job stichprobe
kubectl apply -f stichprobe.yaml
kubectl wait --for=condition=Complete job/stichprobe --timeout=300s
kubectl logs job/stichprobe
