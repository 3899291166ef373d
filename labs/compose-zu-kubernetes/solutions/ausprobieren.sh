kubectl expose deployment shop --port=80 --target-port=8080
# In the lesson with --rm -it; here without a terminal: wait for the pod, read its log.
kubectl run test --restart=Never --image=werkbank/toolbox:1 --image-pull-policy=IfNotPresent -- wget -qO- http://shop/
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/test --timeout=120s
kubectl logs test | grep shop-1.0
kubectl delete pod test
