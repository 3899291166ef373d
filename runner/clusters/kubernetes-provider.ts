// Werkbank inside a Kubernetes cluster (the Helm chart), learner mode "namespace": each
// learner gets a namespace of their own (learner-namespaces.ts) and a session pod in the
// chart's sessions namespace (session-pod.ts) where their shell runs (pod-placement.ts).
// To the cluster manager this is one more provider whose "cluster" is that namespace and
// whose "sandbox" is the session pod: pool, queue, idle deletion, reset and adoption
// after a runner restart work as for sandboxes on one host.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig, NetworkingV1Api, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { podExec } from '../../checks/exec.ts';
import { isNotFound, readOrUndefined } from '../../checks/kube.ts';
import { shellQuote, type CommandResult } from './commands.ts';
import { ClusterError, createFailed } from './errors.ts';
import type { KubernetesSettings } from './config.ts';
import { HomeClaims } from './home-claims.ts';
import { labNamespaceName } from './lab-namespace-name.ts';
import { LearnerNamespaces, loadNamespaceObjects, RUNNER_LABEL } from './learner-namespaces.ts';
import { learnerNetworkPolicy } from './learner-network-policy.ts';
import { ensureOwnerId } from './owner-file.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, CreateHooks, ImageLoadResult, LabNamespaceAccess, ProgressCallback, ProviderInfo, SandboxAccess } from './provider.ts';
import {
  kubeconfigSecret,
  loadSessionPodSettings,
  SESSION_HOME,
  SESSION_KUBECONFIG,
  SESSION_LABEL,
  sessionPod,
  type SessionPodSettings,
} from './session-pod.ts';
import { podPlacement, type PodPlacementOptions } from '../terminal/pod-placement.ts';
import { waitUntil, type WaitOptions } from '../wait.ts';

const CONTAINER = 'shell';
/** The learner's token in their kubeconfig lives a day; "Prüfen" takes a fresh one after an hour. */
const CHECK_CONFIG_MS = 3600_000;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** On the session pod: the namespace its kubeconfig names as default. Changing it makes
 * the kubelet sync the pod, which brings the changed Secret into the pod at once instead
 * of at its next periodic sync (up to a minute and more). */
export const KUBECONFIG_NAMESPACE_ANNOTATION = 'werkbank.dev/kubeconfig-namespace';

export interface KubernetesProviderOptions {
  /** `<dataDir>/clusters`: the owner id and the runner's kubeconfig file for kubectl. */
  stateDir: string;
  /** The runner's own credentials: in the cluster its ServiceAccount. */
  kubeConfig: KubeConfig;
  /** A kubeconfig file with the same credentials, for `kubectl exec` under the pty. */
  kubeconfigPath: string;
  kubectl: string;
  sessionsNamespace: string;
  sessionImage: string;
  learnerRole: string;
  namespaceObjects: KubernetesObject[];
  sessionSettings: SessionPodSettings;
  /** How long a session pod may take to run (Pending for lack of room included). */
  readyTimeoutMs?: number;
  pollMs?: number;
  log?: (message: string) => void;
}

/** The runner's credentials inside a pod as a kubeconfig file kubectl reads: the token
 * by file, so the kubelet's rotations reach every later kubectl. */
export function inClusterKubeconfig(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('Der Runner läuft nicht in einem Kubernetes-Pod (KUBERNETES_SERVICE_HOST fehlt); setze WERKBANK_KUBERNETES_KUBECONFIG.');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': `${SERVICE_ACCOUNT_DIR}/ca.crt` } }],
    users: [{ name: 'werkbank-runner', user: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'werkbank-runner' } }],
    'current-context': 'in-cluster',
  });
}

