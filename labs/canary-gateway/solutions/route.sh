kubectl apply -f gateway.yaml -f route.yaml
# Traefik meldet in status.parents, ob es die Route angenommen und ihre Backends gefunden hat.
kubectl wait httproute/web --timeout=120s \
  --for=jsonpath='{.status.parents[0].conditions[?(@.type=="Accepted")].status}'=True
kubectl wait httproute/web --timeout=120s \
  --for=jsonpath='{.status.parents[0].conditions[?(@.type=="ResolvedRefs")].status}'=True
kubectl get gateway,httproute
