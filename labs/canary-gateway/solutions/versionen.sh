kubectl create namespace gewichte
kubectl config set-context --current --namespace=gewichte
kubectl apply -f web-v1.yaml -f web-v2.yaml
kubectl rollout status deployment/web-v1 --timeout=180s
kubectl rollout status deployment/web-v2 --timeout=180s
kubectl get pods -L version
