// Every learner's cluster over its life: start (from the warm pool when one is ready,
// otherwise created), a queue when the machine is full, deletion after an idle TTL,
// reset, and adoption after a runner restart (kill -9 included): clusters recorded for
// learners are kept, everything else of ours is deleted.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { asClusterError, ClusterError, lowMemory } from './errors.ts';
import { learnerShortId } from './kubeconfig.ts';
import { ProgressTracker } from './progress.ts';
import { creatingText, deletingText, noneText, queuedText, readyText } from './status-text.ts';
import type { ClusterHandle, ClusterProvider, ProgressCallback, ProgressStep } from './provider.ts';
import { readState, StateWriter, type ClusterEntry, type ManagerState } from './state.ts';
import { learnerDir, learnerHome } from '../learner-dir.ts';

export type ClusterPhase = 'none' | 'queued' | 'creating' | 'ready' | 'failed' | 'deleting';

/** What the page shows about a learner's cluster. */
export interface ClusterStatus {
  phase: ClusterPhase;
  provider: string;
  /** German one-liner with the next step. */
  message: string;
  clusterName?: string;
  steps: ProgressStep[];
  queuePosition?: number;
  /** Expected seconds from start to ready, from earlier creations on this machine. */
  estimateSeconds?: number;
  startedAt?: number;
  readyAt?: number;
  error?: { code: string; message: string; output: string; retryable: boolean };
}

/** Everything another part of the runner (e.g. "Prüfen") needs to reach the cluster. */
export interface LearnerCluster {
  /** The runner's own credentials for it: nothing a learner changes in their shell. */
  kubeConfig: KubeConfig;
  namespace: string;
  nodeContainer?: string;
  /** Runs a program in the cluster's node (image checks), e.g. ["docker", "exec", node]. */
  nodeExec?: string[];
  clusterName: string;
  /** In a shared cluster (learner mode "namespace"): the learner's namespace per lab. */
  labNamespaces?: {
    /** The real name of the lab's namespace `labNamespace` for this learner. */
    nameFor(labNamespace: string): string;
    /** Makes it (if missing) and the learner's default namespace; its real name. */
    start(labNamespace: string): Promise<string>;
  };
}

/** Brings a new cluster into the state the labs start from, before anyone gets it;
 * reports its work as steps on the tracker. */
export type ClusterPreparer = (handle: ClusterHandle, progress: ProgressTracker) => Promise<void>;

export interface ClusterManagerOptions {
  provider: ClusterProvider;
  dataDir: string;
  /** Ready clusters kept in the background for the next learners. */
  poolSize: number;
  /** Clusters (learners' and pool) this machine holds at most. */
  maxClusters: number;
  /** Kubernetes work of one learner is deleted after this long without use. */
  idleTtlMs: number;
  /** Free memory one more cluster needs; below it creation is refused. */
  memoryPerClusterMiB: number;
  /** Creations at the same time (each wants most of a core for half a minute). */
  maxParallelCreates: number;
  freeMemoryMiB?: () => number;
  /** A live terminal counts as use, so a learner reading a long lesson keeps the cluster. */
  isActive?: (learnerId: string) => boolean;
  /** Called when a learner's cluster variables (KUBECONFIG, …) changed. */
  onEnvChanged?: (learnerId: string) => void;

  log?: (message: string) => void;
  now?: () => number;
  /** How often idle clusters are looked for (default 60 s). */
  sweepIntervalMs?: number;
  prepareCluster?: ClusterPreparer;
  /** Nothing is adopted or created before this resolves: `./werkbank start` builds the
   * images in the background (runner/setup/preparation.ts) while the course is served. */
  startAfter?: Promise<void>;
  /** Resolves when the clusters' own pieces (node and lab images) are ready, possibly
   * after startAfter (sandbox providers): until then a sandbox starts the learner's shell
   * and its cluster waits inside create(), not counted as a running creation, so every
   * learner arriving meanwhile gets a shell; then the waiting ones go on within
   * maxParallelCreates, first come first served. */
  clusterAfter?: Promise<void>;
}

