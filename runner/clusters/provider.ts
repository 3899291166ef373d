// One small interface in front of every way Werkbank gets a learner a cluster, the way
// kind hides docker and podman behind its own provider interface: the manager decides
// *when* a cluster exists, a provider knows *how* (kind, kwok, an instructor's cluster).
import type { CommandResult } from './commands.ts';

export type ProviderName = 'sandbox' | 'kind' | 'kwok' | 'existing' | 'kubernetes';

/** What a provider can do, as data the rest of the runner asks instead of comparing
 * provider names (after kind's own ProviderInfo). */
export interface ProviderInfo {
  /** A kind cluster whose name the learner's `kind` needs in KIND_CLUSTER_NAME
   * (host kind; in a sandbox the cluster has kind's default name). */
  kindClusterNameInShell: boolean;
  /** Seconds a creation takes before any was measured on this machine. */
  defaultEstimateSeconds: number;
  /** Set when the provider keeps no warm pool, with why (for the log): its clusters must
   * be made for their learner (sandbox pods with homes on claims). */
  noWarmPool?: string;
}

/** Told while a cluster is being made, beside the progress steps. */
export interface CreateHooks {
  /** The learner's shell can start now (the sandbox runs; its cluster may not yet). */
  onShellReady?: () => void;
  /** Set while the cluster's own pieces (node and lab images) are still being prepared;
   * resolves when they are. A sandbox starts the learner's shell without them, its
   * cluster waits. */
  clusterPiecesPending?: Promise<void>;
}

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
  /** The command prefix that runs a program in that node, e.g. ["docker", "exec", node]. */
  nodeExec?: string[];
  /** The learner sandbox (container or pod) the cluster lives in, where lab scripts run. */
  sandbox?: string;
  /** The command prefix that runs a program in that sandbox; default `docker exec <sandbox>`. */
  sandboxExec?: string[];
}

export interface ImageLoadResult {
  loaded: string[];
  /** Images this machine does not have (not built yet); logged, never fatal. */
  missing: string[];
}

export interface ClusterProvider {
  readonly name: ProviderName;
  readonly info: ProviderInfo;
  /** Can be run at all (Docker up, binaries present); throws a ClusterError if not. */
  preflight(): Promise<void>;
  /** Creates a cluster and returns once it is ready (node, DNS, storage, add-ons). */
  create(name: string, onProgress: ProgressCallback, hooks?: CreateHooks): Promise<ClusterHandle>;
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
  /** The command prefix that runs a program in the cluster's node; null without nodes. */
  nodeExec(name: string): string[] | null;
  /** Present when every cluster lives in a sandbox that also holds the learner's shell;
   * absent when the learner's shell runs on the runner's host. */
  readonly sandbox?: SandboxAccess;
  /** Present when a learner has no cluster of their own but namespaces in a shared one
   * (learner mode "namespace"): each lab's namespace becomes one of theirs. */
  readonly labNamespaces?: LabNamespaceAccess;
}

/** A learner's namespace per lab in a shared cluster. */
export interface LabNamespaceAccess {
  /** The real name of the lab's namespace `labNamespace` for the learner cluster `name`. */
  nameFor(name: string, labNamespace: string): string;
  /** Makes it if missing, with the restrictions of the learner's own namespace, and makes
   * it the default namespace of the learner's kubeconfig; returns its real name. */
  start(name: string, labNamespace: string): Promise<string>;
}

/** What the runner does with a sandbox beside its cluster: the learner's home and shell. */
export interface SandboxAccess {
  /** Where KUBECONFIG points inside the sandbox. */
  kubeconfigPath: string;
  /** Makes the learner's home (a directory on the host) the sandbox's home. */
  attachHome(name: string, home: string): Promise<void>;
  /** Gives the home back to the host, with everything in it, before the sandbox goes. */
  detachHome(name: string, home: string): Promise<void>;
  /** Before each shell start: brings back a sandbox that went away under a cluster the
   * runner still holds (a session pod deleted with its node), or one made without the
   * learner's home (taken from the pool). Absent: nothing to do. */
  beforeShell?(name: string): Promise<void>;
  /** Whether the sandbox under a ready cluster is gone, and the cluster with it (a
   * sandbox pod deleted with its node): the learner's next shell then gets a new one,
   * with their home. Absent: never asked. */
  lost?(name: string): Promise<boolean>;
  /** The command that starts a login shell in the sandbox, under node-pty. */
  shellCommand(name: string, session: string): string[];
  /** Hangs up a shell started with shellCommand (`docker exec` never ends its process). */
  hangUpShell(name: string, session: string): Promise<void>;
}
