// Learners' homes on claims of their own (mode "namespace"), behind the cluster manager
// on the shared kwok cluster: the claim outlives the learner's session (idle deletion,
// reset) and comes back under their next pod; a session pod that went away is made again
// at the next shell start; a pool pod made before it was anyone's is made again on the
// learner's claim.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { learnerHome } from '../learner-dir.ts';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import type { ClusterManager } from './manager.ts';
import { HOME_LABEL, homeClaimName, homeKey } from './session-pod.ts';
import { kwokHomeVolumes } from '../testing/kwok-home-volumes.ts';
import { kwokNamespaceManager } from '../testing/kwok-namespace-manager.ts';

const suffix = randomBytes(3).toString('hex');
const sessions = `wb-homes-${suffix}`;
const storageClass = `wb-homes-${suffix}`;
const learners = { ada: `homeada${suffix}`, ben: `homeben${suffix}`, cleo: `homecleo${suffix}` };
let dataDir: string;
let admin: KubeConfig;
let core: CoreV1Api;
let volumes: { remove(): Promise<void> };
const managers: ClusterManager[] = [];

function manager(poolSize = 0): ClusterManager {
  const created = kwokNamespaceManager({ dataDir, admin, sessionsNamespace: sessions, sessionSettings: { home: { size: '1Gi', storageClassName: storageClass } }, poolSize });
  managers.push(created);
  return created;
}

const claimOf = (learnerId: string) => homeClaimName(homeKey(learnerHome(dataDir, learnerId)));
const homeVolume = (pod: V1Pod) => pod.spec?.volumes?.find((volume) => volume.name === 'home');
const readPod = (name: string) => core.readNamespacedPod({ name, namespace: sessions });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-session-homes-'));
  admin = new KubeConfig();
  admin.loadFromFile(inject('kwokKubeconfig'));
  core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: sessions } } });
  volumes = await kwokHomeVolumes(core, storageClass, 3);
});

afterAll(async () => {
  for (const clusters of managers) {
    for (const learner of Object.values(learners)) await clusters.release(learner);
    await clusters.close();
  }
  await core.deleteNamespace({ name: sessions }).catch(() => {});
  await volumes?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

test("a learner's home claim outlives their session and is mounted again by their next pod", async () => {
  const clusters = manager();
  await clusters.start(learners.ada);
  await expect.poll(() => clusters.status(learners.ada).phase, { timeout: 60_000 }).toBe('ready');
  const first = clusters.status(learners.ada).clusterName!;
  expect(homeVolume(await readPod(first))?.persistentVolumeClaim?.claimName).toBe(claimOf(learners.ada));
  const claim = await core.readNamespacedPersistentVolumeClaim({ name: claimOf(learners.ada), namespace: sessions });
  expect(claim.metadata?.labels?.[HOME_LABEL]).toBe(homeKey(learnerHome(dataDir, learners.ada)));
  expect(claim.metadata?.labels?.[RUNNER_LABEL]).toBeTruthy();

  // The idle deletion (release) removes the session, not the home.
  await clusters.release(learners.ada);
  await expect.poll(async () => (await core.listNamespacedPod({ namespace: sessions, labelSelector: `werkbank.dev/session=${first}` })).items.length, { timeout: 60_000 }).toBe(0);
  const kept = await core.readNamespacedPersistentVolumeClaim({ name: claimOf(learners.ada), namespace: sessions });
  expect(kept.metadata?.uid).toBe(claim.metadata?.uid);
  expect(kept.metadata?.deletionTimestamp).toBeUndefined();

  await clusters.start(learners.ada);
  await expect.poll(() => { const s = clusters.status(learners.ada); return s.phase === 'failed' ? JSON.stringify(s.error) : s.phase; }, { timeout: 60_000 }).toBe('ready');
  expect(homeVolume(await readPod(clusters.status(learners.ada).clusterName!))?.persistentVolumeClaim?.claimName).toBe(claimOf(learners.ada));
});

test('a session pod that went away (a drained node) is made again at the next shell start, on the same claim, in the same namespace', async () => {
  const clusters = manager();
  await clusters.start(learners.ben);
  await expect.poll(() => clusters.status(learners.ben).phase, { timeout: 60_000 }).toBe('ready');
  const name = clusters.status(learners.ben).clusterName!;
  const before = await readPod(name);
  const namespace = await core.readNamespace({ name });
  await core.deleteNamespacedPod({ name, namespace: sessions, gracePeriodSeconds: 0 });
  await expect.poll(async () => (await core.listNamespacedPod({ namespace: sessions, fieldSelector: `metadata.name=${name}` })).items.length, { timeout: 30_000 }).toBe(0);

  await expect(clusters.sandboxFor(learners.ben)).resolves.toBe(name);
  const after = await readPod(name);
  expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
  expect(homeVolume(after)?.persistentVolumeClaim?.claimName).toBe(claimOf(learners.ben));
  expect((await core.readNamespace({ name })).metadata?.uid).toBe(namespace.metadata?.uid);
});

test("a pool pod, made before it was anyone's, is made again on the learner's claim before their shell starts", async () => {
  const clusters = manager(1);
  await expect.poll(() => clusters.summary().filter((cluster) => cluster.owner === null && cluster.phase === 'ready').length, { timeout: 60_000 }).toBe(1);
  const pooled = clusters.summary().find((cluster) => cluster.owner === null)!.name;
  expect(homeVolume(await readPod(pooled))?.emptyDir).toEqual({});

  await clusters.start(learners.cleo);
  expect(clusters.status(learners.cleo).clusterName).toBe(pooled);
  await expect(clusters.sandboxFor(learners.cleo)).resolves.toBe(pooled);
  expect(homeVolume(await readPod(pooled))?.persistentVolumeClaim?.claimName).toBe(claimOf(learners.cleo));
  clusters.setPoolSize(0);
});
