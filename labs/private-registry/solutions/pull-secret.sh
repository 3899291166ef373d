# Dasselbe wie imagePullSecrets im Pod-Template von shop.yaml und kubectl apply.
kubectl patch deployment shop -p '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"registry-zugang"}]}}}}'
kubectl rollout status deployment/shop --timeout=180s
kubectl get pods -l app=shop
