kubectl exec postgres-0 -- psql -U app -d shop -c "DROP TABLE bestellungen;"
kubectl exec postgres-0 -- psql -U app -d shop -c "\dt"
