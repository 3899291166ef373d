import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

// The capstone: every piece is one the course taught; the checks are the library's own.
export default defineLab({
  id: 'studenten-api',
  title: 'Abschlussprojekt: die Studenten-API',
  lesson: 'studenten-api',
  // A cluster of its own: its namespace, volumes, an Ingress and pods Pod Security "restricted" refuses.
  needs: 'cluster',
  namespace: 'development',
  files: ['files/backup.yaml'],
  steps: [
    {
      id: 'datenbank',
      title: 'PostgreSQL mit Secret und Volume',
      checks: [
        { check: 'statefulset-ready', params: { name: 'postgres', replicas: 1 } },
        { check: 'secret-referenced', params: { kind: 'StatefulSet', name: 'postgres', secret: 'studenten-db', key: 'POSTGRES_PASSWORD' } },
      ],
      hint: 'Namespace development, Secret studenten-db mit POSTGRES_USER, POSTGRES_PASSWORD und POSTGRES_DB, dazu ein Headless Service postgres und ein StatefulSet mit volumeClaimTemplates – wie in der Lektion PostgreSQL.',
      solution: 'solutions/datenbank.sh',
    },
    {
      id: 'api',
      title: 'Die API: zwei Replikas, Probes, Ressourcen, Sicherheit',
      checks: [
        { check: 'deployment-available', params: { name: 'student-api', replicas: 2 } },
        { check: 'secret-referenced', params: { name: 'student-api', secret: 'studenten-db', key: 'POSTGRES_PASSWORD', env: 'DB_PASSWORD' } },
        { check: 'probes-set', params: { name: 'student-api', probes: ['readiness', 'liveness'] } },
        { check: 'resources-set', params: { name: 'student-api' } },
        { check: 'pod-security', params: { name: 'student-api', readOnlyRootFilesystem: true } },
        { check: 'service-endpoints', params: { name: 'student-api', minReady: 2 } },
      ],
      hint: 'Deployment student-api mit werkbank/demo-app:1 als Platzhalter, DB_PASSWORD per secretKeyRef, Readiness- und Liveness-Probe auf /healthz:8080, requests und limits für cpu und memory, securityContext wie in der Lektion Sicherheit (runAsNonRoot, runAsUser 10001, keine Rechteausweitung, capabilities drop ALL, readOnlyRootFilesystem), dazu ein Service student-api auf Port 80.',
      solution: 'solutions/api.sh',
    },
    {
      id: 'ingress',
      title: 'Von außen unter /api',
      checks: [{ check: 'ingress-routes', params: { name: 'student-api', host: 'studenten.werkbank.local', path: '/api', service: 'student-api', port: 80 } }],
      hint: 'Ein Ingress mit ingressClassName: traefik, Host studenten.werkbank.local, path /api (pathType Prefix) auf den Service student-api, Port 80.',
      solution: 'solutions/ingress.sh',
    },
    {
      id: 'hpa',
      title: 'Mitwachsen mit der Last',
      // Down at its minimum means: the HPA exists and reads metrics.
      checks: [{ check: 'hpa-scaled', params: { name: 'student-api', direction: 'down', atMostReplicas: 2 } }],
      hint: 'kubectl autoscale deployment student-api --min=2 --max=5 --cpu-percent=70; die CPU-Requests aus dem vorigen Schritt braucht der HPA zum Rechnen.',
      solution: 'solutions/hpa.sh',
    },
    {
      id: 'backup',
      title: 'Die nächtliche Sicherung',
      checks: [{ check: 'job-succeeded', params: { job: 'backup-jetzt', template: jobTemplate(import.meta.dirname, 'files/backup.yaml') } }],
      hint: 'kubectl apply -f backup.yaml, dann kubectl create job --from=cronjob/studenten-backup backup-jetzt und kubectl wait --for=condition=Complete job/backup-jetzt.',
      solution: 'solutions/backup.sh',
    },
  ],
});
