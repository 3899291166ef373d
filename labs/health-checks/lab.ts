import { defineLab } from '../define.ts';

export default defineLab({
  id: 'health-checks',
  title: 'Probes, die Kubernetes sagen, wie es deiner App geht',
  lesson: 'health-checks',
  // A cluster of its own: its namespace and pods without the securityContext Pod Security "restricted" demands.
  needs: 'cluster',
  namespace: 'health',
  files: ['files/probes.yaml', 'files/kaputt.yaml'],
  steps: [
    {
      id: 'probes',
      title: 'Die Demo-App mit Probes starten',
      checks: [
        { check: 'deployment-available', params: { name: 'demo', replicas: 2 } },
        { check: 'probes-set', params: { name: 'demo', probes: ['startup', 'readiness', 'liveness'] } },
      ],
      hint: 'kubectl apply -f probes.yaml im Namespace health; kubectl describe pod zeigt die Probes.',
      solution: 'solutions/probes.sh',
    },
    {
      id: 'readiness',
      title: 'Eine Readiness-Probe scheitern lassen',
      checks: [{ check: 'probes-set', params: { name: 'kaputt', probes: ['readiness'], failing: true } }],
      hint: 'kubectl apply -f kaputt.yaml; der Pod bleibt bei READY 0/1 und steht in der EndpointSlice von demo mit ready: false.',
      solution: 'solutions/readiness.sh',
    },
    {
      id: 'liveness',
      title: 'Eine Liveness-Probe scheitern lassen',
      checks: [{ check: 'probes-set', params: { name: 'kaputt', probes: ['liveness'], failing: true } }],
      hint: 'Ersetze die readinessProbe von kaputt durch eine livenessProbe mit tcpSocket auf Port 9999 (kubectl patch oder kubectl edit).',
      solution: 'solutions/liveness.sh',
    },
  ],
});
