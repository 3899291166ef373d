kubectl config set-context --current --namespace=fehlersuche
kubectl get pvc uploads
kubectl describe pvc uploads | tail -n 5
kubectl get storageclass
# storageClassName cannot change on an existing claim: stop the pod, make the claim anew.
kubectl scale deployment upload --replicas=0
kubectl delete pvc uploads --timeout=60s
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads
spec:
  storageClassName: standard
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
YAML
kubectl scale deployment upload --replicas=1
kubectl rollout status deployment/upload --timeout=120s
kubectl get pvc uploads
