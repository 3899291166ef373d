kubectl expose deployment shop --port=80 --target-port=8080
# In the lesson with --rm -it; here without a terminal: wait for the pod, read its log.
# The Service is seconds old, and kube-proxy may not have programmed it yet: the pod asks again.
kubectl run test --restart=Never --image=werkbank/toolbox:1 --image-pull-policy=IfNotPresent \
  -- sh -c 'for i in $(seq 15); do wget -qO- http://shop/ && exit 0; sleep 2; done; exit 1'
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/test --timeout=120s
kubectl logs test | grep shop-1.0
kubectl delete pod test
