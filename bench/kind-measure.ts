// Measuring helpers the cluster benches share (not a bench of its own; bench/run.ts skips it).
import { KubeConfig } from '@kubernetes/client-node';
import { toolchain } from '../docker/toolchain/paths.ts';
import { processRunner } from '../runner/clusters/commands.ts';
import type { ClusterManager, ClusterStatus } from '../runner/clusters/manager.ts';
import { waitUntilReady } from '../runner/clusters/readiness.ts';
import { waitUntil } from '../runner/wait.ts';

/** A container's memory as `docker stats` reports it, in MiB. */
export async function containerMemoryMiB(container: string): Promise<number> {
  const { stdout } = await processRunner.run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', container]);
  const match = /^\s*([\d.]+)\s*(KiB|MiB|GiB)/.exec(stdout);
  if (!match) throw new Error(`docker stats: ${stdout}`);
  return Number(match[1]) * { KiB: 1 / 1024, MiB: 1, GiB: 1024 }[match[2] as 'KiB' | 'MiB' | 'GiB'];
}

/** Polls the manager until the learner's cluster is ready (or failed, which throws). */
export async function untilReady(clusters: ClusterManager, learnerId: string): Promise<ClusterStatus> {
  return waitUntil(
    `Cluster von ${learnerId} bereit`,
    () => {
      const status = clusters.status(learnerId);
      if (status.phase === 'failed') throw new Error(`${status.message}\n${status.error?.output ?? ''}`);
      return status.phase === 'ready' && status;
    },
    { timeoutMs: 60 * 60_000, intervalMs: 100, retryErrors: false },
  );
}

/** Seconds for bare `kind create cluster` on `image` until node, CoreDNS and StorageClass
 * are ready; the cluster is deleted afterwards. */
export async function bareKindSeconds(image: string, kubeconfig: string): Promise<number> {
  const kind = toolchain().kind;
  const name = 'werkbank-bench-bare';
  const begin = performance.now();
  const result = await processRunner.run(kind, ['create', 'cluster', '--name', name, '--image', image, '--kubeconfig', kubeconfig]);
  if (result.code !== 0) throw new Error(result.stderr);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  await waitUntilReady(config, { coreDns: true });
  const took = (performance.now() - begin) / 1000;
  await processRunner.run(kind, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfig]);
  return took;
}