interface LiveCluster extends ClusterEntry {
  steps: ProgressStep[];
  deleting?: boolean;
  /** Ready, but the learner's kubeconfig is still being written. */
  handingOver?: boolean;
  /** Its sandbox runs, so the learner's shell can start (sandboxed providers). */
  shellReady?: boolean;
  /** The learner's home moves in or out; a shell waits for it. */
  homeMove?: Promise<void>;
  /** Made before the node and lab images (clusterAfter): its sandbox is 'starting', then
   * its cluster is 'waiting' for them or for a free creation slot after them (not counted
   * as a running creation), until its slot is 'granted'. */
  piecesWait?: 'starting' | 'waiting' | 'granted';
}

/** Ready for the learner: made, theirs, and their kubeconfig written. */
function usable(cluster: LiveCluster): boolean {
  return cluster.phase === 'ready' && !cluster.deleting && !cluster.handingOver;
}

export class ClusterManager {
  private readonly options: ClusterManagerOptions;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly events = new EventEmitter();
  private readonly clusters = new Map<string, LiveCluster>();
  private readonly queue: string[] = [];
  private readonly failures = new Map<string, ClusterError>();
  private readonly writer: StateWriter;
  private createSeconds: number[] = [];
  /** The runner's kubeconfig per cluster incarnation, parsed once. */
  private readonly kubeConfigs = new Map<string, { yaml: string; config: KubeConfig }>();
  private poolPausedUntil = 0;
  /** Whether a ready cluster's sandbox is lost, asked once at a time per cluster. */
  private readonly lostChecks = new Map<string, Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Past startAfter: the state file is this manager's to keep. */
  private adopting = false;
  private clusterPiecesReady: boolean;
  /** Creations whose pieces are there, each waiting for a slot (FIFO). */
  private readonly awaitingSlot: (() => void)[] = [];
  readonly ready: Promise<void>;

  constructor(options: ClusterManagerOptions) {
    this.options = { ...options };
    this.log = options.log ?? ((message) => console.log(`[cluster] ${message}`));
    const noPool = options.provider.info.noWarmPool;
    if (noPool && options.poolSize > 0) this.log(`Kein Vorrat an Clustern: ${noPool}`);
    this.options.poolSize = this.poolAllowed(options.poolSize);
    this.now = options.now ?? Date.now;
    this.writer = new StateWriter(join(this.stateDir, 'state.json'));
    this.events.setMaxListeners(0);
    this.adopting = options.startAfter === undefined;
    this.clusterPiecesReady = options.clusterAfter === undefined;
    void options.clusterAfter?.then(() => {
      this.clusterPiecesReady = true;
    });
    this.ready = (options.startAfter ?? Promise.resolve()).then(() => {
      if (this.closed && !this.adopting) return;
      this.adopting = true;
      return this.adopt();
    });
    this.ready.catch((error: unknown) => this.log(`Übernahme der Cluster fehlgeschlagen: ${String(error)}`));
    this.sweepTimer = setInterval(() => void this.sweepIdle(), options.sweepIntervalMs ?? 60_000);
    this.sweepTimer.unref();
  }

  /** Wires the terminals in once they exist (the runner makes both). */
  connectTerminals(hooks: Pick<ClusterManagerOptions, 'isActive' | 'onEnvChanged'>): void {
    if (hooks.isActive) this.options.isActive = hooks.isActive;
    if (hooks.onEnvChanged) this.options.onEnvChanged = hooks.onEnvChanged;
  }

  /** Changes the warm pool's size at run time (e.g. before a class starts); surplus
   * pool clusters stay until learners take them. */
  setPoolSize(size: number): void {
    this.options.poolSize = this.poolAllowed(size);
    this.pump();
  }

  /** The pool size asked for, or none where the provider keeps no pool. */
  private poolAllowed(size: number): number {
    return this.options.provider.info.noWarmPool ? 0 : size;
  }

