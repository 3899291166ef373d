// Where and how a learner's checks run: their cluster, the namespace they work in, and
// the node's container runtime for image checks.
import type { CheckContext } from '../../checks/index.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { kindNodeRuntime } from './node-runtime.ts';
import type { Lab } from './schema.ts';

/**
 * The namespace the checks look in. In a cluster of their own (namespace "default") the
 * learner works where the lab says; in a shared cluster they are confined to their own
 * namespace, so the lab's is not theirs to use.
 */
export function checkNamespace(lab: Lab, cluster: LearnerCluster): string {
  return cluster.namespace === 'default' ? (lab.namespace ?? 'default') : cluster.namespace;
}

export function learnerCheckContext(lab: Lab, cluster: LearnerCluster, signal?: AbortSignal): CheckContext {
  return {
    kubeConfig: cluster.kubeConfig,
    namespace: checkNamespace(lab, cluster),
    ...(signal ? { signal } : {}),
    ...(cluster.nodeContainer ? { nodeRuntime: kindNodeRuntime(cluster.nodeContainer, undefined, cluster.nodeExec) } : {}),
  };
}
