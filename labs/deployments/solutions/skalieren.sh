sed -i 's/replicas: 3/replicas: 5/' web.yaml
kubectl apply -f web.yaml
kubectl rollout status deployment/web --timeout=180s
kubectl get pods -l app=web
kubectl delete pod "$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')"
kubectl rollout status deployment/web --timeout=180s
kubectl get pods -l app=web
