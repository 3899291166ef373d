import { defineLab } from '../define.ts';

export default defineLab({
  id: 'sicherheit',
  title: 'Ein gehärteter Pod mit knappen Rechten',
  lesson: 'sicherheit',
  // A cluster of its own: its namespace with Pod Security labels of its own (namespace labels are the cluster's).
  needs: 'cluster',
  namespace: 'sicherheit',
  files: ['files/sicher.yaml', 'files/rbac.yaml', 'files/fresser.yaml'],
  steps: [
    {
      id: 'namespace',
      title: 'Einen strengen Namespace anlegen',
      checks: [{ check: 'namespace-exists', params: { name: 'sicherheit', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }],
      hint: 'kubectl label namespace sicherheit pod-security.kubernetes.io/enforce=restricted',
      solution: 'solutions/namespace.sh',
    },
    {
      id: 'rbac',
      title: 'ServiceAccount und Rechte',
      checks: [
        {
          check: 'rbac-allows',
          params: {
            serviceAccount: 'pod-leser',
            allowed: ['get pods', 'list pods', 'watch pods', 'get pods/log'],
            denied: ['delete pods', 'get secrets'],
            exactly: true,
          },
        },
      ],
      hint: 'ServiceAccount, Role (pods und pods/log mit get, list, watch) und RoleBinding wie in rbac.yaml.',
      solution: 'solutions/rbac.sh',
    },
    {
      id: 'pod',
      title: 'Den gehärteten Pod starten',
      checks: [
        { check: 'deployment-available', params: { name: 'sicher' } },
        { check: 'pod-security', params: { name: 'sicher' } },
        { check: 'resources-set', params: { name: 'sicher' } },
      ],
      hint: 'kubectl apply -f sicher.yaml; lehnt der API-Server die Pods ab, zeigt kubectl describe replicaset -l app=sicher den Grund.',
      solution: 'solutions/pod.sh',
    },
    {
      id: 'limit',
      title: 'Was passiert am Limit?',
      // The memory limit must really strike: OOMKilled, not a crash of the program itself.
      checks: [{ check: 'container-terminated', params: { pod: 'fresser', reason: 'OOMKilled' } }],
      hint: 'kubectl apply -f fresser.yaml; kubectl get pod fresser zeigt nach ein paar Sekunden OOMKilled, kubectl describe pod fresser den Grund und Exit-Code 137.',
      solution: 'solutions/limit.sh',
    },
  ],
});