/** Why a session pod is not running yet, in German, or null while all is well. */
export function podWaitReason(pod: V1Pod): { waiting: string | null; failed: string | null } {
  const status = pod.status;
  if (status?.phase === 'Failed' || status?.phase === 'Succeeded') {
    return { waiting: null, failed: `Die Sitzung ist beendet (${status.phase}${status.reason ? `: ${status.reason}` : ''}).` };
  }
  const unschedulable = status?.conditions?.find((condition) => condition.type === 'PodScheduled' && condition.status === 'False');
  if (unschedulable) {
    return {
      waiting: `Im Cluster ist gerade kein Platz für deine Sitzung; sie startet, sobald ein Knoten frei wird. (${unschedulable.message ?? unschedulable.reason ?? 'nicht eingeplant'})`,
      failed: null,
    };
  }
  const waiting = status?.containerStatuses?.find((container) => container.state?.waiting)?.state?.waiting;
  if (waiting?.reason && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError'].includes(waiting.reason)) {
    return { waiting: null, failed: `Das Image der Sitzung lässt sich nicht starten (${waiting.reason}): ${waiting.message ?? ''}`.trim() };
  }
  return { waiting: null, failed: null };
}

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

export interface PodReadyWait extends WaitOptions {
  /** What is waited for, for the timeout message of waitUntil. */
  what: string;
  /** Told each new German reason the pod is still waiting (no room in the cluster …). */
  onWaiting: (detail: string) => void;
}

/** Waits until a learner's pod (session or sandbox) is Ready; a pod that cannot start
 * (image, ended) fails at once with its German reason. */
export async function waitForPodReady(core: CoreV1Api, namespace: string, name: string, options: PodReadyWait): Promise<void> {
  const { what, onWaiting, ...wait } = options;
  let shown: string | null = null;
  await waitUntil(what, async () => {
    const pod = await core.readNamespacedPod({ name, namespace });
    if (isReady(pod)) return true;
    const reason = podWaitReason(pod);
    if (reason.failed) throw createFailed(reason.failed);
    if (reason.waiting && reason.waiting !== shown) {
      shown = reason.waiting;
      onWaiting(reason.waiting);
    }
    return false;
  }, wait);
}

const ignoreMissing = (error: unknown): void => {
  if (!isNotFound(error)) throw error;
};

