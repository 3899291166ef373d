// Learner namespaces (chart mode "namespace") against a real API server: the chart's
// RBAC is installed into the shared kind cluster, the runner's ServiceAccount makes two
// learners' namespaces with exactly those rights, and learner B, with the kubeconfig
// their shell gets, tries to read and change A's namespace, to run a privileged pod or
// mount a host path, and to lift their own namespace's Pod Security level: all refused,
// while the same kind of request in B's own namespace works.
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { waitFor } from '../../checks/testing/wait.ts';
import { CHART_DIR, helmTemplate, type RenderedObject } from '../../docker/werkbank/chart-rules.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalSessions } from '../terminal/sessions.ts';
import type { TerminalPeer } from '../terminal/session.ts';
import { podPlacement } from '../terminal/pod-placement.ts';
import { promisify } from 'node:util';
import { podExec } from '../../checks/exec.ts';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { LearnerNamespaces, parseNamespaceObjects } from './learner-namespaces.ts';
import { kubeconfigSecret, parseSessionPodSettings, sessionPod } from './session-pod.ts';

const run = promisify(execFile);

const release = `wb17-${randomBytes(3).toString('hex')}`;
const releaseNamespace = release;
const learnerA = `${release}-a`;
const learnerB = `${release}-b`;
let admin: KubeConfig;
let rendered: RenderedObject[] = [];
let runnerConfig: KubeConfig;
const clientsOf: Record<'a' | 'b', CoreV1Api> = {} as never;
let namespaces: LearnerNamespaces;
let learnerConfigMap: RenderedObject & { data: Record<string, string> };

/** The HTTP status a refused request ends with (0 when it was not refused). */
async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await request;
    return { code: 0, message: '' };
  } catch (error) {
    if (error instanceof ApiException) {
      const status = z.object({ message: z.string() }).safeParse(typeof error.body === 'string' ? JSON.parse(error.body) : error.body);
      return { code: error.code, message: status.success ? status.data.message : String(error.body) };
    }
    throw error;
  }
}

function configWithToken(base: KubeConfig, token: string): KubeConfig {
  const cluster = base.getCurrentCluster()!;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: `runner-${release}`, token }],
    contexts: [{ name: 'runner', cluster: cluster.name, user: `runner-${release}` }],
    currentContext: 'runner',
  });
  return config;
}

function pod(name: string, spec: Partial<NonNullable<V1Pod['spec']>>, securityContext: object = {}): V1Pod {
  return {
    metadata: { name },
    spec: {
      containers: [{ name: 'c', image: 'werkbank/toolbox:1', command: ['sleep', '60'], securityContext }],
      ...spec,
    },
  };
}

/** What Pod Security "restricted" asks of a container. */
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

beforeAll(async () => {
  admin = new KubeConfig();
  admin.loadFromFile(inject('kindKubeconfig'));
  // The chart's objects for mode namespace, without the runner's Deployment and volume.
  rendered = (await helmTemplate(CHART_DIR, ['learners.mode=namespace'], { name: release, namespace: releaseNamespace })).filter(
    (object) => ['Namespace', 'ServiceAccount', 'ConfigMap', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind),
  );
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: releaseNamespace } } });
  for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']) {
    for (const object of rendered.filter((item) => item.kind === kind)) {
      const namespaced = !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(kind);
      const metadata = { ...object.metadata, ...(namespaced ? { namespace: object.metadata.namespace ?? releaseNamespace } : {}) };
      await objects.create({ ...object, metadata } as KubernetesObject);
    }
  }
  // The runner acts with its ServiceAccount's token, as in its pod.
  const account = rendered.find((object) => object.kind === 'ServiceAccount')!.metadata.name;
  const token = await core.createNamespacedServiceAccountToken({
    name: account,
    namespace: releaseNamespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  runnerConfig = configWithToken(admin, token.status!.token!);

  const configMap = rendered.find((object) => object.kind === 'ConfigMap') as RenderedObject & { data: Record<string, string> };
  learnerConfigMap = configMap;
  namespaces = new LearnerNamespaces({
    kubeConfig: runnerConfig,
    learnerRole: `${release}-werkbank-learner`,
    namespaceObjects: parseNamespaceObjects(configMap.data['namespace-objects.yaml']!),
    owner: release,
    // The runner runs outside the cluster here; learners' kubeconfigs serve session pods.
    apiServer: 'https://kubernetes.default.svc',
  });
  for (const [key, name] of [['a', learnerA], ['b', learnerB]] as const) {
    await namespaces.create(name);
    const learner = new KubeConfig();
    learner.loadFromString(await namespaces.kubeconfig(name, `lernende-${key}`));
    // The test talks to the cluster from outside: same credentials, the outside address.
    const inside = learner.getCurrentCluster()!;
    learner.clusters = learner.clusters.map((entry) => (entry.name === inside.name ? { ...entry, server: admin.getCurrentCluster()!.server } : entry));
    clientsOf[key] = learner.makeApiClient(CoreV1Api);
  }
  expect(await namespaces.listOurs()).toEqual([learnerA, learnerB]);
}, 120_000);

