kubectl set image deployment/web app=werkbank/demo-app:3
# The broken rollout never finishes: wait until the new pod shows why, as the lesson asks.
for _ in $(seq 90); do
  kubectl get pods -l app=web | grep -E 'ErrImagePull|ImagePullBackOff' && break
  sleep 2
done
kubectl get pods -l app=web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=180s
kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'
