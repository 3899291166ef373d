import { defineLab } from '../define.ts';

export default defineLab({
  id: 'deployments',
  title: 'Ein Deployment durch seine Versionen führen',
  lesson: 'deployments',
  // A cluster of its own: images built with Docker and loaded into the nodes (`kind load`).
  needs: 'cluster',
  namespace: 'deployments',
  files: ['files/web.yaml'],
  steps: [
    {
      id: 'deployment',
      title: 'Das Deployment anlegen',
      checks: [{ check: 'deployment-available', params: { name: 'web', replicas: 3 } }],
      hint: 'kubectl create namespace deployments, den Kontext darauf setzen, dann kubectl apply -f web.yaml.',
      solution: 'solutions/deployment.sh',
    },
    {
      id: 'skalieren',
      title: 'Auf fünf Replikas skalieren',
      checks: [{ check: 'deployment-available', params: { name: 'web', replicas: 5 } }],
      hint: 'Setz replicas in web.yaml auf 5 und wende die Datei erneut an.',
      solution: 'solutions/skalieren.sh',
    },
    {
      id: 'update',
      title: 'Version 2 ausrollen',
      checks: [{ check: 'rollout-complete', params: { name: 'web', image: 'werkbank/demo-app:2', container: 'app' } }],
      hint: 'Ein Dockerfile mit FROM werkbank/demo-app:1 und ENV APP_VERSION=2, docker build -t werkbank/demo-app:2, kind load docker-image werkbank/demo-app:2, dann kubectl set image deployment/web app=werkbank/demo-app:2.',
      solution: 'solutions/update.sh',
    },
    {
      id: 'rollback',
      title: 'Ein kaputtes Update zurückrollen',
      checks: [
        {
          check: 'rollout-complete',
          params: { name: 'web', image: 'werkbank/demo-app:2', container: 'app', rolledBackFrom: 'werkbank/demo-app:3' },
        },
      ],
      hint: 'Erst kubectl set image deployment/web app=werkbank/demo-app:3, dann kubectl rollout undo deployment/web.',
      solution: 'solutions/rollback.sh',
    },
  ],
});