afterAll(async () => {
  if (!admin) return;
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of [learnerA, learnerB, releaseNamespace]) await core.deleteNamespace({ name }).catch(() => undefined);
  for (const object of rendered.filter((item) => ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(item.kind))) {
    await objects.delete(object as KubernetesObject).catch(() => undefined);
  }
});

describe('learner namespaces made with the chart\'s runner rights', () => {
  it('B works in their own namespace, within its quota and defaults', async () => {
    const b = clientsOf.b;
    await b.createNamespacedConfigMap({ namespace: learnerB, body: { metadata: { name: 'eigene' }, data: { farbe: 'blau' } } });
    expect((await b.readNamespacedConfigMap({ namespace: learnerB, name: 'eigene' })).data).toEqual({ farbe: 'blau' });
    const quotas = await b.listNamespacedResourceQuota({ namespace: learnerB });
    expect(quotas.items.map((item) => item.metadata?.name)).toEqual(['werkbank-quota']);
    const limitRanges = await b.listNamespacedLimitRange({ namespace: learnerB });
    expect(limitRanges.items.map((item) => item.spec)).toEqual([{ limits: [expect.objectContaining({ type: 'Container' })] }]);
    // A pod as Pod Security "restricted" wants it is admitted (dry run: nothing starts).
    // The API server's admission sees a new LimitRange a moment after it was made.
    const admitted = await waitFor(
      'ein Pod nach "restricted" wird mit den Vorgaben der LimitRange zugelassen',
      () =>
        b.createNamespacedPod({
          namespace: learnerB,
          body: pod('erlaubt', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, RESTRICTED_CONTAINER),
          dryRun: 'All',
        }),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    // The LimitRange filled in the limits the quota asks for.
    expect(admitted.spec?.containers[0]?.resources?.limits).toMatchObject({ cpu: '500m', memory: '256Mi' });
  });

  it("B can neither read nor change A's namespace", async () => {
    const b = clientsOf.b;
    await clientsOf.a.createNamespacedConfigMap({ namespace: learnerA, body: { metadata: { name: 'geheim-a' }, data: { wert: 'a' } } });
    expect((await refusal(b.listNamespacedConfigMap({ namespace: learnerA }))).code).toBe(403);
    expect((await refusal(b.readNamespacedConfigMap({ namespace: learnerA, name: 'geheim-a' }))).code).toBe(403);
    expect((await refusal(b.listNamespacedSecret({ namespace: learnerA }))).code).toBe(403);
    expect((await refusal(b.createNamespacedConfigMap({ namespace: learnerA, body: { metadata: { name: 'von-b' } } }))).code).toBe(403);
    expect((await refusal(b.deleteNamespacedConfigMap({ namespace: learnerA, name: 'geheim-a' }))).code).toBe(403);
    expect((await refusal(b.deleteNamespace({ name: learnerA }))).code).toBe(403);
    expect((await refusal(b.listNamespace())).code).toBe(403);
    // A's object is untouched.
    expect((await clientsOf.a.readNamespacedConfigMap({ namespace: learnerA, name: 'geheim-a' })).data).toEqual({ wert: 'a' });
  });

  it('a privileged pod, a host path or root are refused, and B cannot lift the Pod Security level', async () => {
    const b = clientsOf.b;
    const privileged = await refusal(b.createNamespacedPod({ namespace: learnerB, body: pod('privilegiert', {}, { privileged: true }), dryRun: 'All' }));
    expect(privileged.code).toBe(403);
    expect(privileged.message).toMatch(/violates PodSecurity "restricted:latest".*privileged/);
    const hostPath = await refusal(
      b.createNamespacedPod({
        namespace: learnerB,
        body: pod('hostpath', { volumes: [{ name: 'wurzel', hostPath: { path: '/' } }] }, RESTRICTED_CONTAINER),
        dryRun: 'All',
      }),
    );
    expect(hostPath.code).toBe(403);
    expect(hostPath.message).toMatch(/violates PodSecurity.*volume type "hostPath"/);
    const relabel = await refusal(
      b.patchNamespace({ name: learnerB, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } } }),
    );
    expect(relabel.code).toBe(403);
  });

  it("the runner's own rights stop at what it needs", async () => {
    const runnerCore = runnerConfig.makeApiClient(CoreV1Api);
    expect((await refusal(runnerCore.listNamespacedSecret({ namespace: 'kube-system' }))).code).toBe(403);
    expect((await refusal(runnerCore.listNamespacedSecret({ namespace: learnerA }))).code).toBe(403);
    // Binding cluster-admin (instead of the learner role) is an escalation RBAC refuses.
    const escalation = await refusal(
      runnerConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
        namespace: learnerB,
        body: {
          metadata: { name: 'alles' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: 'lernende', namespace: learnerB }],
        },
      }),
    );
    expect(escalation.code).toBe(403);
  });
});

