// A cluster the instructor hands in (their kubeconfig): each learner gets a namespace of
// their own with a ServiceAccount that may do anything inside it (ClusterRole "admin")
// and nothing outside, and a kubeconfig with that account's token, never the
// instructor's credentials. The path to a real multi-node cluster for a class.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { CommandResult } from './commands.ts';
import { ClusterError, createFailed } from './errors.ts';
import { learnerKubeconfig } from './kubeconfig.ts';
import { ProgressTracker } from './progress.ts';
import type { ClusterHandle, ClusterProvider, ImageLoadResult, ProgressCallback, ProviderInfo } from './provider.ts';

const RUNNER_LABEL = 'werkbank.dev/runner';
const ACCOUNT = 'lernende';
const TOKEN_SECONDS = 24 * 3600;

export interface ExistingProviderOptions {
  stateDir: string;
  kubeconfigPath: string;
}

export class ExistingClusterProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  readonly info: ProviderInfo = { kindClusterNameInShell: false, defaultEstimateSeconds: 3 };
  private readonly options: ExistingProviderOptions;
  private readonly config = new KubeConfig();
  private ownerId: Promise<string> | null = null;

  constructor(options: ExistingProviderOptions) {
    this.options = options;
    this.config.loadFromFile(options.kubeconfigPath);
  }

  private get core(): CoreV1Api {
    return this.config.makeApiClient(CoreV1Api);
  }

  /** Marks this runner's namespaces, so two runners sharing one cluster keep apart. */
  private owner(): Promise<string> {
    this.ownerId ??= (async () => {
      const file = join(this.options.stateDir, 'owner');
      if (!existsSync(file)) {
        await mkdir(this.options.stateDir, { recursive: true });
        await writeFile(file, `${randomBytes(8).toString('hex')}\n`, { flag: 'wx' }).catch(() => {});
      }
      return (await readFile(file, 'utf8')).trim();
    })();
    return this.ownerId;
  }

  private handle(name: string): ClusterHandle {
    return { name, provider: 'existing', adminKubeconfigPath: this.options.kubeconfigPath, namespace: name };
  }

  async preflight(): Promise<void> {
    try {
      await this.core.listNamespace({ limit: 1 });
    } catch (error) {
      throw new ClusterError('create-failed', 'Der Cluster der Lehrenden antwortet nicht. Prüft WERKBANK_EXISTING_KUBECONFIG und die Verbindung.', {
        output: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async create(name: string, onProgress: ProgressCallback): Promise<ClusterHandle> {
    const progress = new ProgressTracker(onProgress);
    progress.start('namespace', 'Namespace und Zugang werden angelegt');
    try {
      await this.preflight();
      await this.core.createNamespace({ body: { metadata: { name, labels: { [RUNNER_LABEL]: await this.owner() } } } });
      await this.core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: ACCOUNT } } });
      await this.config.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
        namespace: name,
        body: {
          metadata: { name: `${ACCOUNT}-admin` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'ServiceAccount', name: ACCOUNT, namespace: name }],
        },
      });
      progress.finish();
      return this.handle(name);
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      progress.fail(error instanceof Error ? error.message : String(error));
      await this.delete(name).catch(() => {});
      throw createFailed(error instanceof Error ? error.message : String(error), error);
    }
  }

  async listOurs(): Promise<string[]> {
    const namespaces = await this.core.listNamespace({ labelSelector: `${RUNNER_LABEL}=${await this.owner()}` });
    return namespaces.items.map((item) => item.metadata?.name ?? '').filter(Boolean).sort();
  }

  async get(name: string): Promise<ClusterHandle | null> {
    return (await this.listOurs()).includes(name) ? this.handle(name) : null;
  }

  async delete(name: string): Promise<void> {
    await this.core.deleteNamespace({ name }).catch((error: { code?: number }) => {
      if (error.code !== 404) throw error;
    });
  }

  async kubeconfig(name: string, learnerId: string): Promise<string> {
    const token = await this.core.createNamespacedServiceAccountToken({
      name: ACCOUNT,
      namespace: name,
      body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
    });
    if (!token.status?.token) throw new Error('Kein Token für den Zugang erhalten');
    const admin = await readFile(this.options.kubeconfigPath, 'utf8');
    return learnerKubeconfig(admin, { clusterName: `werkbank-${name}`, learnerId, namespace: name, token: token.status.token });
  }

  async loadImages(): Promise<ImageLoadResult> {
    throw new ClusterError('not-supported', 'In einen Cluster der Lehrenden lassen sich keine Images laden; er braucht eine Registry.', { retryable: false });
  }

  async execInNode(): Promise<CommandResult> {
    throw new ClusterError('not-supported', 'Auf die Knoten eines Clusters der Lehrenden hat Werkbank keinen Zugriff.', { retryable: false });
  }

  nodeExec(_name: string): string[] | null {
    return null;
  }
}
