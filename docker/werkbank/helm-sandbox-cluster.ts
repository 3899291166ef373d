// Werkbank's chart in learner mode "sandbox" on a 1-node kind cluster (a school's node
// set aside for sandboxes, in small), for the Helm sandbox kind test and the sandbox-mode
// bench: the set-up of helm-cluster.ts with the seeded sandbox image loaded beside the
// Werkbank image, and what both then wait for as the page does: the learner's own cluster.
import { waitFor } from '../../checks/testing/wait.ts';
import type { ClusterResponse, ClusterStatus } from '../../runner/http/contract.ts';
import type { Learner } from '../../runner/testing/terminal-client.ts';
import { startHelmCluster, type HelmCluster, type HelmClusterOptions } from './helm-cluster.ts';
import { buildSeededSandbox } from './seeded-sandbox.ts';

/** The sandbox pods' requests below the chart's (250m, 1 GiB): the one node here also
 * runs the cluster's control plane and the runner, and the bench puts several on it. */
export const SANDBOX_RESOURCE_SETS = [
  'learners.sandboxResources.requests.cpu=100m',
  'learners.sandboxResources.requests.memory=512Mi',
];

/** startHelmCluster on one node (its control plane runs the pods), mode "sandbox" with
 * the seeded sandbox image; `sets` come after the ones here and so override them. */
export async function startSandboxHelmCluster(options: Omit<HelmClusterOptions, 'workers' | 'extraImages'>): Promise<HelmCluster> {
  const log = options.log ?? ((line: string) => console.log(line));
  return startHelmCluster({
    ...options,
    workers: 0,
    extraImages: async () => [await buildSeededSandbox({ log })],
    sets: ['learners.mode=sandbox', 'learners.sandboxImage={extra0}', ...SANDBOX_RESOURCE_SETS, ...(options.sets ?? [])],
  });
}

/** The learner's cluster as the page asks for it (GET /api/cluster with their cookie). */
export async function learnerClusterStatus(baseUrl: string, learner: Learner): Promise<ClusterResponse> {
  const response = await fetch(`${baseUrl}/api/cluster`, { headers: { cookie: learner.cookie }, signal: AbortSignal.timeout(30_000) });
  return (await response.json()) as ClusterResponse;
}

/** Waits until the learner's own cluster is ready; a failed one ends the wait at once
 * as an error with its cause (waitFor takes a probe's errors for "not yet"). */
export async function waitForLearnerCluster(baseUrl: string, learner: Learner, timeoutMs = 1_500_000): Promise<ClusterStatus> {
  const cluster = await waitFor(
    'der Cluster der Lernenden ist bereit oder fehlgeschlagen',
    async () => {
      const status = await learnerClusterStatus(baseUrl, learner);
      return status.ok && (status.cluster.phase === 'ready' || status.cluster.phase === 'failed') ? status.cluster : undefined;
    },
    { timeoutMs, intervalMs: 3_000 },
  );
  if (cluster.phase === 'failed') throw new Error(`Cluster fehlgeschlagen: ${JSON.stringify(cluster.error)}`);
  return cluster;
}

/** Each step of a ready cluster with its seconds, e.g. "kind 17.0 s", for the figures. */
export function stepSeconds(cluster: ClusterStatus): string[] {
  return cluster.steps.map((step) => `${step.id} ${(((step.endedAt ?? step.startedAt) - step.startedAt) / 1000).toFixed(1)} s${step.state === 'failed' ? ' (fehlgeschlagen)' : ''}`);
}
