kubectl rollout status deployment/kustomize-controller -n flux-system --timeout=180s
kubectl apply -f sync.yaml
kubectl wait --for=condition=Ready kustomization/app --timeout=300s
kubectl get kustomization app
kubectl get deployments
