kubectl config set-context --current --namespace=fehlersuche
kubectl get pods -l app=katalog
kubectl rollout history deployment/katalog
kubectl rollout undo deployment/katalog
kubectl rollout status deployment/katalog --timeout=120s
kubectl get deployment katalog -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'
