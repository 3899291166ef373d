import { defineLab } from '../define.ts';

export default defineLab({
  id: 'konfiguration',
  title: 'Konfiguration und Geheimnisse getrennt vom Image',
  lesson: 'konfiguration',
  // ConfigMaps, Secrets and a Deployment whose pod meets Pod Security "restricted" work
  // in a restricted namespace of the learner's.
  needs: 'namespace',
  namespace: 'konfiguration',
  files: ['files/app-config.yaml', 'files/app.yaml'],
  steps: [
    {
      id: 'configmap',
      title: 'Die ConfigMap anlegen',
      checks: [{ check: 'config-data', params: { kind: 'ConfigMap', name: 'app-config', keys: ['DB_HOST', 'LOG_LEVEL', 'begruessung.txt'] } }],
      hint: 'kubectl apply -f app-config.yaml im Namespace konfiguration.',
      solution: 'solutions/configmap.sh',
    },
    {
      id: 'secret',
      title: 'Das Secret anlegen',
      checks: [{ check: 'config-data', params: { kind: 'Secret', name: 'db-zugang', keys: ['password'], values: { username: 'app' } } }],
      hint: 'kubectl create secret generic db-zugang --from-literal=username=app --from-literal=password=…',
      solution: 'solutions/secret.sh',
    },
    {
      id: 'deployment',
      title: 'Das Deployment mit Verweisen starten',
      checks: [
        { check: 'deployment-available', params: { name: 'app' } },
        { check: 'secret-referenced', params: { name: 'app', secret: 'db-zugang', key: 'password', env: 'DB_PASSWORD' } },
        // The app reads DB_HOST and LOG_LEVEL from its environment and its files under /etc/app.
        { check: 'configmap-used', params: { name: 'app', configMap: 'app-config', env: ['DB_HOST', 'LOG_LEVEL'], mountPath: '/etc/app' } },
      ],
      hint: 'DB_PASSWORD braucht valueFrom.secretKeyRef mit name: db-zugang und key: password, nie einen value.',
      solution: 'solutions/deployment.sh',
    },
    {
      id: 'aenderung',
      title: 'Eine Änderung übernehmen',
      checks: [
        { check: 'config-data', params: { kind: 'ConfigMap', name: 'app-config', values: { LOG_LEVEL: 'debug' } } },
        // The change counts only once the running app sees it: its environment is set at start.
        { check: 'config-current', params: { name: 'app', configMap: 'app-config', key: 'LOG_LEVEL' } },
      ],
      hint: 'Setz LOG_LEVEL in app-config.yaml auf debug und wende die Datei an; die Umgebungsvariable ändert sich erst mit kubectl rollout restart deployment/app.',
      solution: 'solutions/aenderung.sh',
    },
  ],
});
