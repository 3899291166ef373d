// Learner mode "namespace" on the shared kwok cluster: starting a lab that works in a
// namespace makes a namespace of the learner's for it, restricted like theirs, points
// their kubeconfig at it, and "Prüfen" looks there; a reset takes it away.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, NetworkingV1Api, RbacAuthorizationV1Api, type V1PodSpec } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import konfiguration from '../../labs/konfiguration/lab.ts';
import { learnerCheckContext } from '../labs/check-context.ts';
import { runStep } from '../labs/run-step.ts';
import { labSchema } from '../labs/schema.ts';
import { KUBECONFIG_NAMESPACE_ANNOTATION } from './kubernetes-provider.ts';
import { LAB_OF_LABEL, SESSIONS_LABEL } from './learner-namespaces.ts';
import type { ClusterManager } from './manager.ts';
import { kwokNamespaceManager } from '../testing/kwok-namespace-manager.ts';

const suffix = randomBytes(3).toString('hex');
const sessions = `wb-sessions-lab-${suffix}`;
const CAROL = `labnamespacecarol${suffix}`;
const lab = labSchema.parse(konfiguration);
let dataDir: string;
let admin: KubeConfig;
let core: CoreV1Api;
let clusters: ClusterManager;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-lab-namespaces-'));
  admin = new KubeConfig();
  admin.loadFromFile(inject('kwokKubeconfig'));
  core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: sessions } } });
  clusters = kwokNamespaceManager({ dataDir, admin, sessionsNamespace: sessions, sessionSettings: {} });
});

afterAll(async () => {
  await clusters.release(CAROL);
  await clusters.close();
  await core.deleteNamespace({ name: sessions }).catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

/** The default namespace of the kubeconfig in the learner's session pod (its Secret). */
async function podKubeconfigNamespace(name: string): Promise<string | undefined> {
  const secret = await core.readNamespacedSecret({ name: `${name}-kubeconfig`, namespace: sessions });
  const config = parse(Buffer.from(secret.data?.config ?? '', 'base64').toString()) as {
    'current-context': string;
    contexts: { name: string; context: { namespace?: string } }[];
  };
  return config.contexts.find((context) => context.name === config['current-context'])?.context.namespace;
}

test('starting konfiguration makes a restricted namespace of the learner\'s for it, their context points there, "Prüfen" looks there, and a reset removes it', async () => {
  await clusters.start(CAROL);
  await expect.poll(() => clusters.status(CAROL).phase, { timeout: 60_000 }).toBe('ready');
  const name = clusters.status(CAROL).clusterName!;
  const cluster = (await clusters.clusterFor(CAROL))!;
  expect(await podKubeconfigNamespace(name)).toBe(name);

  const labNamespace = await cluster.labNamespaces!.start('konfiguration');
  expect(labNamespace).toBe(`${name}-konfiguration`);

  // Restricted like the learner's own: Pod Security, the chart's quota, their account
  // bound there, the network policy that lets in only the namespace and their session pod.
  const namespace = await core.readNamespace({ name: labNamespace });
  expect(namespace.metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', [LAB_OF_LABEL]: name, [SESSIONS_LABEL]: sessions });
  // The learner's own namespace carries the release's label too (helm uninstall).
  expect((await core.readNamespace({ name })).metadata?.labels?.[SESSIONS_LABEL]).toBe(sessions);
  const quotas = await core.listNamespacedResourceQuota({ namespace: labNamespace });
  expect(quotas.items.map((item) => item.metadata?.name)).toEqual(['werkbank-quota']);
  const binding = await admin.makeApiClient(RbacAuthorizationV1Api).readNamespacedRoleBinding({ name: 'lernende', namespace: labNamespace });
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'lernende', namespace: name }]);
  const policy = await admin.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: 'werkbank-isolation', namespace: labNamespace });
  expect(JSON.stringify(policy.spec)).toContain(`"werkbank.dev/session":"${name}"`);

  // The learner's default context, in the Secret their session pod mounts, and the pod
  // touched so the kubelet brings it in at once.
  expect(await podKubeconfigNamespace(name)).toBe(labNamespace);
  const pod = await core.readNamespacedPod({ name, namespace: sessions });
  expect(pod.metadata?.annotations?.[KUBECONFIG_NAMESPACE_ANNOTATION]).toBe(labNamespace);

  // "Prüfen" looks in the lab's namespace: the ConfigMap the learner makes there (with
  // their own account) passes the step; before, it did not.
  const context = learnerCheckContext(lab, cluster);
  expect(context.namespace).toBe(labNamespace);
  expect((await runStep(lab, 'configmap', context)).passed).toBe(false);
  const asLearner = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await asLearner.createNamespacedConfigMap({
    namespace: labNamespace,
    body: { metadata: { name: 'app-config' }, data: { DB_HOST: 'postgres', LOG_LEVEL: 'info', 'begruessung.txt': 'Hallo' } },
  });
  expect((await runStep(lab, 'configmap', context)).passed).toBe(true);

  // The lab's Deployment runs there: Pod Security "restricted" admits its pod (asked with
  // a server-side dry run, so admission decides), and refuses it without its securityContext.
  const app = parse(await readFile(new URL('../../labs/konfiguration/files/app.yaml', import.meta.url), 'utf8')) as { spec: { template: { spec: V1PodSpec } } };
  const podSpec = app.spec.template.spec;
  await expect(asLearner.createNamespacedPod({ namespace: labNamespace, body: { metadata: { name: 'app-probe' }, spec: podSpec }, dryRun: 'All' })).resolves.toBeTruthy();
  const { securityContext: _pod, ...withoutPodContext } = podSpec;
  const bare = { ...withoutPodContext, containers: podSpec.containers.map(({ securityContext: _container, ...container }) => container) };
  await expect(asLearner.createNamespacedPod({ namespace: labNamespace, body: { metadata: { name: 'app-probe' }, spec: bare }, dryRun: 'All' })).rejects.toMatchObject({ code: 403 });

  // A reset takes the lab's namespace with the learner's.
  await clusters.reset(CAROL);
  await expect
    .poll(async () => {
      const left = await core.readNamespace({ name: labNamespace }).catch(() => null);
      return left === null || Boolean(left.metadata?.deletionTimestamp);
    }, { timeout: 60_000 })
    .toBe(true);
});
