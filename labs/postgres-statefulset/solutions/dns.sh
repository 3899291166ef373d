# In the lesson with -it; here without a terminal. busybox nslookup also tries the other
# search domains (exit 1); the FQDN with a final dot asks once.
kubectl run dns-abfrage --rm -i --restart=Never --image=werkbank/toolbox:1 \
  --image-pull-policy=IfNotPresent -- nslookup postgres-0.postgres.datenbank.svc.cluster.local.
kubectl get pod postgres-0 -o wide
kubectl apply -f dns-test.yaml
kubectl wait --for=condition=Complete job/dns-test --timeout=120s
kubectl logs job/dns-test