  get provider(): ClusterProvider {
    return this.options.provider;
  }

  private get stateDir(): string {
    return join(this.options.dataDir, 'clusters');
  }

  kubeconfigPathOf(learnerId: string): string {
    return join(learnerDir(this.options.dataDir, learnerId), 'cluster', 'kubeconfig');
  }

  // ---- queries ---------------------------------------------------------------------

  private clusterOf(learnerId: string): LiveCluster | undefined {
    for (const cluster of this.clusters.values()) if (cluster.owner === learnerId) return cluster;
    return undefined;
  }

  private estimateSeconds(): number {
    const recent = this.createSeconds.slice(-5);
    if (recent.length === 0) return this.options.provider.info.defaultEstimateSeconds;
    return Math.round(recent.reduce((sum, value) => sum + value, 0) / recent.length);
  }

  private get creatingCount(): number {
    return [...this.clusters.values()].filter((cluster) => cluster.phase === 'creating' && cluster.piecesWait !== 'waiting').length;
  }

  status(learnerId: string): ClusterStatus {
    const provider = this.options.provider.name;
    const cluster = this.clusterOf(learnerId);
    if (cluster?.deleting) {
      return { phase: 'deleting', provider, clusterName: cluster.name, steps: [], message: deletingText() };
    }
    if (cluster && usable(cluster)) {
      return {
        phase: 'ready',
        provider,
        clusterName: cluster.name,
        steps: cluster.steps,
        startedAt: cluster.startedAt,
        ...(cluster.readyAt ? { readyAt: cluster.readyAt } : {}),
        message: readyText(cluster.name),
      };
    }
    if (cluster) {
      const estimate = this.estimateSeconds();
      return {
        phase: 'creating',
        provider,
        clusterName: cluster.name,
        steps: cluster.steps,
        startedAt: cluster.startedAt,
        estimateSeconds: estimate,
        message: creatingText(estimate, this.options.provider.sandbox !== undefined),
      };
    }
    const position = this.queue.indexOf(learnerId);
    if (position >= 0) {
      const full = this.clusters.size >= this.options.maxClusters;
      return {
        phase: 'queued',
        provider,
        steps: [],
        queuePosition: position + 1,
        estimateSeconds: this.estimateSeconds(),
        message: queuedText(position + 1, full, this.options.maxClusters),
      };
    }
    const failure = this.failures.get(learnerId);
    if (failure) {
      return {
        phase: 'failed',
        provider,
        steps: [],
        message: failure.message,
        error: { code: failure.code, message: failure.message, output: failure.output, retryable: failure.retryable },
      };
    }
    return { phase: 'none', provider, steps: [], message: noneText() };
  }

  /** Calls `listener` with every new status of this learner until the returned function is called. */
  subscribe(learnerId: string, listener: (status: ClusterStatus) => void): () => void {
    const handler = (id: string) => {
      if (id === learnerId) listener(this.status(learnerId));
    };
    this.events.on('status', handler);
    return () => this.events.off('status', handler);
  }

  private emit(learnerId: string | null): void {
    if (learnerId) this.events.emit('status', learnerId);
  }

  private emitQueue(): void {
    for (const learnerId of this.queue) this.emit(learnerId);
  }

  /** Variables for the learner's shell. KUBECONFIG names one fixed file per learner from
   * the start, so a shell opened before the cluster was ready reaches it the moment the
   * file appears; KIND_CLUSTER_NAME (for `kind load docker-image`) follows readiness. */
  envFor(learnerId: string): Record<string, string> {
    const { sandbox, info } = this.options.provider;
    if (sandbox) return { KUBECONFIG: sandbox.kubeconfigPath };
    const env: Record<string, string> = { KUBECONFIG: this.kubeconfigPathOf(learnerId) };
    const cluster = this.clusterOf(learnerId);
    if (cluster && usable(cluster) && info.kindClusterNameInShell) env.KIND_CLUSTER_NAME = cluster.name;
    return env;
  }

