kubectl patch serviceaccount default -p '{"imagePullSecrets":[{"name":"registry-zugang"}]}'
kubectl apply -f vorschau.yaml
kubectl rollout status deployment/vorschau --timeout=180s
kubectl get pod -l app=vorschau -o jsonpath='{.items[0].spec.imagePullSecrets}{"\n"}'
