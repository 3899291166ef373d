kubectl apply -f app.yaml
kubectl rollout status deployment/app --timeout=180s
kubectl logs deployment/app
kubectl exec deployment/app -- sh -c 'env | grep -E "DB_|LOG_"'
kubectl exec deployment/app -- ls /etc/app /etc/geheim
kubectl exec deployment/app -- cat /etc/app/begruessung.txt
kubectl get deployment app -o yaml | grep -B2 -A4 DB_PASSWORD
