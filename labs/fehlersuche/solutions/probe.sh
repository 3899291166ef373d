kubectl config set-context --current --namespace=fehlersuche
kubectl get pods -l app=bestand
kubectl describe pods -l app=bestand | grep -i "readiness" || true
kubectl get deployment bestand -o jsonpath='{.spec.template.spec.containers[0].readinessProbe}{"\n"}'
# The app listens on 8080 (containerPort), the probe asked 8000.
kubectl patch deployment bestand --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/httpGet/port","value":8080}]'
kubectl rollout status deployment/bestand --timeout=120s
