kubectl set image deployment/web app=werkbank/demo-app:3
# The broken rollout never finishes; give up after a while, as the lesson shows.
kubectl rollout status deployment/web --timeout=30s || true
kubectl get pods -l app=web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=180s
kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'
