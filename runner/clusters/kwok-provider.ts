// Simulated clusters for very large classes and fast tests: a real API server, etcd,
// controllers and scheduler started by kwokctl as plain processes, with one fake node
// that kwok keeps Ready. Pods are scheduled and reported Running but never run: no
// logs, no exec, no images. Everything lives under <dataDir>/clusters/kwok, so all of
// it belongs to this runner.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, StorageV1Api, type V1StorageClass } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kwokConfigFiles, kwokctlConfiguration, storageClassFile } from '../../checks/testing/kwok-config.ts';
import { createFakeNode } from '../../checks/testing/kwok-nodes.ts';
import type { Toolchain } from '../../docker/toolchain/paths.ts';
import { lastLines, processRunner, type CommandResult, type CommandRunner } from './commands.ts';
import { ClusterError, createFailed } from './errors.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, ImageLoadResult, ProgressCallback, ProviderInfo } from './provider.ts';
import { waitUntilReady } from './readiness.ts';

export interface KwokProviderOptions {
  /** `<dataDir>/clusters` */
  stateDir: string;
  tools: Toolchain;
  runner?: CommandRunner;
}

const NODE_NAME = 'kwok-node';

export class KwokProvider implements ClusterProvider {
  readonly name = 'kwok' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: false, defaultEstimateSeconds: 20 };
  private readonly options: KwokProviderOptions;
  private readonly run: CommandRunner;

  constructor(options: KwokProviderOptions) {
    this.options = options;
    this.run = options.runner ?? processRunner;
  }

  private get workdir(): string {
    return join(this.options.stateDir, 'kwok');
  }

  private clusterDir(name: string): string {
    return join(this.workdir, 'clusters', name);
  }

  private handle(name: string): ClusterHandle {
    return { name, provider: 'kwok', adminKubeconfigPath: join(this.clusterDir(name), 'kubeconfig.yaml'), namespace: 'default' };
  }

  private async kwokctl(args: string[], timeoutMs = 180_000): Promise<CommandResult> {
    // KWOK_* variables override kwokctl's configuration; none of the runner's may leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('KWOK_')));
    try {
      return await this.run.run(this.options.tools.kwokctl, args, {
        env: { ...env, KWOK_WORKDIR: this.workdir, KUBECONFIG: join(this.workdir, 'unused-kubeconfig') },
        timeoutMs,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw this.toolMissing();
      throw error;
    }
  }

  private toolMissing(): ClusterError {
    return new ClusterError('tool-missing', `kwokctl fehlt (${this.options.tools.kwokctl}). Baue die Werkzeuge mit "./werkbank toolchain" und versuche es erneut.`);
  }

  async preflight(): Promise<void> {
    for (const binary of ['kwokctl', 'kwok', 'kube-apiserver', 'etcd'] as const) {
      if (!existsSync(this.options.tools[binary])) throw this.toolMissing();
    }
  }

  async create(name: string, onProgress: ProgressCallback): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    progress.start('control-plane', 'Control Plane startet (simuliert mit kwok)');
    try {
      await this.preflight();
      await mkdir(this.workdir, { recursive: true });
      const configPath = join(this.workdir, `${name}.kwokctl.yaml`);
      await writeFile(configPath, kwokctlConfiguration(this.options.tools, {
        cacheDir: join(this.workdir, 'cache'),
        hpaSyncPeriod: '15s',
        metricResolution: '15s',
      }));
      const configs = [configPath, ...kwokConfigFiles(this.options.tools)].flatMap((file) => ['--config', file]);
      const created = await this.kwokctl(['--name', name, ...configs, 'create', 'cluster', '--runtime', 'binary', '--kubeconfig=', '--timeout=120s']);
      await rm(configPath, { force: true });
      if (created.code !== 0) {
        const output = lastLines(created.stderr);
        progress.fail(output);
        await this.delete(name).catch(() => {});
        throw createFailed(output);
      }
      progress.start('nodes', 'Simulierter Knoten und StorageClass werden angelegt');
      const config = new KubeConfig();
      config.loadFromFile(this.handle(name).adminKubeconfigPath);
      const storageClass = parse(await readFile(storageClassFile(this.options.tools), 'utf8')) as V1StorageClass;
      await Promise.all([
        config.makeApiClient(StorageV1Api).createStorageClass({ body: storageClass }),
        createFakeNode(config.makeApiClient(CoreV1Api), {
          name: NODE_NAME,
          podCIDR: '10.244.1.0/24',
          kubernetesVersion: this.options.tools.versions.kubernetes,
          images: [],
        }),
      ]);
      progress.start('ready', 'Warten auf Knoten und StorageClass');
      await waitUntilReady(config, { coreDns: false }, { timeoutMs: 60_000 });
      progress.finish();
      return this.handle(name);
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      progress.fail(message);
      await this.delete(name).catch(() => {});
      throw createFailed(message, error);
    }
  }

  async listOurs(): Promise<string[]> {
    const names = await readdir(join(this.workdir, 'clusters')).catch(() => [] as string[]);
    return names.sort();
  }

  async get(name: string): Promise<ClusterHandle | null> {
    return existsSync(this.handle(name).adminKubeconfigPath) ? this.handle(name) : null;
  }

  async delete(name: string): Promise<void> {
    const result = await this.kwokctl(['--name', name, 'delete', 'cluster', `--kubeconfig=${join(this.workdir, 'unused-kubeconfig')}`]);
    await rm(this.clusterDir(name), { recursive: true, force: true });
    if (result.code !== 0) throw new ClusterError('internal', `Cluster ${name} ließ sich nicht löschen.`, { output: lastLines(result.stderr) });
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    const admin = await readFile(this.handle(name).adminKubeconfigPath, 'utf8');
    return learnerKubeconfig(admin, { clusterName: `kwok-${name}`, learnerId, namespace: 'default' });
  }

  async loadImages(): Promise<ImageLoadResult> {
    throw new ClusterError('not-supported', 'Ein simulierter kwok-Cluster hat keine Container-Runtime; Images lassen sich nicht laden.', { retryable: false });
  }

  async execInNode(): Promise<CommandResult> {
    throw new ClusterError('not-supported', 'Ein simulierter kwok-Cluster hat keinen echten Knoten.', { retryable: false });
  }

  nodeExec(_name: string): string[] | null {
    return null;
  }
}
