// A school's cluster in small, for the Helm kind test and the namespace-mode bench: a
// kind cluster of one control plane and workers from the local node image, the Werkbank
// image built and loaded into the workers, the chart installed with a NodePort Service,
// and the runner answering there. Also what both do as the page does: connect a learner.
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { nodeImage } from '../../checks/testing/kind-cluster.ts';
import { waitFor } from '../../checks/testing/wait.ts';
import { runChecked } from '../../runner/process.ts';
import { TerminalClient, type Learner } from '../../runner/testing/terminal-client.ts';
import { toolchain } from '../toolchain/paths.ts';
import { CHART_DIR } from './chart-rules.ts';

const BUILD = new URL('./build.sh', import.meta.url).pathname;

export interface HelmClusterOptions {
  /** kind cluster name (and its node containers' prefix). */
  name: string;
  /** A scratch directory for the kind config and the kubeconfig. */
  dir: string;
  workers?: number;
  /** `--set` values beside the ones every run needs (mode, image, NodePort, origin). */
  sets?: string[];
  /** More images for the nodes that run pods (e.g. the seeded sandbox image), made
   * while kind makes the cluster; their names become `{extra0}`, `{extra1}`… in `sets`. */
  extraImages?: () => Promise<string[]>;
  log?: (line: string) => void;
}

export interface HelmCluster {
  name: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  /** The page's address as browsers see it here: a node and the node port. */
  baseUrl: string;
  image: string;
  release: string;
  releaseNamespace: string;
  sessionsNamespace: string;
  workerNodes: string[];
  /** Seconds each set-up step took (figures, not limits). */
  seconds: { cluster: number; imageLoad: number; install: number };
  kubectl(args: string[]): Promise<{ stdout: string }>;
  delete(): Promise<void>;
}

export async function tool(binary: string, args: string[], timeoutMs = 600_000, onStderrLine?: (line: string) => void): Promise<{ stdout: string }> {
  return { stdout: await runChecked(binary, args, { timeoutMs, onStderrLine }) };
}

const secondsSince = (started: number) => (performance.now() - started) / 1000;

async function createCluster(name: string, dir: string, kubeconfigPath: string, workers: number): Promise<void> {
  const config = join(dir, 'kind.yaml');
  await writeFile(config, `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n${'  - role: worker\n'.repeat(workers)}`);
  await tool(toolchain().kind, ['create', 'cluster', '--name', name, '--image', await nodeImage(), '--config', config, '--kubeconfig', kubeconfigPath, '--wait', '300s'], 900_000);
}

async function buildImage(): Promise<string> {
  const build = await tool('bash', [BUILD], 1_800_000, (line) => process.stderr.write(`${line}\n`));
  return build.stdout.trim().split('\n').at(-1)!;
}

/** The runner answers on the node port (kube-proxy forwards to whichever pod is ready). */
export async function waitForRunner(baseUrl: string): Promise<void> {
  await waitFor(
    'der Runner im Cluster antwortet über den NodePort',
    async () => {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 1_000 },
  );
}

export async function runnerPod(cluster: Pick<HelmCluster, 'core' | 'release' | 'releaseNamespace'>): Promise<V1Pod | undefined> {
  const pods = await cluster.core.listNamespacedPod({
    namespace: cluster.releaseNamespace,
    labelSelector: `app.kubernetes.io/instance=${cluster.release},app.kubernetes.io/component=runner`,
  });
  return pods.items.find((pod) => !pod.metadata?.deletionTimestamp);
}

/** A learner opens the page: ticket, websocket, and their shell's prompt in their pod
 * (the first connection waits for the namespace and the session pod to be made). */
export async function connectLearner(baseUrl: string, learner: Learner, timeoutMs = 600_000): Promise<TerminalClient> {
  const terminal = await TerminalClient.connect(baseUrl, learner, { cols: 120, rows: 30 });
  await terminal.waitForPrompt(timeoutMs);
  return terminal;
}

/** Builds the image while kind makes the cluster, loads it into the workers, installs
 * the chart in mode "namespace" without a pool, and waits for the runner. */
