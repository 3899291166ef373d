// A sandbox per learner: one privileged container (werkbank/sandbox, docker/sandbox/)
// holding the learner's login shell, a Docker daemon of their own and, on that daemon,
// their kind cluster. Nothing of the host is inside: no host Docker socket, no other
// homes, no runner data; the learner's home is mounted from its slot (home-slot.ts).
// Sandboxes sit on a network of their own on which they cannot reach each other; the
// runner reaches each cluster's API server from the host, with a kubeconfig it read
// out of the sandbox before any learner got it, so what a learner does to their own
// kubeconfig never changes what "Prüfen" looks at.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterCreate } from './after-create.ts';
import { lastLines, processRunner, type CommandRunner, type CommandResult } from './commands.ts';
import { checkDockerRoom } from './docker-room.ts';
import { asCreateFailed, ClusterError, createFailed, dockerDown } from './errors.ts';
import { moveHomeBack, moveHomeIntoSlot } from './home-slot.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { NodeImages } from './node-images.ts';
import { ensureOwnerId, ownerFilePath } from './owner-file.ts';
import { ProgressTracker } from './progress.ts';
import { waitUntilReady } from './readiness.ts';
import type { ClusterHandle, ClusterProvider, CreateHooks, ImageLoadResult, ProgressCallback, ProviderInfo, SandboxAccess } from './provider.ts';
import { copySeed, ensureSeed, loadImagesInto, presentImages, waitForInnerDocker } from './sandbox-seed.ts';

const SANDBOX_PREFIX = 'werkbank-';
export const SANDBOX_NETWORK = 'werkbank-sandboxes';
/** Every sandbox carries these, so nothing of a runner's is ever orphaned: `./werkbank
 * stop` and a later runner find them by label, even once the data dir is gone. Which
 * learner has a sandbox is in the runner's state (a pool sandbox gets its learner after
 * it was made, and Docker cannot relabel a running container). */
export const LABELS = {
  sandbox: 'werkbank.sandbox',
  runner: 'werkbank.runner',
  dataDir: 'werkbank.data-dir',
} as const;
/** Inside every sandbox: the learner's cluster has kind's default name. */
export const INNER_CLUSTER = 'kind';
export const INNER_NODE = `${INNER_CLUSTER}-control-plane`;
export const INNER_KUBECONFIG = '/var/lib/werkbank/kubeconfig';
export const API_PORT = 6443;
/** A sandbox holds a Docker data root with the node image and a cluster. */
const DISK_PER_SANDBOX_MIB = 6144;

