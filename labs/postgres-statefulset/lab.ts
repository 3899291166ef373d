import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

const backup = jobTemplate(import.meta.dirname, 'files/backup.yaml');

export default defineLab({
  id: 'postgres-statefulset',
  title: 'PostgreSQL als StatefulSet mit Backup',
  lesson: 'postgres-statefulset',
  namespace: 'datenbank',
  files: ['files/postgres.yaml', 'files/backup.yaml'],
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
  ],
});
