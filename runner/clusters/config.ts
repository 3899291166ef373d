// Cluster settings from the environment, read once at start-up like runner/config.ts:
// which provider, how big the warm pool is, how many clusters fit, when idle ones go.
import { availableParallelism, freemem } from 'node:os';
import { z } from 'zod';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-provider.ts';

const listOf = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const envSchema = z.object({
  /** sandbox (default: shell, Docker and kind cluster in a container per learner), kind
   * (clusters on the host's Docker, shells on the host: one trusted user), kwok
   * (simulated, for large classes and fast tests), existing, none. */
  WERKBANK_CLUSTER_PROVIDER: z.enum(['sandbox', 'kind', 'kwok', 'existing', 'kubernetes', 'none']).default('sandbox'),
  /** Limits of each learner's sandbox (provider sandbox). */
  WERKBANK_SANDBOX_CPUS: z.coerce.number().min(0.25).max(64).optional(),
  WERKBANK_SANDBOX_MEMORY_MIB: z.coerce.number().int().min(1024).optional(),
  WERKBANK_SANDBOX_PIDS: z.coerce.number().int().min(1024).optional(),
  WERKBANK_CLUSTER_POOL: z.coerce.number().int().min(0).max(50).default(1),
  WERKBANK_CLUSTER_MAX: z.coerce.number().int().min(1).optional(),
  WERKBANK_CLUSTER_IDLE_MINUTES: z.coerce.number().min(1).default(120),
  WERKBANK_CLUSTER_MEMORY_MIB: z.coerce.number().int().min(50).optional(),
  WERKBANK_CLUSTER_PARALLEL: z.coerce.number().int().min(1).max(16).default(2),
  /** Lab images pre-loaded into every kind cluster; default: docker/images/build.sh --print. */
  WERKBANK_CLUSTER_IMAGES: listOf.optional(),
  /** Add-on manifests applied to every kind cluster; default: docker/images/build.sh --manifests. */
  WERKBANK_CLUSTER_ADDONS: listOf.optional(),
  /** Node images to try, first present or pullable wins; default kindest/node, then the local build. */
  WERKBANK_KIND_NODE_IMAGES: listOf.optional(),
  /** Provider "existing": the instructor's kubeconfig; each learner gets a namespace. */
  WERKBANK_EXISTING_KUBECONFIG: z.string().optional(),
  /** Provider "kubernetes" (the Helm chart sets these): learners in namespaces of their
   * own with a session pod each ("namespace"), or a privileged sandbox pod each with their
   * own Docker and kind cluster ("sandbox"; the session image is then the seeded sandbox image). */
  WERKBANK_KUBERNETES_MODE: z.enum(['namespace', 'sandbox']).default('namespace'),
  WERKBANK_KUBERNETES_SESSIONS_NAMESPACE: z.string().min(1).optional(),
  WERKBANK_KUBERNETES_SESSION_IMAGE: z.string().min(1).optional(),
  WERKBANK_KUBERNETES_LEARNER_ROLE: z.string().min(1).optional(),
  /** The chart's learner ConfigMap: namespace-objects.yaml and session-pod.yaml. */
  WERKBANK_KUBERNETES_CONFIG: z.string().min(1).optional(),
  /** Outside a pod (development, tests): the runner's kubeconfig; in a pod its ServiceAccount. */
  WERKBANK_KUBERNETES_KUBECONFIG: z.string().min(1).optional(),
});

export interface KubernetesSettings {
  mode: 'namespace' | 'sandbox';
  sessionsNamespace: string;
  sessionImage: string;
  learnerRole: string;
  configDir: string;
  kubeconfigPath: string | null;
}

export type ClusterProviderSetting = z.infer<typeof envSchema>['WERKBANK_CLUSTER_PROVIDER'];

export interface ClusterConfig {
  provider: ClusterProviderSetting;
  poolSize: number;
  maxClusters: number;
  idleTtlMs: number;
  memoryPerClusterMiB: number;
  maxParallelCreates: number;
  labImages: string[] | null;
  addonManifests: string[] | null;
  nodeImages: string[] | null;
  existingKubeconfig: string | null;
  kubernetes: KubernetesSettings | null;
  sandboxLimits: SandboxLimits;
}

/** What one idle cluster of each provider uses (kind measured with bench/cluster-create.ts). */
export const MEMORY_PER_CLUSTER_MIB = { sandbox: 900, kind: 600, kwok: 300, existing: 1, kubernetes: 1, none: 1 } as const;
/** Left free for the runner, the browser tests and the learners' shells. */
const RESERVED_MIB = 1024;
/** Idle kind clusters still cost CPU (a control plane each): on 2 cores the ninth was ready
 * after 165 s at load 50 and the tenth's kubeadm timed out with 18 GiB free
 * (bench/kind-capacity.ts), so kind stops at four per core, well before that. */
