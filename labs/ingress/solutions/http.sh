kubectl run http-test-pod --image=werkbank/toolbox:1 --image-pull-policy=IfNotPresent -- sleep 3600
kubectl wait --for=condition=Ready pod/http-test-pod --timeout=120s
# Traefik picks up a new Ingress within a few seconds.
for _ in $(seq 30); do
  kubectl exec http-test-pod -- wget -qO- --header 'Host: shop.werkbank.local' http://traefik.traefik.svc.cluster.local/ && break
  sleep 2
done
kubectl exec http-test-pod -- wget -qO- --header 'Host: blog.werkbank.local' http://traefik.traefik.svc.cluster.local/
kubectl exec http-test-pod -- wget -qO- --header 'Host: unbekannt.werkbank.local' http://traefik.traefik.svc.cluster.local/ || echo "unbekannter Host: 404, wie erwartet"
kubectl apply -f http-test.yaml
kubectl wait --for=condition=Complete job/http-test --timeout=120s
kubectl logs job/http-test
