cat > overlays/dev/kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: kustomize-dev
resources:
  - ../../base
configMapGenerator:
  - name: app-config
    behavior: merge
    literals:
      - APP_VERSION=1-dev
      - LOG_LEVEL=debug
      - NEUE_SUCHE=an
YAML
kubectl apply -k overlays/dev
kubectl rollout status deployment/web -n kustomize-dev --timeout=180s
kubectl get configmaps -n kustomize-dev
kubectl exec -n kustomize-dev deployment/web -- printenv NEUE_SUCHE
