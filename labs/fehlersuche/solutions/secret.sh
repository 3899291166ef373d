kubectl config set-context --current --namespace=fehlersuche
kubectl get pods -l app=api
kubectl describe pods -l app=api | grep -A3 -i "warning\|error" || true
kubectl get secret api-zugang -o jsonpath='{.data}{"\n"}'
# The Deployment asks for "passwort", the Secret has "password": fix the reference.
kubectl patch deployment api --type=json \
  -p '[{"op":"replace","path":"/spec/template/spec/containers/0/env/1/valueFrom/secretKeyRef/key","value":"password"}]'
kubectl rollout status deployment/api --timeout=120s
