kubectl autoscale deployment student-api --min=2 --max=5 --cpu-percent=70
# Fresh pods have no metrics for up to a minute; then the HPA reads them in its 15 s cycle.
for _ in $(seq 60); do
  [ -n "$(kubectl get hpa student-api -o jsonpath='{.status.currentMetrics[0].resource.current.averageUtilization}')" ] && break
  sleep 3
done
kubectl get hpa student-api
