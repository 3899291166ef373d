// The Helm chart (chart/werkbank/) passes `helm lint` in every learner mode, and what
// `helm template` renders keeps what a school relies on: one runner replaced with
// Recreate and its progress on a volume, the instructor token from a Secret, RBAC that
// names what it grants, an Ingress that keeps terminals open. The same rules are shown
// catching copies of the chart broken on purpose.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHART_DIR,
  deploymentProblems,
  grantedVerbs,
  helmLint,
  helmTemplate,
  ingressProblems,
  rbacProblems,
  type RenderedObject,
} from './chart-rules.ts';

const MODES = ['namespace', 'sandbox', 'none'] as const;
const scratch = mkdtempSync(join(tmpdir(), 'werkbank-chart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the chart with one template changed. */
function brokenChart(name: string, template: string, change: (text: string) => string): string {
  const dir = join(scratch, name);
  cpSync(CHART_DIR, dir, { recursive: true });
  const file = join(dir, 'templates', template);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`${name}: die Änderung an ${template} greift nicht`);
  writeFileSync(file, after);
  return dir;
}

function byKind(objects: RenderedObject[], kind: string, name?: string): RenderedObject[] {
  return objects.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
}

describe('helm lint', () => {
  it.each(MODES)('passes in mode %s with the Ingress on', async (mode) => {
    await expect(helmLint(CHART_DIR, [`learners.mode=${mode}`, 'ingress.enabled=true'])).resolves.toContain('0 chart(s) failed');
  });

  it('refuses a learner mode the runner does not know', async () => {
    await expect(helmLint(CHART_DIR, ['learners.mode=cluster-admin'])).rejects.toThrow(/mode/);
  });
});

describe('helm template', () => {
  it.each(MODES)('mode %s: one runner, Recreate, progress on the claim, token from the Secret, narrow RBAC', async (mode) => {
    const objects = await helmTemplate(CHART_DIR, [`learners.mode=${mode}`]);
    expect(deploymentProblems(objects)).toEqual([]);
    expect(rbacProblems(objects)).toEqual([]);
    expect(byKind(objects, 'Service')).toHaveLength(1);
    expect(byKind(objects, 'Ingress')).toHaveLength(0);
  });

  it('namespace mode: learners get a restricted namespace of sessions and a role the runner may only bind', async () => {
    const objects = await helmTemplate(CHART_DIR, ['learners.mode=namespace']);
    const [sessions] = byKind(objects, 'Namespace');
    expect(sessions?.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    // The runner makes learner namespaces but reads no Secret outside its sessions namespace.
    expect(grantedVerbs(objects, 'ClusterRole', 'namespaces')).toContain('create');
    expect(grantedVerbs(objects, 'ClusterRole', 'secrets')).toEqual([]);
    expect(byKind(objects, 'ClusterRole', 'wb-werkbank-learner')).toHaveLength(1);
    const deployment = byKind(objects, 'Deployment')[0]!;
    expect(JSON.stringify(deployment)).toContain('"automountServiceAccountToken":true');
  });

  it('sandbox mode: a privileged sessions namespace, and no rights outside it but reading nodes', async () => {
    const objects = await helmTemplate(CHART_DIR, ['learners.mode=sandbox']);
    const [sessions] = byKind(objects, 'Namespace');
    expect(sessions?.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged' });
    expect(grantedVerbs(objects, 'ClusterRole', 'namespaces')).toEqual([]);
    expect(grantedVerbs(objects, 'ClusterRole', 'nodes')).toEqual(['get', 'list', 'watch']);
    expect(grantedVerbs(objects, 'Role', 'pods/exec')).toContain('create');
  });

  it('sandbox mode: only the runner reaches the sandbox pods, which run the seeded sandbox image on the nodes picked for them', async () => {
    const objects = await helmTemplate(CHART_DIR, [
      'learners.mode=sandbox',
      'learners.nodeSelector.werkbank\\.dev/sandboxes=true',
      'learners.tolerations[0].key=werkbank.dev/sandboxes',
      'learners.tolerations[0].operator=Exists',
    ]);
    // Privileged is the sessions namespace's level, and no other namespace's.
    expect(byKind(objects, 'Namespace').map((namespace) => [namespace.metadata.name, (namespace.metadata.labels as Record<string, string>)['pod-security.kubernetes.io/enforce']])).toEqual([['wb-werkbank-sessions', 'privileged']]);
    const [policy] = byKind(objects, 'NetworkPolicy');
    expect(policy?.metadata).toMatchObject({ namespace: 'wb-werkbank-sessions' });
    expect(policy?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'werkbank' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'werkbank', 'app.kubernetes.io/instance': 'wb', 'app.kubernetes.io/component': 'runner' } } }] }],
    });
    const deployment = JSON.stringify(byKind(objects, 'Deployment')[0]);
    expect(deployment).toContain('{"name":"WERKBANK_KUBERNETES_SESSION_IMAGE","value":"werkbank/sandbox-seeded:0.1.0"}');
    const learners = byKind(objects, 'ConfigMap', 'wb-werkbank-learners')[0] as unknown as { data: Record<string, string> };
    expect(parse(learners.data['session-pod.yaml']!)).toMatchObject({
      nodeSelector: { 'werkbank.dev/sandboxes': 'true' },
      tolerations: [{ key: 'werkbank.dev/sandboxes', operator: 'Exists' }],
    });
    const chosen = JSON.stringify(byKind(await helmTemplate(CHART_DIR, ['learners.mode=sandbox', 'learners.sandboxImage=registry.schule.de/werkbank/sandbox-seeded:37d7']), 'Deployment')[0]);
    expect(chosen).toContain('{"name":"WERKBANK_KUBERNETES_SESSION_IMAGE","value":"registry.schule.de/werkbank/sandbox-seeded:37d7"}');
    // Namespace mode's session pods listen on nothing; no such policy there.
    expect(byKind(await helmTemplate(CHART_DIR, ['learners.mode=namespace']), 'NetworkPolicy')).toEqual([]);
  });

  it('each mode gives its learner pods their own resources, and the runner its slots for starting them', async () => {
    const sessionPod = async (sets: string[]) => {
      const learners = byKind(await helmTemplate(CHART_DIR, sets), 'ConfigMap', 'wb-werkbank-learners')[0] as unknown as { data: Record<string, string> };
      return parse(learners.data['session-pod.yaml']!) as { resources: unknown };
    };
    // A sandbox holds a Docker and a kind cluster: a namespace-mode session pod's 1 GiB
    // limit would kill it.
    expect((await sessionPod(['learners.mode=sandbox'])).resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '6Gi' } });
    expect((await sessionPod(['learners.mode=namespace'])).resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    const deployment = JSON.stringify(byKind(await helmTemplate(CHART_DIR, ['learners.mode=sandbox', 'learners.parallelStarts=12']), 'Deployment')[0]);
    expect(deployment).toContain('{"name":"WERKBANK_CLUSTER_PARALLEL","value":"12"}');
    await expect(helmLint(CHART_DIR, ['learners.parallelStarts=40'])).rejects.toThrow(/parallelStarts/);
  });

  it('mode none: the runner gets no token of the cluster and no roles', async () => {
    const objects = await helmTemplate(CHART_DIR, ['learners.mode=none']);
    expect([...byKind(objects, 'Role'), ...byKind(objects, 'ClusterRole'), ...byKind(objects, 'Namespace')]).toEqual([]);
    expect(JSON.stringify(byKind(objects, 'Deployment')[0])).toContain('"automountServiceAccountToken":false');
  });

  it('without values the chart installs learner mode namespace: the runner gets the kubernetes provider', async () => {
    const deployment = JSON.stringify(byKind(await helmTemplate(CHART_DIR, []), 'Deployment')[0]);
    expect(deployment).toContain('{"name":"WERKBANK_CLUSTER_PROVIDER","value":"kubernetes"}');
    expect(deployment).toContain('{"name":"WERKBANK_KUBERNETES_MODE","value":"namespace"}');
  });

  it('a NodePort Service takes the node port given (a classroom without an Ingress); ClusterIP ignores it', async () => {
    const nodePort = await helmTemplate(CHART_DIR, ['service.type=NodePort', 'service.nodePort=30777']);
    expect(JSON.stringify(byKind(nodePort, 'Service')[0])).toContain('"nodePort":30777');
    const clusterIp = await helmTemplate(CHART_DIR, ['service.nodePort=30777']);
    expect(JSON.stringify(byKind(clusterIp, 'Service')[0])).not.toContain('nodePort');
  });

  it('an existing Secret and claim are used instead of made', async () => {
    const objects = await helmTemplate(CHART_DIR, [
      'instructorToken.existingSecret=lehrende',
      'persistence.existingClaim=kursdaten',
    ]);
    expect(byKind(objects, 'Secret')).toEqual([]);
    expect(byKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(deploymentProblems(objects, { instructorSecret: 'lehrende', existingClaim: 'kursdaten' })).toEqual([]);
  });

  it('the Ingress keeps websockets and server-sent events open for an hour', async () => {
    const objects = await helmTemplate(CHART_DIR, ['ingress.enabled=true', 'ingress.host=kurs.schule.example']);
    expect(ingressProblems(objects)).toEqual([]);
    const env = JSON.stringify(byKind(objects, 'Deployment')[0]);
    expect(env).toContain('https://kurs.schule.example');
    expect(env).toContain('WERKBANK_TRUST_PROXY');
  });
});

