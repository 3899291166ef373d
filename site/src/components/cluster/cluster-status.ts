// The learner's cluster (in learner mode "namespace": their session) as the cluster panel
// last heard of it, for other parts of the page: one event stream per page, and a lab
// that can only start in a ready session follows it instead of opening its own.
import type { ClusterStatus } from '../../../../runner/http/contract.ts';

const CLUSTER_STATUS_CHANGED = 'werkbank:cluster-status';

declare global {
  interface Window {
    /** For browser tests: the last status the page showed. */
    werkbankCluster?: { status: ClusterStatus | null };
  }
}

/** Called by the panel with every status it shows. */
export function publishClusterStatus(status: ClusterStatus): void {
  window.dispatchEvent(new CustomEvent<ClusterStatus>(CLUSTER_STATUS_CHANGED, { detail: status }));
}

/** Calls `listener` with the status known now (if any) and with every later one, until
 * the returned function is called. */
export function followClusterStatus(listener: (status: ClusterStatus) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<ClusterStatus>).detail);
  window.addEventListener(CLUSTER_STATUS_CHANGED, handler);
  const known = window.werkbankCluster?.status;
  if (known) listener(known);
  return () => window.removeEventListener(CLUSTER_STATUS_CHANGED, handler);
}
