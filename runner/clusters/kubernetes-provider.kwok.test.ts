// The "kubernetes" provider (chart mode "namespace") behind the cluster manager, on the
// shared kwok cluster: a learner who starts gets a namespace of their own (Pod Security
// "restricted", the chart's quota) and a session pod with their kubeconfig from a
// Secret; "Prüfen" looks in that namespace with the learner's own rights; a session pod
// no node can take waits with a German message instead of failing; release removes it all.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import type { ClusterManager } from './manager.ts';
import { SESSION_LABEL } from './session-pod.ts';
import { kwokNamespaceManager } from '../testing/kwok-namespace-manager.ts';

const suffix = randomBytes(3).toString('hex');
const sessions = `wb-sessions-${suffix}`;
const ALICE = `kubernetesalice${suffix}`;
const BOB = `kubernetesbob${suffix}`;
let dataDir: string;
let admin: KubeConfig;
let core: CoreV1Api;
const managers: ClusterManager[] = [];

function manager(nodeSelector: Record<string, string> = {}): ClusterManager {
  const created = kwokNamespaceManager({ dataDir, admin, sessionsNamespace: sessions, sessionSettings: { nodeSelector } });
  managers.push(created);
  return created;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-clusters-kubernetes-'));
  admin = new KubeConfig();
  admin.loadFromFile(inject('kwokKubeconfig'));
  core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: sessions } } });
});

afterAll(async () => {
  for (const clusters of managers) {
    await clusters.release(ALICE);
    await clusters.release(BOB);
    await clusters.close();
  }
  await core.deleteNamespace({ name: sessions }).catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

test('a learner gets a restricted namespace of their own and a session pod with their kubeconfig; "Prüfen" looks there with their rights', async () => {
  const clusters = manager();
  await clusters.start(ALICE);
  await expect.poll(() => clusters.status(ALICE).phase, { timeout: 60_000 }).toBe('ready');
  const name = clusters.status(ALICE).clusterName!;

  const namespace = await core.readNamespace({ name });
  expect(namespace.metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  expect(namespace.metadata?.labels?.[RUNNER_LABEL]).toBeTruthy();
  const quotas = await core.listNamespacedResourceQuota({ namespace: name });
  expect(quotas.items.map((item) => item.metadata?.name)).toEqual(['werkbank-quota']);

  const pod = await core.readNamespacedPod({ name, namespace: sessions });
  expect(pod.metadata?.labels?.[SESSION_LABEL]).toBe(name);
  expect(pod.spec?.automountServiceAccountToken).toBe(false);
  const secret = await core.readNamespacedSecret({ name: `${name}-kubeconfig`, namespace: sessions });
  const kubeconfig = Buffer.from(secret.data?.config ?? '', 'base64').toString();
  expect(kubeconfig).toContain('token:');
  expect(kubeconfig).not.toContain('client-key-data');

  // The checks' view: the learner's namespace, with the learner's account (which may
  // read their Secrets, and nothing outside).
  const cluster = (await clusters.clusterFor(ALICE))!;
  expect(cluster.namespace).toBe(name);
  const asLearner = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await asLearner.createNamespacedSecret({ namespace: name, body: { metadata: { name: 'db-zugang' }, stringData: { password: 'x' } } });
  await expect(asLearner.readNamespacedSecret({ namespace: name, name: 'db-zugang' })).resolves.toBeTruthy();
  await expect(asLearner.listNamespacedPod({ namespace: sessions })).rejects.toMatchObject({ code: 403 });

  await clusters.release(ALICE);
  await expect
    .poll(async () => (await core.listNamespacedPod({ namespace: sessions, labelSelector: `${SESSION_LABEL}=${name}` })).items.length, { timeout: 60_000 })
    .toBe(0);
  await expect(core.readNamespacedSecret({ name: `${name}-kubeconfig`, namespace: sessions })).rejects.toMatchObject({ code: 404 });
});

test('a session pod no node can take waits with a German message, and is not given up', async () => {
  const clusters = manager({ 'werkbank.dev/gibt-es-nicht': 'ja' });
  await clusters.start(BOB);
  await expect
    .poll(() => clusters.status(BOB).steps.map((step) => step.detail ?? '').join(' '), { timeout: 60_000 })
    .toMatch(/Im Cluster ist gerade kein Platz für deine Sitzung/);
  expect(clusters.status(BOB).phase).toBe('creating');
});
