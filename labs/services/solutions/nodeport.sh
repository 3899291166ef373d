kubectl apply -f web-nodeport.yaml
NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
echo "$NODE_IP"
# kube-proxy opens a new NodePort on its next sync, a few seconds after the Service exists;
# until then the node refuses the connection, so ask again as a learner would
for attempt in $(seq 1 30); do
  kubectl exec client -- wget -qO- "http://$NODE_IP:30080/" && break
  sleep 2
done
kubectl exec client -- wget -qO- "http://$NODE_IP:30080/"
