for i in 1 2 3 4 5 6 7; do
  kubectl create job --from=cronjob/postgres-backup "backup-$i"
  kubectl wait --for=condition=Complete "job/backup-$i" --timeout=120s
  sleep 1
done
kubectl logs job/backup-7
