kubectl config set-context --current --namespace=fehlersuche
kubectl get endpointslices -l kubernetes.io/service-name=shop
kubectl get service shop -o jsonpath='{.spec.selector}{"\n"}'
kubectl get pods --show-labels
kubectl patch service shop --type=merge -p '{"spec":{"selector":{"app":"shop"}}}'
kubectl get endpointslices -l kubernetes.io/service-name=shop
