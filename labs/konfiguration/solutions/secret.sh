kubectl create secret generic db-zugang \
  --from-literal=username=app \
  --from-literal=password='S3hr-Geheim!'
kubectl get secret db-zugang -o yaml
kubectl get secret db-zugang -o jsonpath='{.data.password}' | base64 -d; echo
