kubectl create namespace ingress-lab
kubectl config set-context --current --namespace=ingress-lab
kubectl create deployment shop --image=werkbank/demo-app:1 --port=8080
kubectl create deployment blog --image=werkbank/nginx:1 --port=80
kubectl expose deployment shop --port=80 --target-port=8080
kubectl expose deployment blog --port=80 --target-port=80
kubectl rollout status deployment/shop --timeout=180s
kubectl rollout status deployment/blog --timeout=180s
