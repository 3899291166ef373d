// One small interface in front of every way Werkbank gets a learner a cluster, the way
// kind hides docker and podman behind its own provider interface: the manager decides
// *when* a cluster exists, a provider knows *how* (kind, kwok, an instructor's cluster).
import type { CommandResult } from './commands.ts';

export type ProviderName = 'kind' | 'kwok' | 'existing';

/** One step of creating a cluster, as the page shows it. */
export interface ProgressStep {
  id: string;
  /** German, e.g. "Control Plane startet". */
  label: string;
  state: 'running' | 'done' | 'failed';
  startedAt: number;
  endedAt?: number;
  /** Extra information, e.g. which lab images were missing. */
  detail?: string;
}

/** Called whenever a step starts, ends or fails. */
export type ProgressCallback = (step: ProgressStep) => void;

export interface ClusterHandle {
  /** Provider-wide unique name, e.g. "werkbank-3f9a01bc" or "werkbank-pool-1a2b3c". */
  name: string;
  provider: ProviderName;
  /** Kubeconfig with the provider's own (admin) user; never handed to a learner. */
  adminKubeconfigPath: string;
  /** Where the learner works: "default" for a cluster of their own. */
  namespace: string;
  /** Docker container of the control-plane node (kind only), for crictl checks. */
  nodeContainer?: string;
}

export interface ImageLoadResult {
  loaded: string[];
  /** Images this machine does not have (not built yet); logged, never fatal. */
  missing: string[];
}

export interface ClusterProvider {
  readonly name: ProviderName;
  /** Can be run at all (Docker up, binaries present); throws a ClusterError if not. */
  preflight(): Promise<void>;
  /** Creates a cluster and returns once it is ready (node, DNS, storage, add-ons). */
  create(name: string, onProgress: ProgressCallback): Promise<ClusterHandle>;
  /** The cluster if it exists and belongs to this runner, else null. */
  get(name: string): Promise<ClusterHandle | null>;
  /** Names of every cluster this runner owns, ready or half-made. */
  listOurs(): Promise<string[]>;
  delete(name: string): Promise<void>;
  /** A kubeconfig (YAML) for one learner, with a user name nobody else's config uses:
   * @kubernetes/client-node caches credentials by user name. */
  kubeconfig(name: string, learnerId: string): Promise<string>;
  loadImages(name: string, images: string[]): Promise<ImageLoadResult>;
  /** Runs a command inside the cluster's node (kind only). */
  execInNode(name: string, command: string[]): Promise<CommandResult>;
}
