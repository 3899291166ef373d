// Where docker/toolchain/build.sh puts each binary it builds, derived from the pinned
// versions in docker/versions.env. The tests and the kind node image ask here instead of
// searching PATH, so they always get the versions the repo pins. The learner tools the
// runner hands out (kind, kubectl, helm) are chosen by resolve.ts, which may prefer the
// user's own or a release download.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const versionsFile = join(import.meta.dirname, '..', 'versions.env');

/** The build units of build.sh; each is one Go wrapper module under modules/. */
export type Unit =
  | 'kubernetes'
  | 'etcd'
  | 'kind'
  | 'helm'
  | 'kwok'
  | 'metrics-server'
  | 'distribution'
  | 'flux-source'
  | 'flux-kustomize';

/** Every binary build.sh makes, and the unit it comes from (same table as TOOLS there). */
export const binaries = {
  kind: 'kind',
  kubectl: 'kubernetes',
  kubelet: 'kubernetes',
  kubeadm: 'kubernetes',
  'kube-apiserver': 'kubernetes',
  'kube-controller-manager': 'kubernetes',
  'kube-scheduler': 'kubernetes',
  'kube-proxy': 'kubernetes',
  etcd: 'etcd',
  etcdctl: 'etcd',
  kwok: 'kwok',
  kwokctl: 'kwok',
  'metrics-server': 'metrics-server',
  helm: 'helm',
  registry: 'distribution',
  'source-controller': 'flux-source',
  'kustomize-controller': 'flux-kustomize',
} as const satisfies Record<string, Unit>;

export type Binary = keyof typeof binaries;

const version = z.string().regex(/^\d+\.\d+\.\d+$/, 'erwartet Major.Minor.Patch ohne "v"');
const versionsSchema = z.object({
  KUBERNETES_VERSION: version,
  ETCD_VERSION: version,
  KIND_VERSION: version,
  HELM_VERSION: version,
  KWOK_VERSION: version,
  METRICS_SERVER_VERSION: version,
  DISTRIBUTION_VERSION: version,
  FLUX_SOURCE_CONTROLLER_VERSION: version,
  FLUX_KUSTOMIZE_CONTROLLER_VERSION: version,
});

export type Toolchain = Record<Binary, string> & {
  /** The pinned version of each unit, without a leading "v". */
  versions: Record<Unit, string>;
  /** $WERKBANK_CACHE/toolchain */
  dir: string;
  /** metrics-server's kustomize manifests (manifests/ of its module), for kwokctl. */
  metricsServerManifests: string;
  /** kwok's kustomize/ directory (stages, resource usage, ...) from its module. */
  kwokKustomize: string;
};

/** The lines KEY=value of a bash env file; comments and blank lines are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`Zeile in versions.env nicht verstanden: ${line}`);
    values[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return values;
}

/** The cache root, chosen exactly as ./werkbank and build.sh choose it. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WERKBANK_CACHE) return env.WERKBANK_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'werkbank');
}

export interface ToolchainOptions {
  env?: NodeJS.ProcessEnv;
  /** Contents of versions.env; read from the repo when absent. */
  versionsEnv?: string;
}

export function toolchain(options: ToolchainOptions = {}): Toolchain {
  const parsed = versionsSchema.safeParse(parseEnvFile(options.versionsEnv ?? readFileSync(versionsFile, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`docker/versions.env ist unvollständig:\n  ${problems.join('\n  ')}`);
  }
  const v = parsed.data;
  const versions: Record<Unit, string> = {
    kubernetes: v.KUBERNETES_VERSION,
    etcd: v.ETCD_VERSION,
    kind: v.KIND_VERSION,
    helm: v.HELM_VERSION,
    kwok: v.KWOK_VERSION,
    'metrics-server': v.METRICS_SERVER_VERSION,
    distribution: v.DISTRIBUTION_VERSION,
    'flux-source': v.FLUX_SOURCE_CONTROLLER_VERSION,
    'flux-kustomize': v.FLUX_KUSTOMIZE_CONTROLLER_VERSION,
  };
  const dir = join(cacheDir(options.env), 'toolchain');
  const unitDir = (unit: Unit) => join(dir, `${unit}-${versions[unit]}`);
  const paths = Object.fromEntries(
    Object.entries(binaries).map(([binary, unit]) => [binary, join(unitDir(unit), binary)]),
  ) as Record<Binary, string>;
  return {
    ...paths,
    versions,
    dir,
    metricsServerManifests: join(unitDir('metrics-server'), 'metrics-server-manifests'),
    kwokKustomize: join(unitDir('kwok'), 'kwok-kustomize'),
  };
}

export interface UpstreamNodeImage {
  /** KIND_NODE_VERSION: the Kubernetes version of kind's own node image, which may differ
   * from KUBERNETES_VERSION (kind publishes one patch per minor). */
  version: string;
  /** kindest/node:v<version>, the tag docker/kind-node/pull.sh gives the pulled image. */
  tag: string;
  /** The pinned digest (WERKBANK_KIND_NODE_DIGEST, else KIND_NODE_DIGEST); null: no pull. */
  digest: string | null;
}

/** kindest/node as docker/kind-node/pull.sh pulls and names it (same lines, same override). */
export function upstreamNodeImage(options: ToolchainOptions = {}): UpstreamNodeImage {
  const env = options.env ?? process.env;
  const values = parseEnvFile(options.versionsEnv ?? readFileSync(versionsFile, 'utf8'));
  const parsed = version.safeParse(values.KIND_NODE_VERSION);
  if (!parsed.success) throw new Error(`docker/versions.env: KIND_NODE_VERSION fehlt oder ist keine Version (${values.KIND_NODE_VERSION ?? 'leer'}).`);
  const digest = env.WERKBANK_KIND_NODE_DIGEST || values.KIND_NODE_DIGEST || '';
  return {
    version: parsed.data,
    tag: `kindest/node:v${parsed.data}`,
    digest: /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : null,
  };
}

/** The binaries not built yet; empty when `./werkbank toolchain` has run. */
export function missingBinaries(tools: Toolchain = toolchain()): Binary[] {
  return (Object.keys(binaries) as Binary[]).filter((binary) => !existsSync(tools[binary]));
}
