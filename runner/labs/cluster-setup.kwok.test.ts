// A learner's new cluster already holds every lab's starting state (setup manifests and
// script, run with the lab's files at hand); a lab whose setup breaks is named in the
// panel's steps, and the other labs' states are still there.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { KwokProvider } from '../clusters/kwok-provider.ts';
import { ClusterManager } from '../clusters/manager.ts';
import { labSetupPreparer } from './cluster-setup.ts';
import type { LoadedLab } from './load.ts';
import { labSchema } from './schema.ts';

const LEARNER = 'setupsetupsetupsetup01';
let dataDir: string;
let provider: KwokProvider;

async function labWithSetup(id: string, title: string, files: Record<string, string>): Promise<LoadedLab> {
  const dir = join(dataDir, 'labs', id);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const lab = labSchema.parse({
    id,
    title,
    lesson: id,
    needs: 'cluster',
    namespace: id,
    steps: [{ id: 'schritt', title: 'Schritt', checks: [{ check: 'namespace-exists' }], hint: 'Hinweis', solution: 'solutions/schritt.sh' }],
    setup: {
      ...(files['setup/start.yaml'] ? { manifests: ['setup/start.yaml'] } : {}),
      script: 'setup/start.sh',
    },
    ...(files['files/farbe.txt'] ? { files: ['files/farbe.txt'] } : {}),
  });
  return { lab, dir };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-lab-setup-kwok-'));
  provider = new KwokProvider({ stateDir: join(dataDir, 'clusters'), tools: toolchain() });
});

afterAll(async () => {
  for (const name of await provider.listOurs()) await provider.delete(name);
  await rm(dataDir, { recursive: true, force: true });
});

test('a new cluster starts with each lab\'s setup applied, and a broken setup is named in the steps', async () => {
  const prepared = await labWithSetup('vorbereitet', 'Vorbereitet', {
    'setup/start.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vorbereitet\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aus-manifest\n  namespace: vorbereitet\ndata:\n  ort: manifest\n',
    // Runs after the manifest, in ~/vorbereitet/ where the lab's files are.
    'setup/start.sh': 'kubectl -n vorbereitet create configmap aus-skript --from-file=farbe.txt\n',
    'files/farbe.txt': 'blau\n',
  });
  const broken = await labWithSetup('kaputt', 'Kaputtes Lab', { 'setup/start.sh': 'echo "kaputt" >&2\nexit 3\n' });
  const manager = new ClusterManager({
    provider,
    dataDir,
    poolSize: 0,
    maxClusters: 1,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 300,
    maxParallelCreates: 1,
    log: () => {},
    prepareCluster: labSetupPreparer([broken, prepared], () => {}),
  });
  try {
    await manager.start(LEARNER);
    await expect.poll(() => manager.status(LEARNER).phase, { timeout: 120_000, interval: 250 }).toBe('ready');

    const core = (await manager.clusterFor(LEARNER))!.kubeConfig.makeApiClient(CoreV1Api);
    const fromManifest = await core.readNamespacedConfigMap({ name: 'aus-manifest', namespace: 'vorbereitet' });
    expect(fromManifest.data).toEqual({ ort: 'manifest' });
    const fromScript = await core.readNamespacedConfigMap({ name: 'aus-skript', namespace: 'vorbereitet' });
    expect(fromScript.data).toEqual({ 'farbe.txt': 'blau\n' });

    const step = manager.status(LEARNER).steps.find((candidate) => candidate.id === 'lab-setup');
    expect(step?.label).toBe('Ausgangszustand der Labs wird eingerichtet');
    expect(step?.state).toBe('failed');
    expect(step?.detail).toContain('„Kaputtes Lab“');
    expect(step?.detail).not.toContain('Vorbereitet');
  } finally {
    await manager.release(LEARNER);
    await manager.close();
  }
});
