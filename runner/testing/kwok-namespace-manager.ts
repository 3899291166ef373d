// A cluster manager with the "kubernetes" provider (chart mode "namespace") on the shared
// kwok cluster, for the provider's kwok tests: the chart's quota as every learner
// namespace's object, fast polling, quiet logs.
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { KubernetesProvider } from '../clusters/kubernetes-provider.ts';
import { parseNamespaceObjects } from '../clusters/learner-namespaces.ts';
import { ClusterManager } from '../clusters/manager.ts';
import { parseSessionPodSettings } from '../clusters/session-pod.ts';

const NAMESPACE_OBJECTS = `apiVersion: v1
kind: ResourceQuota
metadata:
  name: werkbank-quota
spec:
  hard:
    pods: "20"
`;

export function kwokNamespaceManager(options: {
  dataDir: string;
  admin: KubeConfig;
  sessionsNamespace: string;
  /** The chart's learners.* settings for session pods (nodeSelector, home …). */
  sessionSettings: object;
  poolSize?: number;
}): ClusterManager {
  const provider = new KubernetesProvider({
    stateDir: join(options.dataDir, 'clusters'),
    kubeConfig: options.admin,
    kubeconfigPath: inject('kwokKubeconfig'),
    kubectl: 'kubectl',
    sessionsNamespace: options.sessionsNamespace,
    sessionImage: 'werkbank/werkbank:test',
    learnerRole: 'edit',
    namespaceObjects: parseNamespaceObjects(NAMESPACE_OBJECTS),
    sessionSettings: parseSessionPodSettings(JSON.stringify(options.sessionSettings)),
    pollMs: 200,
    log: () => {},
  });
  return new ClusterManager({
    provider,
    dataDir: options.dataDir,
    poolSize: options.poolSize ?? 0,
    maxClusters: 10,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 1,
    maxParallelCreates: 2,
    log: () => {},
  });
}
