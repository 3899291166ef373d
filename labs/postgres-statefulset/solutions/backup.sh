kubectl apply -f backup.yaml
kubectl create job --from=cronjob/postgres-backup backup-jetzt
kubectl wait --for=condition=Complete job/backup-jetzt --timeout=120s
kubectl logs job/backup-jetzt
kubectl get cronjob postgres-backup
