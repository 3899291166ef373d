// Where and how a learner's checks run: their cluster, the namespace they work in, and
// the node's container runtime for image checks.
import type { CheckContext } from '../../checks/index.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { kindNodeRuntime } from './node-runtime.ts';
import { stepNeeds, type Lab } from './schema.ts';

/** Whether the lab gets a namespace of the learner's own in a shared cluster: it names
 * one and some of its steps work there (the others need a cluster and are refused). */
export function labHasOwnNamespace(lab: Lab): boolean {
  return lab.namespace !== 'default' && lab.steps.some((step) => stepNeeds(lab, step) === 'namespace');
}

/**
 * The namespace the checks look in. In a cluster of their own (namespace "default") the
 * learner works where the lab says; in a shared cluster in the learner's namespace for
 * that lab (learner mode "namespace"), or else in their own namespace.
 */
export function checkNamespace(lab: Lab, cluster: LearnerCluster): string {
  if (cluster.namespace === 'default') return lab.namespace ?? 'default';
  if (cluster.labNamespaces && labHasOwnNamespace(lab)) return cluster.labNamespaces.nameFor(lab.namespace);
  return cluster.namespace;
}

export function learnerCheckContext(lab: Lab, cluster: LearnerCluster, signal?: AbortSignal): CheckContext {
  return {
    kubeConfig: cluster.kubeConfig,
    namespace: checkNamespace(lab, cluster),
    ...(signal ? { signal } : {}),
    ...(cluster.nodeContainer ? { nodeRuntime: kindNodeRuntime(cluster.nodeContainer, undefined, cluster.nodeExec) } : {}),
  };
}
