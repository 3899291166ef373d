import { defineLab } from '../define.ts';

// Four independent faults in one namespace, made by the setup; each step describes only
// what a user notices, and its checks look at the repaired state.
export default defineLab({
  id: 'fehlersuche',
  title: 'Fehlersuche: vier kaputte Anwendungen',
  lesson: 'fehlersuche',
  namespace: 'fehlersuche',
  setup: { manifests: ['setup/kaputt.yaml'], script: 'setup/kaputt.sh' },
  steps: [
    {
      id: 'selector',
      title: 'Der Shop antwortet nicht',
      checks: [{ check: 'service-endpoints', params: { name: 'shop', minReady: 2 } }],
      hint: 'Vergleiche kubectl get service shop -o yaml (spec.selector) mit kubectl get pods --show-labels. Ein Service ohne Endpunkte hat fast immer einen Selektor, der zu keinem Pod passt.',
      solution: 'solutions/selector.sh',
    },
    {
      id: 'secret',
      title: 'Die API startet nicht',
      checks: [
        { check: 'deployment-available', params: { name: 'api', replicas: 1 } },
        { check: 'secret-referenced', params: { name: 'api', secret: 'api-zugang', env: 'DB_PASSWORD' } },
      ],
      hint: 'kubectl describe pod -l app=api zeigt unter Events den Grund für CreateContainerConfigError. Vergleiche den Schlüssel in secretKeyRef mit den Schlüsseln in kubectl get secret api-zugang -o yaml.',
      solution: 'solutions/secret.sh',
    },
    {
      id: 'image',
      title: 'Das Update des Katalogs hängt',
      checks: [{ check: 'rollout-complete', params: { name: 'katalog', image: 'werkbank/nginx:1', container: 'web' } }],
      hint: 'Der neue Pod steht in ImagePullBackOff: Dieses Image gibt es nicht. kubectl rollout history deployment/katalog zeigt die Revisionen, kubectl rollout undo kehrt zur letzten funktionierenden zurück.',
      solution: 'solutions/image.sh',
    },
    {
      id: 'speicher',
      title: 'Der Upload-Dienst bleibt Pending',
      checks: [
        { check: 'pvc-bound', params: { name: 'uploads', storageClass: 'standard' } },
        { check: 'deployment-available', params: { name: 'upload', replicas: 1 } },
      ],
      hint: 'kubectl describe pvc uploads nennt die StorageClass, kubectl get storageclass zeigt, welche es gibt. Die Klasse eines PVC lässt sich nicht ändern: Deployment auf 0 skalieren, PVC löschen, mit storageClassName: standard neu anlegen, wieder hochskalieren.',
      solution: 'solutions/speicher.sh',
    },
  ],
});
