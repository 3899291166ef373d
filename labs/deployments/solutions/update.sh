printf 'FROM werkbank/demo-app:1\nENV APP_VERSION=2\n' | docker build -t werkbank/demo-app:2 -
kind load docker-image werkbank/demo-app:2
kubectl set image deployment/web app=werkbank/demo-app:2
kubectl annotate deployment/web kubernetes.io/change-cause="Version 2"
kubectl rollout status deployment/web --timeout=180s
kubectl rollout history deployment/web
kubectl logs -l app=web | grep 'Werkbank-Demo-App 2 hört'
