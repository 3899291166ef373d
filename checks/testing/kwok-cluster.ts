// A real Kubernetes control plane for tests: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, metrics-server and the kwok controller, all from the toolchain cache,
// started by kwokctl as plain processes (no Docker). Nodes and pods are simulated by kwok;
// everything else (Deployments, EndpointSlices, PV binding, the HPA) is the real thing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiregistrationV1Api, type V1ContainerImage, type V1StorageClass } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { cacheDir, missingBinaries, toolchain, type Toolchain } from '../../docker/toolchain/paths.ts';
import { ProcessError, runChecked } from '../../runner/process.ts';
import { kubeClients, type KubeClients } from './kube-clients.ts';
import { kwokConfigFiles, kwokctlConfiguration, storageClassFile } from './kwok-config.ts';
import { createFakeNode, defaultNodeImages } from './kwok-nodes.ts';
import { waitFor } from './wait.ts';


export interface KwokClusterOptions {
  /** Fake nodes to create (default 2). */
  nodes?: number;
  /** What each node reports in status.images. */
  nodeImages?: V1ContainerImage[];
  /** HPA controller sync period (default 5s; real clusters use 15s). */
  hpaSyncPeriod?: string;
  /** metrics-server scrape interval (default 10s, its minimum; kwokctl's is 15s). */
  metricResolution?: string;
}

export interface KwokCluster {
  name: string;
  kubeconfigPath: string;
  /** kwokctl's working directory (KWOK_WORKDIR) for this cluster alone. */
  workdir: string;
  nodeNames: string[];
  /** Stops every process of the cluster and removes its files. */
  stop(): Promise<void>;
}

/** Each cluster gets its own kwokctl workdir here, never the user's ~/.kwok. */
function clustersRoot(): string {
  return join(cacheDir(), 'kwok-clusters');
}

