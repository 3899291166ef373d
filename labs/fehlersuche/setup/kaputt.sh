# A second revision of katalog with a tag no registry has, so the rollout history holds
# the good revision the learner can go back to. No waiting for the first one: the old
# pods become ready and keep serving either way, the new one never starts.
kubectl -n fehlersuche set image deployment/katalog web=werkbank/nginx:1.1
kubectl -n fehlersuche annotate deployment/katalog kubernetes.io/change-cause="Update auf 1.1" --overwrite
