kubectl apply -f ingress.yaml
kubectl get ingress werkbank
kubectl describe ingress werkbank
