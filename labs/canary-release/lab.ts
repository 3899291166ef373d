import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

export default defineLab({
  id: 'canary-release',
  title: 'Version 2 als Canary',
  lesson: 'canary-release',
  // A cluster of its own: images built with Docker and loaded into the nodes (`kind load`).
  needs: 'cluster',
  namespace: 'canary',
  files: ['files/web-stabil.yaml', 'files/web-canary.yaml', 'files/stichprobe.yaml'],
  steps: [
    {
      id: 'stabil',
      title: 'Die stabile Version starten',
      checks: [
        { check: 'deployment-available', params: { name: 'web-stabil', replicas: 3 } },
        { check: 'service-endpoints', params: { name: 'web', minReady: 3 } },
      ],
      hint: 'kubectl apply -f web-stabil.yaml im Namespace canary.',
      solution: 'solutions/stabil.sh',
    },
    {
      id: 'canary',
      title: 'Den Canary dazustellen',
      checks: [
        { check: 'deployment-available', params: { name: 'web-canary', replicas: 1 } },
        // The canary is the new version: with the old tag it measures nothing.
        { check: 'rollout-complete', params: { name: 'web-canary', image: 'werkbank/demo-app:2', container: 'app' } },
        // Both sides behind the one Service: three stable pods and the canary.
        { check: 'service-endpoints', params: { name: 'web', minReady: 4 } },
      ],
      hint: 'docker tag werkbank/demo-app:1 werkbank/demo-app:2, kind load docker-image werkbank/demo-app:2, dann kubectl apply -f web-canary.yaml.',
      solution: 'solutions/canary.sh',
    },
    {
      id: 'messen',
      title: 'Den Anteil messen',
      checks: [{ check: 'job-succeeded', params: { job: 'stichprobe', template: jobTemplate(import.meta.dirname, 'files/stichprobe.yaml') } }],
      hint: 'kubectl apply -f stichprobe.yaml; kubectl logs job/stichprobe zeigt, wie oft v1 und v2 geantwortet haben.',
      solution: 'solutions/messen.sh',
    },
    {
      id: 'umstellen',
      title: 'Ganz umstellen',
      checks: [{ check: 'rollout-complete', params: { name: 'web-stabil', image: 'werkbank/demo-app:2', container: 'app' } }],
      hint: 'kubectl set image deployment/web-stabil app=werkbank/demo-app:2 und kubectl set env deployment/web-stabil APP_VERSION=v2, danach kubectl delete deployment web-canary.',
      solution: 'solutions/umstellen.sh',
    },
  ],
});
