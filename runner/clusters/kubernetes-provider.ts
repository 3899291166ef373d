// Werkbank inside a Kubernetes cluster (the Helm chart), learner mode "namespace": each
// learner gets a namespace of their own (learner-namespaces.ts) and a session pod in the
// chart's sessions namespace (session-pod.ts) where their shell runs (pod-placement.ts).
// To the cluster manager this is one more provider whose "cluster" is that namespace and
// whose "sandbox" is the session pod: pool, queue, idle deletion, reset and adoption
// after a runner restart work as for sandboxes on one host.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { podExec } from '../../checks/exec.ts';
import { isNotFound } from '../../checks/kube.ts';
import { shellQuote, type CommandResult } from './commands.ts';
import { ClusterError, createFailed } from './errors.ts';
import type { KubernetesSettings } from './config.ts';
import { LearnerNamespaces, loadNamespaceObjects, RUNNER_LABEL } from './learner-namespaces.ts';
import { ensureOwnerId } from './owner-file.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, CreateHooks, ImageLoadResult, ProgressCallback, ProviderInfo, SandboxAccess } from './provider.ts';
import { kubeconfigSecret, loadSessionPodSettings, SESSION_HOME, SESSION_KUBECONFIG, SESSION_LABEL, sessionPod, type SessionPodSettings } from './session-pod.ts';
import { podPlacement, type PodPlacementOptions } from '../terminal/pod-placement.ts';

const CONTAINER = 'shell';
/** The learner's token in their kubeconfig lives a day; "Prüfen" takes a fresh one after an hour. */
const CHECK_CONFIG_MS = 3600_000;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

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

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

const ignoreMissing = (error: unknown): void => {
  if (!isNotFound(error)) throw error;
};

export class KubernetesProvider implements ClusterProvider {
  readonly name = 'kubernetes' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: false, defaultEstimateSeconds: 15 };
  readonly sandbox: SandboxAccess;
  private readonly options: KubernetesProviderOptions;
  private readonly core: CoreV1Api;
  private readonly log: (message: string) => void;
  private namespaces: Promise<LearnerNamespaces> | null = null;
  /** The learner kubeconfig "Prüfen" uses, per namespace, with when it was made. */
  private readonly checkConfigs = new Map<string, { yaml: string; madeAt: number }>();
  /** The learner's home on the runner's side, per session pod (set when it is theirs). */
  private readonly homes = new Map<string, string>();

  constructor(options: KubernetesProviderOptions) {
    this.options = options;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.log = options.log ?? ((message) => console.log(`[kubernetes] ${message}`));
    this.sandbox = {
      kubeconfigPath: SESSION_KUBECONFIG,
      // The home lives in the session pod; the runner's copy (lab files, shell set-up) is
      // copied in at each shell start without replacing what the learner changed there.
      attachHome: async (name, home) => {
        this.homes.set(name, home);
      },
      detachHome: async (name) => {
        this.homes.delete(name);
      },
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
    progress.start('namespace', 'Dein Namespace und dein Zugang werden angelegt');
    try {
      await this.preflight();
      const namespaces = await this.learnerNamespaces();
      await namespaces.create(name);
      const owner = await ensureOwnerId(this.options.stateDir);
      const kubeconfig = await namespaces.kubeconfig(name, name);
      this.checkConfigs.set(name, { yaml: kubeconfig, madeAt: Date.now() });
      await this.core.createNamespacedSecret({
        namespace: this.options.sessionsNamespace,
        body: kubeconfigSecret(this.secretName(name), owner, kubeconfig),
      });
      progress.start('session-pod', 'Deine Sitzung startet (ein Pod mit deiner Shell)');
      await this.core.createNamespacedPod({
        namespace: this.options.sessionsNamespace,
        body: sessionPod({
          name,
          image: this.options.sessionImage,
          kubeconfigSecret: this.secretName(name),
          owner,
          settings: this.options.sessionSettings,
        }),
      });
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

  /** Until the pod runs: Pending for lack of room is a wait (shown), a bad image an end. */
  private async waitForPod(name: string, onWaiting: (detail: string) => void): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 15 * 60_000);
    let shown: string | null = null;
    for (;;) {
      const pod = await this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace });
      if (isReady(pod)) return;
      const reason = podWaitReason(pod);
      if (reason.failed) throw createFailed(reason.failed);
      if (reason.waiting && reason.waiting !== shown) {
        shown = reason.waiting;
        onWaiting(reason.waiting);
      }
      if (Date.now() > deadline) throw createFailed(`Die Sitzung lief nach ${Math.round((this.options.readyTimeoutMs ?? 15 * 60_000) / 60_000)} Minuten noch nicht.`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 1000));
    }
  }

  async get(name: string): Promise<ClusterHandle | null> {
    if (!(await this.listOurs()).includes(name)) return null;
    const pod = await this.core.readNamespacedPod({ name, namespace: this.options.sessionsNamespace }).catch((error: unknown) => {
      ignoreMissing(error);
      return null;
    });
    return pod && isReady(pod) && !pod.metadata?.deletionTimestamp ? this.handle(name) : null;
  }

  /** Learner namespaces and session pods of this runner (either may be left half-made). */
  async listOurs(): Promise<string[]> {
    const namespaces = await this.learnerNamespaces();
    const owner = await ensureOwnerId(this.options.stateDir);
    const pods = await this.core.listNamespacedPod({
      namespace: this.options.sessionsNamespace,
      labelSelector: `${RUNNER_LABEL}=${owner},${SESSION_LABEL}`,
    });
    const names = new Set([...(await namespaces.listOurs()), ...pods.items.map((pod) => pod.metadata?.name ?? '').filter(Boolean)]);
    return [...names].sort();
  }

  async delete(name: string): Promise<void> {
    this.checkConfigs.delete(name);
    const namespace = this.options.sessionsNamespace;
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 5 }).catch(ignoreMissing);
    await this.core.deleteNamespacedSecret({ name: this.secretName(name), namespace }).catch(ignoreMissing);
    await (await this.learnerNamespaces()).delete(name);
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

/** The provider as the chart's settings describe it: in a pod the runner's ServiceAccount
 * (written once as a kubeconfig file for kubectl), elsewhere the kubeconfig named. */
export function kubernetesProviderFrom(settings: KubernetesSettings, stateDir: string, kubectl: string): KubernetesProvider {
  const kubeConfig = new KubeConfig();
  let kubeconfigPath = settings.kubeconfigPath;
  if (kubeconfigPath) {
    kubeConfig.loadFromFile(kubeconfigPath);
  } else {
    kubeConfig.loadFromCluster();
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    kubeconfigPath = join(stateDir, 'runner.kubeconfig');
    writeFileSync(kubeconfigPath, inClusterKubeconfig(), { mode: 0o600 });
  }
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
