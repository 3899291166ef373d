kubectl apply -f web-nodeport.yaml
NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
echo "$NODE_IP"
kubectl exec client -- wget -qO- "http://$NODE_IP:30080/"
