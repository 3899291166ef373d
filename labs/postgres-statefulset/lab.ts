import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

const backup = jobTemplate(import.meta.dirname, 'files/backup.yaml');
const restore = jobTemplate(import.meta.dirname, 'files/restore.yaml');
const dnsTest = jobTemplate(import.meta.dirname, 'files/dns-test.yaml');

export default defineLab({
  id: 'postgres-statefulset',
  title: 'PostgreSQL als StatefulSet mit Backup',
  lesson: 'postgres-statefulset',
  // A cluster of its own: its namespace, volumes from the cluster's StorageClass and pods (postgres, `kubectl run`) Pod Security "restricted" refuses.
  needs: 'cluster',
  namespace: 'datenbank',
  files: ['files/postgres.yaml', 'files/backup.yaml', 'files/dns-test.yaml', 'files/restore.yaml'],
  steps: [
    {
      id: 'statefulset',
      title: 'PostgreSQL starten',
      checks: [
        { check: 'statefulset-ready', params: { name: 'postgres', replicas: 1 } },
        { check: 'secret-referenced', params: { kind: 'StatefulSet', name: 'postgres', secret: 'postgres-zugang', key: 'POSTGRES_PASSWORD' } },
      ],
      hint: 'Erst das Secret postgres-zugang (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB), dann kubectl apply -f postgres.yaml und kubectl rollout status statefulset/postgres.',
      solution: 'solutions/statefulset.sh',
    },
    {
      id: 'neustart',
      title: 'Daten anlegen und den Pod ersetzen',
      checks: [
        {
          check: 'command-output',
          params: {
            pod: 'postgres-0',
            // The database itself knows whether a row is older than the running server.
            command: [
              'psql', '-U', 'app', '-d', 'shop', '-tAc',
              "SELECT CASE WHEN count(*) > 0 THEN 'überlebt' ELSE 'neu' END FROM kunden WHERE angelegt < pg_postmaster_start_time()",
            ],
            expect: 'überlebt',
            shows: 'ein Eintrag in ‚kunden‘ von vor dem Neustart',
          },
        },
      ],
      hint: 'Tabelle kunden mit der Spalte angelegt timestamptz DEFAULT now() anlegen, einen Eintrag einfügen, dann kubectl delete pod postgres-0 und warten, bis der neue Pod bereit ist.',
      solution: 'solutions/neustart.sh',
    },
    {
      id: 'dns',
      title: 'Die Datenbank über DNS erreichen',
      checks: [
        // The learner's lookups, from a pod of their own …
        { check: 'job-succeeded', params: { job: 'dns-test', template: dnsTest } },
        {
          check: 'command-output',
          params: {
            pod: 'postgres-0',
            // Only a headless Service makes "postgres" resolve to the pod itself; a
            // ClusterIP Service would answer with its own virtual IP.
            command: [
              'sh', '-c',
              'dienst=$(getent hosts postgres | cut -d" " -f1); pod=$(getent hosts postgres-0.postgres | cut -d" " -f1); echo "postgres: ${dienst:-nicht auflösbar}, postgres-0.postgres: ${pod:-nicht auflösbar}"; [ -n "$dienst" ] && [ "$dienst" = "$pod" ] && echo "beide zeigen auf den Pod"',
            ],
            // … and that both names lead to the pod itself.
            expect: 'beide zeigen auf den Pod',
            shows: 'ein Service-Name, der direkt auf den Pod auflöst (Headless Service)',
          },
        },
      ],
      hint: 'kubectl apply -f dns-test.yaml und kubectl logs job/dns-test. Lösen die Namen nicht auf: Der Service postgres braucht clusterIP: None und das StatefulSet serviceName: postgres.',
      solution: 'solutions/dns.sh',
    },
    {
      id: 'backup',
      title: 'Den Backup-CronJob einrichten und auslösen',
      checks: [{ check: 'job-succeeded', params: { job: 'backup-jetzt', template: backup } }],
      hint: 'kubectl apply -f backup.yaml, dann kubectl create job --from=cronjob/postgres-backup backup-jetzt.',
      solution: 'solutions/backup.sh',
    },
    {
      id: 'rotation',
      title: 'Nur die letzten fünf behalten',
      // successfulJobsHistoryLimit keeps three finished Jobs: three successes mean the loop ran.
      checks: [{ check: 'job-succeeded', params: { cronJob: 'postgres-backup', minSucceeded: 3, template: backup } }],
      hint: 'Eine for-Schleife mit kubectl create job --from=cronjob/postgres-backup "backup-$i" und kubectl wait für jeden Job.',
      solution: 'solutions/rotation.sh',
    },
    {
      id: 'restore',
      title: 'Ein Backup zurückspielen',
      checks: [
        // The lab's own restore Job (ON_ERROR_STOP: it fails while the table still exists) …
        { check: 'job-succeeded', params: { job: 'restore', template: restore } },
        // … and the rows it brought back.
        {
          check: 'command-output',
          params: {
            pod: 'postgres-0',
            command: ['psql', '-U', 'app', '-d', 'shop', '-tAc', "SELECT CASE WHEN count(*) > 0 THEN 'wieder da' ELSE 'leer' END FROM kunden"],
            expect: 'wieder da',
            shows: 'die Tabelle ‚kunden‘ mit ihren Einträgen aus dem Backup',
          },
        },
      ],
      hint: 'Erst kubectl exec postgres-0 -- psql -U app -d shop -c "DROP TABLE kunden;", dann kubectl apply -f restore.yaml und kubectl logs job/restore.',
      solution: 'solutions/restore.sh',
    },
  ],
});
