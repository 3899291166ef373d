# The first line needs a moment to be written after the rollout.
kubectl wait --for=condition=Ready pod -l app=notizen --timeout=120s
until kubectl exec deployment/notizen -- head -n 1 /daten/notizen.txt; do sleep 2; done
kubectl delete pod -l app=notizen
kubectl rollout status deployment/notizen --timeout=180s
kubectl apply -f lesen.yaml
kubectl wait --for=condition=Complete job/lesen --timeout=120s
kubectl logs job/lesen
