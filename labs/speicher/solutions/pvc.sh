kubectl create namespace speicher
kubectl config set-context --current --namespace=speicher
kubectl apply -f daten-pvc.yaml
kubectl get pvc daten
kubectl describe pvc daten
