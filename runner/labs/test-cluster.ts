// The cluster a lab self-test runs on: one handed in by name, or a fresh one made by the
// runner's own provider (the same image, add-ons and lab images a learner gets).
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

/** A fresh cluster made the way a learner gets one: by default a learner sandbox, whose
 * scripts then run inside it as the learner's would; `WERKBANK_CLUSTER_PROVIDER=kind`
 * tests on a host kind cluster instead. */
export async function freshLabCluster(dataDir: string, onProgress: ProgressCallback = () => {}): Promise<LabTestCluster> {
  const config = loadClusterConfig();
  const provider = createProvider({ ...config, provider: config.provider === 'kind' ? 'kind' : 'sandbox' }, dataDir);
  if (!provider) throw new Error('Kein Cluster-Provider verfügbar.');
  const name = `werkbank-labtest-${randomBytes(3).toString('hex')}`;
  const handle = await provider.create(name, onProgress);
  const target: SelfTestTarget = handle.sandbox
    ? {
        kubeconfigPath: handle.adminKubeconfigPath,
        sandbox: handle.sandbox,
        ...(handle.nodeContainer ? { nodeRuntime: kindNodeRuntime(handle.nodeContainer, undefined, handle.nodeExec) } : {}),
      }
    : kindTarget(handle.adminKubeconfigPath, handle.name);
  return { name, target, remove: () => provider.delete(name) };
}
