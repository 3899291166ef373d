kubectl create namespace shop
kubectl config set-context --current --namespace=shop
