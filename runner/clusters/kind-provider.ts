// kind clusters on the local Docker engine. Ours are recognised by kind's own container
// label (io.x-k8s.kind.cluster), the "werkbank-" name prefix and a read-only bind mount
// of this runner's owner file: kind offers no way to add container labels, and the mount
// also tells two runners (or a test run) on one machine apart, so neither deletes the
// other's clusters as orphans.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { z } from 'zod';
import { lastLines, processRunner, type CommandRunner, type CommandResult } from './commands.ts';
import { checkDockerRoom } from './docker-room.ts';
import { ClusterError, createFailed, dockerDown, kindMissing } from './errors.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { afterCreate } from './after-create.ts';
import type { LabNodeImage } from './lab-node-image.ts';
import { NodeImages } from './node-images.ts';
import { ensureOwnerId, ownerFilePath } from './owner-file.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, ImageLoadResult, ProgressCallback, ProviderInfo } from './provider.ts';

const CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
/** A new node writes its etcd, logs and unpacked images into Docker's data root. */
const DISK_PER_CLUSTER_MIB = 2048;
const OWNER_MOUNT = '/etc/werkbank/owner';
export const CLUSTER_PREFIX = 'werkbank-';

export interface KindProviderOptions {
  /** `<dataDir>/clusters`: owner file, admin kubeconfigs, kind configs. */
  stateDir: string;
  kindBinary: string;
  /** Node images to try in order; the first present (or pullable) wins. */
  nodeImages: string[];
  /** Lab images to pre-load; those missing on this machine are logged and skipped. */
  labImages: () => Promise<string[]>;
  /** Add-on manifests applied after create; missing files are logged and skipped. */
  addonManifests: () => Promise<string[]>;
  runner?: CommandRunner;
  log?: (message: string) => void;
  /** How long to wait for node, CoreDNS and StorageClass after kind returns. */
  readyTimeoutMs?: number;
  /** Bake the lab images into a derived node image once, instead of loading them into
   * every cluster (default true; false loads them with `kind load docker-image`). */
  bakeLabImages?: boolean;
}

