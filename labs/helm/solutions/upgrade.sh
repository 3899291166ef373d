helm upgrade shop ./demo --set appVersion=v2 --set replicaCount=3 --wait
helm history shop
kubectl get deployment shop -o jsonpath='{.spec.template.spec.containers[0].env[0].value}{"\n"}'
kubectl get deployment shop
