// Werkbank inside a Kubernetes cluster (the Helm chart), learner mode "sandbox": each
// learner's sandbox (sandbox-pod.ts) is a privileged pod in the chart's sessions
// namespace, and in it, as in the one-host sandbox (sandbox-provider.ts), their own
// Docker and their kind cluster. Everything the one-host provider does with `docker exec
// <sandbox>` goes through `kubectl exec` into the pod; the runner reaches the learner's
// API server on the pod's address. To the cluster manager a learner's cluster and
// sandbox are that pod: pool, queue, idle deletion, reset and adoption work as on one
// host.
//
// The node and lab images reach the inner Docker from the sandbox image itself: the
// chart's sandbox image is werkbank/sandbox with a `docker save` of them and the add-on
// manifests baked in (docker/werkbank/seeded-sandbox.ts), loaded by `docker load` when
// the pod has started. The runner's pod has no Docker to send them from, and a school's
// cluster pulls that image from its registry like any other.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { isNotFound, readOrUndefined } from '../../checks/kube.ts';
import { afterCreate } from './after-create.ts';
import { lastLines, processRunner, shellQuote, type CommandResult, type CommandRunner } from './commands.ts';
import { asCreateFailed, ClusterError, createFailed } from './errors.ts';
import type { KubernetesSettings } from './config.ts';
import { HomeClaims } from './home-claims.ts';
import { homeExtract, isReady, runnerKubeAccess, waitForPodReady } from './kubernetes-provider.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { RUNNER_LABEL } from './learner-namespaces.ts';
import { ensureOwnerId } from './owner-file.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, CreateHooks, ImageLoadResult, ProgressCallback, ProviderInfo, SandboxAccess } from './provider.ts';
import { API_MASQUERADE_SCRIPT, sandboxPod, sandboxPodApiKubeconfig, sandboxPodExec, sandboxPodNodeExec, sandboxPodShellCommand, SANDBOX_POD_HOME, type SandboxPodTarget } from './sandbox-pod.ts';
import { INNER_CLUSTER, INNER_KUBECONFIG, API_PORT, innerKindConfig, loadIntoInnerCluster, sandboxHangUp, type SandboxLimits } from './sandbox-provider.ts';
import { loadSessionPodSettings, SESSION_LABEL, type SessionPodSettings } from './session-pod.ts';

/** In the seeded sandbox image: `docker save` of the node and lab images, and their
 * names (the node image first). */
export const SEED_DIR = '/opt/werkbank/seed';
/** Where the one-host sandbox mounts the repository's labs/ (runner/labs/lab-shell.ts). */
const LABS_IN_SANDBOX = '/opt/werkbank/labs';

export interface SandboxPodProviderOptions {
  /** `<dataDir>/clusters`: the owner id and the runner's kubeconfig per learner cluster. */
  stateDir: string;
  /** The runner's own credentials: in the cluster its ServiceAccount. */
  kubeConfig: KubeConfig;
  /** A kubeconfig file with the same credentials, for `kubectl exec`. */
  kubeconfigPath: string;
  kubectl: string;
  sessionsNamespace: string;
  /** The seeded sandbox image (werkbank/sandbox with the node and lab images in it). */
  sandboxImage: string;
  sessionSettings: SessionPodSettings;
  /** The shell's own limits inside the sandbox (the pod's come from the chart). */
  shellLimits: Pick<SandboxLimits, 'shellPids' | 'shellMemoryMiB'>;
  /** The repository's labs/, copied into each sandbox for the labs' scripts. */
  labsDir: string;
  runner?: CommandRunner;
  readyTimeoutMs?: number;
  pollMs?: number;
  log?: (message: string) => void;
}

export class SandboxPodProvider implements ClusterProvider {
  readonly name = 'kubernetes' as const;
  readonly info: ProviderInfo;
  readonly sandbox: SandboxAccess;
  private readonly options: SandboxPodProviderOptions;
  private readonly core: CoreV1Api;
  private readonly run: CommandRunner;
  private readonly log: (message: string) => void;
  /** The learner's home on the runner's side, per sandbox pod (set when it is theirs). */
  private readonly homes = new Map<string, string>();
  private readonly homeClaims: HomeClaims;

