// Learners' homes on claims of their own in the chart's sandbox mode, on the shared kwok
// cluster, with the provider called as the cluster manager calls it (home attached, then
// create; detach, then delete) and the programs it runs in the pod answered by a fake:
// the sandbox pod made for a learner mounts their claim as root's home; the claim
// outlives that pod (a lost pod, a reset, the idle deletion all delete it), the provider
// reports the sandbox lost once its pod is gone, and the next pod for the learner mounts
// the same claim; a pod made before it is anyone's keeps its
// home in the pod, so this provider asks for no warm pool; claims another runner's data
// dir made are removed at the first listing, ours stay.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { learnerHome } from '../learner-dir.ts';
import { kwokHomeVolumes } from '../testing/kwok-home-volumes.ts';
import { kwokSandboxPodProvider } from '../testing/kwok-sandbox-pod-provider.ts';
import type { CommandRunner } from './commands.ts';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { ensureOwnerId } from './owner-file.ts';
import type { SandboxPodProvider } from './sandbox-pod-provider.ts';
import { SANDBOX_POD_HOME } from './sandbox-pod.ts';
import { HOME_LABEL, homeClaimName, homeKey, parseSessionPodSettings, type SessionPodSettings } from './session-pod.ts';

const suffix = randomBytes(3).toString('hex');
const sessions = `wb-sbx-homes-${suffix}`;
const storageClass = `wb-sbx-homes-${suffix}`;
let dataDir: string;
let admin: KubeConfig;
let core: CoreV1Api;
let volumes: { remove(): Promise<void> };

/** What the test looks at in the running pod before the seed's answer ends its start. */
let whileRunning: Promise<unknown> = Promise.resolve();
/** Every program in the pod succeeds but the seed's image list: the start ends once the
 * pod ran, and the provider deletes the pod as a reset or the idle deletion does. */
const noSeed: CommandRunner = {
  async run(command, args) {
    const line = [command, ...args].join(' ');
    if (!line.includes('images.txt')) return { code: 0, stdout: '', stderr: '' };
    await whileRunning;
    return { code: 1, stdout: '', stderr: 'kein Seed' };
  },
};

function provider(settings: SessionPodSettings = parseSessionPodSettings(`home: { size: 1Gi, storageClassName: ${storageClass} }`)): SandboxPodProvider {
  return kwokSandboxPodProvider({ dataDir, admin, sessionsNamespace: sessions, sessionSettings: settings, runner: noSeed });
}

/** Starts a sandbox pod as the manager does and returns the pod as it ran (the start
 * then ends at the missing seed, which deletes the pod). The provider tells the manager
 * the sandbox is lost once the pod is gone, not while it runs. */
async function runPod(sandboxes: SandboxPodProvider, name: string, home?: string): Promise<V1Pod> {
  if (home) await sandboxes.sandbox.attachHome(name, home);
  let seen: Promise<V1Pod> | undefined;
  let lostWhileRunning: Promise<boolean> | undefined;
  await sandboxes
    .create(name, () => {}, {
      onShellReady: () => {
        seen = core.readNamespacedPod({ name, namespace: sessions });
        lostWhileRunning = sandboxes.sandbox.lost!(name);
        whileRunning = Promise.allSettled([seen, lostWhileRunning]);
      },
    })
    .then(() => expect.unreachable('the fake sandbox image has no seed'), () => undefined);
  if (home) await sandboxes.sandbox.detachHome(name, home);
  expect(seen, `${name} ran`).toBeDefined();
  expect(await lostWhileRunning).toBe(false);
  await expect.poll(async () => (await core.listNamespacedPod({ namespace: sessions, fieldSelector: `metadata.name=${name}` })).items.length, { timeout: 60_000 }).toBe(0);
  expect(await sandboxes.sandbox.lost!(name)).toBe(true);
  return seen!;
}

const homeVolume = (pod: V1Pod) => {
  const mount = pod.spec?.containers[0]?.volumeMounts?.find((candidate) => candidate.mountPath === SANDBOX_POD_HOME);
  return pod.spec?.volumes?.find((volume) => volume.name === mount?.name);
};
const readClaim = (name: string) => core.readNamespacedPersistentVolumeClaim({ name, namespace: sessions });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-homes-'));
  admin = new KubeConfig();
  admin.loadFromFile(inject('kwokKubeconfig'));
  core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: sessions } } });
  volumes = await kwokHomeVolumes(core, storageClass, 2);
});

afterAll(async () => {
  await core.deleteNamespace({ name: sessions }).catch(() => {});
  await volumes?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

test("a learner's sandbox pod mounts their home claim, which outlives the pod; their next pod mounts the same claim", async () => {
  const sandboxes = provider();
  const home = learnerHome(dataDir, `sbxada${suffix}`);
  const claimName = homeClaimName(homeKey(home));

  const first = await runPod(sandboxes, `werkbank-ada-${suffix}`, home);
  expect(homeVolume(first)?.persistentVolumeClaim?.claimName).toBe(claimName);
  const claim = await readClaim(claimName);
  expect(claim.metadata?.labels).toMatchObject({ [HOME_LABEL]: homeKey(home), [RUNNER_LABEL]: await ensureOwnerId(join(dataDir, 'clusters')) });

  // The pod is gone (deleted as by a reset or the idle deletion); the home is not.
  const kept = await readClaim(claimName);
  expect(kept.metadata?.uid).toBe(claim.metadata?.uid);
  expect(kept.metadata?.deletionTimestamp).toBeUndefined();

  // The learner's next sandbox pod (a new name, as after a reset) mounts the same claim.
  const next = await runPod(sandboxes, `werkbank-ada2-${suffix}`, home);
  expect(homeVolume(next)?.persistentVolumeClaim?.claimName).toBe(claimName);
  expect((await readClaim(claimName)).metadata?.uid).toBe(claim.metadata?.uid);
}, 180_000);

test('a pool pod, made before it is anyone\'s, keeps its home in the pod, so with home claims the provider keeps no warm pool', async () => {
  const sandboxes = provider();
  expect(sandboxes.info.noWarmPool).toMatch(/Home/);
  expect(homeVolume(await runPod(sandboxes, `werkbank-pool-${suffix}`))?.emptyDir).toEqual({});
  // Homes in the pod (learners.home.size ""): nothing to lose, the pool is welcome.
  expect(provider(parseSessionPodSettings('{}')).info.noWarmPool).toBeUndefined();
}, 120_000);

test("home claims of another runner's data dir are removed at the first listing, ours stay", async () => {
  const sandboxes = provider();
  const ours = homeClaimName(homeKey(learnerHome(dataDir, `sbxada${suffix}`)));
  const foreign = `home-fremd${suffix}`;
  await core.createNamespacedPersistentVolumeClaim({
    namespace: sessions,
    body: {
      metadata: { name: foreign, labels: { [HOME_LABEL]: `fremd${suffix}`, [RUNNER_LABEL]: 'ein-anderer-runner' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: storageClass, resources: { requests: { storage: '1Gi' } } },
    },
  });
  await sandboxes.listOurs();
  await expect.poll(async () => (await core.listNamespacedPersistentVolumeClaim({ namespace: sessions })).items.filter((claim) => !claim.metadata?.deletionTimestamp).map((claim) => claim.metadata?.name), { timeout: 30_000 }).toEqual([ours]);
}, 60_000);