const containerSchema = z.object({
  labels: z.record(z.string(), z.string()).nullable(),
  mounts: z.array(z.object({ Source: z.string(), Destination: z.string() }).loose()).nullable(),
});

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: true, defaultEstimateSeconds: 75 };
  private readonly options: KindProviderOptions;
  private readonly run: CommandRunner;
  private readonly log: (message: string) => void;
  private readonly images: NodeImages;

  constructor(options: KindProviderOptions) {
    this.options = options;
    this.run = options.runner ?? processRunner;
    this.log = options.log ?? ((message) => console.log(`[cluster] ${message}`));
    this.images = new NodeImages({ ...options, run: this.run, log: this.log });
  }

  private get ownerFile(): string {
    return ownerFilePath(this.options.stateDir);
  }

  private clusterDir(name: string): string {
    return join(this.options.stateDir, 'kind', name);
  }

  private adminKubeconfigPath(name: string): string {
    return join(this.clusterDir(name), 'admin.kubeconfig');
  }

  private handle(name: string): ClusterHandle {
    return {
      name,
      provider: 'kind',
      adminKubeconfigPath: this.adminKubeconfigPath(name),
      namespace: 'default',
      nodeContainer: `${name}-control-plane`,
      nodeExec: ['docker', 'exec', `${name}-control-plane`],
    };
  }

  /** Runs a program; a missing program becomes a German error instead of ENOENT. */
  private async exec(command: string, args: string[], options: Parameters<CommandRunner['run']>[2] = {}): Promise<CommandResult> {
    try {
      return await this.run.run(command, args, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (command === this.options.kindBinary) throw kindMissing(command);
      throw dockerDown(`${command}: nicht gefunden`);
    }
  }

  async preflight(): Promise<void> {
    if (!existsSync(this.options.kindBinary)) throw kindMissing(this.options.kindBinary);
    await checkDockerRoom((args) => this.exec('docker', args, { timeoutMs: 15_000 }), DISK_PER_CLUSTER_MIB);
  }



  /** The image new clusters start from (lab images baked in when possible). */
  clusterImage(): Promise<LabNodeImage> {
    return this.images.clusterImage();
  }

  nodeImage(): Promise<string> {
    return this.images.nodeImage();
  }

  async create(name: string, onProgress: ProgressCallback): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    progress.start('preflight', 'Docker und kind werden geprüft');
    try {
      // The image check runs alongside; a preflight failure (Docker down) wins.
      const imageChoice = this.clusterImage();
      imageChoice.catch(() => {});
      await this.preflight();
      await ensureOwnerId(this.options.stateDir);
      progress.start('prepare-image', 'Node-Image mit Lab-Images wird vorbereitet');
      const { image, baked } = await imageChoice;
      progress.finish(baked.length > 0 ? `Enthält: ${baked.join(', ')}` : undefined);
      const dir = this.clusterDir(name);
      await mkdir(dir, { recursive: true });
      const configPath = join(dir, 'kind.yaml');
      await writeFile(configPath, stringify({
        kind: 'Cluster',
        apiVersion: 'kind.x-k8s.io/v1alpha4',
        nodes: [{ role: 'control-plane', extraMounts: [{ hostPath: this.ownerFile, containerPath: OWNER_MOUNT, readOnly: true }] }],
      }));
      const created = await this.exec(
        this.options.kindBinary,
        ['create', 'cluster', '--name', name, '--image', image, '--config', configPath, '--kubeconfig', this.adminKubeconfigPath(name)],
        {
          timeoutMs: 600_000,
          onStderrLine: progress.followKind,
        },
      );
      if (created.code !== 0) {
        const output = lastLines(created.stderr);
        progress.fail(output);
        await this.delete(name).catch(() => {});
        throw createFailed(output);
      }
      progress.finish();
      const config = new KubeConfig();
      config.loadFromFile(this.adminKubeconfigPath(name));
      await afterCreate({
        config,
        progress,
        clusterName: name,
        imagesToLoad: (await this.options.labImages()).filter((image) => !baked.includes(image)),
        loadImages: (images) => this.loadImages(name, images),
        addonManifests: await this.options.addonManifests(),
        readyTimeoutMs: this.options.readyTimeoutMs ?? 180_000,
        log: this.log,
      });
      return this.handle(name);
    } catch (error) {
      if (error instanceof ClusterError) {
        progress.fail(error.output || error.message);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      progress.fail(message);
      await this.delete(name).catch(() => {});
      throw createFailed(message, error);
    }
  }

  async listOurs(): Promise<string[]> {
    const ids = await this.exec('docker', ['ps', '-aq', '--filter', `label=${CLUSTER_LABEL}`], { timeoutMs: 30_000 });
    if (ids.code !== 0) throw dockerDown(lastLines(ids.stderr, 4));
    const containerIds = ids.stdout.split('\n').map((id) => id.trim()).filter(Boolean);
    if (containerIds.length === 0) return [];
    if (!existsSync(this.ownerFile)) return []; // this runner never made a cluster
    const inspected = await this.exec(
      'docker',
      ['inspect', '--format', '{"labels":{{json .Config.Labels}},"mounts":{{json .Mounts}}}', ...containerIds],
      { timeoutMs: 30_000 },
    );
    // A container removed between ps and inspect makes inspect fail for that one only.
    const names = new Set<string>();
    for (const line of inspected.stdout.split('\n')) {
      if (!line.trim()) continue;
      const container = containerSchema.safeParse(JSON.parse(line));
      if (!container.success) continue;
      const cluster = container.data.labels?.[CLUSTER_LABEL];
      const owned = container.data.mounts?.some((mount) => mount.Source === this.ownerFile && mount.Destination === OWNER_MOUNT);
      if (cluster?.startsWith(CLUSTER_PREFIX) && owned) names.add(cluster);
    }
    return [...names].sort();
  }

  async get(name: string): Promise<ClusterHandle | null> {
    if (!(await this.listOurs()).includes(name)) return null;
    if (!existsSync(this.adminKubeconfigPath(name))) {
      // The data dir lost it (or a crash came before kind wrote it): ask kind again.
      const result = await this.exec(this.options.kindBinary, ['get', 'kubeconfig', '--name', name], { timeoutMs: 30_000 });
      if (result.code !== 0) return null;
      await mkdir(this.clusterDir(name), { recursive: true });
      await writeFile(this.adminKubeconfigPath(name), result.stdout, { mode: 0o600 });
    }
    return this.handle(name);
  }

  async delete(name: string): Promise<void> {
    const result = await this.exec(
      this.options.kindBinary,
      ['delete', 'cluster', '--name', name, '--kubeconfig', join(this.clusterDir(name), 'deleted.kubeconfig')],
      { timeoutMs: 180_000 },
    );
    if (result.code !== 0) throw new ClusterError('internal', `Cluster ${name} ließ sich nicht löschen.`, { output: lastLines(result.stderr) });
    await rm(this.clusterDir(name), { recursive: true, force: true });
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    const admin = await readFile(this.adminKubeconfigPath(name), 'utf8');
    return learnerKubeconfig(admin, { clusterName: `kind-${name}`, learnerId, namespace: 'default' });
  }

  async loadImages(name: string, images: string[]): Promise<ImageLoadResult> {
    const present: string[] = [];
    const missing: string[] = [];
    for (const image of images) (await this.images.present(image) ? present : missing).push(image);
    if (missing.length > 0) this.log(`Lab-Images fehlen auf diesem Rechner (docker/images/build.sh baut sie): ${missing.join(', ')}`);
    if (present.length > 0) {
      const result = await this.exec(this.options.kindBinary, ['load', 'docker-image', '--name', name, ...present], { timeoutMs: 600_000 });
      if (result.code !== 0) throw createFailed(lastLines(result.stderr));
    }
    return { loaded: present, missing };
  }

  execInNode(name: string, command: string[]): Promise<CommandResult> {
    return this.exec('docker', ['exec', `${name}-control-plane`, ...command], { timeoutMs: 120_000 });
  }

  nodeExec(name: string): string[] | null {
    return this.handle(name).nodeExec ?? null;
  }
}
