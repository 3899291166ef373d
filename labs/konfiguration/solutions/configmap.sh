kubectl create namespace konfiguration
kubectl config set-context --current --namespace=konfiguration
kubectl apply -f app-config.yaml
kubectl describe configmap app-config
