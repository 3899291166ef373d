// Werkbank installed with its Helm chart in learner mode "namespace" on a 3-node kind
// cluster (standing in for a school's cluster), used the way the page uses it: a ticket
// over HTTP, the terminal over the websocket, "Prüfen" over HTTP. Three learners get
// session pods (spread over the nodes) with a shell that works in their own namespace;
// a namespace lab's steps pass "Prüfen" after its solution ran in their shells; learner
// B's attempts on A's namespace are refused; and when the runner pod is deleted, the
// progress, the session pods and the files in them are still there and A reconnects.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { nodeImage } from '../../checks/testing/kind-cluster.ts';
import { toolchain } from '../toolchain/paths.ts';
import { learnerIdOf, newLearner, TerminalClient, type Learner } from '../../runner/testing/terminal-client.ts';
import { learnerShortId } from '../../runner/clusters/kubeconfig.ts';
import { CHART_DIR } from './chart-rules.ts';

const run = promisify(execFile);
const BUILD = new URL('./build.sh', import.meta.url).pathname;
const SOLUTIONS = new URL('../../labs/konfiguration/solutions/', import.meta.url).pathname;
const cluster = `wb-helm-${randomBytes(3).toString('hex')}`;
const release = 'werkbank';
const releaseNamespace = 'werkbank';
const sessionsNamespace = `${release}-sessions`;
const nodePort = randomInt(30_000, 32_700);
let dir: string;
let kubeconfigPath: string;
let core: CoreV1Api;
let baseUrl: string;

interface Seat {
  learner: Learner;
  terminal: TerminalClient;
  /** Their session pod, which is also the name of their namespace. */
  pod: string;
}
const seats: Seat[] = [];

function tool(binary: string, args: string[], timeoutMs = 600_000) {
  return run(binary, args, { timeout: timeoutMs, maxBuffer: 64 << 20 });
}

const kubectl = (args: string[]) => tool(toolchain().kubectl, ['--kubeconfig', kubeconfigPath, ...args], 120_000);

/** A kind cluster of one control plane and two workers from the local node image. */
async function createCluster(): Promise<void> {
  const config = join(dir, 'kind.yaml');
  await writeFile(config, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n  - role: worker\n');
  const started = performance.now();
  await tool(toolchain().kind, ['create', 'cluster', '--name', cluster, '--image', await nodeImage(), '--config', config, '--kubeconfig', kubeconfigPath, '--wait', '300s'], 900_000);
  console.log(`[helm] 3-Knoten-Cluster ${cluster} bereit nach ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function buildImage(): Promise<string> {
  const build = await tool('bash', [BUILD], 1_800_000);
  process.stderr.write(build.stderr);
  return build.stdout.trim().split('\n').at(-1)!;
}

/** A script typed into the shell as one line (line continuations and quotes intact). */
function scriptCommand(script: string): string {
  return `echo ${Buffer.from(script).toString('base64')} | base64 -d | bash`;
}

/** "Prüfen" as the page sends it; a 409 (session not handed over yet) is asked again. */
async function check(seat: Seat, step: string): Promise<{ passed: boolean; results: unknown[] }> {
  return waitFor(
    `„Prüfen“ für ${step} antwortet`,
    async () => {
      const response = await fetch(`${baseUrl}/api/labs/konfiguration/steps/${step}/check`, {
        method: 'POST',
        headers: { origin: baseUrl, cookie: seat.learner.cookie },
        signal: AbortSignal.timeout(120_000),
      });
      if (response.status === 409) return undefined;
      expect(response.status).toBe(200);
      return (await response.json()) as { passed: boolean; results: unknown[] };
    },
    { timeoutMs: 300_000, intervalMs: 1_000 },
  );
}

async function runnerPod(): Promise<V1Pod | undefined> {
  const pods = await core.listNamespacedPod({ namespace: releaseNamespace, labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=runner` });
  return pods.items.find((pod) => !pod.metadata?.deletionTimestamp);
}

/** The runner answers on the node port (kube-proxy forwards to whichever pod is ready). */
async function waitForRunner(): Promise<void> {
  await waitFor(
    'der Runner im Cluster antwortet über den NodePort',
    async () => {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 1_000 },
  );
}

