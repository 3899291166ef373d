kubectl get endpointslices -l kubernetes.io/service-name=web
kubectl delete pod -l app=web
kubectl rollout status deployment/web --timeout=180s
kubectl get endpointslices -l kubernetes.io/service-name=web
kubectl exec client -- wget -qO- http://web/
