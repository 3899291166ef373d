import { defineLab } from '../define.ts';

// Flux (source-controller + kustomize-controller) and a Git server run in every learner
// cluster from this lab's setup; the learner fills the repository, points Flux at it and
// watches it follow a commit, heal a hand-made change and prune a deleted file.
export default defineLab({
  id: 'gitops',
  title: 'GitOps mit Flux: der Cluster folgt dem Repository',
  lesson: 'gitops',
  // A cluster of its own: Flux in the cluster: CRDs, ClusterRoles, the namespace flux-system, images copied with Docker.
  needs: 'cluster',
  namespace: 'gitops-lab',
  setup: { script: 'setup/flux.sh' },
  files: ['files/web.yaml', 'files/alt.yaml', 'files/quelle.yaml', 'files/sync.yaml'],
  steps: [
    {
      id: 'quelle',
      title: 'Repository füllen und als Quelle eintragen',
      checks: [{ check: 'flux-ready', params: { kind: 'GitRepository', name: 'app' } }],
      hint: 'kubectl port-forward -n flux-system svc/git 8080:80 & – dann git clone http://localhost:8080/git/app.git, web.yaml und alt.yaml hineinkopieren, committen, git push origin main; danach kubectl apply -f quelle.yaml.',
      solution: 'solutions/quelle.sh',
    },
    {
      id: 'sync',
      title: 'Flux anwenden lassen',
      checks: [
        { check: 'flux-ready', params: { kind: 'Kustomization', name: 'app' } },
        { check: 'deployment-available', params: { name: 'web', replicas: 2 } },
        { check: 'deployment-available', params: { name: 'alt' } },
      ],
      hint: 'kubectl apply -f sync.yaml; kubectl get kustomization app -w zeigt, wann Flux fertig ist.',
      solution: 'solutions/sync.sh',
    },
    {
      id: 'aendern',
      title: 'Eine Änderung über Git ausrollen',
      checks: [
        { check: 'flux-ready', params: { kind: 'Kustomization', name: 'app' } },
        { check: 'deployment-available', params: { name: 'web', replicas: 3 } },
      ],
      hint: 'In app/web.yaml replicas auf 3 setzen, committen, pushen. Flux fragt jede Minute nach; sofort: kubectl annotate --overwrite gitrepository app reconcile.fluxcd.io/requestedAt="$(date +%s)".',
      solution: 'solutions/aendern.sh',
    },
    {
      id: 'drift',
      title: 'Von Hand skalieren und heilen sehen',
      checks: [{ check: 'drift-healed', params: { deployment: 'web', replicas: 3 } }],
      hint: 'kubectl scale deployment web --replicas=5, dann kubectl get deployment web -w: beim nächsten Abgleich (höchstens eine Minute) setzt Flux auf 3 zurück.',
      solution: 'solutions/drift.sh',
    },
    {
      id: 'prune',
      title: 'Eine Datei löschen und aufräumen lassen',
      checks: [
        { check: 'flux-pruned', params: { kustomization: 'app', kind: 'Deployment', name: 'alt' } },
        { check: 'flux-ready', params: { kind: 'Kustomization', name: 'app' } },
      ],
      hint: 'git rm alt.yaml, committen, pushen, Quelle anstoßen; kubectl get deployments zeigt, wie alt verschwindet.',
      solution: 'solutions/prune.sh',
    },
  ],
});