  /** The sandbox the learner's shell runs in, once it runs: theirs, or one started for
   * them now (from the pool when one is there). Rejects with a ClusterError when it
   * cannot be had; never hands out another learner's sandbox. */
  async sandboxFor(learnerId: string): Promise<string> {
    if (!this.options.provider.sandbox) throw new Error('provider has no sandboxes');
    await this.replaceIfLost(learnerId);
    await this.start(learnerId);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const cluster = this.clusterOf(learnerId);
        if (cluster && !cluster.deleting && (cluster.shellReady || cluster.phase === 'ready')) {
          unsubscribe();
          // The home must be in the sandbox before the shell starts in it.
          const sandbox = this.options.provider.sandbox!;
          void (cluster.homeMove ?? Promise.resolve())
            .then(() => sandbox.beforeShell?.(cluster.name))
            .then(() => resolve(cluster.name), reject);
          return true;
        }
        const failure = this.failures.get(learnerId);
        if (!cluster && failure && !this.queue.includes(learnerId)) {
          unsubscribe();
          reject(failure);
          return true;
        }
        return false;
      };
      const unsubscribe = this.subscribe(learnerId, () => void check());
      check();
    });
  }

  /** A ready cluster whose sandbox is gone (and its cluster with it) is reset: the
   * learner's shell goes into a new sandbox with their home, as after "Zurücksetzen".
   * Two shells starting at once share one check. */
  private replaceIfLost(learnerId: string): Promise<void> {
    const lost = this.options.provider.sandbox?.lost;
    const cluster = this.clusterOf(learnerId);
    if (!lost || !cluster || cluster.phase !== 'ready' || cluster.deleting) return Promise.resolve();
    let check = this.lostChecks.get(cluster.name);
    if (!check) {
      check = lost(cluster.name)
        .then(async (gone) => {
          if (!gone || cluster.deleting) return;
          this.log(`${cluster.name}: Sandbox verloren; ${learnerShortId(learnerId)} bekommt eine neue, das Home bleibt`);
          await this.reset(learnerId);
        })
        .finally(() => this.lostChecks.delete(cluster.name));
      this.lostChecks.set(cluster.name, check);
    }
    return check;
  }

  /** The learner's cluster for checks, or null while it is not ready. */
  async clusterFor(learnerId: string): Promise<LearnerCluster | null> {
    await this.ready;
    const cluster = this.clusterOf(learnerId);
    if (!cluster || !usable(cluster)) return null;
    cluster.lastUsedAt = this.now();
    // The runner's own copy, from the provider: the learner's file (in their shell's
    // reach) may be edited, and must not change what "Prüfen" looks at.
    const yaml = await this.options.provider.kubeconfig(cluster.name, learnerId);
    let cached = this.kubeConfigs.get(cluster.name);
    if (cached?.yaml !== yaml) {
      const config = new KubeConfig();
      config.loadFromString(yaml);
      cached = { yaml, config };
      this.kubeConfigs.set(cluster.name, cached);
    }
    const nodeExec = this.options.provider.nodeExec(cluster.name);
    const labs = this.options.provider.labNamespaces;
    const name = cluster.name;
    return {
      kubeConfig: cached.config,
      namespace: cluster.namespace,
      clusterName: cluster.name,
      ...(labs ? { labNamespaces: { nameFor: (labNamespace: string) => labs.nameFor(name, labNamespace), start: (labNamespace: string) => labs.start(name, labNamespace) } } : {}),
      ...(cluster.nodeContainer ? { nodeContainer: cluster.nodeContainer } : {}),
      ...(nodeExec ? { nodeExec } : {}),
    };
  }

  // ---- commands --------------------------------------------------------------------

  /** Gives the learner a cluster: theirs if they have one, a pool cluster, or a new one. */
  async start(learnerId: string): Promise<ClusterStatus> {
    await this.ready;
    const own = this.clusterOf(learnerId);
    if (own) {
      own.lastUsedAt = this.now();
      return this.status(learnerId);
    }
    if (this.queue.includes(learnerId)) return this.status(learnerId);
    this.failures.delete(learnerId);
    this.poolPausedUntil = 0; // a learner asking is a good moment to retry a failed refill
    const pooled = this.takeFromPool();
    if (pooled) {
      pooled.owner = learnerId;
      this.moveHomeIn(pooled);
      pooled.lastUsedAt = this.now();
      pooled.handingOver = pooled.phase === 'ready';
      this.log(`${pooled.name} aus dem Vorrat für ${learnerShortId(learnerId)}`);
      if (pooled.phase === 'ready') await this.handOver(pooled);
      await this.persist();
      this.emit(learnerId);
      this.pump();
      return this.status(learnerId);
    }
    this.queue.push(learnerId);
    this.pump();
    this.emit(learnerId);
    return this.status(learnerId);
  }

  /** Gives the learner a fresh cluster (from the pool when one is ready) and deletes
   * the old one in the background, so the learner does not wait for the deletion. */
  async reset(learnerId: string): Promise<ClusterStatus> {
    await this.ready;
    const queued = this.queue.indexOf(learnerId);
    if (queued >= 0) this.queue.splice(queued, 1);
    const old = this.clusterOf(learnerId);
    if (old && !old.deleting) {
      await this.detach(old);
      old.owner = null;
      void this.destroy(old, learnerId);
    }
    return this.start(learnerId);
  }

  /** Deletes the learner's cluster (idle TTL, or the learner is gone). */
  async release(learnerId: string): Promise<void> {
    await this.ready;
    const cluster = this.clusterOf(learnerId);
    if (!cluster || cluster.deleting) return;
    await this.detach(cluster);
    await this.destroy(cluster, learnerId);
  }

  /** Takes the cluster away from its learner: no kubeconfig, no cluster variables. */
  private async detach(cluster: LiveCluster): Promise<void> {
    cluster.deleting = true;
    const owner = cluster.owner;
    if (!owner) return;
    this.emit(owner);
    await rm(this.kubeconfigPathOf(owner), { force: true });
    await this.moveHomeOutOf(cluster, owner);
    this.options.onEnvChanged?.(owner);
  }

  /** The learner's home goes into the sandbox now; their shell waits for `homeMove`. */
  private moveHomeIn(cluster: LiveCluster): void {
    const sandbox = this.options.provider.sandbox;
    if (!sandbox || !cluster.owner) return;
    const home = learnerHome(this.options.dataDir, cluster.owner);
    cluster.homeMove = sandbox.attachHome(cluster.name, home).catch((error: unknown) => {
      this.log(`${cluster.name}: Home ließ sich nicht in die Sandbox legen: ${String(error)}`);
      throw new ClusterError('internal', 'Dein Home-Verzeichnis ließ sich nicht in deine Sandbox legen. Setze den Cluster zurück; hilft das nicht, sag deinen Lehrenden Bescheid.', { output: String(error) });
    });
    cluster.homeMove.catch(() => {}); // awaited by the shell
  }

  /** The home comes back from a cluster of this run, once its move in has ended: a
   * creation that fails at once (no Docker) must not bring it back while it is still
   * on its way in, or it would end up in the sandbox that is then deleted. */
  private async moveHomeOutOf(cluster: LiveCluster, owner: string): Promise<void> {
    await cluster.homeMove?.catch(() => {});
    await this.moveHomeOut(cluster.name, owner);
  }

  /** The home comes back to the host, whatever happened to the sandbox. */
  private async moveHomeOut(name: string, owner: string): Promise<void> {
    const sandbox = this.options.provider.sandbox;
    if (!sandbox) return;
    await sandbox.detachHome(name, learnerHome(this.options.dataDir, owner)).catch((error: unknown) => this.log(`${name}: Home ließ sich nicht zurückholen: ${String(error)}`));
  }

  private async destroy(cluster: LiveCluster, formerOwner: string | null): Promise<void> {
    try {
      await this.options.provider.delete(cluster.name);
    } catch (error) {
      this.log(`${cluster.name} ließ sich nicht löschen: ${asClusterError(error).output || String(error)}`);
    }
    this.clusters.delete(cluster.name);
    this.kubeConfigs.delete(cluster.name);
    await this.persist();
    this.emit(formerOwner);
    this.pump();
  }

  /** Every cluster this manager holds, for the health page and tests. */
  summary(): { name: string; owner: string | null; phase: 'creating' | 'ready' | 'deleting' }[] {
    return [...this.clusters.values()].map((cluster) => ({
      name: cluster.name,
      owner: cluster.owner,
      phase: cluster.deleting ? 'deleting' : cluster.phase,
    }));
  }

  private takeFromPool(): LiveCluster | undefined {
    const pool = [...this.clusters.values()].filter((cluster) => cluster.owner === null && !cluster.deleting);
    return pool.find((cluster) => cluster.phase === 'ready') ?? pool.find((cluster) => cluster.phase === 'creating');
  }

  /** Starts creations while there is room: queued learners first, then the pool. */
  private pump(): void {
    if (this.closed) return;
    // Creations that waited for the cluster pieces go first: their learners came first.
    while (this.awaitingSlot.length > 0 && this.creatingCount < this.options.maxParallelCreates) this.awaitingSlot.shift()!();
    let started = false;
    while (this.queue.length > 0 && this.clusters.size < this.options.maxClusters && this.creatingCount < this.options.maxParallelCreates) {
      const learnerId = this.queue.shift()!;
      const freeMiB = (this.options.freeMemoryMiB ?? defaultFreeMemoryMiB)();
      if (freeMiB < this.options.memoryPerClusterMiB) {
        this.failures.set(learnerId, lowMemory(freeMiB, this.options.memoryPerClusterMiB));
        this.emit(learnerId);
        continue;
      }
      this.create(this.nameFor(learnerId), learnerId);
      started = true;
    }
    if (this.queue.length === 0) this.refillPool();
    if (started || this.queue.length > 0) this.emitQueue();
  }

  /** werkbank-<learner short id>, or with a suffix while the learner's previous
   * cluster of that name is still being deleted (kind cannot reuse it until then). */
  private nameFor(learnerId: string): string {
    const base = `werkbank-${learnerShortId(learnerId)}`;
    return this.clusters.has(base) ? `${base}-${randomBytes(2).toString('hex')}` : base;
  }

  private refillPool(): void {
    if (this.now() < this.poolPausedUntil) return;
    const poolCount = () => [...this.clusters.values()].filter((cluster) => cluster.owner === null).length;
    while (
      poolCount() < this.options.poolSize &&
      this.clusters.size < this.options.maxClusters &&
      this.creatingCount < this.options.maxParallelCreates &&
      (this.options.freeMemoryMiB ?? defaultFreeMemoryMiB)() >= this.options.memoryPerClusterMiB
    ) {
      this.create(`werkbank-pool-${randomBytes(3).toString('hex')}`, null);
    }
  }

  private create(name: string, owner: string | null): void {
    const startedAt = this.now();
    const cluster: LiveCluster = { name, owner, phase: 'creating', namespace: 'default', startedAt, lastUsedAt: startedAt, steps: [] };
    this.clusters.set(name, cluster);
    this.moveHomeIn(cluster);
    this.log(`${name} wird erstellt${owner ? ` für ${learnerShortId(owner)}` : ' (Vorrat)'}`);
    void this.persist();
    const onProgress: ProgressCallback = (step) => {
      const index = cluster.steps.findIndex((known) => known.id === step.id);
      if (index >= 0) cluster.steps[index] = step;
      else cluster.steps.push(step);
      this.emit(cluster.owner);
    };
    this.options.provider
      .create(name, onProgress, {
        onShellReady: () => {
          cluster.shellReady = true;
          if (cluster.piecesWait === 'starting') {
            // Its cluster now waits for the pieces: the slot goes to the next learner's sandbox.
            cluster.piecesWait = 'waiting';
            this.pump();
          }
          this.emit(cluster.owner);
        },
        ...(this.clusterPiecesReady || !this.options.clusterAfter ? {} : { clusterPiecesPending: this.piecesAndSlot(cluster, this.options.clusterAfter) }),
      })
      .then(async (handle) => {
        await this.prepare(handle, onProgress);
        if (this.closed) return;
        cluster.handingOver = cluster.owner !== null;
        cluster.phase = 'ready';
        cluster.readyAt = this.now();
        cluster.namespace = handle.namespace;
        if (handle.nodeContainer) cluster.nodeContainer = handle.nodeContainer;
        this.createSeconds = [...this.createSeconds, (cluster.readyAt - startedAt) / 1000].slice(-20);
        this.log(`${name} ist bereit nach ${((cluster.readyAt - startedAt) / 1000).toFixed(1)} s`);
        if (cluster.owner) await this.handOver(cluster);
        await this.persist();
        this.emit(cluster.owner);
      })
      .catch(async (error: unknown) => {
        const failure = asClusterError(error);
        if (cluster.owner) await this.moveHomeOutOf(cluster, cluster.owner);
        this.log(`${name} ist fehlgeschlagen: ${failure.message}\n${failure.output}`);
        this.clusters.delete(name);
        if (cluster.owner) this.failures.set(cluster.owner, failure);
        // A failing pool refill must not loop; the next learner's start retries it.
        else this.poolPausedUntil = this.now() + 5 * 60_000;
        await this.persist();
        this.emit(cluster.owner);
      })
      .finally(() => this.pump());
  }

  /** Resolves when the cluster pieces are there and a creation slot is free; from the
   * shell's start until then the cluster does not count as a running creation. */
  private piecesAndSlot(cluster: LiveCluster, pieces: Promise<void>): Promise<void> {
    cluster.piecesWait = 'starting';
    return pieces.then(
      () =>
        new Promise<void>((resolve) => {
          this.awaitingSlot.push(() => {
            cluster.piecesWait = 'granted';
            resolve();
          });
          this.pump();
        }),
    );
  }

  /** A preparation that fails leaves a working cluster: the learner gets it, with the
   * step marked failed and its message shown, rather than no cluster at all. */
  private async prepare(handle: ClusterHandle, onProgress: ProgressCallback): Promise<void> {
    if (!this.options.prepareCluster) return;
    const progress = new ProgressTracker(onProgress, this.now);
    try {
      await this.options.prepareCluster(handle, progress);
      progress.finish();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`${handle.name}: Vorbereitung fehlgeschlagen: ${message}`);
      progress.fail(message);
    }
  }

  /** The cluster is the learner's now: their kubeconfig, then their shell's variables. */
  private async handOver(cluster: LiveCluster): Promise<void> {
    const owner = cluster.owner;
    if (!owner) return;
    cluster.handingOver = true;
    try {
      const path = this.kubeconfigPathOf(owner);
      await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
      // In a sandbox the cluster's own kubeconfig is there already; on the host the
      // learner gets a copy of their own.
      if (!this.options.provider.sandbox) await writeFile(path, await this.options.provider.kubeconfig(cluster.name, owner), { mode: 0o600 });
    } finally {
      cluster.handingOver = false;
    }
    this.options.onEnvChanged?.(owner);
  }

  private async sweepIdle(): Promise<void> {
    const now = this.now();
    for (const cluster of [...this.clusters.values()]) {
      if (!cluster.owner || cluster.phase !== 'ready' || cluster.deleting) continue;
      if (this.options.isActive?.(cluster.owner)) {
        cluster.lastUsedAt = now;
        continue;
      }
      if (now - cluster.lastUsedAt >= this.options.idleTtlMs) {
        this.log(`${cluster.name} war ${Math.round((now - cluster.lastUsedAt) / 60_000)} min unbenutzt und wird gelöscht`);
        await this.detach(cluster);
        await this.destroy(cluster, cluster.owner);
      }
    }
  }

  /** Runs the idle sweep now (tests, and the page's "Aufräumen" later). */
  sweepNow(): Promise<void> {
    return this.sweepIdle();
  }

  // ---- restart safety --------------------------------------------------------------

  private async adopt(): Promise<void> {
    const provider = this.options.provider;
    const state = await readState(join(this.stateDir, 'state.json'), provider.name);
    this.createSeconds = state.createSeconds;
    let ours: Set<string>;
    try {
      ours = new Set(await provider.listOurs());
    } catch (error) {
      // Docker down at start-up: trust the records (deleting anything would be a guess)
      // and let the next start() report the problem to the learner.
      this.log(`Cluster lassen sich gerade nicht auflisten; die Einträge bleiben: ${asClusterError(error).message}`);
      for (const entry of state.clusters) if (entry.phase === 'ready') this.clusters.set(entry.name, { ...entry, steps: [] });
      return;
    }
    const orphans = new Set(ours);
    for (const entry of state.clusters) {
      orphans.delete(entry.name);
      if (!ours.has(entry.name)) {
        this.log(`${entry.name} ist verschwunden; der Eintrag wird vergessen`);
        if (entry.owner) await this.moveHomeOut(entry.name, entry.owner);
        continue;
      }
      // A creation cut off by the restart left something half-made: start over. A pool
      // cluster where the provider now keeps none (settings changed) has no home to give.
      if (entry.phase === 'creating' || (!entry.owner && provider.info.noWarmPool) || !(await provider.get(entry.name))) {
        orphans.add(entry.name);
        if (entry.owner) await this.moveHomeOut(entry.name, entry.owner);
        continue;
      }
      const adopted: LiveCluster = { ...entry, steps: [] };
      this.clusters.set(entry.name, adopted);
      this.moveHomeIn(adopted);
      if (entry.owner && !existsSync(this.kubeconfigPathOf(entry.owner))) await this.handOver({ ...entry, steps: [] });
      this.log(`${entry.name} übernommen${entry.owner ? ` (gehört ${learnerShortId(entry.owner)})` : ' (Vorrat)'}`);
    }
    for (const name of orphans) {
      this.log(`${name} gehört niemandem und wird gelöscht`);
      await provider.delete(name).catch((error: unknown) => this.log(`${name}: ${String(error)}`));
    }
    await this.persist();
    this.pump();
  }

  private persist(): Promise<void> {
    // After close() the next runner (or test) owns the state file.
    if (this.closed) return Promise.resolve();
    const state: ManagerState = {
      version: 1,
      provider: this.options.provider.name,
      createSeconds: this.createSeconds,
      clusters: [...this.clusters.values()]
        .filter((cluster) => !cluster.deleting)
        .map(({ steps: _steps, deleting: _deleting, handingOver: _handingOver, ...entry }) => entry),
    };
    return this.writer.write(state).catch((error: unknown) => this.log(`Zustand nicht gespeichert: ${String(error)}`));
  }

  /** Deletes every cluster (and sandbox) of this runner for good, learners' homes back
   * on the host first: `./werkbank stop`. */
  async removeAll(): Promise<string[]> {
    await this.ready;
    this.queue.length = 0;
    this.options.poolSize = 0;
    const removed: string[] = [];
    for (const cluster of [...this.clusters.values()]) {
      if (cluster.deleting) continue;
      await this.detach(cluster);
      await this.destroy(cluster, cluster.owner);
      removed.push(cluster.name);
    }
    for (const name of await this.options.provider.listOurs()) {
      await this.options.provider.delete(name);
      removed.push(name);
    }
    return removed;
  }

  /** Stops background work; clusters stay (the next start adopts them). */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (!this.adopting) {
      // Closed while still waiting to start: the records on disk are untouched, keep them.
      this.closed = true;
      return;
    }
    await this.ready.catch(() => {});
    await this.persist();
    this.closed = true;
  }
}

function defaultFreeMemoryMiB(): number {
  return Math.floor(freemem() / (1 << 20));
}