describe('the rules catch a broken chart', () => {
  it('RollingUpdate, data on an emptyDir and the token in plain text', async () => {
    const chart = brokenChart('deployment', 'deployment.yaml', (text) =>
      text
        .replace('type: Recreate', 'type: RollingUpdate')
        .replace(/persistentVolumeClaim:\n\s+claimName: .*\n/, 'emptyDir: {}\n')
        .replace(/valueFrom:\n\s+secretKeyRef:\n\s+name: .*\n\s+key: .*\n/, 'value: geheim\n'),
    );
    const problems = deploymentProblems(await helmTemplate(chart));
    expect(problems).toEqual(
      expect.arrayContaining([
        'strategy ist RollingUpdate, erwartet Recreate',
        '/var/lib/werkbank (Fortschritt) liegt nicht auf einem PersistentVolumeClaim',
        'das Token für Lehrende steht im Klartext im Deployment',
      ]),
    );
  });

  it('a wildcard, an unnamed bind and cluster-admin', async () => {
    const chart = brokenChart('rbac', 'rbac.yaml', (text) =>
      text
        .replace('verbs: [get, list, watch, create, delete]', 'verbs: ["*"]')
        .replace(/\n\s+resourceNames: \[.*\]/, '')
        .replace(/(kind: ClusterRole\n\s+name: )\{\{ include "werkbank.fullname" \. \}\}-runner/, '$1cluster-admin'),
    );
    const problems = rbacProblems(await helmTemplate(chart, ['learners.mode=namespace']));
    expect(problems).toEqual(
      expect.arrayContaining([
        'Role wb-werkbank-sessions (pods, persistentvolumeclaims): "*" in verbs',
        'ClusterRole wb-werkbank-runner (clusterroles): bind ohne resourceNames',
        'ClusterRoleBinding wb-werkbank-runner bindet cluster-admin',
      ]),
    );
  });

  it('an Ingress with the proxies\' default timeouts', async () => {
    const chart = brokenChart('ingress', 'ingress.yaml', (text) => text.replace(/\n\s+(nginx|haproxy)\.[^\n]*/g, ''));
    expect(ingressProblems(await helmTemplate(chart, ['ingress.enabled=true']))).toHaveLength(4);
  });
});
