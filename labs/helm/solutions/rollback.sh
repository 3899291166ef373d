helm rollback shop 1 --wait
helm history shop
helm get values shop --all | grep -E 'appVersion|replicaCount'
