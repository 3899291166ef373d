kubectl create namespace health
kubectl config set-context --current --namespace=health
kubectl apply -f probes.yaml
kubectl rollout status deployment/demo --timeout=180s
kubectl get pods -l app=demo
kubectl describe pod -l app=demo | grep -E 'Liveness|Readiness|Startup'
