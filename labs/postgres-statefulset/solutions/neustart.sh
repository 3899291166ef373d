kubectl exec postgres-0 -- psql -U app -d shop \
  -c "CREATE TABLE kunden (id serial PRIMARY KEY, name text, angelegt timestamptz DEFAULT now());" \
  -c "INSERT INTO kunden (name) VALUES ('Jörg Müller');"
kubectl delete pod postgres-0
kubectl wait --for=create pod/postgres-0 --timeout=60s
kubectl wait --for=condition=Ready pod/postgres-0 --timeout=180s
kubectl exec postgres-0 -- psql -U app -d shop -c "SELECT * FROM kunden;"