const KIND_CLUSTERS_PER_CORE = 4;

export function loadClusterConfig(
  env: NodeJS.ProcessEnv = process.env,
  freeMiB = Math.floor(freemem() / (1 << 20)),
  cores = availableParallelism(),
): ClusterConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Ungültige Cluster-Einstellung in der Umgebung:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const memoryPerClusterMiB = e.WERKBANK_CLUSTER_MEMORY_MIB ?? MEMORY_PER_CLUSTER_MIB[e.WERKBANK_CLUSTER_PROVIDER];
  if (e.WERKBANK_CLUSTER_PROVIDER === 'existing' && !e.WERKBANK_EXISTING_KUBECONFIG) {
    throw new Error('WERKBANK_CLUSTER_PROVIDER=existing braucht WERKBANK_EXISTING_KUBECONFIG (Pfad zur Kubeconfig der Lehrenden).');
  }
  const kubernetes = e.WERKBANK_CLUSTER_PROVIDER === 'kubernetes' ? kubernetesSettings(e) : null;
  const fitInMemory = Math.floor((freeMiB - RESERVED_MIB) / memoryPerClusterMiB);
  const runsKind = e.WERKBANK_CLUSTER_PROVIDER === 'kind' || e.WERKBANK_CLUSTER_PROVIDER === 'sandbox';
  const fitInCpu = runsKind ? cores * KIND_CLUSTERS_PER_CORE : Infinity;
  const memoryMiB = e.WERKBANK_SANDBOX_MEMORY_MIB ?? DEFAULT_SANDBOX_LIMITS.memoryMiB;
  return {
    provider: e.WERKBANK_CLUSTER_PROVIDER,
    poolSize: e.WERKBANK_CLUSTER_POOL,
    maxClusters: e.WERKBANK_CLUSTER_MAX ?? Math.max(1, Math.min(fitInMemory, fitInCpu)),
    idleTtlMs: e.WERKBANK_CLUSTER_IDLE_MINUTES * 60_000,
    memoryPerClusterMiB,
    maxParallelCreates: e.WERKBANK_CLUSTER_PARALLEL,
    labImages: e.WERKBANK_CLUSTER_IMAGES ?? null,
    addonManifests: e.WERKBANK_CLUSTER_ADDONS ?? null,
    nodeImages: e.WERKBANK_KIND_NODE_IMAGES ?? null,
    existingKubeconfig: e.WERKBANK_EXISTING_KUBECONFIG ?? null,
    kubernetes,
    sandboxLimits: {
      cpus: e.WERKBANK_SANDBOX_CPUS ?? Math.min(DEFAULT_SANDBOX_LIMITS.cpus, cores),
      memoryMiB,
      pids: e.WERKBANK_SANDBOX_PIDS ?? DEFAULT_SANDBOX_LIMITS.pids,
      shellPids: DEFAULT_SANDBOX_LIMITS.shellPids,
      // The shell gets part of the sandbox's memory, so a memory hog in it leaves the
      // cluster (and Docker) their share.
      shellMemoryMiB: Math.min(DEFAULT_SANDBOX_LIMITS.shellMemoryMiB, Math.floor(memoryMiB / 2)),
    },
  };
}

function kubernetesSettings(e: z.infer<typeof envSchema>): KubernetesSettings {
  const missing = (['WERKBANK_KUBERNETES_SESSIONS_NAMESPACE', 'WERKBANK_KUBERNETES_SESSION_IMAGE', 'WERKBANK_KUBERNETES_LEARNER_ROLE', 'WERKBANK_KUBERNETES_CONFIG'] as const).filter(
    (name) => !e[name],
  );
  if (missing.length > 0) {
    throw new Error(`WERKBANK_CLUSTER_PROVIDER=kubernetes braucht ${missing.join(', ')} (das Helm-Chart setzt sie).`);
  }
  return {
    mode: e.WERKBANK_KUBERNETES_MODE,
    sessionsNamespace: e.WERKBANK_KUBERNETES_SESSIONS_NAMESPACE!,
    sessionImage: e.WERKBANK_KUBERNETES_SESSION_IMAGE!,
    learnerRole: e.WERKBANK_KUBERNETES_LEARNER_ROLE!,
    configDir: e.WERKBANK_KUBERNETES_CONFIG!,
    kubeconfigPath: e.WERKBANK_KUBERNETES_KUBECONFIG ?? null,
  };
}
