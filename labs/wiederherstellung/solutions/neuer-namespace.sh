PV=$(kubectl get pvc daten-postgres-0 -o jsonpath='{.spec.volumeName}')
# The disaster: the whole namespace is gone, with the StatefulSet and its claim.
kubectl delete namespace wiederherstellung
kubectl get pv "$PV"
# The volume still remembers the deleted claim: free it for a new one.
kubectl patch pv "$PV" --type=json -p '[{"op":"remove","path":"/spec/claimRef"}]'
kubectl create namespace wiederherstellung
# The claim the StatefulSet will look for (<template>-<pod>), tied to the old volume.
kubectl apply -f - <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: daten-postgres-0
  namespace: wiederherstellung
spec:
  storageClassName: standard
  volumeName: $PV
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
YAML
kubectl apply -f datenbank.yaml
kubectl rollout status statefulset/postgres --timeout=240s
kubectl get pvc daten-postgres-0
kubectl exec postgres-0 -- psql -U app -d shop -c "SELECT * FROM bestellungen;"
