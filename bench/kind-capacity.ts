// How many learners' kind clusters this machine holds at once: N clusters made the way
// the runner makes them (lab images baked in, add-ons installed), one after another,
// then, with all of them idle, each one's memory and how fast its API server answers.
// A cluster that stops answering, or a machine out of memory, is where the count ends.
// With --sandbox, learners' sandboxes (shell, Docker and kind cluster each) instead.
//
//   node bench/kind-capacity.ts [clusters=10] [--sandbox]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, freemem, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { nodeImage } from '../checks/testing/kind-cluster.ts';
import { addonManifests, labImages } from '../docker/images/images.ts';
import { toolchain } from '../docker/toolchain/paths.ts';
import { processRunner } from '../runner/clusters/commands.ts';
import { KindProvider } from '../runner/clusters/kind-provider.ts';
import type { ClusterProvider } from '../runner/clusters/provider.ts';
import { SandboxProvider } from '../runner/clusters/sandbox-provider.ts';
import { repoRoot } from '../runner/config.ts';
import { median } from './stats.ts';

const [count = 10] = process.argv.slice(2).filter((arg) => !arg.startsWith('--')).map(Number);
const sandboxes = process.argv.includes('--sandbox');
const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-bench-capacity-'));
const mib = (bytes: number) => bytes / (1 << 20);
const images = { nodeImages: [await nodeImage()], labImages, addonManifests, log: () => {} };
const provider: ClusterProvider = sandboxes
  ? new SandboxProvider({
      stateDir: join(dataDir, 'clusters'),
      dataDir,
      sandboxImage: `werkbank/sandbox:v${toolchain().versions.kubernetes}`,
      labsDir: join(repoRoot, 'labs'),
      ...images,
    })
  : new KindProvider({ stateDir: join(dataDir, 'clusters'), kindBinary: toolchain().kind, ...images });
const what = sandboxes ? 'Sandbox' : 'Cluster';

async function memoryMiB(containers: string[]): Promise<number[]> {
  const { stdout } = await processRunner.run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', ...containers]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^\s*([\d.]+)\s*(KiB|MiB|GiB)/.exec(line);
      if (!match) throw new Error(`docker stats: ${line}`);
      return Number(match[1]) * { KiB: 1 / 1024, MiB: 1, GiB: 1024 }[match[2] as 'KiB' | 'MiB' | 'GiB'];
    });
}

/** Milliseconds for a node list, five times in a row. */
async function apiLatencies(kubeconfigPath: string): Promise<number[]> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const core = config.makeApiClient(CoreV1Api);
  const latencies: number[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = performance.now();
    await core.listNode();
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const freeBefore = mib(freemem());
const made: { name: string; kubeconfig: string; container: string }[] = [];
try {
  for (let index = 1; index <= count; index++) {
    const started = performance.now();
    const handle = await provider.create(`werkbank-capacity-${index}`, () => {}).catch((error: unknown) => {
      // Where the machine gives out is the figure: measure the clusters that were made.
      const output = (error as { output?: string }).output ?? String(error);
      console.log(`${what} ${index}/${count} scheiterte nach ${((performance.now() - started) / 1000).toFixed(1)} s (Last ${loadavg()[0]!.toFixed(1)}): ${output.split('\n')[0]}`);
      return null;
    });
    if (!handle) break;
    // A sandbox's container holds its whole cluster; a host cluster is its node container.
    made.push({ name: handle.name, kubeconfig: handle.adminKubeconfigPath, container: handle.sandbox ?? handle.nodeContainer ?? `${handle.name}-control-plane` });
    console.log(
      `${what} ${index}/${count} bereit nach ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `frei ${mib(freemem()).toFixed(0)} MiB, Last ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  // Let every cluster settle into its idle state before measuring.
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  if (made.length === 0) throw new Error('Kein Cluster ließ sich erstellen.');
  const memories = await memoryMiB(made.map((cluster) => cluster.container));
  const latencies = await Promise.all(made.map((cluster) => apiLatencies(cluster.kubeconfig)));
  const all = latencies.flat();
  console.log(`Speicher je ${what} im Leerlauf: ${memories.map((value) => value.toFixed(0)).join(', ')} MiB (Summe ${memories.reduce((a, b) => a + b, 0).toFixed(0)} MiB)`);
  console.log(`Freier Speicher: vorher ${freeBefore.toFixed(0)} MiB, mit ${made.length} Clustern ${mib(freemem()).toFixed(0)} MiB; Last (1 min) ${loadavg()[0]!.toFixed(1)} auf ${availableParallelism()} Kernen`);
  console.log(`API-Antwort (Knotenliste) über alle ${made.length} Cluster: Median ${median(all).toFixed(0)} ms, langsamste ${Math.max(...all).toFixed(0)} ms`);
} finally {
  for (const cluster of made) await provider.delete(cluster.name);
  await rm(dataDir, { recursive: true, force: true });
}
