kubectl create namespace canary
kubectl config set-context --current --namespace=canary
kubectl apply -f web-stabil.yaml
kubectl rollout status deployment/web-stabil --timeout=180s
kubectl get endpointslices -l kubernetes.io/service-name=web
