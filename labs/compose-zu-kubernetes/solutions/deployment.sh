kubectl apply -f shop.yaml
kubectl rollout status deployment/shop --timeout=180s
kubectl get pods -l app=shop
