import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

export default defineLab({
  id: 'services',
  title: 'Ein Service vor drei Webservern',
  lesson: 'services',
  // A cluster of its own: its namespace, NodePorts on the nodes and pods from `kubectl create deployment`.
  needs: 'cluster',
  namespace: 'services',
  files: ['files/web-service.yaml', 'files/abruf.yaml', 'files/web-nodeport.yaml'],
  steps: [
    {
      id: 'deployment',
      title: 'Drei Webserver starten',
      checks: [{ check: 'deployment-available', params: { name: 'web', replicas: 3 } }],
      hint: 'kubectl create deployment web --image=werkbank/nginx:1 --replicas=3 --port=80 im Namespace services.',
      solution: 'solutions/deployment.sh',
    },
    {
      id: 'service',
      title: 'Den Service anlegen',
      checks: [{ check: 'service-endpoints', params: { name: 'web', minReady: 3, type: 'ClusterIP' } }],
      hint: 'kubectl apply -f web-service.yaml; der Selektor app: web muss zu den Labels der Pods passen.',
      solution: 'solutions/service.sh',
    },
    {
      id: 'dns',
      title: 'Den Service über DNS erreichen',
      checks: [{ check: 'job-succeeded', params: { job: 'abruf', template: jobTemplate(import.meta.dirname, 'files/abruf.yaml') } }],
      hint: 'Der Job aus abruf.yaml löst den Namen web auf und ruft web.services.svc.cluster.local ab; kubectl logs job/abruf zeigt, was er bekam.',
      solution: 'solutions/dns.sh',
    },
    {
      id: 'folgen',
      title: 'Der Service folgt den Pods',
      // Pods younger than the Service show that the step replaced them; the EndpointSlice followed.
      checks: [{ check: 'service-endpoints', params: { name: 'web', minReady: 3, type: 'ClusterIP', replacedPods: true } }],
      hint: 'kubectl delete pod -l app=web löscht alle Pods von web; das Deployment legt neue an, und die EndpointSlice von web zeigt ihre neuen Adressen.',
      solution: 'solutions/folgen.sh',
    },
    {
      id: 'nodeport',
      title: 'Von außen über einen NodePort',
      checks: [{ check: 'service-endpoints', params: { name: 'web-nodeport', minReady: 3, type: 'NodePort' } }],
      hint: 'kubectl apply -f web-nodeport.yaml; die Node-IP steht bei kubectl get nodes -o wide unter INTERNAL-IP.',
      solution: 'solutions/nodeport.sh',
    },
  ],
});
