// Werkbank installed with its Helm chart in learner mode "namespace" on a 3-node kind
// cluster (standing in for a school's cluster), used the way the page uses it: a ticket
// over HTTP, the terminal over the websocket, "Prüfen" over HTTP. Three learners get
// session pods (spread over the nodes) with a shell that works in their own namespace;
// a namespace lab's steps pass "Prüfen" after its solution ran in their shells; learner
// B's attempts on A's namespace are refused, also over the network (A's pods take no
// connections from B's shell); and when the runner pod is deleted, the
// progress, the session pods and the files in them are still there and A reconnects;
// when A's session pod itself is deleted, A's next shell is in a new pod on the same home;
// `helm uninstall` takes every learner's namespaces, their labs' ones included.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { learnerIdOf, newLearner, TerminalClient, type Learner } from '../../runner/testing/terminal-client.ts';
import { learnerShortId } from '../../runner/clusters/kubeconfig.ts';
import { connectLearner, runnerPod as currentRunnerPod, startHelmCluster, tool, waitForRunner, type HelmCluster } from './helm-cluster.ts';
import { waitForPolicyApplied } from '../kind-node/network-policy-applied.ts';
import { toolchain } from '../toolchain/paths.ts';

const SOLUTIONS = new URL('../../labs/konfiguration/solutions/', import.meta.url).pathname;
const cluster = `wb-helm-${randomBytes(3).toString('hex')}`;
const releaseNamespace = 'werkbank';
const sessionsNamespace = 'werkbank-sessions';
let dir: string;
let helm: HelmCluster;
let core: CoreV1Api;
let baseUrl: string;

interface Seat {
  learner: Learner;
  terminal: TerminalClient;
  /** Their session pod, which is also the name of their namespace. */
  pod: string;
}

/** The learner's namespace for the konfiguration lab (learner mode "namespace"). */
const labNamespace = (seat: Seat): string => `${seat.pod}-konfiguration`;
const seats: Seat[] = [];

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

const runnerPod = () => currentRunnerPod(helm);
const connect = (learner: Learner): Promise<TerminalClient> => connectLearner(baseUrl, learner);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'werkbank-helm-'));
  helm = await startHelmCluster({ name: cluster, dir });
  core = helm.core;
  baseUrl = helm.baseUrl;
}, 2_400_000);