export interface SandboxLimits {
  /** CPUs the whole sandbox (shell, Docker, cluster) may use. */
  cpus: number;
  memoryMiB: number;
  /** Processes and threads of the whole sandbox; a kind cluster alone uses ~600. */
  pids: number;
  /** Processes of the learner's shells (a fork bomb stops here, the cluster goes on). */
  shellPids: number;
  shellMemoryMiB: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { cpus: 1.5, memoryMiB: 4096, pids: 4096, shellPids: 512, shellMemoryMiB: 1536 };

export interface SandboxProviderOptions {
  /** `<dataDir>/clusters`: owner file, admin kubeconfigs, home slots. */
  stateDir: string;
  /** Shown in each sandbox's labels, so a stop finds a runner's sandboxes. */
  dataDir: string;
  sandboxImage: string;
  nodeImages: string[];
  labImages: () => Promise<string[]>;
  addonManifests: () => Promise<string[]>;
  /** The repository's labs/, mounted read-only for the labs' scripts. */
  labsDir: string;
  limits?: SandboxLimits;
  runner?: CommandRunner;
  log?: (message: string) => void;
  readyTimeoutMs?: number;
}

/** The learner's login shell in a sandbox (docker/sandbox/files/werkbank-shell). */
export const SANDBOX_SHELL = '/usr/local/bin/werkbank-shell';

/** The environment of a learner's shell in a sandbox (a container here, a pod in the
 * chart's sandbox mode): the shell's own process and memory limit below the sandbox's. */
export function sandboxShellEnv(session: string, limits: Pick<SandboxLimits, 'shellPids' | 'shellMemoryMiB'>): string[] {
  return [
    'HOME=/root', 'USER=root', 'SHELL=/bin/bash', 'LANG=C.UTF-8',
    'TERM=xterm-256color', 'COLORTERM=truecolor', 'WERKBANK=1',
    `WERKBANK_SESSION=${session}`,
    `WERKBANK_SHELL_PIDS=${limits.shellPids}`,
    `WERKBANK_SHELL_MEMORY_BYTES=${limits.shellMemoryMiB * 1024 * 1024}`,
  ];
}

/** The command (in the sandbox) that hangs up a shell werkbank-shell recorded: `docker
 * exec` and `kubectl exec` never end what they started. */
export function sandboxHangUp(session: string): string[] {
  return ['sh', '-c', 'pid=$(cat "/run/werkbank/sessions/$1" 2>/dev/null) && pkill -HUP -s "$pid"; rm -f "/run/werkbank/sessions/$1"', 'sh', session];
}

/** Loads images from a sandbox's own Docker (its seed) into the learner's kind cluster
 * there; `exec` runs a command in the sandbox (docker exec, or kubectl exec for a pod).
 * Images the sandbox's Docker lacks are reported, never fatal. */
export async function loadIntoInnerCluster(exec: (command: string[], timeoutMs: number) => Promise<CommandResult>, images: string[]): Promise<ImageLoadResult> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const image of images) {
    const found = await exec(['docker', 'image', 'inspect', '--format', '{{.Id}}', image], 30_000);
    (found.code === 0 ? present : missing).push(image);
  }
  if (present.length > 0) {
    const result = await exec(['kind', 'load', 'docker-image', '--name', INNER_CLUSTER, ...present], 600_000);
    if (result.code !== 0) throw createFailed(lastLines(result.stderr));
  }
  return { loaded: present, missing };
}

/** kind's configuration for the learner's cluster inside a sandbox: the API server
 * published on the sandbox's own address, for the runner outside it (the sandbox network,
 * or the sessions namespace's NetworkPolicy, keeps every other sandbox away from it). */
export function innerKindConfig(): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    networking: { apiServerAddress: '0.0.0.0', apiServerPort: API_PORT },
  });
}

/** The runner's kubeconfig for a cluster kind made inside a sandbox, reaching its API
 * server at the sandbox's address (a container's or a pod's). */
export function sandboxApiKubeconfig(yaml: string, address: string, port: number): string {
  const config = new KubeConfig();
  config.loadFromString(yaml);
  const clusters = config.clusters.map((cluster) => ({
    name: cluster.name,
    server: `https://${address.includes(':') ? `[${address}]` : address}:${port}`,
    ...(cluster.caData ? { caData: cluster.caData } : {}),
    skipTLSVerify: false,
    // The API server's certificate names localhost, not the sandbox's address.
    tlsServerName: 'localhost',
  }));
  // Only key material: an exec or auth-provider entry would run a program in the runner
  // whenever it talks to the cluster, and the file came from inside a sandbox.
  const users = config.users.map((user) => ({
    name: user.name,
    ...(user.certData ? { certData: user.certData } : {}),
    ...(user.keyData ? { keyData: user.keyData } : {}),
    ...(user.token ? { token: user.token } : {}),
  }));
  const outer = new KubeConfig();
  outer.loadFromOptions({ clusters, users, contexts: config.contexts, currentContext: config.currentContext });
  return stringify(JSON.parse(outer.exportConfig()));
}