/** A learner opens the page: ticket, websocket, and their shell's prompt in their pod. */
async function connect(learner: Learner): Promise<TerminalClient> {
  const terminal = await TerminalClient.connect(baseUrl, learner, { cols: 120, rows: 30 });
  // The first connection waits for the namespace and the session pod to be made.
  await terminal.waitForPrompt(600_000);
  return terminal;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'werkbank-helm-'));
  kubeconfigPath = join(dir, 'kubeconfig');
  const [image] = await Promise.all([buildImage(), createCluster()]);
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfigPath);
  core = admin.makeApiClient(CoreV1Api);
  const loadStarted = performance.now();
  // Only the workers run pods (the control plane keeps its taint in a cluster with workers).
  await tool(toolchain().kind, ['load', 'docker-image', '--name', cluster, '--nodes', `${cluster}-worker,${cluster}-worker2`, image], 900_000);
  console.log(`[helm] Image ${image} in die 2 Worker geladen nach ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  const { stdout: nodeIp } = await tool('docker', ['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${cluster}-control-plane`]);
  baseUrl = `http://${nodeIp.trim()}:${nodePort}`;
  const colon = image.lastIndexOf(':');
  const installStarted = performance.now();
  await tool(toolchain().helm, [
    'install', release, CHART_DIR,
    '--kubeconfig', kubeconfigPath,
    '--namespace', releaseNamespace, '--create-namespace',
    '--set', 'learners.mode=namespace',
    '--set', 'learners.poolSize=0',
    '--set', `image.repository=${image.slice(0, colon)}`,
    '--set', `image.tag=${image.slice(colon + 1)}`,
    '--set', 'service.type=NodePort',
    '--set', `service.nodePort=${nodePort}`,
    // The page's address as browsers see it here: a node and its port.
    '--set', `runner.extraEnv.WERKBANK_ALLOWED_ORIGINS=${baseUrl}`,
    '--wait', '--timeout', '10m',
  ], 900_000);
  console.log(`[helm] helm install fertig nach ${((performance.now() - installStarted) / 1000).toFixed(1)} s`);
  await waitForRunner();
}, 2_400_000);