export async function startKwokCluster(options: KwokClusterOptions = {}): Promise<KwokCluster> {
  const tools = toolchain();
  assertToolchainBuilt(tools);
  await removeAbandonedClusters(tools);

  const name = `werkbank-${process.pid}-${randomBytes(3).toString('hex')}`;
  const workdir = join(clustersRoot(), name);
  await mkdir(workdir, { recursive: true });
  await writeFile(join(workdir, 'owner.pid'), String(process.pid));
  const configPath = join(workdir, 'kwokctl.yaml');
  await writeFile(
    configPath,
    kwokctlConfiguration(tools, {
      cacheDir: join(workdir, 'cache'),
      hpaSyncPeriod: options.hpaSyncPeriod ?? '5s',
      metricResolution: options.metricResolution ?? '10s',
    }),
  );

  const cluster: KwokCluster = {
    name,
    workdir,
    kubeconfigPath: join(workdir, 'clusters', name, 'kubeconfig.yaml'),
    nodeNames: Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i + 1}`),
    stop: () => deleteCluster(tools, workdir, name),
  };
  try {
    const configs = [configPath, ...kwokConfigFiles(tools)].flatMap((file) => ['--config', file]);
    // --kubeconfig= keeps kwokctl from adding a context to the user's ~/.kube/config.
    const create = ['create', 'cluster', '--runtime', 'binary', '--kubeconfig=', '--timeout=120s'];
    await kwokctl(tools, workdir, ['--name', name, ...configs, ...create]);
    await prepareCluster(kubeClients(cluster.kubeconfigPath), tools, cluster.nodeNames, options, join(workdir, 'clusters', name));
  } catch (error) {
    // Stopping removes the work dir, so the components' logs are copied out first.
    const logs = join(tmpdir(), `${name}-logs`);
    await cp(join(workdir, 'clusters', name, 'logs'), logs, { recursive: true }).catch(() => {});
    await cluster.stop().catch(() => {});
    throw new Error(`Der kwok-Testcluster ließ sich nicht starten (Protokolle der Komponenten: ${logs}).`, {
      cause: error,
    });
  }
  return cluster;
}

function assertToolchainBuilt(tools: Toolchain): void {
  const missing: string[] = missingBinaries(tools);
  for (const dir of [tools.kwokKustomize, tools.metricsServerManifests]) if (!existsSync(dir)) missing.push(dir);
  if (missing.length > 0) {
    throw new Error(
      `Für den kwok-Testcluster fehlen Werkzeuge: ${missing.join(', ')}. Bitte zuerst "./werkbank toolchain" ausführen.`,
    );
  }
}

async function kwokctl(tools: Toolchain, workdir: string, args: string[]): Promise<void> {
  // KWOK_* variables override kwokctl's configuration (KWOK_KUBE_VERSION, KWOK_RUNTIME, ...);
  // none from the caller's shell may leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('KWOK_')));
  try {
    await runChecked(tools.kwokctl, args, {
      env: { ...env, KWOK_WORKDIR: workdir, KUBECONFIG: join(workdir, 'unused-kubeconfig') },
      timeoutMs: 180_000,
    });
  } catch (error) {
    const output = error instanceof ProcessError && error.result ? error.result.stderr.trim().split('\n') : [];
    throw new Error(`kwokctl ${args.join(' ')} schlug fehl:\n${output.slice(-20).join('\n')}`, {
      cause: error,
    });
  }
}

async function deleteCluster(tools: Toolchain, workdir: string, name: string): Promise<void> {
  try {
    // An empty --kubeconfig is refused here; a file of our own keeps ~/.kube/config untouched.
    const kubeconfig = join(workdir, 'unused-kubeconfig');
    await kwokctl(tools, workdir, ['--name', name, 'delete', 'cluster', `--kubeconfig=${kubeconfig}`]);
  } catch (error) {
    // Without kwokctl's help the processes would outlive their deleted files.
    await killRecordedProcesses(join(workdir, 'clusters', name));
    throw error;
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
}

/** SIGKILL, as kwokctl does, for each pid kwokctl recorded that still runs a binary of this cluster. */
async function killRecordedProcesses(clusterDir: string): Promise<void> {
  const pidDir = join(clusterDir, 'pids');
  const files = await readdir(pidDir).catch(() => [] as string[]);
  for (const file of files) {
    const pid = Number(await readFile(join(pidDir, file), 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    // A recycled pid belongs to someone else; only kill what runs from our directory.
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.startsWith(clusterDir)) process.kill(pid, 'SIGKILL');
  }
}

/**
 * Clusters whose test process died without tearing them down (Ctrl-C, a crash) still
 * run; stop them before starting another, so they never pile up.
 */
async function removeAbandonedClusters(tools: Toolchain): Promise<void> {
  const root = clustersRoot();
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const workdir = join(root, name);
      const owner = Number(await readFile(join(workdir, 'owner.pid'), 'utf8').catch(() => ''));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return;
      await deleteCluster(tools, workdir, name).catch((error: unknown) => {
        console.warn(`[kwok] verwaister Testcluster ${name} ließ sich nicht sauber löschen:`, error);
      });
    }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const storageClassSchema = z.object({
  apiVersion: z.literal('storage.k8s.io/v1'),
  kind: z.literal('StorageClass'),
  metadata: z.object({ name: z.string() }).loose(),
  provisioner: z.string(),
}).loose();

/** What a fresh kind cluster has and kwokctl does not set up: nodes and a StorageClass. */
async function prepareCluster(
  kube: KubeClients,
  tools: Toolchain,
  nodeNames: string[],
  options: KwokClusterOptions,
  clusterDir: string,
): Promise<void> {
  const storageClass = storageClassSchema.parse(parse(await readFile(storageClassFile(tools), 'utf8')));
  await Promise.all([
    kube.storage.createStorageClass({ body: storageClass as V1StorageClass }),
    ...nodeNames.map((name, index) =>
      createFakeNode(kube.core, {
        name,
        podCIDR: `10.244.${index + 1}.0/24`,
        kubernetesVersion: tools.versions.kubernetes,
        images: options.nodeImages ?? defaultNodeImages,
      }),
    ),
  ]);
  const apiregistration = kube.config.makeApiClient(ApiregistrationV1Api);
  await Promise.all([
    ...nodeNames.map((name) =>
      // The kwok controller marks nodes Ready; with unit and browser tests running beside
      // it on two cores it was once seen to need more than a minute.
      waitFor(
        `Knoten ${name} ist Ready`,
        async () => {
          const node = await kube.core.readNode({ name });
          return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        },
        { timeoutMs: 180_000 },
      ),
    ),
    // Pods in a namespace without this account are refused by the ServiceAccount admission.
    waitFor('ServiceAccount default/default existiert', () =>
      kube.core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
    ),
    // metrics-server is the slowest part to come up; on a loaded machine (load 20 and more
    // on two cores) it was seen to need over a minute.
    waitFor(
      'metrics.k8s.io ist verfügbar',
      async () => {
        await reviveMetricsServer(clusterDir);
        const service = await apiregistration.readAPIService({ name: 'v1beta1.metrics.k8s.io' });
        return service.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
      },
      { timeoutMs: 180_000 },
    ),
  ]);
}

const componentSchema = z.object({ name: z.string(), binary: z.string().optional(), args: z.array(z.string()).default([]) }).loose();

/**
 * kwokctl starts metrics-server right after the API server; on a loaded machine the API
 * server may not listen yet, metrics-server exits ("unable to load configmap based
 * request-header-client-ca-file") and nothing restarts it, so the cluster would never
 * offer metrics. Started again the way kwokctl started it, with its pid where kwokctl
 * (and killRecordedProcesses) look when the cluster is deleted.
 */
async function reviveMetricsServer(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'pids', 'metrics-server.pid');
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) return;
  const docs = parseAllDocuments(await readFile(join(clusterDir, 'kwok.yaml'), 'utf8')).map((doc) => doc.toJS() as unknown);
  const components = docs.flatMap((doc) => z.object({ components: z.array(componentSchema) }).loose().safeParse(doc).data?.components ?? []);
  const component = components.find((c) => c.name === 'metrics-server' && c.binary !== undefined);
  if (!component?.binary) return;
  const log = openSync(join(clusterDir, 'logs', 'metrics-server.log'), 'a');
  const child = spawn(component.binary, component.args, { cwd: clusterDir, detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  if (child.pid !== undefined) {
    await writeFile(pidFile, String(child.pid));
    console.warn(`[kwok] metrics-server war beendet (API-Server noch nicht bereit); neu gestartet als pid ${child.pid}`);
  }
}
