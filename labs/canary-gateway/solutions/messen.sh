# Traefik schaltet eine Route kurz nach „Accepted“ scharf: erst messen, wenn es mit 90/10 verteilt.
for versuch in $(seq 120); do
  [ "$(sh traefik-gewichte.sh)" = "web-v1=90 web-v2=10" ] && break
  sleep 1
done
sh traefik-gewichte.sh
[ "$(sh traefik-gewichte.sh)" = "web-v1=90 web-v2=10" ]
kubectl delete job stichprobe --ignore-not-found
kubectl apply -f stichprobe.yaml
kubectl wait --for=condition=Complete job/stichprobe --timeout=300s
kubectl logs job/stichprobe
