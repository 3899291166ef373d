kubectl run client --image=werkbank/toolbox:1 --image-pull-policy=IfNotPresent -- sleep 3600
kubectl wait --for=condition=Ready pod/client --timeout=120s
# busybox nslookup also reports NXDOMAIN for the other search domains (exit 1); the FQDN with a final dot asks once
kubectl exec client -- nslookup web.services.svc.cluster.local.
kubectl exec client -- wget -qO- http://web/
kubectl exec client -- wget -qO- http://web.services.svc.cluster.local/
kubectl exec client -- cat /etc/resolv.conf
kubectl apply -f abruf.yaml
kubectl wait --for=condition=Complete job/abruf --timeout=120s
kubectl logs job/abruf
