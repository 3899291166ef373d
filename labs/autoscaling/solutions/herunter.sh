kubectl delete deployment last
# The stabilization window keeps the pods for 30 seconds after the load is gone.
for _ in $(seq 100); do
  [ "$(kubectl get hpa demo -o jsonpath='{.status.currentReplicas}')" -le 1 ] && break
  sleep 3
done
kubectl get hpa demo
