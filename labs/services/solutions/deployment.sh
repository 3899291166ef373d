kubectl create namespace services
kubectl config set-context --current --namespace=services
kubectl create deployment web --image=werkbank/nginx:1 --replicas=3 --port=80
kubectl rollout status deployment/web --timeout=180s