export async function startHelmCluster(options: HelmClusterOptions): Promise<HelmCluster> {
  const log = options.log ?? ((line: string) => console.log(line));
  const workers = options.workers ?? 2;
  const kubeconfigPath = join(options.dir, 'kubeconfig');
  const release = 'werkbank';
  const releaseNamespace = 'werkbank';
  const nodePort = randomInt(30_000, 32_700);

  const deleteCluster = async () => {
    await tool(toolchain().kind, ['delete', 'cluster', '--name', options.name, '--kubeconfig', kubeconfigPath]).catch(() => undefined);
  };
  try {
    return await installInto();
  } catch (error) {
    // Nobody else holds the cluster yet: a failed set-up must not leave it running.
    await deleteCluster();
    throw error;
  }

  async function installInto(): Promise<HelmCluster> {
    const clusterStarted = performance.now();
    const [image, extraImages, clusterSeconds] = await Promise.all([
      buildImage(),
      options.extraImages?.() ?? Promise.resolve([]),
      createCluster(options.name, options.dir, kubeconfigPath, workers).then(() => {
        const seconds = secondsSince(clusterStarted);
        log(`[helm] ${workers + 1}-Knoten-Cluster ${options.name} bereit nach ${seconds.toFixed(1)} s`);
        return seconds;
      }),
    ]);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const core = kubeConfig.makeApiClient(CoreV1Api);

    // Only the workers run pods (the control plane keeps its taint in a cluster with
    // workers); a cluster of one node runs them on its control plane.
    const workerNodes = Array.from({ length: workers }, (_, i) => `${options.name}-worker${i === 0 ? '' : i + 1}`);
    const podNodes = workers > 0 ? workerNodes : [`${options.name}-control-plane`];
    const loadStarted = performance.now();
    for (const loaded of [image, ...extraImages]) {
      await tool(toolchain().kind, ['load', 'docker-image', '--name', options.name, '--nodes', podNodes.join(','), loaded], 900_000);
    }
    const imageLoadSeconds = secondsSince(loadStarted);
    log(`[helm] Images ${[image, ...extraImages].join(', ')} in ${podNodes.length} Knoten geladen nach ${imageLoadSeconds.toFixed(1)} s`);

    const { stdout: nodeIp } = await tool('docker', ['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${options.name}-control-plane`]);
    const baseUrl = `http://${nodeIp.trim()}:${nodePort}`;
    const colon = image.lastIndexOf(':');
    const sets = [
      'learners.mode=namespace',
      'learners.poolSize=0',
      `image.repository=${image.slice(0, colon)}`,
      `image.tag=${image.slice(colon + 1)}`,
      'service.type=NodePort',
      `service.nodePort=${nodePort}`,
      // The page's address as browsers see it here: a node and its port.
      `runner.extraEnv.WERKBANK_ALLOWED_ORIGINS=${baseUrl}`,
      ...(options.sets ?? []).map((value) => value.replace(/\{extra(\d+)\}/g, (_, index: string) => extraImages[Number(index)] ?? '')),
    ];
    const installStarted = performance.now();
    await tool(toolchain().helm, [
      'install', release, CHART_DIR,
      '--kubeconfig', kubeconfigPath,
      '--namespace', releaseNamespace, '--create-namespace',
      ...sets.flatMap((value) => ['--set', value]),
      '--wait', '--timeout', '10m',
    ], 900_000);
    const installSeconds = secondsSince(installStarted);
    log(`[helm] helm install fertig nach ${installSeconds.toFixed(1)} s`);
    await waitForRunner(baseUrl);

    return {
      name: options.name,
      kubeconfigPath,
      kubeConfig,
      core,
      baseUrl,
      image,
      release,
      releaseNamespace,
      sessionsNamespace: `${release}-sessions`,
      workerNodes,
      seconds: { cluster: clusterSeconds, imageLoad: imageLoadSeconds, install: installSeconds },
      kubectl: (args) => tool(toolchain().kubectl, ['--kubeconfig', kubeconfigPath, ...args], 120_000),
      delete: deleteCluster,
    };
  }
}
