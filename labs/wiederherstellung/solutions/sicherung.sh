kubectl create namespace wiederherstellung
kubectl config set-context --current --namespace=wiederherstellung
kubectl apply -f datenbank.yaml
kubectl rollout status statefulset/postgres --timeout=240s
kubectl exec postgres-0 -- psql -U app -d shop -c "SELECT * FROM bestellungen;"
kubectl exec postgres-0 -- pg_dump -U app -d shop > shop.sql
grep -A4 "^COPY public.bestellungen" shop.sql
