import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

export default defineLab({
  id: 'ingress',
  title: 'Zwei Anwendungen hinter einem Ingress',
  lesson: 'ingress',
  // A cluster of its own: the cluster's ingress controller (IngressClass traefik) and pods from `kubectl run`.
  needs: 'cluster',
  namespace: 'ingress-lab',
  files: ['files/ingress.yaml', 'files/http-test.yaml'],
  steps: [
    {
      id: 'services',
      title: 'Zwei Anwendungen starten',
      checks: [
        { check: 'service-endpoints', params: { name: 'shop' } },
        { check: 'service-endpoints', params: { name: 'blog' } },
      ],
      hint: 'kubectl create deployment shop --image=werkbank/demo-app:1 --port=8080, dann kubectl expose deployment shop --port=80 --target-port=8080; für blog ebenso mit werkbank/nginx:1 und Port 80.',
      solution: 'solutions/services.sh',
    },
    {
      id: 'ingress',
      title: 'Den Ingress anlegen',
      checks: [
        { check: 'ingress-routes', params: { name: 'werkbank', host: 'shop.werkbank.local', service: 'shop', port: 80 } },
        { check: 'ingress-routes', params: { name: 'werkbank', host: 'blog.werkbank.local', service: 'blog', port: 80 } },
      ],
      hint: 'kubectl apply -f ingress.yaml; kubectl describe ingress werkbank zeigt jede Regel mit ihrem Backend.',
      solution: 'solutions/ingress.sh',
    },
    {
      id: 'http',
      title: 'Über HTTP testen',
      checks: [{ check: 'job-succeeded', params: { job: 'http-test', template: jobTemplate(import.meta.dirname, 'files/http-test.yaml') } }],
      hint: "Der Job aus http-test.yaml fragt den Controller mit beiden Host-Headern; kubectl logs job/http-test zeigt die Antworten.",
      solution: 'solutions/http.sh',
    },
  ],
});
