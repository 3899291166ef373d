import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

const stichprobe = jobTemplate(import.meta.dirname, 'files/stichprobe.yaml');

export default defineLab({
  id: 'canary-gateway',
  title: 'Canary mit Gewichten',
  lesson: 'canary-gateway',
  // A cluster of its own: its namespace and the cluster's Gateway API (GatewayClass traefik, Traefik's API for the live weights).
  needs: 'cluster',
  namespace: 'gewichte',
  files: ['files/web-v1.yaml', 'files/web-v2.yaml', 'files/gateway.yaml', 'files/route.yaml', 'files/stichprobe.yaml', 'files/traefik-gewichte.sh'],
  steps: [
    {
      id: 'versionen',
      title: 'Zwei Versionen, zwei Services',
      checks: [
        { check: 'deployment-available', params: { name: 'web-v1', replicas: 1 } },
        { check: 'deployment-available', params: { name: 'web-v2', replicas: 1 } },
        { check: 'service-endpoints', params: { name: 'web-v1', minReady: 1 } },
        { check: 'service-endpoints', params: { name: 'web-v2', minReady: 1 } },
      ],
      hint: 'kubectl create namespace gewichte, dann kubectl apply -f web-v1.yaml -f web-v2.yaml -n gewichte.',
      solution: 'solutions/versionen.sh',
    },
    {
      id: 'route',
      title: 'Gateway und HTTPRoute mit 90/10',
      checks: [{ check: 'httproute-weights', params: { name: 'web', gateway: 'web', backends: { 'web-v1': 90, 'web-v2': 10 } } }],
      hint: 'kubectl apply -f gateway.yaml -f route.yaml; kubectl get httproute web -o yaml zeigt unter status.parents, ob Traefik sie angenommen hat.',
      solution: 'solutions/route.sh',
    },
    {
      id: 'messen',
      title: 'Den Anteil messen',
      checks: [
        { check: 'job-succeeded', params: { job: 'stichprobe', template: stichprobe } },
        { check: 'traffic-split', params: { job: 'stichprobe', shares: { v1: 90, v2: 10 } } },
      ],
      hint: 'kubectl apply -f stichprobe.yaml, warten bis der Job fertig ist, dann kubectl logs job/stichprobe.',
      solution: 'solutions/messen.sh',
    },
    {
      id: 'halbe-halbe',
      title: 'Auf 50/50 erhöhen',
      checks: [
        { check: 'httproute-weights', params: { name: 'web', gateway: 'web', backends: { 'web-v1': 50, 'web-v2': 50 } } },
        { check: 'job-succeeded', params: { job: 'stichprobe', template: stichprobe } },
        { check: 'traffic-split', params: { job: 'stichprobe', shares: { v1: 50, v2: 50 } } },
      ],
      hint: 'Beide Gewichte in route.yaml auf 50 setzen, kubectl apply -f route.yaml, dann die Stichprobe neu starten (Job löschen und wieder anlegen).',
      solution: 'solutions/halbe-halbe.sh',
    },
    {
      id: 'umstellen',
      title: 'Ganz auf Version 2',
      checks: [
        { check: 'httproute-weights', params: { name: 'web', gateway: 'web', backends: { 'web-v2': 100 } } },
        { check: 'job-succeeded', params: { job: 'stichprobe', template: stichprobe } },
        { check: 'traffic-split', params: { job: 'stichprobe', shares: { v1: 0, v2: 100 } } },
        { check: 'objects-removed', params: { deployments: ['web-v1'], services: ['web-v1'] } },
      ],
      hint: 'Erst web-v1 aus den backendRefs nehmen und anwenden, dann Deployment und Service web-v1 löschen und noch einmal messen.',
      solution: 'solutions/umstellen.sh',
    },
  ],
});
