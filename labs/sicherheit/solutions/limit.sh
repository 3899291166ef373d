kubectl describe pod -l app=sicher | grep -A6 -E 'Limits|QoS'
kubectl top pod -l app=sicher || echo "Noch keine Messwerte; metrics-server braucht nach dem Start etwa eine Minute."
kubectl apply -f fresser.yaml
kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/fresser --timeout=120s
kubectl get pod fresser
kubectl describe pod fresser | grep -A4 'State:'
