import { defineLab } from '../define.ts';

export default defineLab({
  id: 'grundlagen',
  title: 'Dein erster Cluster',
  lesson: 'grundlagen',
  // A cluster of its own: its namespace and pods from `kubectl run` (root, no restricted securityContext).
  needs: 'cluster',
  namespace: 'grundlagen',
  steps: [
    {
      id: 'namespace',
      title: 'Den Cluster erkunden und einen Namespace anlegen',
      checks: [{ check: 'namespace-exists', params: { name: 'grundlagen' } }],
      hint: 'kubectl create namespace grundlagen, dann kubectl config set-context --current --namespace=grundlagen.',
      solution: 'solutions/namespace.sh',
    },
    {
      id: 'pod',
      title: 'Einen Pod laufen lassen',
      checks: [{ check: 'deployment-available', params: { name: 'hallo', replicas: 1 } }],
      hint: 'kubectl create deployment hallo --image=werkbank/nginx:1',
      solution: 'solutions/pod.sh',
    },
  ],
});