  constructor(options: SandboxPodProviderOptions) {
    this.options = options;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.run = options.runner ?? processRunner;
    this.log = options.log ?? ((message) => console.log(`[sandbox-pod] ${message}`));
    this.homeClaims = new HomeClaims({ core: this.core, namespace: options.sessionsNamespace, home: options.sessionSettings.home, log: this.log });
    // With homes on claims, no warm pool. A pod's volumes are fixed when it is made, and
    // here the pod is the learner's cluster too (Docker's data root, their kind cluster):
    // namespace mode makes a pool pod again on the learner's claim in seconds, but doing
    // that here would throw away the very cluster the pool made ahead, and keeping the
    // pool pod would leave the learner's files on an emptyDir that goes with it. So each
    // sandbox pod is made for its learner, on their claim from the start: the shell is
    // there as soon as the pod runs, the cluster follows minutes later.
    this.info = {
      kindClusterNameInShell: false,
      defaultEstimateSeconds: 150,
      ...(this.homeClaims.enabled ? { noWarmPool: 'Home-Volumes der Lernenden (learners.home.size): ein Sandbox-Pod bekommt das Home-Volume nur, wenn er für seine Lernende gemacht wird' } : {}),
    };
    this.sandbox = {
      kubeconfigPath: INNER_KUBECONFIG,
      // The home lives on the learner's claim (or in the pod, without claims); the
      // runner's side (lab files, shell set-up) is copied in at each shell start without
      // replacing what the learner changed there. The claim stays when the pod goes.
      attachHome: async (name, home) => {
        this.homes.set(name, home);
      },
      detachHome: async (name) => {
        this.homes.delete(name);
      },
      // A pod deleted or restarted under a ready cluster took its Docker and the cluster;
      // the manager gives the learner a new one (on their claim, so their files are back).
      lost: async (name) => {
        const pod = await readOrUndefined(this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace }));
        return !pod || Boolean(pod.metadata?.deletionTimestamp) || restarted(pod);
      },
      shellCommand: (name, session) => this.shellCommand(name, session),
      hangUpShell: async (name, session) => {
        await this.exec(name, sandboxHangUp(session), 15_000);
      },
    };
  }

  private target(name: string): SandboxPodTarget {
    return { kubectl: this.options.kubectl, kubeconfigPath: this.options.kubeconfigPath, namespace: this.options.sessionsNamespace, pod: name };
  }

  private adminKubeconfigPath(name: string): string {
    return join(this.options.stateDir, 'sandbox-pods', `${name}.kubeconfig`);
  }

  private handle(name: string): ClusterHandle {
    return {
      name,
      provider: 'kubernetes',
      adminKubeconfigPath: this.adminKubeconfigPath(name),
      namespace: 'default',
      nodeContainer: `${INNER_CLUSTER}-control-plane`,
      nodeExec: sandboxPodNodeExec(this.target(name)),
      sandbox: name,
      sandboxExec: sandboxPodExec(this.target(name)),
    };
  }

  /** A program in the sandbox pod, as `docker exec <sandbox>` runs it on one host. */
  private exec(name: string, command: string[], timeoutMs = 60_000, onStderrLine?: (line: string) => void): Promise<CommandResult> {
    const [kubectl = 'kubectl', ...prefix] = sandboxPodExec(this.target(name));
    return this.run.run(kubectl, [...prefix, ...command], { timeoutMs, ...(onStderrLine ? { onStderrLine } : {}) });
  }

  private async mustExec(name: string, command: string[], what: string, timeoutMs?: number): Promise<string> {
    const result = await this.exec(name, command, timeoutMs);
    if (result.code !== 0) throw createFailed(`${what}: ${lastLines(result.stderr, 8)}`);
    return result.stdout;
  }

  async preflight(): Promise<void> {
    try {
      // The chart gives the runner rights in the sessions namespace only (no namespaces).
      await this.core.listNamespacedPod({ namespace: this.options.sessionsNamespace, limit: 1 });
    } catch (error) {
      throw new ClusterError(
        'create-failed',
        `Der Runner erreicht den Namespace ${this.options.sessionsNamespace} für die Sandboxen nicht. Prüft die Installation des Charts (helm status) und die Rechte des Runners.`,
        { output: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  async create(name: string, onProgress: ProgressCallback, hooks: CreateHooks = {}): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    try {
      await this.preflight();
      progress.start('sandbox', 'Deine Sandbox startet (ein Pod mit eigener Shell und eigenem Docker)');
      const owner = await ensureOwnerId(this.options.stateDir);
      // The manager attaches a learner's home before it makes their sandbox.
      const claim = this.homeClaims.claimFor(this.homes.get(name));
      if (claim) await this.homeClaims.ensure(claim, owner);
      await this.core.createNamespacedPod({
        namespace: this.options.sessionsNamespace,
        body: sandboxPod({ name, image: this.options.sandboxImage, owner, settings: this.options.sessionSettings, ...(claim ? { homeClaim: claim.name } : {}) }),
      });
      await this.waitForPod(name, (detail) => progress.start('waiting-room', 'Deine Sandbox wartet auf Platz im Cluster', detail));
      hooks.onShellReady?.();

      progress.start('load-images', 'Node-Image und Lab-Images kommen in das Docker deiner Sandbox');
      const images = (await this.mustExec(name, ['cat', `${SEED_DIR}/images.txt`], 'Das Sandbox-Image hat keine Image-Liste (kein Seed)', 30_000))
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      const nodeImage = images[0];
      if (!nodeImage) throw createFailed(`Das Sandbox-Image ${this.options.sandboxImage} nennt kein Node-Image.`);
      await this.mustExec(name, ['docker', 'load', '--quiet', '--input', `${SEED_DIR}/images.tar`], 'Images laden', 600_000);
      await this.copyLabs(name);

      const created = await this.exec(
        name,
        ['sh', '-c', 'mkdir -p /etc/werkbank /var/lib/werkbank && printf "%s" "$1" >/etc/werkbank/kind.yaml && exec kind create cluster --name "$2" --image "$3" --config /etc/werkbank/kind.yaml --kubeconfig "$4"', 'sh', innerKindConfig(), INNER_CLUSTER, nodeImage, INNER_KUBECONFIG],
        600_000,
        progress.followKind,
      );
      if (created.code !== 0) throw createFailed(lastLines(created.stderr));
      progress.finish();
      await this.mustExec(name, ['sh', '-ec', API_MASQUERADE_SCRIPT], 'Weg zum API-Server');
      await this.mustExec(name, ['kubectl', '--kubeconfig', INNER_KUBECONFIG, 'config', 'set-cluster', `kind-${INNER_CLUSTER}`, `--server=https://localhost:${API_PORT}`], 'Kubeconfig');
      // Read once, before any learner had a shell there; later only the address changes.
      await this.saveAdminKubeconfig(name, await this.mustExec(name, ['cat', INNER_KUBECONFIG], 'Kubeconfig lesen', 30_000));
      const config = new KubeConfig();
      config.loadFromFile(this.adminKubeconfigPath(name));
      await afterCreate({
        config,
        progress,
        clusterName: name,
        imagesToLoad: images.slice(1),
        loadImages: (toLoad) => this.loadImages(name, toLoad),
        addonManifests: await this.addonManifests(name),
        readyTimeoutMs: this.options.readyTimeoutMs ?? 300_000,
        log: this.log,
      });
      return this.handle(name);
    } catch (error) {
      const failure = asCreateFailed(error);
      progress.fail(failure.output || failure.message);
      await this.delete(name).catch(() => {});
      throw failure;
    }
  }

  /** The add-on manifests of the sandbox image, as files for afterCreate. */
  private async addonManifests(name: string): Promise<string[]> {
    const dir = join(this.options.stateDir, 'sandbox-pods', 'addons');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files = (await this.mustExec(name, ['ls', `${SEED_DIR}/addons`], 'Add-on-Manifeste', 30_000)).split('\n').filter((file) => file.endsWith('.yaml'));
    const paths: string[] = [];
    for (const file of files) {
      const path = join(dir, file);
      await writeFile(path, await this.mustExec(name, ['cat', `${SEED_DIR}/addons/${file}`], 'Add-on-Manifest', 30_000));
      paths.push(path);
    }
    return paths;
  }

  /** The labs' files where the one-host sandbox mounts them, for lab scripts. */
  private async copyLabs(name: string): Promise<void> {
    const [kubectl = 'kubectl', ...prefix] = sandboxPodExec(this.target(name), { stdin: true });
    const script = `tar -c -C ${shellQuote(this.options.labsDir)} . | ${[kubectl, ...prefix, 'sh', '-c', `mkdir -p ${LABS_IN_SANDBOX} && tar -x -C ${LABS_IN_SANDBOX}`].map(shellQuote).join(' ')}`;
    const copied = await this.run.run('sh', ['-c', script], { timeoutMs: 120_000 });
    if (copied.code !== 0) throw createFailed(`Lab-Dateien: ${lastLines(copied.stderr, 6)}`);
  }

  /** Until the pod is ready (its Docker answers): Pending for lack of room is a wait
   * (shown), a bad image an end. */
  private async waitForPod(name: string, onWaiting: (detail: string) => void): Promise<void> {
    const timeoutMs = 15 * 60_000;
    await waitForPodReady(this.core, this.options.sessionsNamespace, name, {
      what: `Sandbox-Pod ${name} bereit`,
      onWaiting,
      timeoutMs,
      intervalMs: this.options.pollMs ?? 1000,
      retryErrors: false,
      timeoutError: () => createFailed(`Die Sandbox lief nach ${timeoutMs / 60_000} Minuten noch nicht.`),
    });
  }

  /** The runner's kubeconfig for the learner's cluster, on the pod's current address. */
  private async saveAdminKubeconfig(name: string, innerYaml: string): Promise<void> {
    const pod = await this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace });
    await mkdir(join(this.options.stateDir, 'sandbox-pods'), { recursive: true, mode: 0o700 });
    await writeFile(this.adminKubeconfigPath(name), sandboxPodApiKubeconfig(innerYaml, pod), { mode: 0o600 });
  }

  async listOurs(): Promise<string[]> {
    const owner = await ensureOwnerId(this.options.stateDir);
    // At the first listing (the adoption after a start): homes of a data dir that is gone.
    await this.homeClaims.removeForeignOnce(owner);
    const pods = await this.core.listNamespacedPod({ namespace: this.options.sessionsNamespace, labelSelector: `${RUNNER_LABEL}=${owner},${SESSION_LABEL}` });
    return pods.items.map((pod) => pod.metadata?.name ?? '').filter(Boolean).sort();
  }

  /** A ready pod with its cluster. A pod that is gone or restarted took its Docker (an
   * emptyDir) with it: that cluster is lost, and the manager makes a new one. */
  async get(name: string): Promise<ClusterHandle | null> {
    const pod = await readOrUndefined(this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace }));
    const owner = await ensureOwnerId(this.options.stateDir);
    if (!pod || pod.metadata?.deletionTimestamp || pod.metadata?.labels?.[RUNNER_LABEL] !== owner || !isReady(pod)) return null;
    if (restarted(pod)) return null;
    try {
      const known = await readFile(this.adminKubeconfigPath(name), 'utf8');
      await this.saveAdminKubeconfig(name, known);
    } catch {
      return null;
    }
    return this.handle(name);
  }

  async delete(name: string): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace: this.options.sessionsNamespace, gracePeriodSeconds: 10 }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    await rm(this.adminKubeconfigPath(name), { force: true });
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    const admin = await readFile(this.adminKubeconfigPath(name), 'utf8');
    return learnerKubeconfig(admin, { clusterName: `kind-${name}`, learnerId, namespace: 'default' });
  }

  async loadImages(name: string, images: string[]): Promise<ImageLoadResult> {
    return loadIntoInnerCluster((command, timeoutMs) => this.exec(name, command, timeoutMs), images);
  }

  execInNode(name: string, command: string[]): Promise<CommandResult> {
    const [kubectl = 'kubectl', ...prefix] = sandboxPodNodeExec(this.target(name));
    return this.run.run(kubectl, [...prefix, ...command], { timeoutMs: 120_000 });
  }

  nodeExec(name: string): string[] | null {
    return sandboxPodNodeExec(this.target(name));
  }

  /** Copies the runner's side of the home into the pod (never over a file that is there),
   * then starts the learner's login shell. */
  private shellCommand(name: string, session: string): string[] {
    const shell = sandboxPodShellCommand(this.target(name), session, this.options.shellLimits);
    const home = this.homes.get(name);
    if (!home) return shell;
    const copyIn = [...sandboxPodExec(this.target(name), { stdin: true }), ...homeExtract(SANDBOX_POD_HOME)];
    // A failed copy leaves a shell without the lab files, which is better than none.
    return ['sh', '-c', `tar -c -C ${shellQuote(home)} . 2>/dev/null | ${copyIn.map(shellQuote).join(' ')} >/dev/null 2>&1; exec ${shell.map(shellQuote).join(' ')}`];
  }
}

/** The sandbox container started again: its Docker's containers (the kind node) are gone. */
function restarted(pod: V1Pod): boolean {
  return (pod.status?.containerStatuses ?? []).some((status) => (status.restartCount ?? 0) > 0);
}

/** The provider as the chart's settings describe it (mode "sandbox"). */
export function sandboxPodProviderFrom(
  settings: KubernetesSettings,
  stateDir: string,
  kubectl: string,
  extra: { limits: SandboxLimits; labsDir: string },
): SandboxPodProvider {
  return new SandboxPodProvider({
    stateDir,
    ...runnerKubeAccess(settings, stateDir),
    kubectl: existsSync(kubectl) ? kubectl : 'kubectl',
    sessionsNamespace: settings.sessionsNamespace,
    sandboxImage: settings.sessionImage,
    sessionSettings: loadSessionPodSettings(settings.configDir),
    shellLimits: extra.limits,
    labsDir: extra.labsDir,
  });
}
