import { defineLab } from '../define.ts';
import { jobTemplate } from '../job-template.ts';

export default defineLab({
  id: 'speicher',
  title: 'Daten, die bleiben',
  lesson: 'speicher',
  // A cluster of its own: PersistentVolumes (`kubectl patch pv`, cluster-scoped).
  needs: 'cluster',
  namespace: 'speicher',
  files: ['files/daten-pvc.yaml', 'files/notizen.yaml', 'files/lesen.yaml'],
  steps: [
    {
      id: 'pvc',
      title: 'Namespace und PVC anlegen',
      // The claim stays Pending until a pod uses it (WaitForFirstConsumer); step 2 checks it.
      checks: [{ check: 'namespace-exists', params: { name: 'speicher' } }],
      hint: 'kubectl create namespace speicher, dann kubectl config set-context --current --namespace=speicher und kubectl apply -f daten-pvc.yaml.',
      solution: 'solutions/pvc.sh',
    },
    {
      id: 'schreiben',
      title: 'Ein Pod schreibt auf das Volume',
      checks: [
        { check: 'deployment-available', params: { name: 'notizen', replicas: 1 } },
        { check: 'pvc-bound', params: { name: 'daten', storageClass: 'standard', size: '100Mi' } },
      ],
      hint: 'Das Deployment braucht unter volumes einen persistentVolumeClaim mit claimName: daten und im Container ein volumeMount nach /daten.',
      solution: 'solutions/schreiben.sh',
    },
    {
      id: 'ueberleben',
      title: 'Die Daten überleben den Pod',
      checks: [{ check: 'job-succeeded', params: { job: 'lesen', template: jobTemplate(import.meta.dirname, 'files/lesen.yaml') } }],
      hint: 'Lösch den Pod mit kubectl delete pod -l app=notizen und starte danach den Job aus lesen.yaml; er liest die erste Zeile von /daten/notizen.txt.',
      solution: 'solutions/ueberleben.sh',
    },
    {
      id: 'retain',
      title: 'Das Volume vor dem Löschen schützen',
      checks: [{ check: 'pvc-bound', params: { name: 'daten', reclaimPolicy: 'Retain' } }],
      hint: "Den Namen des PV liefert kubectl get pvc daten -o jsonpath='{.spec.volumeName}'; ändere ihn mit kubectl patch pv.",
      solution: 'solutions/retain.sh',
    },
  ],
});
