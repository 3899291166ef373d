kubectl create deployment last --image=werkbank/toolbox:1 \
  -- sh -c 'trap exit TERM; while true; do wget -q -O /dev/null "http://demo/burn?ms=200"; done'
# Instead of watching with -w: wait until the HPA has added pods.
for _ in $(seq 80); do
  [ "$(kubectl get hpa demo -o jsonpath='{.status.currentReplicas}')" -ge 2 ] && break
  sleep 3
done
kubectl get hpa demo
kubectl get pods -l app=demo
