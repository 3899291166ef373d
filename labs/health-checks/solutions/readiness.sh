kubectl apply -f kaputt.yaml
kubectl get pods -l app=demo -o wide
kubectl get endpointslices -l kubernetes.io/service-name=demo -o wide
kubectl describe pod -l variante=kaputt | tail -n 5
