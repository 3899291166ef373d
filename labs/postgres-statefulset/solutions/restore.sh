kubectl exec postgres-0 -- psql -U app -d shop -c "DROP TABLE kunden;"
kubectl apply -f restore.yaml
kubectl wait --for=condition=Complete job/restore --timeout=120s
kubectl logs job/restore
kubectl exec postgres-0 -- psql -U app -d shop -c "SELECT * FROM kunden;"
kubectl logs job/restore | grep 'Einträge in kunden: 1'
