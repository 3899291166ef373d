// The cluster side of the runner in one place: builds the provider the settings name,
// and gives other code (the "Prüfen" endpoint) `clusterFor(learnerId)`.
import { join } from 'node:path';
import { addonManifests, labImages } from '../../docker/images/images.ts';
import { toolchain, upstreamNodeImage } from '../../docker/toolchain/paths.ts';
import { resolveTool } from '../../docker/toolchain/resolve.ts';
import type { ClusterConfig } from './config.ts';
import { ExistingClusterProvider } from './existing-provider.ts';
import { KindProvider } from './kind-provider.ts';
import { kubernetesProviderFrom } from './kubernetes-provider.ts';
import { KwokProvider } from './kwok-provider.ts';
import { ClusterManager, type ClusterManagerOptions, type LearnerCluster } from './manager.ts';
import type { ClusterProvider } from './provider.ts';
import { sandboxPodProviderFrom } from './sandbox-pod-provider.ts';
import { SandboxProvider } from './sandbox-provider.ts';
import { repoRoot } from '../config.ts';

export type { LearnerCluster } from './manager.ts';
export { ClusterManager } from './manager.ts';

export function createProvider(config: ClusterConfig, dataDir: string): ClusterProvider | null {
  const stateDir = join(dataDir, 'clusters');
  const tools = toolchain();
  const images = {
    // kind's own image as docker/kind-node/pull.sh names it (its Kubernetes patch may differ
    // from ours), else the local build.
    nodeImages: config.nodeImages ?? [upstreamNodeImage().tag, `werkbank/kind-node:v${tools.versions.kubernetes}`],
    labImages: async () => config.labImages ?? (await labImages()),
    addonManifests: async () => config.addonManifests ?? (await addonManifests()),
  };
  switch (config.provider) {
    case 'none':
      return null;
    case 'kwok':
      return new KwokProvider({ stateDir, tools });
    case 'kubernetes':
      return config.kubernetes!.mode === 'sandbox'
        ? sandboxPodProviderFrom(config.kubernetes!, stateDir, tools.kubectl, { limits: config.sandboxLimits, labsDir: join(repoRoot, 'labs') })
        : kubernetesProviderFrom(config.kubernetes!, stateDir, tools.kubectl);
    case 'existing':
      return new ExistingClusterProvider({ stateDir, kubeconfigPath: config.existingKubeconfig ?? '' });
    case 'kind':
      // The same kind the learner's shell gets: the user's own when it fits, else ours.
      return new KindProvider({ stateDir, kindBinary: resolveTool('kind').chosen?.path ?? tools.kind, ...images });
    case 'sandbox':
      return new SandboxProvider({
        stateDir,
        dataDir,
        sandboxImage: `werkbank/sandbox:v${tools.versions.kubernetes}`,
        labsDir: join(repoRoot, 'labs'),
        limits: config.sandboxLimits,
        ...images,
      });
  }
}

export function createClusterManager(
  config: ClusterConfig,
  dataDir: string,
  extra: Partial<ClusterManagerOptions> = {},
): ClusterManager | null {
  const provider = createProvider(config, dataDir);
  if (!provider) return null;
  return new ClusterManager({
    provider,
    dataDir,
    poolSize: config.poolSize,
    maxClusters: config.maxClusters,
    idleTtlMs: config.idleTtlMs,
    memoryPerClusterMiB: config.memoryPerClusterMiB,
    maxParallelCreates: config.maxParallelCreates,
    ...extra,
  });
}

let active: ClusterManager | null = null;

/** Set by the runner at start; tests may set their own. */
export function setActiveClusterManager(manager: ClusterManager | null): void {
  active = manager;
}

/** The learner's cluster (API access, namespace, node container), or null when they
 * have none ready or this runner gives out no clusters. */
export async function clusterFor(learnerId: string): Promise<LearnerCluster | null> {
  return active ? active.clusterFor(learnerId) : null;
}
