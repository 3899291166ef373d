# Only if no earlier lab (Deployments, Canary) made version 2 already.
docker image inspect werkbank/demo-app:2 >/dev/null 2>&1 || docker tag werkbank/demo-app:1 werkbank/demo-app:2
kind load docker-image werkbank/demo-app:2
cat > overlays/prod/kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: kustomize-prod
resources:
  - ../../base
replicas:
  - name: web
    count: 3
images:
  - name: werkbank/demo-app
    newTag: "2"
configMapGenerator:
  - name: app-config
    behavior: merge
    literals:
      - APP_VERSION=2
      - LOG_LEVEL=warn
YAML
kubectl create namespace kustomize-prod
# diff exits with 1 when it found differences: here, everything is new.
kubectl diff -k overlays/prod || true
kubectl apply -k overlays/prod
kubectl rollout status deployment/web -n kustomize-prod --timeout=180s
kubectl get deployments -n kustomize-dev -o wide
kubectl get deployments -n kustomize-prod -o wide
