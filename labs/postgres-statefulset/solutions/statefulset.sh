kubectl create namespace datenbank
kubectl config set-context --current --namespace=datenbank
kubectl create secret generic postgres-zugang \
  --from-literal=POSTGRES_USER=app \
  --from-literal=POSTGRES_PASSWORD='Pg-Geheim-2024' \
  --from-literal=POSTGRES_DB=shop
kubectl apply -f postgres.yaml
kubectl rollout status statefulset/postgres --timeout=240s
kubectl get pods,pvc
