kubectl exec -i postgres-0 -- psql -U app -d shop < shop.sql
kubectl exec postgres-0 -- psql -U app -d shop -c "SELECT * FROM bestellungen;"
