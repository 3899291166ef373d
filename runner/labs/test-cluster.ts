// The kind cluster a lab self-test runs on: one handed in by name, or a fresh one made by
// the runner's own kind provider (the same image, add-ons and lab images a learner gets).
import { randomBytes } from 'node:crypto';
import { loadClusterConfig } from '../clusters/config.ts';
import { createProvider } from '../clusters/index.ts';
import type { ProgressCallback } from '../clusters/provider.ts';
import { kindNodeRuntime } from './node-runtime.ts';
import type { SelfTestTarget } from './self-test.ts';

/** kind names a one-node cluster's node container after the cluster: crictl there knows the images. */
export function kindTarget(kubeconfigPath: string, clusterName?: string): SelfTestTarget {
  return {
    kubeconfigPath,
    ...(clusterName ? { clusterName, nodeRuntime: kindNodeRuntime(`${clusterName}-control-plane`) } : {}),
  };
}

export interface LabTestCluster {
  name: string;
  target: SelfTestTarget;
  remove(): Promise<void>;
}

export async function freshKindCluster(dataDir: string, onProgress: ProgressCallback = () => {}): Promise<LabTestCluster> {
  const provider = createProvider({ ...loadClusterConfig(), provider: 'kind' }, dataDir);
  if (!provider) throw new Error('Kein Cluster-Provider verfügbar.');
  const name = `werkbank-labtest-${randomBytes(3).toString('hex')}`;
  const handle = await provider.create(name, onProgress);
  return { name, target: kindTarget(handle.adminKubeconfigPath, handle.name), remove: () => provider.delete(name) };
}
