mkdir -p base overlays/dev overlays/prod
mv deployment.yaml service.yaml base/
cat > base/kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
configMapGenerator:
  - name: app-config
    literals:
      - APP_VERSION=1
      - LOG_LEVEL=info
YAML
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
YAML
kubectl kustomize overlays/dev
kubectl create namespace kustomize-dev
kubectl apply -k overlays/dev
kubectl rollout status deployment/web -n kustomize-dev --timeout=180s
kubectl get configmaps -n kustomize-dev
