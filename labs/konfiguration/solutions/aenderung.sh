sed -i 's/LOG_LEVEL: info/LOG_LEVEL: debug/' app-config.yaml
kubectl apply -f app-config.yaml
kubectl exec deployment/app -- sh -c 'echo "Env: $LOG_LEVEL, Datei: $(cat /etc/app/LOG_LEVEL)"'
kubectl rollout restart deployment/app
kubectl rollout status deployment/app --timeout=180s
kubectl exec deployment/app -- sh -c 'echo "Env: $LOG_LEVEL, Datei: $(cat /etc/app/LOG_LEVEL)"'
