// An in-memory provider for the manager's tests: creations finish when the test says
// so (or at once), and every call is recorded.
import type { CommandResult } from '../commands.ts';
import { createFailed } from '../errors.ts';
import type { ClusterHandle, ClusterProvider, ImageLoadResult, ProgressCallback, ProviderInfo } from '../provider.ts';

interface PendingCreate {
  name: string;
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

  constructor({ autoFinish = true, deleteDelayMs = 0 }: { autoFinish?: boolean; deleteDelayMs?: number } = {}) {
    this.autoFinish = autoFinish;
    this.deleteDelayMs = deleteDelayMs;
  }

  async preflight(): Promise<void> {}

  create(name: string, onProgress: ProgressCallback): Promise<ClusterHandle> {
    this.created.push(name);
    this.existing.add(name);
    const startedAt = Date.now();
    onProgress({ id: 'control-plane', label: 'Control Plane startet (kubeadm)', state: 'running', startedAt });
    return new Promise((resolve, reject) => {
      const entry: PendingCreate = {
        name,
        finish: () => {
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
