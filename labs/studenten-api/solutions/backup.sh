kubectl apply -f backup.yaml
kubectl create job --from=cronjob/studenten-backup backup-jetzt
kubectl wait --for=condition=Complete job/backup-jetzt --timeout=180s
kubectl logs job/backup-jetzt
