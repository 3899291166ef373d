kubectl create deployment hallo --image=werkbank/nginx:1
kubectl rollout status deployment/hallo --timeout=180s
kubectl get pods -o wide
kubectl delete pod -l app=hallo
kubectl rollout status deployment/hallo --timeout=180s
kubectl get pods
kubectl describe pod -l app=hallo | tail -n 8