export class KubernetesProvider implements ClusterProvider {
  readonly name = 'kubernetes' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: false, defaultEstimateSeconds: 15 };
  readonly sandbox: SandboxAccess;
  readonly labNamespaces: LabNamespaceAccess = {
    nameFor: (name, labNamespace) => labNamespaceName(name, labNamespace),
    start: (name, labNamespace) => this.startLab(name, labNamespace),
  };
  private readonly options: KubernetesProviderOptions;
  private readonly core: CoreV1Api;
  private readonly log: (message: string) => void;
  private namespaces: Promise<LearnerNamespaces> | null = null;
  /** The learner kubeconfig "Prüfen" uses, per namespace, with when it was made. */
  private readonly checkConfigs = new Map<string, { yaml: string; madeAt: number }>();
  /** The learner's home on the runner's side, per session pod (set when it is theirs). */
  private readonly homes = new Map<string, string>();
  /** A session pod being made again, per name (two shells starting at once share it). */
  private readonly remaking = new Map<string, Promise<void>>();
  private readonly homeClaims: HomeClaims;
  /** The lab namespace each learner's kubeconfig names as default, once set up: starting
   * the same lab again (each "Prüfen" does) changes nothing. */
  private readonly currentLab = new Map<string, string>();

  constructor(options: KubernetesProviderOptions) {
    this.options = options;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.log = options.log ?? ((message) => console.log(`[kubernetes] ${message}`));
    this.homeClaims = new HomeClaims({ core: this.core, namespace: options.sessionsNamespace, home: options.sessionSettings.home, log: this.log });
    this.sandbox = {
      kubeconfigPath: SESSION_KUBECONFIG,
      // The home lives in the session pod (on the learner's claim when the chart gives
      // homes a size); the runner's copy (lab files, shell set-up) is copied in at each
      // shell start without replacing what the learner changed there.
      attachHome: async (name, home) => {
        this.homes.set(name, home);
      },
      // The claim stays: a reset, the idle deletion and a lost pod keep the learner's home.
      detachHome: async (name) => {
        this.homes.delete(name);
      },
      beforeShell: (name) => this.ensurePod(name),
      shellCommand: (name, session) => this.shellCommand(name, session),
      hangUpShell: (name, session) => podPlacement(this.placement(name), session).hangUp(),
    };
  }

  private learnerNamespaces(): Promise<LearnerNamespaces> {
    this.namespaces ??= ensureOwnerId(this.options.stateDir).then(
      (owner) =>
        new LearnerNamespaces({
          kubeConfig: this.options.kubeConfig,
          learnerRole: this.options.learnerRole,
          namespaceObjects: this.options.namespaceObjects,
          owner,
          sessionsNamespace: this.options.sessionsNamespace,
        }),
    );
    return this.namespaces;
  }

  private secretName(name: string): string {
    return `${name}-kubeconfig`;
  }

  private handle(name: string): ClusterHandle {
    return { name, provider: 'kubernetes', adminKubeconfigPath: this.options.kubeconfigPath, namespace: name };
  }

  private placement(name: string): PodPlacementOptions {
    return {
      kubectl: this.options.kubectl,
      kubeconfigPath: this.options.kubeconfigPath,
      namespace: this.options.sessionsNamespace,
      pod: name,
      container: CONTAINER,
      exec: (target) => podExec(this.options.kubeConfig, AbortSignal.timeout(30_000))(target),
    };
  }

  async preflight(): Promise<void> {
    try {
      await this.core.readNamespace({ name: this.options.sessionsNamespace });
    } catch (error) {
      throw new ClusterError(
        'create-failed',
        `Der Runner erreicht den Namespace ${this.options.sessionsNamespace} für die Sitzungen nicht. Prüft die Installation des Charts (helm status) und die Rechte des Runners.`,
        { output: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  async create(name: string, onProgress: ProgressCallback, hooks: CreateHooks = {}): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    try {
      await this.preflight();
      await this.untilPreviousGone(name, () => progress.start('cleanup', 'Deine frühere Sitzung wird noch aufgeräumt'));
      progress.start('namespace', 'Dein Namespace und dein Zugang werden angelegt');
      const namespaces = await this.learnerNamespaces();
      await namespaces.create(name);
      const owner = await ensureOwnerId(this.options.stateDir);
      // Before any pod of the learner runs there: no other learner reaches their pods.
      await this.options.kubeConfig.makeApiClient(NetworkingV1Api).createNamespacedNetworkPolicy({
        namespace: name,
        body: learnerNetworkPolicy({ name, owner, sessionsNamespace: this.options.sessionsNamespace }),
      });
      const kubeconfig = await namespaces.kubeconfig(name, name);
      this.checkConfigs.set(name, { yaml: kubeconfig, madeAt: Date.now() });
      await this.core.createNamespacedSecret({
        namespace: this.options.sessionsNamespace,
        body: kubeconfigSecret(this.secretName(name), owner, kubeconfig),
      });
      progress.start('session-pod', 'Deine Sitzung startet (ein Pod mit deiner Shell)');
      await this.makePod(name, owner);
      await this.waitForPod(name, (detail) => progress.start('waiting-room', 'Deine Sitzung wartet auf Platz im Cluster', detail));
      hooks.onShellReady?.();
      progress.finish();
      return this.handle(name);
    } catch (error) {
      progress.fail(error instanceof Error ? error.message : String(error));
      await this.delete(name).catch(() => {});
      if (error instanceof ClusterError) throw error;
      throw createFailed(error instanceof Error ? error.message : String(error), error);
    }
  }

  /** A learner back soon after the idle deletion gets the same name while their old
   * namespace and pod are still being deleted (seconds to minutes): wait for them. */
  private async untilPreviousGone(name: string, onWaiting: () => void): Promise<void> {
    const namespace = this.options.sessionsNamespace;
    let shown = false;
    await waitUntil(`frühere Sitzung ${name} gelöscht`, async () => {
      const [learnerNamespace, pod] = await Promise.all([
        readOrUndefined(this.core.readNamespace({ name })),
        readOrUndefined(this.core.readNamespacedPod({ name, namespace })),
      ]);
      if (!learnerNamespace?.metadata?.deletionTimestamp && !pod?.metadata?.deletionTimestamp) return true;
      if (!shown) onWaiting();
      shown = true;
      return false;
    }, this.polling(5 * 60_000, `Deine frühere Sitzung ${name} ist nach 5 Minuten noch nicht gelöscht. Versuche es später noch einmal.`));
  }

  /** Waits of this provider: its poll interval, API errors end the wait, the timeout is a
   * ClusterError the learner reads. */
  private polling(timeoutMs: number, timeoutMessage: string): WaitOptions {
    return { timeoutMs, intervalMs: this.options.pollMs ?? 1000, retryErrors: false, timeoutError: () => createFailed(timeoutMessage) };
  }

  /** The session pod, on the learner's home claim when they have one. */
  private async makePod(name: string, owner: string): Promise<void> {
    const claim = this.homeClaims.claimFor(this.homes.get(name));
    if (claim) await this.homeClaims.ensure(claim, owner);
    await this.core.createNamespacedPod({
      namespace: this.options.sessionsNamespace,
      body: sessionPod({
        name,
        image: this.options.sessionImage,
        kubeconfigSecret: this.secretName(name),
        owner,
        settings: this.options.sessionSettings,
        ...(claim ? { homeClaim: claim.name } : {}),
      }),
    });
  }

  /** Before a shell starts: the session pod runs, on the learner's claim. A pod that is
   * gone (deleted, its node drained) or was made before it was theirs (the pool) is made
   * again; the learner's namespace, Secret and home claim stay as they are. */
  private ensurePod(name: string): Promise<void> {
    let remade = this.remaking.get(name);
    if (!remade) {
      remade = this.remakePodIfNeeded(name).finally(() => this.remaking.delete(name));
      this.remaking.set(name, remade);
    }
    return remade;
  }

  private async remakePodIfNeeded(name: string): Promise<void> {
    const namespace = this.options.sessionsNamespace;
    const claim = this.homeClaims.claimFor(this.homes.get(name));
    const read = () => readOrUndefined(this.core.readNamespacedPod({ name, namespace }));
    try {
      const pod = await read();
      const mountsClaim = (candidate: V1Pod) => !claim || (candidate.spec?.volumes ?? []).some((volume) => volume.persistentVolumeClaim?.claimName === claim.name);
      if (pod && !pod.metadata?.deletionTimestamp && mountsClaim(pod)) {
        if (!isReady(pod)) await this.waitForPod(name, () => {});
        return;
      }
      this.log(`${name}: Sitzungs-Pod ${pod ? 'ohne das Home-Volume' : 'fehlt'}; er wird neu gemacht`);
      if (pod && !pod.metadata?.deletionTimestamp) await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }).catch(ignoreMissing);
      // A name is free again only when the old pod is gone.
      if (pod) await waitUntil(`alter Sitzungs-Pod ${name} weg`, async () => !(await read()), this.polling(120_000, `Der alte Sitzungs-Pod ${name} verschwindet nicht.`));
      await this.makePod(name, await ensureOwnerId(this.options.stateDir));
      await this.waitForPod(name, () => {});
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      throw createFailed(error instanceof Error ? error.message : String(error), error);
    }
  }

  /** Until the pod runs: Pending for lack of room is a wait (shown), a bad image an end. */
  private async waitForPod(name: string, onWaiting: (detail: string) => void): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 15 * 60_000;
    await waitForPodReady(this.core, this.options.sessionsNamespace, name, {
      what: `Sitzungs-Pod ${name} läuft`,
      onWaiting,
      ...this.polling(timeoutMs, `Die Sitzung lief nach ${Math.round(timeoutMs / 60_000)} Minuten noch nicht.`),
    });
  }

  async get(name: string): Promise<ClusterHandle | null> {
    if (!(await this.listOurs()).includes(name)) return null;
    const pod = await this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace }).catch((error: unknown) => {
      ignoreMissing(error);
      return null;
    });
    // A pod that is gone (or going) is made again at the next shell start; the learner's
    // namespace and home stay theirs. One that never got ready is a half-made start.
    if (!pod || pod.metadata?.deletionTimestamp) return this.handle(name);
    return isReady(pod) ? this.handle(name) : null;
  }

  /** Learner namespaces and session pods of this runner (either may be left half-made). */
  async listOurs(): Promise<string[]> {
    const namespaces = await this.learnerNamespaces();
    const owner = await ensureOwnerId(this.options.stateDir);
    // At the first listing (the adoption after a start): homes of a data dir that is gone.
    await this.homeClaims.removeForeignOnce(owner);
    const pods = await this.core.listNamespacedPod({
      namespace: this.options.sessionsNamespace,
      labelSelector: `${RUNNER_LABEL}=${owner},${SESSION_LABEL}`,
    });
    // A lab's namespace names its learner's: one left behind (its learner's namespace gone
    // in a crash) makes that learner an orphan, and deleting it removes the lab's too.
    const labs = (await namespaces.listLabNamespaces()).map((lab) => lab.learner);
    const names = new Set([...(await namespaces.listOurs()), ...labs, ...pods.items.map((pod) => pod.metadata?.name ?? '').filter(Boolean)]);
    return [...names].sort();
  }

  async delete(name: string): Promise<void> {
    this.checkConfigs.delete(name);
    this.currentLab.delete(name);
    const namespace = this.options.sessionsNamespace;
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }).catch(ignoreMissing);
    await this.core.deleteNamespacedSecret({ name: this.secretName(name), namespace }).catch(ignoreMissing);
    const namespaces = await this.learnerNamespaces();
    // The labs' namespaces go with the learner's (reset, idle deletion, orphans).
    for (const lab of await namespaces.listLabNamespaces(name)) await namespaces.delete(lab.name);
    await namespaces.delete(name);
  }

  /** A lab's namespace for the learner: made like theirs (Pod Security "restricted",
   * quota, limits, their account bound, the network policy), then the default namespace
   * of the kubeconfig in their session pod. */
  private async startLab(name: string, labNamespace: string): Promise<string> {
    const namespaces = await this.learnerNamespaces();
    const owner = await ensureOwnerId(this.options.stateDir);
    const target = labNamespaceName(name, labNamespace);
    if (this.currentLab.get(name) === target) return target;
    try {
      // Still going from a reset a moment ago: nothing can be made in it until it is gone.
      await waitUntil(`alter Namespace ${target} gelöscht`, async () => {
        const existing = await readOrUndefined(this.core.readNamespace({ name: target }));
        return !existing?.metadata?.deletionTimestamp;
      }, this.polling(5 * 60_000, `Der frühere Namespace ${target} ist nach 5 Minuten noch nicht gelöscht. Versuche es später noch einmal.`));
      await namespaces.createForLab(target, name);
      await this.options.kubeConfig.makeApiClient(NetworkingV1Api).createNamespacedNetworkPolicy({
        namespace: target,
        body: learnerNetworkPolicy({ name: target, owner, sessionsNamespace: this.options.sessionsNamespace, session: name }),
      }).catch((error: unknown) => {
        if (!(error instanceof ApiException && error.code === 409)) throw error;
      });
      const kubeconfig = await namespaces.kubeconfig(name, name, target);
      const sessions = this.options.sessionsNamespace;
      await this.core.replaceNamespacedSecret({ name: this.secretName(name), namespace: sessions, body: kubeconfigSecret(this.secretName(name), owner, kubeconfig) });
      // A pod that is gone is made again with the Secret as it is now.
      await this.core
        .patchNamespacedPod(
          { name, namespace: sessions, body: { metadata: { annotations: { [KUBECONFIG_NAMESPACE_ANNOTATION]: target } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )
        .catch(ignoreMissing);
      this.currentLab.set(name, target);
      return target;
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      throw createFailed(`Der Namespace ${target} für das Lab ließ sich nicht einrichten: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }

  /** For "Prüfen": the learner's own rights in their namespace (the runner may read no
   * Secrets, and the checks see what the learner made, where they made it). */
  async kubeconfig(name: string): Promise<string> {
    const cached = this.checkConfigs.get(name);
    if (cached && Date.now() - cached.madeAt < CHECK_CONFIG_MS) return cached.yaml;
    const yaml = await (await this.learnerNamespaces()).kubeconfig(name, name);
    this.checkConfigs.set(name, { yaml, madeAt: Date.now() });
    return yaml;
  }

  async loadImages(): Promise<ImageLoadResult> {
    throw new ClusterError('not-supported', 'In dieser Betriebsart lassen sich keine Images in den Cluster laden; sie kommen aus einer Registry.', { retryable: false });
  }

  async execInNode(): Promise<CommandResult> {
    throw new ClusterError('not-supported', 'Auf die Knoten des gemeinsamen Clusters hat Werkbank keinen Zugriff.', { retryable: false });
  }

  nodeExec(): string[] | null {
    return null;
  }

  /** Copies the runner's side of the home (lab files, shell set-up) into the pod, never
   * over a file that is there (the learner's own changes stay), then starts the shell. */
  private shellCommand(name: string, session: string): string[] {
    const options = this.placement(name);
    const shell = podPlacement(options, session).command;
    const home = this.homes.get(name);
    if (!home) return shell;
    const copyIn = [
      options.kubectl, '--kubeconfig', options.kubeconfigPath, 'exec', '--stdin', '--quiet',
      '--namespace', options.namespace, name, '--container', CONTAINER,
      '--', ...homeExtract(SESSION_HOME),
    ];
    // A failed copy leaves a shell without the lab files, which is better than none.
    const script = `tar -c -C ${shellQuote(home)} . 2>/dev/null | ${copyIn.map(shellQuote).join(' ')} >/dev/null 2>&1; exec ${shell.map(shellQuote).join(' ')}`;
    return ['sh', '-c', script];
  }
}

/** Unpacks a tar of the runner's side of a home into `dir`, keeping every file that is
 * there already (GNU tar refuses --no-overwrite-dir beside --skip-old-files). */
export function homeExtract(dir: string): string[] {
  return ['tar', '-x', '--skip-old-files', '--no-same-owner', '-m', '-C', dir];
}

/** The runner's credentials for the school's cluster, for the client library and as a
 * kubeconfig file for kubectl: in a pod its ServiceAccount (token by file, so the
 * kubelet's rotations reach every later kubectl), elsewhere the kubeconfig named. */
export function runnerKubeAccess(settings: Pick<KubernetesSettings, 'kubeconfigPath'>, stateDir: string): { kubeConfig: KubeConfig; kubeconfigPath: string } {
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfigPath) {
    kubeConfig.loadFromFile(settings.kubeconfigPath);
    return { kubeConfig, kubeconfigPath: settings.kubeconfigPath };
  }
  kubeConfig.loadFromCluster();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const kubeconfigPath = join(stateDir, 'runner.kubeconfig');
  writeFileSync(kubeconfigPath, inClusterKubeconfig(), { mode: 0o600 });
  return { kubeConfig, kubeconfigPath };
}

/** The provider as the chart's settings describe it: in a pod the runner's ServiceAccount
 * (written once as a kubeconfig file for kubectl), elsewhere the kubeconfig named. */
export function kubernetesProviderFrom(settings: KubernetesSettings, stateDir: string, kubectl: string): KubernetesProvider {
  const { kubeConfig, kubeconfigPath } = runnerKubeAccess(settings, stateDir);
  return new KubernetesProvider({
    stateDir,
    kubeConfig,
    kubeconfigPath,
    kubectl: existsSync(kubectl) ? kubectl : 'kubectl',
    sessionsNamespace: settings.sessionsNamespace,
    sessionImage: settings.sessionImage,
    learnerRole: settings.learnerRole,
    namespaceObjects: loadNamespaceObjects(settings.configDir),
    sessionSettings: loadSessionPodSettings(settings.configDir),
  });
}
