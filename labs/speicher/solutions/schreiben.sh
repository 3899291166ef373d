kubectl apply -f notizen.yaml
kubectl rollout status deployment/notizen --timeout=180s
kubectl get pvc daten
