kubectl create namespace deployments
kubectl config set-context --current --namespace=deployments
kubectl apply -f web.yaml
kubectl rollout status deployment/web --timeout=180s
