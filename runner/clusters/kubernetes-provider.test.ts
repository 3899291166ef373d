// The "kubernetes" provider's pieces that need no API server: the settings the chart
// passes, the runner's kubeconfig inside a pod, and the shell command into a session pod.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { expect, test } from 'vitest';
import { loadClusterConfig } from './config.ts';
import { homeExtract, inClusterKubeconfig, KubernetesProvider, podWaitReason } from './kubernetes-provider.ts';
import { parseSessionPodSettings } from './session-pod.ts';

const CHART_ENV = {
  WERKBANK_CLUSTER_PROVIDER: 'kubernetes',
  WERKBANK_KUBERNETES_MODE: 'namespace',
  WERKBANK_KUBERNETES_SESSIONS_NAMESPACE: 'werkbank-sessions',
  WERKBANK_KUBERNETES_SESSION_IMAGE: 'werkbank/werkbank:0.1.0',
  WERKBANK_KUBERNETES_LEARNER_ROLE: 'werkbank-lernende',
  WERKBANK_KUBERNETES_CONFIG: '/etc/werkbank/learners',
};

test('the chart\'s settings give the kubernetes provider in either learner mode; a missing one is refused in German', () => {
  expect(loadClusterConfig(CHART_ENV, 23_000, 2).kubernetes).toEqual({
    mode: 'namespace',
    sessionsNamespace: 'werkbank-sessions',
    sessionImage: 'werkbank/werkbank:0.1.0',
    learnerRole: 'werkbank-lernende',
    configDir: '/etc/werkbank/learners',
    kubeconfigPath: null,
  });
  const { WERKBANK_KUBERNETES_LEARNER_ROLE: _role, ...withoutRole } = CHART_ENV;
  expect(() => loadClusterConfig(withoutRole, 23_000, 2)).toThrow(/braucht WERKBANK_KUBERNETES_LEARNER_ROLE/);
  expect(loadClusterConfig({ ...CHART_ENV, WERKBANK_KUBERNETES_MODE: 'sandbox' }, 23_000, 2).kubernetes?.mode).toBe('sandbox');
});

test('inside a pod kubectl reads the ServiceAccount token from its file (rotations reach it) and trusts the cluster CA', () => {
  const config = parse(inClusterKubeconfig({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' })) as {
    clusters: { cluster: Record<string, string> }[];
    users: { user: Record<string, string> }[];
  };
  expect(config.clusters[0]!.cluster).toEqual({ server: 'https://10.96.0.1:443', 'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' });
  expect(config.users[0]!.user).toEqual({ tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
  expect(() => inClusterKubeconfig({})).toThrow(/WERKBANK_KUBERNETES_KUBECONFIG/);
});

test('a pod nobody can place waits with a German queue message; an image that cannot be pulled fails', () => {
  expect(
    podWaitReason({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] } }),
  ).toEqual({ waiting: expect.stringMatching(/^Im Cluster ist gerade kein Platz für deine Sitzung.*0\/3 nodes/), failed: null });
  expect(
    podWaitReason({ status: { phase: 'Pending', containerStatuses: [{ name: 'shell', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] } }).failed,
  ).toMatch(/Image der Sitzung.*ImagePullBackOff/);
  expect(podWaitReason({ status: { phase: 'Running' } })).toEqual({ waiting: null, failed: null });
});

test('the shell copies the runner\'s side of the home into the pod without replacing the learner\'s files, then execs into it', async () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  const provider = new KubernetesProvider({
    stateDir: '/nonexistent',
    kubeConfig,
    kubeconfigPath: '/data/clusters/runner.kubeconfig',
    kubectl: '/usr/local/bin/kubectl',
    sessionsNamespace: 'werkbank-sessions',
    sessionImage: 'werkbank/werkbank:0.1.0',
    learnerRole: 'werkbank-lernende',
    namespaceObjects: [],
    sessionSettings: parseSessionPodSettings('{}'),
  });
  await provider.sandbox.attachHome('werkbank-3f9a01bc', "/data/learners/ab/c'd/home");
  const [shell, flag, script] = provider.sandbox.shellCommand('werkbank-3f9a01bc', 'abc123');
  expect([shell, flag]).toEqual(['sh', '-c']);
  expect(script).toContain(`tar -c -C '/data/learners/ab/c'\\''d/home' .`);
  expect(script).toContain(`'exec' '--stdin' '--quiet' '--namespace' 'werkbank-sessions' 'werkbank-3f9a01bc' '--container' 'shell' '--' ${homeExtract('/home/lernende').map((arg) => `'${arg}'`).join(' ')} >/dev/null 2>&1;`);
  expect(script).toMatch(/; exec '\/usr\/local\/bin\/kubectl' '--kubeconfig' '\/data\/clusters\/runner.kubeconfig' 'exec' '--stdin' '--tty'/);
  // Before the pod is theirs, no home goes in.
  expect(provider.sandbox.shellCommand('werkbank-pool-1a2b3c', 'abc123')[0]).toBe('/usr/local/bin/kubectl');
});

test('the copy into the pod brings new lab files and keeps what the learner changed there (with the system tar)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'werkbank-home-copy-'));
  try {
    const runnerSide = join(dir, 'runner');
    const pod = join(dir, 'pod');
    mkdirSync(join(runnerSide, 'konfiguration'), { recursive: true });
    writeFileSync(join(runnerSide, 'konfiguration', 'app-config.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(runnerSide, '.bashrc'), 'vom Runner\n');
    mkdirSync(pod);
    writeFileSync(join(pod, '.bashrc'), 'von der lernenden Person geändert\n');
    const archive = execFileSync('tar', ['-c', '-C', runnerSide, '.']);
    const [tar, ...args] = homeExtract(pod);
    execFileSync(tar!, args, { input: archive });
    expect(readFileSync(join(pod, 'konfiguration', 'app-config.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect(readFileSync(join(pod, '.bashrc'), 'utf8')).toBe('von der lernenden Person geändert\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
