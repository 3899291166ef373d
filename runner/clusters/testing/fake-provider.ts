// An in-memory provider for the manager's tests: creations finish when the test says
// so (or at once), and every call is recorded.
import { join } from 'node:path';
import type { CommandResult } from '../commands.ts';
import { createFailed } from '../errors.ts';
import { moveHomeBack, moveHomeIntoSlot } from '../home-slot.ts';
import type { ClusterHandle, ClusterProvider, CreateHooks, ImageLoadResult, ProgressCallback, ProviderInfo, SandboxAccess } from '../provider.ts';

interface PendingCreate {
  name: string;
  /** The sandbox runs (sandboxed fakes): the learner's shell may start. */
  shellReady(): void;
  /** What create() was told to wait for before the cluster itself (sandbox mode). */
  clusterPiecesPending: Promise<void> | undefined;
  finish(): void;
  fail(output: string): void;
}

export class FakeProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: true, defaultEstimateSeconds: 75 };
  /** Clusters that exist (ready or being created). */
  readonly existing = new Set<string>();
  readonly deleted: string[] = [];
  readonly created: string[] = [];
  readonly pending: PendingCreate[] = [];
  /** When true, create() finishes at once. */
  autoFinish: boolean;
  /** How long delete() takes (kind needs seconds). */
  deleteDelayMs: number;

  /** Present with `slotRoot`: clusters live in sandboxes whose home slots are under it. */
  readonly sandbox?: SandboxAccess;
  /** Sandbox, home, and when: the order the manager moved homes in and out. */
  readonly homeMoves: string[] = [];

  constructor({ autoFinish = true, deleteDelayMs = 0, slotRoot }: { autoFinish?: boolean; deleteDelayMs?: number; slotRoot?: string } = {}) {
    this.autoFinish = autoFinish;
    this.deleteDelayMs = deleteDelayMs;
    if (slotRoot) {
      this.sandbox = {
        kubeconfigPath: '/var/lib/werkbank/kubeconfig',
        attachHome: async (name, home) => {
          this.homeMoves.push(`in ${name}`);
          await moveHomeIntoSlot(home, join(slotRoot, name));
        },
        detachHome: async (name, home) => {
          this.homeMoves.push(`out ${name}`);
          await moveHomeBack(home, join(slotRoot, name));
        },
        shellCommand: (name, session) => ['fake-shell', name, session],
        hangUpShell: async () => {},
      };
    }
  }

  async preflight(): Promise<void> {}

  create(name: string, onProgress: ProgressCallback, hooks: CreateHooks = {}): Promise<ClusterHandle> {
    this.created.push(name);
    this.existing.add(name);
    const startedAt = Date.now();
    onProgress({ id: 'control-plane', label: 'Control Plane startet (kubeadm)', state: 'running', startedAt });
    return new Promise((resolve, reject) => {
      const entry: PendingCreate = {
        name,
        clusterPiecesPending: hooks.clusterPiecesPending,
        shellReady: () => {
          if (this.sandbox) hooks.onShellReady?.();
        },
        finish: () => {
          entry.shellReady();
          onProgress({ id: 'control-plane', label: 'Control Plane startet (kubeadm)', state: 'done', startedAt, endedAt: Date.now() });
          resolve(this.handle(name));
        },
        fail: (output) => {
          this.existing.delete(name);
          reject(createFailed(output));
        },
      };
      if (this.autoFinish) queueMicrotask(entry.finish);
      else this.pending.push(entry);
    });
  }

  /** Finishes the oldest creation still running. */
  finishNext(): string {
    const entry = this.pending.shift();
    if (!entry) throw new Error('keine Erstellung läuft');
    entry.finish();
    return entry.name;
  }

  /** The oldest creation's sandbox runs; its cluster is still being made. */
  shellReadyNext(): string {
    const entry = this.pending[0];
    if (!entry) throw new Error('keine Erstellung läuft');
    entry.shellReady();
    return entry.name;
  }

  failNext(output: string): string {
    const entry = this.pending.shift();
    if (!entry) throw new Error('keine Erstellung läuft');
    entry.fail(output);
    return entry.name;
  }

  private handle(name: string): ClusterHandle {
    return { name, provider: 'kind', adminKubeconfigPath: `/fake/${name}`, namespace: 'default', nodeContainer: `${name}-control-plane` };
  }

  async get(name: string): Promise<ClusterHandle | null> {
    return this.existing.has(name) ? this.handle(name) : null;
  }

  async listOurs(): Promise<string[]> {
    return [...this.existing].sort();
  }

  async delete(name: string): Promise<void> {
    if (this.deleteDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.deleteDelayMs));
    this.existing.delete(name);
    this.deleted.push(name);
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    return [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: ${name}, cluster: {server: "https://127.0.0.1:6443"}}]`,
      `users: [{name: "u-${learnerId}", user: {token: fake}}]`,
      `contexts: [{name: ${name}, context: {cluster: ${name}, user: "u-${learnerId}", namespace: default}}]`,
      `current-context: ${name}`,
      '',
    ].join('\n');
  }

  async loadImages(_name: string, images: string[]): Promise<ImageLoadResult> {
    return { loaded: images, missing: [] };
  }

  async execInNode(): Promise<CommandResult> {
    return { code: 0, stdout: '', stderr: '' };
  }

  nodeExec(_name: string): string[] | null {
    return null;
  }
}
