kubectl apply -f sicher.yaml
kubectl rollout status deployment/sicher --timeout=180s
kubectl get pod -l app=sicher -o jsonpath='{.items[0].spec.securityContext}{"\n"}'
kubectl get pod -l app=sicher -o jsonpath='{.items[0].spec.containers[0].securityContext}{"\n"}'