afterAll(async () => {
  for (const seat of seats) await seat.terminal.close().catch(() => undefined);
  if (process.env.WERKBANK_KEEP_HELM_CLUSTER !== '1') {
    await tool(toolchain().kind, ['delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfigPath]).catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true });
}, 300_000);

describe('Helm chart, learner mode "namespace", on 3 nodes', () => {
  it('three learners opening the page each get a session pod (on at least two nodes) and a shell in it, in their own namespace', async () => {
    const secondsToPrompt: string[] = [];
    for (let i = 0; i < 3; i++) {
      const learner = await newLearner(baseUrl);
      const started = performance.now();
      const terminal = await connect(learner);
      // A figure for the note, not a limit: namespace, Secret, pod start and the shell.
      secondsToPrompt.push(((performance.now() - started) / 1000).toFixed(1));
      const pod = (await terminal.run('hostname', 60_000)).trim();
      seats.push({ learner, terminal, pod });
    }
    console.log(`[helm] Seite geöffnet → Prompt im neuen Sitzungs-Pod: ${secondsToPrompt.join(' s, ')} s`);
    expect(new Set(seats.map((seat) => seat.pod)).size).toBe(3);
    for (const seat of seats) {
      expect((await seat.terminal.run('id -u', 60_000)).trim()).toBe('10001');
      // Their kubeconfig's default namespace is their own, named like their pod.
      expect((await seat.terminal.run("kubectl config view --minify -o jsonpath='{..namespace}'; echo", 60_000)).trim()).toBe(seat.pod);
      expect(await seat.terminal.run('kubectl get configmaps -o name', 60_000)).toContain('configmap/kube-root-ca.crt');
      expect(seat.pod).toBe(`werkbank-${learnerShortId(learnerIdOf(seat.learner))}`);
    }
    const pods = await core.listNamespacedPod({ namespace: sessionsNamespace });
    const nodes = new Set(pods.items.filter((pod) => seats.some((seat) => seat.pod === pod.metadata?.name)).map((pod) => pod.spec?.nodeName));
    console.log(`[helm] Sitzungs-Pods auf den Knoten: ${[...nodes].join(', ')}`);
    expect(nodes.size).toBeGreaterThanOrEqual(2);
  }, 1_800_000);

  it('"Prüfen" of the konfiguration lab passes for each of them after its solution ran in their shell, and not before', async () => {
    const configmap = await readFile(join(SOLUTIONS, 'configmap.sh'), 'utf8');
    const secret = await readFile(join(SOLUTIONS, 'secret.sh'), 'utf8');
    for (const seat of seats) {
      expect((await check(seat, 'configmap')).passed).toBe(false);
      // The lab's files wait in ~/konfiguration as on one host.
      expect(await seat.terminal.run('cd ~/konfiguration && ls', 60_000)).toContain('app-config.yaml');
      // The solution as written for a cluster of one's own: its "create namespace" is
      // refused here, and its apply lands in the learner's namespace.
      await seat.terminal.run(scriptCommand(configmap), 120_000);
      await seat.terminal.run(scriptCommand(secret), 120_000);
    }
    for (const seat of seats) {
      const configmapAnswer = await check(seat, 'configmap');
      expect(configmapAnswer.passed, JSON.stringify(configmapAnswer.results)).toBe(true);
      // The Secret is read with the learner's own rights (the runner may read none).
      const secretAnswer = await check(seat, 'secret');
      expect(secretAnswer.passed, JSON.stringify(secretAnswer.results)).toBe(true);
    }
  }, 1_200_000);

  it("learner B can neither read nor change A's namespace from B's shell; a privileged pod in B's own is refused", async () => {
    const [a, b] = seats as [Seat, Seat];
    const read = await b.terminal.run(`kubectl get configmap app-config -n ${a.pod} 2>&1`, 60_000);
    expect(read).toMatch(/forbidden/i);
    const change = await b.terminal.run(`kubectl delete configmap app-config -n ${a.pod} 2>&1`, 60_000);
    expect(change).toMatch(/forbidden/i);
    const secrets = await b.terminal.run(`kubectl get secret db-zugang -n ${a.pod} -o yaml 2>&1`, 60_000);
    expect(secrets).toMatch(/forbidden/i);
    expect(secrets).not.toContain('password:');
    const sessions = await b.terminal.run(`kubectl get pods -n ${sessionsNamespace} 2>&1`, 60_000);
    expect(sessions).toMatch(/forbidden/i);
    const privileged = await b.terminal.run('kubectl run boese --image=werkbank/werkbank --privileged 2>&1', 60_000);
    expect(privileged).toMatch(/forbidden|violates PodSecurity/i);
    // A's ConfigMap is untouched.
    await expect(core.readNamespacedConfigMap({ name: 'app-config', namespace: a.pod })).resolves.toBeTruthy();
  }, 600_000);

  it('the runner pod is deleted mid-session: progress, session pod and files stay, and A reconnects to the same pod', async () => {
    const a = seats[0]!;
    await a.terminal.run('echo notiz-von-a > ~/notiz.txt', 60_000);
    const before = await runnerPod();
    await core.deleteNamespacedPod({ name: before!.metadata!.name!, namespace: releaseNamespace });
    // The page's socket ends with the old runner.
    await a.terminal.closed;
    await waitFor(
      'ein neuer Runner-Pod ist bereit',
      async () => {
        const pod = await runnerPod();
        const ready = pod?.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True');
        return pod && pod.metadata?.uid !== before!.metadata?.uid && ready ? pod : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 1_000 },
    );
    await waitForRunner();

    const progress = await waitFor(
      'der Fortschritt von A ist nach dem Neustart lesbar',
      async () => {
        const response = await fetch(`${baseUrl}/api/labs/konfiguration/progress`, { headers: { cookie: a.learner.cookie }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        return response?.ok ? ((await response.json()) as { steps: { id: string; passed: boolean }[] }) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(progress.steps.filter((step) => step.passed).map((step) => step.id)).toEqual(['configmap', 'secret']);

    a.terminal = await connect(a.learner);
    expect((await a.terminal.run('hostname', 60_000)).trim()).toBe(a.pod);
    expect((await a.terminal.run('cat ~/notiz.txt', 60_000)).trim()).toBe('notiz-von-a');
    // "Prüfen" reaches A's namespace through the new runner too.
    expect((await check(a, 'configmap')).passed).toBe(true);
  }, 1_200_000);
});