afterAll(async () => {
  for (const seat of seats) await seat.terminal.close().catch(() => undefined);
  if (process.env.WERKBANK_KEEP_HELM_CLUSTER !== '1') await helm?.delete();
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
      // The page starts the lab: a namespace of the learner's for it becomes the default
      // of the kubeconfig in their session pod (the kubelet brings the Secret in).
      const started = await fetch(`${baseUrl}/api/labs/konfiguration/start`, { method: 'POST', headers: { origin: baseUrl, cookie: seat.learner.cookie } });
      expect(started.status).toBe(200);
      expect(((await started.json()) as { namespace: string }).namespace).toBe(labNamespace(seat));
      const since = performance.now();
      await waitFor(`der Standard-Namespace in ${seat.pod} ist ${labNamespace(seat)}`, async () =>
        (await seat.terminal.run("kubectl config view --minify -o jsonpath='{..namespace}'; echo", 60_000)).trim() === labNamespace(seat),
      { timeoutMs: 180_000, intervalMs: 1_000 });
      console.log(`[helm] Lab gestartet → Kontext im Sitzungs-Pod umgestellt nach ${((performance.now() - since) / 1000).toFixed(1)} s`);
      // The solution as written for a cluster of one's own: its "create namespace" and
      // "set-context" are refused here, and its apply lands in the lab's namespace.
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
    // A's work is in A's namespace for the lab; A's own namespace is just as closed.
    expect(await b.terminal.run(`kubectl get configmaps -n ${a.pod} 2>&1`, 60_000)).toMatch(/forbidden/i);
    const read = await b.terminal.run(`kubectl get configmap app-config -n ${labNamespace(a)} 2>&1`, 60_000);
    expect(read).toMatch(/forbidden/i);
    const change = await b.terminal.run(`kubectl delete configmap app-config -n ${labNamespace(a)} 2>&1`, 60_000);
    expect(change).toMatch(/forbidden/i);
    const secrets = await b.terminal.run(`kubectl get secret db-zugang -n ${labNamespace(a)} -o yaml 2>&1`, 60_000);
    expect(secrets).toMatch(/forbidden/i);
    expect(secrets).not.toContain('password:');
    const sessions = await b.terminal.run(`kubectl get pods -n ${sessionsNamespace} 2>&1`, 60_000);
    expect(sessions).toMatch(/forbidden/i);
    const privileged = await b.terminal.run('kubectl run boese --image=werkbank/werkbank --privileged 2>&1', 60_000);
    expect(privileged).toMatch(/forbidden|violates PodSecurity/i);
    // A's ConfigMap is untouched.
    await expect(core.readNamespacedConfigMap({ name: 'app-config', namespace: labNamespace(a) })).resolves.toBeTruthy();
  }, 600_000);

  it("A's web server answers A's shell; from B's shell, A's Service and pod refuse the connection", async () => {
    const [a, b] = seats as [Seat, Seat];
    const session = await core.readNamespacedPod({ name: a.pod, namespace: sessionsNamespace });
    // A small server as a learner starts it under Pod Security "restricted", in the image
    // the nodes already have (it brings Node).
    await a.terminal.run(scriptCommand(`kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec:
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: web
      image: ${session.spec!.containers[0]!.image}
      imagePullPolicy: IfNotPresent
      command: [node, -e, "require('http').createServer((q, r) => r.end('hallo von a')).listen(8080)"]
      ports: [{ containerPort: 8080 }]
      # Ready means listening: Node takes a moment to start under load.
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
YAML
kubectl wait --for=condition=Ready pod/web --timeout=180s`), 240_000);
    // In A's namespace for the lab, A's default since the lab started.
    const web = await core.readNamespacedPod({ name: 'web', namespace: labNamespace(a) });
    const clusterIp = (await core.readNamespacedService({ name: 'web', namespace: labNamespace(a) })).spec!.clusterIP!;
    const webIp = web.status!.podIP!;
    await waitForPolicyApplied(helm.kubeConfig, [webIp, session.status!.podIP!]);
    // Until kube-proxy on a node knows the Service's endpoint it rejects connections to the
    // Service itself, which would look like the policy at work: wait for it on every node.
    const nodes = (await core.listNode()).items.map((node) => node.metadata!.name!);
    await waitFor(`kube-proxy leitet web auf ${nodes.join(', ')} an ${webIp}:8080 weiter`, async () => {
      for (const node of nodes) {
        const { stdout } = await tool('docker', ['exec', node, 'iptables-save', '-t', 'nat'], 30_000);
        if (!stdout.includes(`--to-destination ${webIp}:8080`)) return false;
      }
      return true;
    }, { timeoutMs: 120_000, intervalMs: 500 });

    const get = (seat: Seat, url: string) => seat.terminal.run(`curl -sS -m 10 ${url} 2>&1; echo " exit=$?"`, 60_000);
    expect(await get(a, `http://web.${labNamespace(a)}.svc.cluster.local/`)).toContain('hallo von a exit=0');
    expect(await get(a, `http://${webIp}:8080/`)).toContain('hallo von a exit=0');
    for (const url of [`http://${clusterIp}/`, `http://web.${labNamespace(a)}.svc.cluster.local/`, `http://${webIp}:8080/`]) {
      const answer = await get(b, url);
      expect(answer).not.toContain('hallo von a');
      // Refused at once (curl's 7, "Couldn't connect"), not a timeout (28).
      expect(answer).toMatch(/Couldn't connect to server.* exit=7/s);
    }
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
    await waitForRunner(baseUrl);

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

  it("A's session pod is deleted (a drained node, a culled session): A's next shell is in a new pod on the same home, with the file written before", async () => {
    const a = seats[0]!;
    const before = await core.readNamespacedPod({ name: a.pod, namespace: sessionsNamespace });
    await core.deleteNamespacedPod({ name: a.pod, namespace: sessionsNamespace });
    // The shell ends with its pod, and the page's socket with it.
    await a.terminal.closed;
    a.terminal = await connect(a.learner);
    const after = await core.readNamespacedPod({ name: a.pod, namespace: sessionsNamespace });
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect((await a.terminal.run('cat ~/notiz.txt', 60_000)).trim()).toBe('notiz-von-a');
    // Their namespace was kept: the lab's ConfigMap is still there.
    expect((await check(a, 'configmap')).passed).toBe(true);
  }, 600_000);

  it('helm uninstall removes every learner namespace and every lab namespace of theirs', async () => {
    const namespaces = seats.flatMap((seat) => [seat.pod, labNamespace(seat)]);
    for (const name of namespaces) await expect(core.readNamespace({ name })).resolves.toBeTruthy();
    await tool(toolchain().helm, ['uninstall', helm.release, '--kubeconfig', helm.kubeconfigPath, '--namespace', releaseNamespace, '--wait', '--timeout', '5m'], 400_000);
    for (const name of namespaces) {
      const left = await core.readNamespace({ name }).catch(() => null);
      // Gone, or on its way (the namespace controller deletes what is in it first).
      expect(left === null || Boolean(left.metadata?.deletionTimestamp), name).toBe(true);
    }
  }, 600_000);
});
