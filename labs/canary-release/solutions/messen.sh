kubectl run zaehler --restart=Never --image=werkbank/toolbox:1 --image-pull-policy=IfNotPresent \
  -- sh -c 'for i in $(seq 40); do wget -qO- http://web/; echo; done | cut -d" " -f2 | sort | uniq -c'
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/zaehler --timeout=120s
kubectl logs zaehler
kubectl apply -f stichprobe.yaml
kubectl wait --for=condition=Complete job/stichprobe --timeout=120s
kubectl logs job/stichprobe
