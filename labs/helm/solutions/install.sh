helm install shop ./demo --wait
helm list
kubectl get deployment,service,pods