describe("B's session pod", () => {
  const sessions = `${release}-werkbank-sessions`;
  const podName = 'sitzung-b';

  beforeAll(async () => {
    // The Werkbank image is the session image (kubectl, helm, user 10001); built when its
    // inputs changed, then put into the cluster's node as a school would push it.
    const build = await run('bash', [new URL('../../docker/werkbank/build.sh', import.meta.url).pathname], {
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const image = build.stdout.trim().split('\n').at(-1)!;
    const started = Date.now();
    await run(toolchain().kind, ['load', 'docker-image', image, '--name', inject('kindClusterName')], { timeout: 600_000 });
    process.stderr.write(`[session-pod] ${image} in den Cluster geladen in ${Math.round((Date.now() - started) / 1000)} s\n`);

    // As the runner: B's kubeconfig as a Secret, the pod beside it in the sessions namespace.
    const runnerCore = runnerConfig.makeApiClient(CoreV1Api);
    await runnerCore.createNamespacedSecret({
      namespace: sessions,
      body: kubeconfigSecret(`${podName}-kubeconfig`, release, await namespaces.kubeconfig(learnerB, 'lernende-b')),
    });
    await runnerCore.createNamespacedPod({
      namespace: sessions,
      body: sessionPod({
        name: podName,
        image,
        kubeconfigSecret: `${podName}-kubeconfig`,
        owner: release,
        settings: parseSessionPodSettings(learnerConfigMap.data['session-pod.yaml']!),
      }),
    });
    await waitFor(
      'die Sitzungs-Pod von B läuft',
      async () => (await runnerCore.readNamespacedPod({ namespace: sessions, name: podName })).status?.phase === 'Running',
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );
  }, 900_000);

  /** A command in B's session pod, through the exec API with the runner's rights, as
   * the terminal will run B's shell. */
  async function inSession(script: string): Promise<string> {
    const result = await podExec(runnerConfig, AbortSignal.timeout(60_000))({
      namespace: sessions,
      pod: podName,
      container: 'shell',
      command: ['bash', '-c', script],
    });
    return result.stdout + result.stderr;
  }

  it('runs as the learner, without root, privileges or a service-account token of the cluster', async () => {
    const output = await inSession('id -u; grep ^CapEff /proc/self/status; ls /var/run/secrets/kubernetes.io 2>&1; touch /usr/x 2>&1; echo "HOME=$HOME"');
    expect(output).toMatch(/^10001$/m);
    expect(output).toMatch(/^CapEff:\s+0+$/m);
    expect(output).toMatch(/No such file or directory/);
    expect(output).toMatch(/Read-only file system/);
    expect(output).toContain('HOME=/home/lernende');
  });

  it("B's terminal runs in the session pod through the exec API, and ending it ends the shell there", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'werkbank-pod-terminal-'));
    try {
      const kubeconfigPath = join(dir, 'runner-kubeconfig');
      await writeFile(kubeconfigPath, runnerConfig.exportConfig(), { mode: 0o600 });
      const placement = {
        kubectl: toolchain().kubectl,
        kubeconfigPath,
        namespace: sessions,
        pod: podName,
        container: 'shell',
        exec: podExec(runnerConfig, AbortSignal.timeout(120_000)),
      };
      const terminals = new TerminalSessions({ dataDir: dir, graceMs: 0, placeShell: async (_learner, session) => podPlacement(placement, session) });
      let output = '';
      const peer: TerminalPeer = { sendOutput: (bytes) => (output += Buffer.from(bytes).toString('utf8')), sendControl: () => {}, close: () => {} };
      const session = await terminals.open('lernende-b', 100, 30);
      await session.attach(peer, 100, 30);
      session.input(`echo "uid=$(id -u) host=$(hostname) spalten=$(tput cols)"; kubectl -n ${learnerA} get configmaps 2>&1 | cut -c1-40\n`);
      await waitFor('die Ausgabe der Shell im Pod', async () => /uid=10001 host=sitzung-b spalten=100/.test(output) && /Error from server \(Forbidden\)/.test(output), {
        timeoutMs: 30_000,
        intervalMs: 100,
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\nAusgabe bisher:\n${output}`);
      });
      expect(await inSession('ls /tmp/werkbank-sessions')).toMatch(/^[0-9a-f]{16}$/m);

      // Flow control in front of the exec stream: this peer acknowledges nothing, so a
      // flood of 200 MB stops at the session's high watermark plus what the pty and
      // kubectl hold, instead of filling the runner's memory.
      const before = output.length;
      session.input('yes werkbank-flut | head -c 200000000\n');
      await waitFor('die Sitzung hält die Flut an', async () => session.isPaused, { timeoutMs: 30_000, intervalMs: 100 });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(output.length - before).toBeLessThan(8 * 1024 * 1024);
      // Ctrl-C reaches the paused shell; acknowledging lets the rest drain to the prompt.
      session.input('\x03');
      const marker = 'nach-der-flut';
      session.input(`echo ${marker}-$((6*7))\n`);
      await waitFor(
        'die Shell antwortet nach Strg+C',
        async () => {
          session.acknowledge(Number.MAX_SAFE_INTEGER);
          return output.includes(`${marker}-42`);
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      session.detach(peer);
      await session.exitedProcess;
      // The hang-up (its own exec, sent as the session ends) reaches the login shell in the
      // pod: soon nothing of the session is left.
      let left = '';
      await waitFor(
        'keine Shell mehr im Pod',
        async () => /^keine-shell\s*$/.test((left = await inSession('pgrep -f -- "bash --logi[n]" || echo keine-shell; ls -A /tmp/werkbank-sessions'))),
        { timeoutMs: 30_000, intervalMs: 500 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nim Pod noch: ${left}`);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("kubectl in B's session reaches B's namespace and is refused in A's", async () => {
    const own = await inSession(`kubectl create configmap aus-der-sitzung --from-literal=x=1 && kubectl get configmap aus-der-sitzung -o name`);
    expect(own).toContain('configmap/aus-der-sitzung');
    const foreign = await inSession(`kubectl -n ${learnerA} get configmaps 2>&1; kubectl -n ${learnerA} delete configmap geheim-a 2>&1; kubectl run boese --image=werkbank/toolbox:1 --privileged 2>&1; true`);
    expect(foreign).toMatch(new RegExp(`configmaps is forbidden: .* cannot list resource "configmaps" in API group "" in the namespace "${learnerA}"`));
    expect(foreign).toMatch(/configmaps "geheim-a" is forbidden/);
    expect(foreign).toMatch(/violates PodSecurity "restricted:latest"/);
  });
});