export class SandboxProvider implements ClusterProvider {
  readonly name = 'sandbox' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: false, defaultEstimateSeconds: 90 };
  readonly sandbox: SandboxAccess = {
    kubeconfigPath: INNER_KUBECONFIG,
    attachHome: (name, home) => moveHomeIntoSlot(home, this.slotOf(name)),
    detachHome: async (name, home) => {
      // Nothing in the sandbox may write to the home once it is back on the host.
      await this.docker(['kill', name], 60_000);
      await moveHomeBack(home, this.slotOf(name));
    },
    // Asked before a learner's shell starts in a ready sandbox: one that stopped (its init
    // killed when the learner used up its memory, or stopped by hand) is started again and
    // kept once its cluster answers; one that is gone, will not start or whose cluster does
    // not come back is lost, and the manager gives the learner a new one with their home.
    lost: async (name) => {
      const state = await this.ensureRunning(name);
      if (state !== 'started') return state === 'gone';
      return this.clusterCameBack(name).then(
        () => false,
        () => true,
      );
    },
    shellCommand: (name, session) => this.shellCommand(name, session),
    hangUpShell: (name, session) => this.hangUpShell(name, session),
  };
  private readonly options: SandboxProviderOptions;
  private readonly run: CommandRunner;
  private readonly log: (message: string) => void;
  private readonly images: NodeImages;
  private seeding: Promise<string> | null = null;
  readonly limits: SandboxLimits;

  constructor(options: SandboxProviderOptions) {
    this.options = options;
    this.run = options.runner ?? processRunner;
    this.log = options.log ?? ((message) => console.log(`[sandbox] ${message}`));
    this.images = new NodeImages({ ...options, run: this.run, log: this.log });
    this.limits = options.limits ?? DEFAULT_SANDBOX_LIMITS;
  }

  private get ownerFile(): string {
    return ownerFilePath(this.options.stateDir);
  }

  private dir(name: string): string {
    return join(this.options.stateDir, 'sandbox', name);
  }

  slotOf(name: string): string {
    return join(this.dir(name), 'home');
  }

  private adminKubeconfigPath(name: string): string {
    return join(this.dir(name), 'admin.kubeconfig');
  }

  private handle(name: string): ClusterHandle {
    return {
      name,
      provider: 'sandbox',
      adminKubeconfigPath: this.adminKubeconfigPath(name),
      namespace: 'default',
      nodeContainer: INNER_NODE,
      nodeExec: ['docker', 'exec', name, 'docker', 'exec', INNER_NODE],
      sandbox: name,
    };
  }

  private async docker(args: string[], timeoutMs = 60_000, onStderrLine?: (line: string) => void): Promise<CommandResult> {
    try {
      return await this.run.run('docker', args, { timeoutMs, ...(onStderrLine ? { onStderrLine } : {}) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw dockerDown('docker: nicht gefunden');
      throw error;
    }
  }

  private async mustDocker(args: string[], what: string, timeoutMs?: number): Promise<string> {
    const result = await this.docker(args, timeoutMs);
    if (result.code !== 0) throw createFailed(`${what}: ${lastLines(result.stderr, 8)}`);
    return result.stdout.trim();
  }



  async preflight(): Promise<void> {
    await checkDockerRoom((args) => this.docker(args, 15_000), DISK_PER_SANDBOX_MIB);
    if (!(await this.images.present(this.options.sandboxImage))) {
      throw new ClusterError(
        'node-image-missing',
        `Das Sandbox-Image ${this.options.sandboxImage} fehlt. Baue es mit "docker/sandbox/build.sh" (das macht auch "./werkbank start") und versuche es erneut.`,
      );
    }
  }

  /** The seed volume; creations at the same time share one check (and one load). */
  private seed(images: string[]): Promise<string> {
    this.seeding ??= ensureSeed({ run: this.run, sandboxImage: this.options.sandboxImage, images, log: this.log }).finally(() => {
      this.seeding = null;
    });
    return this.seeding;
  }

  /** The network sandboxes live on: the host reaches each of them, none reaches another. */
  private async ensureNetwork(): Promise<void> {
    const found = await this.docker(['network', 'inspect', '--format', '{{index .Options "com.docker.network.bridge.enable_icc"}}', SANDBOX_NETWORK]);
    if (found.code === 0) {
      if (found.stdout.trim() !== 'false') throw new ClusterError('internal', `Das Docker-Netz ${SANDBOX_NETWORK} erlaubt Verkehr zwischen Sandboxen; lösche es ("docker network rm ${SANDBOX_NETWORK}"), Werkbank legt es neu an.`);
      return;
    }
    const created = await this.docker(['network', 'create', '--driver', 'bridge', '-o', 'com.docker.network.bridge.enable_icc=false', '--label', `${LABELS.sandbox}=network`, SANDBOX_NETWORK]);
    if (created.code !== 0 && !created.stderr.includes('already exists')) throw createFailed(lastLines(created.stderr, 4));
  }

  async create(name: string, onProgress: ProgressCallback, hooks: CreateHooks = {}): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    progress.start('preflight', 'Docker und Sandbox-Image werden geprüft');
    let started = false;
    try {
      // Chosen (and the lab images baked in) beside the preflight, when the images exist.
      const imageChoice = hooks.clusterPiecesPending ? null : this.images.clusterImage();
      imageChoice?.catch(() => {});
      await this.preflight();
      const runnerId = await ensureOwnerId(this.options.stateDir);
      await this.ensureNetwork();

      const labels = [`${LABELS.sandbox}=${name}`, `${LABELS.runner}=${runnerId}`, `${LABELS.dataDir}=${this.options.dataDir}`];
      let nodeImage: string;
      let baked: string[];
      let labImages: string[];
      if (hooks.clusterPiecesPending) {
        // The runner still makes the node and lab images: the learner's shell starts in an
        // empty sandbox now, the images are loaded into its Docker once they exist.
        await this.startSandbox(name, labels, null, progress);
        started = true;
        hooks.onShellReady?.();
        progress.start('prepare-image', 'Node-Image und Lab-Images werden noch vorbereitet (dein Terminal geht schon)');
        await hooks.clusterPiecesPending;
        ({ image: nodeImage, baked } = await this.images.clusterImage());
        labImages = await this.options.labImages();
        progress.start('load-images', 'Node-Image und Lab-Images werden in deine Sandbox geladen');
        await loadImagesInto(this.run, name, await presentImages(this.run, [nodeImage, ...labImages]), 'deine Sandbox');
        progress.finish();
      } else {
        progress.start('prepare-image', 'Node-Image und Lab-Images für Sandboxen werden vorbereitet');
        ({ image: nodeImage, baked } = await imageChoice!);
        labImages = await this.options.labImages();
        const seed = await this.seed([nodeImage, ...labImages]);
        await this.startSandbox(name, labels, seed, progress);
        hooks.onShellReady?.();
      }

      const kindConfig = innerKindConfig();
      await this.mustDocker(['exec', name, 'sh', '-c', 'mkdir -p /etc/werkbank /var/lib/werkbank && printf "%s" "$1" >/etc/werkbank/kind.yaml', 'sh', kindConfig], 'kind-Konfiguration');
      const created = await this.docker(
        ['exec', name, 'kind', 'create', 'cluster', '--name', INNER_CLUSTER, '--image', nodeImage, '--config', '/etc/werkbank/kind.yaml', '--kubeconfig', INNER_KUBECONFIG],
        600_000,
        progress.followKind,
      );
      if (created.code !== 0) throw createFailed(lastLines(created.stderr));
      progress.finish();

      // The learner's copy names the API server as seen inside the sandbox; the
      // certificate names localhost (not 127.0.0.1, with the address set to 0.0.0.0).
      await this.mustDocker(['exec', name, 'kubectl', '--kubeconfig', INNER_KUBECONFIG, 'config', 'set-cluster', `kind-${INNER_CLUSTER}`, `--server=https://localhost:${API_PORT}`], 'Kubeconfig');
      await rm(this.adminKubeconfigPath(name), { force: true }); // a same-named sandbox's before
      await this.saveAdminKubeconfig(name);
      const config = new KubeConfig();
      config.loadFromFile(this.adminKubeconfigPath(name));
      await afterCreate({
        config,
        progress,
        clusterName: name,
        imagesToLoad: labImages.filter((image) => !baked.includes(image)),
        loadImages: (images) => this.loadImages(name, images),
        addonManifests: await this.options.addonManifests(),
        readyTimeoutMs: this.options.readyTimeoutMs ?? 180_000,
        log: this.log,
      });
      return this.handle(name);
    } catch (error) {
      const failure = asCreateFailed(error);
      progress.fail(failure.output || failure.message);
      // Preflight failures leave nothing behind; anything later is removed again.
      if (failure.code === 'create-failed' || started) await this.delete(name).catch(() => {});
      throw failure;
    }
  }

  /** Starts the sandbox: its Docker data root a copy of the seed, or empty without one. */
  private async startSandbox(name: string, labels: string[], seed: string | null, progress: ProgressTracker): Promise<void> {
    progress.start('sandbox', 'Deine Sandbox startet (eigene Shell und eigenes Docker)');
    await mkdir(this.slotOf(name), { recursive: true, mode: 0o700 });
    if (seed) await copySeed(this.run, this.options.sandboxImage, seed, `${name}-docker`, labels);
    else await this.mustDocker(['volume', 'create', ...labels.flatMap((label) => ['--label', label]), `${name}-docker`], 'Volume der Sandbox');
    const { cpus, memoryMiB, pids } = this.limits;
    await this.mustDocker([
      'run', '-d', '--name', name, '--hostname', 'werkbank',
      '--privileged', '--cgroupns=private',
      '--network', SANDBOX_NETWORK,
      '--cpus', String(cpus), '--memory', `${memoryMiB}m`, '--memory-swap', `${memoryMiB}m`, '--pids-limit', String(pids),
      ...labels.flatMap((label) => ['--label', label]),
      '-v', `${name}-docker:/var/lib/docker`,
      '-v', `${this.slotOf(name)}:/root`,
      '-v', `${this.options.labsDir}:/opt/werkbank/labs:ro`,
      ...(existsSync('/lib/modules') ? ['-v', '/lib/modules:/lib/modules:ro'] : []),
      this.options.sandboxImage,
    ], 'Sandbox startet nicht', 120_000);
    await waitForInnerDocker(this.run, name);
    progress.finish();
  }

  /** The runner's kubeconfig for the cluster, in its data dir, with the sandbox's current
   * address (it may change when the sandbox restarts). It is read out of the sandbox once,
   * before any learner had it; later only the address is updated, because a learner may
   * have rewritten the file inside by then. */
  private async saveAdminKubeconfig(name: string): Promise<void> {
    const path = this.adminKubeconfigPath(name);
    const known = existsSync(path) ? await readFile(path, 'utf8') : null;
    const source = known ?? (await this.mustDocker(['exec', name, 'cat', INNER_KUBECONFIG], 'Kubeconfig lesen', 30_000));
    await mkdir(this.dir(name), { recursive: true, mode: 0o700 });
    await writeFile(path, await this.runnerKubeconfig(name, source), { mode: 0o600 });
  }

  private async runnerKubeconfig(name: string, yaml: string): Promise<string> {
    const address = await this.mustDocker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${SANDBOX_NETWORK}").IPAddress}}`, name], 'Adresse der Sandbox', 30_000);
    if (!address) throw createFailed(`Die Sandbox ${name} hat keine Adresse im Netz ${SANDBOX_NETWORK}.`);
    return sandboxApiKubeconfig(yaml, address, API_PORT);
  }

  async listOurs(): Promise<string[]> {
    if (!existsSync(this.ownerFile)) return [];
    const runnerId = (await readFile(this.ownerFile, 'utf8')).trim();
    const listed = await this.docker(['ps', '-a', '--filter', `label=${LABELS.runner}=${runnerId}`, '--filter', `label=${LABELS.sandbox}`, '--format', '{{.Names}}'], 30_000);
    if (listed.code !== 0) throw dockerDown(lastLines(listed.stderr, 4));
    return listed.stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith(SANDBOX_PREFIX)).sort();
  }

  async get(name: string): Promise<ClusterHandle | null> {
    if (!(await this.listOurs()).includes(name)) return null;
    if ((await this.ensureRunning(name)) === 'gone') return null;
    try {
      await this.saveAdminKubeconfig(name);
    } catch {
      return null;
    }
    return this.handle(name);
  }

  /** A stopped sandbox (a reboot, its init killed) is started again: its Docker and
   * cluster live on a volume and come back with it. `gone` when it is not there or will
   * not start. */
  private async ensureRunning(name: string): Promise<'running' | 'started' | 'gone'> {
    const state = await this.docker(['inspect', '--format', '{{.State.Running}}', name], 30_000);
    if (state.code !== 0) return 'gone';
    if (state.stdout.trim() === 'true') return 'running';
    const started = await this.docker(['start', name], 120_000);
    if (started.code !== 0) return 'gone';
    await waitForInnerDocker(this.run, name).catch(() => {});
    return 'started';
  }

  /** After a restart: the cluster is the learner's again once its API server answers as
   * before (its authorizer turns even the admin away for a while) with the node Ready;
   * the sandbox may have a new address. Rejects when it does not come back. */
  private async clusterCameBack(name: string): Promise<void> {
    await this.saveAdminKubeconfig(name);
    const config = new KubeConfig();
    config.loadFromFile(this.adminKubeconfigPath(name));
    await waitUntilReady(config, { coreDns: true }, { timeoutMs: 180_000 });
  }

  async delete(name: string): Promise<void> {
    const removed = await this.docker(['rm', '-f', '-v', name], 180_000);
    if (removed.code !== 0 && !/No such container/i.test(removed.stderr)) {
      throw new ClusterError('internal', `Sandbox ${name} ließ sich nicht löschen.`, { output: lastLines(removed.stderr) });
    }
    await this.docker(['volume', 'rm', '-f', `${name}-docker`], 120_000);
    await rm(this.adminKubeconfigPath(name), { force: true });
    // An empty slot goes; one still holding a learner's home stays until it is moved back.
    await rmdir(this.slotOf(name)).catch(() => {});
    await rmdir(this.dir(name)).catch(() => {});
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    const admin = await readFile(this.adminKubeconfigPath(name), 'utf8');
    return learnerKubeconfig(admin, { clusterName: `kind-${name}`, learnerId, namespace: 'default' });
  }

  async loadImages(name: string, images: string[]): Promise<ImageLoadResult> {
    return loadIntoInnerCluster((command, timeoutMs) => this.docker(['exec', name, ...command], timeoutMs), images);
  }

  execInNode(name: string, command: string[]): Promise<CommandResult> {
    return this.docker([...this.handle(name).nodeExec!.slice(1), ...command], 120_000);
  }

  private shellCommand(name: string, session: string): string[] {
    return ['docker', 'exec', '-it', '-w', '/root', ...sandboxShellEnv(session, this.limits).flatMap((entry) => ['-e', entry]), name, SANDBOX_SHELL];
  }

  private async hangUpShell(name: string, session: string): Promise<void> {
    await this.docker(['exec', name, ...sandboxHangUp(session)], 15_000);
  }

  nodeExec(name: string): string[] | null {
    return this.handle(name).nodeExec ?? null;
  }
}
