kubectl apply -f shop.yaml
kubectl get pods -l app=shop
kubectl create secret docker-registry registry-zugang \
  --docker-server=localhost:5000 \
  --docker-username=lernende \
  --docker-password=geheim123
kubectl get secret registry-zugang
