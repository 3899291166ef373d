PV=$(kubectl get pvc daten-postgres-0 -o jsonpath='{.spec.volumeName}')
echo "$PV"
kubectl patch pv "$PV" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'
kubectl get pv "$PV"
