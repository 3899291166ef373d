// `lab validate` for labs that say they work in a namespace of their own: what would need
// the cluster is named with its file and line; the course's own labs all pass.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../config.ts';
import { formatProblem, loadLabs } from './load.ts';
import { scriptScopeProblems, yamlScopeProblems } from './scope-problems.ts';

const defineLabPath = join(repoRoot, 'labs', 'define.ts');

const labTs = (needs: string, stepNeeds = '') => `import { defineLab } from ${JSON.stringify(defineLabPath)};
export default defineLab({
  id: 'beispiel',
  title: 'Beispiel',
  lesson: 'lektion',
  needs: '${needs}',
  namespace: 'beispiel',
  files: ['files/start.yaml'],
  steps: [
    {
      id: 'eins',
      title: 'Anwenden',
      checks: [{ check: 'namespace-exists', params: { name: 'beispiel' } }],
      hint: 'kubectl apply -f start.yaml',
      solution: 'solutions/eins.sh',${stepNeeds ? `\n      needs: '${stepNeeds}',` : ''}
    },
  ],
});
`;

const withNamespace = `apiVersion: v1
kind: ConfigMap
metadata:
  name: werte
data:
  a: "1"
---
apiVersion: v1
kind: Namespace
metadata:
  name: noch-einer
`;

async function catalogWith(lab: string, files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'werkbank-scope-'));
  const dir = join(root, 'labs', 'beispiel');
  await mkdir(join(root, 'lessons'), { recursive: true });
  await writeFile(join(root, 'lessons', 'lektion.mdx'), '<Lab id="beispiel">\n<Step id="eins">\n</Step>\n</Lab>\n');
  for (const [path, text] of Object.entries({ 'lab.ts': lab, ...files })) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const catalog = await loadLabs({ labsDir: join(root, 'labs'), lessonsDir: join(root, 'lessons') });
  return { ...catalog, lines: catalog.problems.map(formatProblem), dir: relative(repoRoot, dir) };
}

describe('lab validate and what a lab needs', () => {
  test('a lab marked "namespace" with a Namespace in its files fails with that file and line', async () => {
    const result = await catalogWith(labTs('namespace'), { 'files/start.yaml': withNamespace, 'solutions/eins.sh': 'kubectl apply -f start.yaml\n' });
    expect(result.labs).toEqual([]);
    expect(result.lines).toEqual([`${result.dir}/files/start.yaml:9: braucht einen eigenen Cluster (needs: 'namespace'): Namespace ist ein clusterweites Objekt`]);
  });

  test('the same lab marked "cluster", or with the file used only by a step that needs the cluster, is fine', async () => {
    const files = { 'files/start.yaml': withNamespace, 'solutions/eins.sh': 'kubectl apply -f start.yaml\n' };
    expect((await catalogWith(labTs('cluster'), files)).lines).toEqual([]);
    expect((await catalogWith(labTs('namespace', 'cluster'), files)).lines).toEqual([]);
  });

  test('a solution of a namespace step that loads images into the nodes is named at its line', async () => {
    const result = await catalogWith(labTs('namespace'), {
      'files/start.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: werte\n',
      'solutions/eins.sh': '# Kommentar: kind load docker-image zählt hier nicht\nkubectl apply -f start.yaml\nkind load docker-image shop:1.0\n',
    });
    expect(result.lines).toEqual([`${result.dir}/solutions/eins.sh:3: braucht einen eigenen Cluster (needs: 'namespace'): braucht kind und die Knoten (Images laden geht nur über eine Registry)`]);
  });

  test('pod specs must meet Pod Security "restricted": host access, privileges and missing fields are named', () => {
    const pod = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: beispiel
spec:
  template:
    spec:
      hostNetwork: true
      volumes:
        - name: wurzel
          hostPath:
            path: /
      containers:
        - name: web
          image: werkbank/nginx:1
          securityContext:
            privileged: true
`;
    const lines = yamlScopeProblems(pod, 'web.yaml', 'beispiel').map((problem) => `${problem.line}: ${problem.message.replace(/^.*\): /, '')}`);
    expect(lines).toEqual([
      '5: lass „namespace: beispiel“ weg – im Lernmodus „namespace“ hat der Namespace des Labs für jede Person einen eigenen Namen, und der Standard-Kontext zeigt schon auf ihn',
      '9: hostNetwork: true greift auf den Knoten zu',
      '12: ein hostPath-Volume greift auf den Knoten zu',
      '18: Container web: privileged: true',
      '17: Container web: Pod Security „restricted“ verlangt allowPrivilegeEscalation: false, capabilities.drop: [ALL], runAsNonRoot: true, seccompProfile.type: RuntimeDefault',
    ]);
    const restricted = `apiVersion: v1
kind: Pod
metadata:
  name: sicher
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: werkbank/toolbox:1
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
`;
    expect(yamlScopeProblems(restricted, 'sicher.yaml', 'beispiel')).toEqual([]);
    expect(yamlScopeProblems(restricted.replace('name: sicher', 'name: sicher\n  namespace: anderswo'), 'sicher.yaml', 'beispiel').map((problem) => problem.line)).toEqual([5]);
  });

  test('the script scan: cluster commands and other namespaces, but not the lab\'s own namespace or a container\'s arguments', () => {
    const script = [
      'kubectl create namespace beispiel',
      'kubectl config set-context --current --namespace=beispiel',
      'kubectl exec deploy/web -- head -n 1 /etc/hosts | tail -n 2',
      'kubectl create namespace zweiter',
      'kubectl get pods -n kube-system',
      'kubectl patch pv daten -p {}',
      'kubectl label node kind-control-plane zone=a',
      'docker build -t shop:1.0 .',
      'kubectl delete pods --all-namespaces -l app=web',
      'kubectl get configmaps -n beispiel',
    ].join('\n');
    expect(scriptScopeProblems(script, 's.sh', 'beispiel').map((problem) => problem.line)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  test('all of the course\'s labs validate, and konfiguration works in a namespace', async () => {
    const catalog = await loadLabs();
    expect(catalog.problems.map(formatProblem)).toEqual([]);
    expect(catalog.labs).toHaveLength(20);
    expect(catalog.labs.find(({ lab }) => lab.id === 'konfiguration')?.lab.needs).toBe('namespace');
  });
});
