// "Ready" for a learner's cluster means what their first lab needs: the node accepts
// pods, cluster DNS answers (CoreDNS available) and PVCs can bind (a default
// StorageClass). Asked through the API, never by parsing kubectl's text.
import { AppsV1Api, CoreV1Api, KubeConfig, StorageV1Api } from '@kubernetes/client-node';
import { waitUntil } from '../wait.ts';

export interface ReadinessNeeds {
  /** kwok has no pods that really run, so no CoreDNS to wait for. */
  coreDns: boolean;
}

export interface ReadinessState {
  nodeReady: boolean;
  coreDnsAvailable: boolean;
  defaultStorageClass: boolean;
}

export async function readinessOf(config: KubeConfig, needs: ReadinessNeeds): Promise<ReadinessState> {
  const core = config.makeApiClient(CoreV1Api);
  const storage = config.makeApiClient(StorageV1Api);
  const [nodes, classes, coreDns] = await Promise.all([
    core.listNode(),
    storage.listStorageClass(),
    needs.coreDns
      ? config.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' }).catch(() => null)
      : Promise.resolve(null),
  ]);
  return {
    nodeReady:
      nodes.items.length > 0 &&
      nodes.items.every((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    coreDnsAvailable: !needs.coreDns || (coreDns?.status?.availableReplicas ?? 0) > 0,
    defaultStorageClass: classes.items.some(
      (item) => item.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    ),
  };
}

/** Polls until ready; on timeout says in German which part is still missing. */
export async function waitUntilReady(
  config: KubeConfig,
  needs: ReadinessNeeds,
  { timeoutMs = 180_000, intervalMs = 500 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  let last: ReadinessState | null = null;
  await waitUntil(
    'Cluster bereit',
    async () => {
      last = await readinessOf(config, needs); // throws while the API server is still starting
      return last.nodeReady && last.coreDnsAvailable && last.defaultStorageClass;
    },
    {
      timeoutMs,
      intervalMs,
      timeoutError: (lastError) => {
        const state: ReadinessState | null = last;
        const missing = state
          ? [
              !state.nodeReady && 'Knoten nicht Ready',
              !state.coreDnsAvailable && 'CoreDNS nicht verfügbar',
              !state.defaultStorageClass && 'keine Standard-StorageClass',
            ].filter(Boolean)
          : [`API-Server antwortet nicht (${lastError instanceof Error ? lastError.message : String(lastError)})`];
        return new Error(`Cluster nach ${Math.round(timeoutMs / 1000)} s nicht bereit: ${missing.join(', ')}`);
      },
    },
  );
}
