kubectl set image deployment/web-stabil app=werkbank/demo-app:2
kubectl set env deployment/web-stabil APP_VERSION=v2
kubectl rollout status deployment/web-stabil --timeout=180s
kubectl delete deployment web-canary
kubectl get pods -l app=web -L track
