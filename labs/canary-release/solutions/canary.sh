docker tag werkbank/demo-app:1 werkbank/demo-app:2
kind load docker-image werkbank/demo-app:2
kubectl apply -f web-canary.yaml
kubectl rollout status deployment/web-canary --timeout=180s
kubectl get pods -l app=web -L track
kubectl get endpointslices -l kubernetes.io/service-name=web
