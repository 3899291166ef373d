kubectl create namespace autoscaling
kubectl config set-context --current --namespace=autoscaling
kubectl apply -f demo.yaml
kubectl rollout status deployment/demo --timeout=180s
# The first values need up to a minute: ask again until they come.
for _ in $(seq 60); do kubectl top pods && break; sleep 3; done
