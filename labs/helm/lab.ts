import { defineLab } from '../define.ts';

export default defineLab({
  id: 'helm',
  title: 'Ein eigenes Helm-Chart installieren, aktualisieren, zurückrollen',
  lesson: 'helm',
  // A cluster of its own: its namespace and a chart whose pods lack the securityContext Pod Security "restricted" demands.
  needs: 'cluster',
  namespace: 'helm-lab',
  steps: [
    {
      id: 'chart',
      title: 'Das Chart anlegen und prüfen',
      // The chart lives in the learner's files, out of the cluster's sight: the check can
      // only see the namespace; helm lint is the learner's own check here.
      checks: [{ check: 'namespace-exists', params: { name: 'helm-lab' } }],
      hint: 'kubectl create namespace helm-lab, den Kontext umstellen, dann mkdir -p demo/templates und die vier Dateien anlegen; helm lint ./demo prüft sie.',
      solution: 'solutions/chart.sh',
    },
    {
      id: 'install',
      title: 'Installieren',
      checks: [
        // Any deployed revision: after a failed install, `helm upgrade --install` makes it revision 2.
        { check: 'helm-release-deployed', params: { release: 'shop', minRevision: 1, chart: 'demo' } },
        { check: 'deployment-available', params: { name: 'shop' } },
      ],
      hint: 'helm install shop ./demo --wait',
      solution: 'solutions/install.sh',
    },
    {
      id: 'upgrade',
      title: 'Aktualisieren',
      checks: [
        // The latest deployed revision with the asked values: a failed upgrade before makes it 3.
        { check: 'helm-release-deployed', params: { release: 'shop', minRevision: 2, values: { appVersion: 'v2', replicaCount: 3 } } },
        { check: 'deployment-available', params: { name: 'shop', replicas: 3 } },
      ],
      hint: 'helm upgrade shop ./demo --set appVersion=v2 --set replicaCount=3 --wait',
      solution: 'solutions/upgrade.sh',
    },
    {
      id: 'rollback',
      title: 'Zurückrollen',
      checks: [{ check: 'helm-release-deployed', params: { release: 'shop', rolledBackTo: 1 } }],
      hint: 'helm rollback shop 1 --wait; helm history shop zeigt die neue Revision 3.',
      solution: 'solutions/rollback.sh',
    },
  ],
});
