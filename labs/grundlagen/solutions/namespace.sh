kubectl cluster-info
kubectl get nodes -o wide
kubectl get pods -n kube-system
kubectl create namespace grundlagen
kubectl config set-context --current --namespace=grundlagen
