import { defineLab } from '../define.ts';

export default defineLab({
  id: 'kustomize',
  title: 'Eine Basis, zwei Umgebungen',
  lesson: 'kustomize',
  // A cluster of its own: namespaces per overlay and images loaded into the nodes (`kind load`).
  needs: 'cluster',
  namespace: 'kustomize-dev',
  files: ['files/deployment.yaml', 'files/service.yaml'],
  steps: [
    {
      id: 'dev',
      title: 'Basis und dev-Overlay',
      checks: [
        { check: 'deployment-available', params: { name: 'web', replicas: 1, namespace: 'kustomize-dev' } },
        { check: 'config-values-used', params: { name: 'web', values: { APP_VERSION: '1-dev', LOG_LEVEL: 'debug' }, namespace: 'kustomize-dev' } },
      ],
      hint: 'base/kustomization.yaml nennt deployment.yaml und service.yaml unter resources und erzeugt app-config mit configMapGenerator; overlays/dev/kustomization.yaml setzt namespace: kustomize-dev, nimmt ../../base und ergänzt den Generator mit behavior: merge. Dann kubectl create namespace kustomize-dev und kubectl apply -k overlays/dev.',
      solution: 'solutions/dev.sh',
    },
    {
      id: 'prod',
      title: 'Das prod-Overlay',
      checks: [
        { check: 'deployment-available', params: { name: 'web', replicas: 3, namespace: 'kustomize-prod' } },
        { check: 'rollout-complete', params: { name: 'web', image: 'werkbank/demo-app:2', container: 'app', namespace: 'kustomize-prod' } },
        { check: 'config-values-used', params: { name: 'web', values: { APP_VERSION: '2', LOG_LEVEL: 'warn' }, namespace: 'kustomize-prod' } },
        // prod's changes must stay in prod: dev keeps its image.
        { check: 'rollout-complete', params: { name: 'web', image: 'werkbank/demo-app:1', container: 'app', namespace: 'kustomize-dev' } },
      ],
      hint: 'Ohne werkbank/demo-app:2 aus einer früheren Lektion: docker tag werkbank/demo-app:1 werkbank/demo-app:2; dann kind load docker-image werkbank/demo-app:2. Im Overlay overlays/prod: namespace: kustomize-prod, replicas (name: web, count: 3), images (name: werkbank/demo-app, newTag: "2") und der Generator mit behavior: merge.',
      solution: 'solutions/prod.sh',
    },
    {
      id: 'aenderung',
      title: 'Eine Änderung nur in dev',
      checks: [
        { check: 'config-values-used', params: { name: 'web', values: { NEUE_SUCHE: 'an', LOG_LEVEL: 'debug' }, namespace: 'kustomize-dev' } },
        { check: 'deployment-available', params: { name: 'web', replicas: 1, namespace: 'kustomize-dev' } },
        { check: 'config-values-used', params: { name: 'web', values: { LOG_LEVEL: 'warn' }, namespace: 'kustomize-prod' } },
      ],
      hint: 'Ergänze NEUE_SUCHE=an unter literals im dev-Overlay und wende es mit kubectl apply -k overlays/dev erneut an – der ConfigMap-Name ändert sich, das Deployment rollt von selbst neu aus.',
      solution: 'solutions/aenderung.sh',
    },
  ],
});
