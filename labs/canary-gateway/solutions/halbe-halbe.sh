sed -i 's/weight: 90/weight: 50/; s/weight: 10/weight: 50/' route.yaml
kubectl apply -f route.yaml
# Erst messen, wenn Traefik die neuen Gewichte anwendet (das Gateway meldet die Route vorher schon als angenommen).
for versuch in $(seq 120); do
  [ "$(sh traefik-gewichte.sh)" = "web-v1=50 web-v2=50" ] && break
  sleep 1
done
sh traefik-gewichte.sh
[ "$(sh traefik-gewichte.sh)" = "web-v1=50 web-v2=50" ]
kubectl delete job stichprobe
kubectl apply -f stichprobe.yaml
kubectl wait --for=condition=Complete job/stichprobe --timeout=300s
kubectl logs job/stichprobe
