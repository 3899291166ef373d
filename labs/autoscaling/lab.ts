import { defineLab } from '../define.ts';

export default defineLab({
  id: 'autoscaling',
  title: 'Die Demo-App skaliert sich selbst',
  lesson: 'autoscaling',
  // A cluster of its own: its namespace, a load generator from `kubectl run` (root, no restricted securityContext) and the cluster's metrics-server.
  needs: 'cluster',
  namespace: 'autoscaling',
  files: ['files/demo.yaml', 'files/demo-hpa.yaml'],
  steps: [
    {
      id: 'deployment',
      title: 'Die Demo-App mit Requests starten',
      checks: [
        { check: 'deployment-available', params: { name: 'demo' } },
        { check: 'resources-set', params: { name: 'demo' } },
        { check: 'metrics-available', params: { name: 'demo' } },
      ],
      hint: 'kubectl apply -f demo.yaml im Namespace autoscaling; die ersten Messwerte für kubectl top pods brauchen bis zu einer Minute.',
      solution: 'solutions/deployment.sh',
    },
    {
      id: 'hpa',
      title: 'Den HPA anlegen',
      // Without load the HPA stays at its minimum: "down" is what a working, idle HPA shows.
      checks: [{ check: 'hpa-scaled', params: { name: 'demo', direction: 'down', atMostReplicas: 1 } }],
      hint: 'kubectl apply -f demo-hpa.yaml; kubectl get hpa demo zeigt unter TARGETS Ist und Ziel.',
      solution: 'solutions/hpa.sh',
    },
    {
      id: 'last',
      title: 'Last erzeugen',
      checks: [{ check: 'hpa-scaled', params: { name: 'demo', atLeastReplicas: 2 } }],
      hint: "kubectl create deployment last --image=werkbank/toolbox:1 -- sh -c 'trap exit TERM; while true; do wget -q -O /dev/null \"http://demo/burn?ms=200\"; done'",
      solution: 'solutions/last.sh',
    },
    {
      id: 'herunter',
      title: 'Die Last beenden',
      checks: [{ check: 'hpa-scaled', params: { name: 'demo', direction: 'down', atMostReplicas: 1 } }],
      hint: 'kubectl delete deployment last; nach dem Stabilisierungsfenster von 30 Sekunden geht der HPA auf einen Pod zurück.',
      solution: 'solutions/herunter.sh',
    },
  ],
});
