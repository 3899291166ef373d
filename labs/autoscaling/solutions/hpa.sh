kubectl apply -f demo-hpa.yaml
# The HPA reads its first value within its 15 s cycle.
for _ in $(seq 40); do
  [ -n "$(kubectl get hpa demo -o jsonpath='{.status.currentMetrics[0].resource.current.averageUtilization}')" ] && break
  sleep 3
done
kubectl get hpa demo
kubectl describe hpa demo
