import { defineLab } from '../define.ts';

// Six independent faults in one namespace, made by the setup; each step describes only
// what a user notices, and its checks look at the repaired state.
export default defineLab({
  id: 'fehlersuche',
  title: 'Fehlersuche: sechs kaputte Anwendungen',
  lesson: 'fehlersuche',
  // A cluster of its own: its setup makes namespaces (one with its own Pod Security level) and pods Pod Security "restricted" refuses.
  needs: 'cluster',
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
    {
      id: 'probe',
      title: 'Der Bestand ist nie bereit',
      checks: [
        { check: 'deployment-available', params: { name: 'bestand', replicas: 1 } },
        // Deleting the probe is no repair: the Service would send traffic to a pod not yet listening.
        { check: 'probes-set', params: { name: 'bestand', probes: ['readiness'] } },
      ],
      hint: 'kubectl describe pod -l app=bestand zeigt unter Events „Readiness probe failed“. Vergleiche den Port der Probe mit dem containerPort, auf dem die App lauscht.',
      solution: 'solutions/probe.sh',
    },
    {
      id: 'podsecurity',
      title: 'Der Rechner hat keinen einzigen Pod',
      checks: [
        { check: 'deployment-available', params: { name: 'rechner', replicas: 1, namespace: 'fehlersuche-sicher' } },
        // Taking the label off the namespace would also make pods: the step wants them secured.
        { check: 'pod-security', params: { name: 'rechner', namespace: 'fehlersuche-sicher' } },
      ],
      hint: 'Ohne Pods gibt es keine Pod-Events: kubectl describe replicaset -n fehlersuche-sicher zeigt, warum keiner entsteht. Der Namespace verlangt das Pod-Security-Level restricted – gib dem Pod-Template einen passenden securityContext.',
      solution: 'solutions/podsecurity.sh',
    },
  ],
});
