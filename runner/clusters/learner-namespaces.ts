// A learner's own namespace in a shared cluster, for learners nobody vouches for (the
// chart's learner mode "namespace"): Pod Security "restricted" (no privileged pods, no
// host paths, non-root), the chart's ResourceQuota and LimitRange, and a ServiceAccount
// bound to the chart's learner ClusterRole in this namespace only. The runner creates it
// with the narrow rights the chart gives it: it may bind the learner role, never hold it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadYaml,
  RbacAuthorizationV1Api,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { isNotFound } from '../../checks/kube.ts';
import { learnerKubeconfig } from './kubeconfig.ts';

export const RUNNER_LABEL = 'werkbank.dev/runner';
/** On a lab's namespace of a learner: the learner's own namespace (whose account works
 * there, and with which it goes). */
export const LAB_OF_LABEL = 'werkbank.dev/lab-of';
/** The learner's ServiceAccount in each of their namespaces. */
export const LEARNER_ACCOUNT = 'lernende';
const TOKEN_SECONDS = 24 * 3600;

/** Pod Security Admission: "restricted" enforced at the newest level the server knows. */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
} as const;

/** Only these kinds may come from the chart's namespace-objects.yaml: limits, not rights. */
const namespaceObjectSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.enum(['ResourceQuota', 'LimitRange']),
    metadata: z.object({ name: z.string().min(1) }).loose(),
  })
  .loose();

/** The ResourceQuota and LimitRange every learner namespace gets, from the file the chart
 * mounts (`<dir>/namespace-objects.yaml`, ConfigMap `<release>-learners`). */
export function parseNamespaceObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((value) => value !== null)
    .map((value, index) => {
      const parsed = namespaceObjectSchema.safeParse(value);
      if (!parsed.success) {
        throw new Error(`namespace-objects.yaml, Dokument ${index + 1}: nur ResourceQuota und LimitRange (v1) sind erlaubt – ${parsed.error.issues[0]?.message}`);
      }
      // Into the client's typed model: its serializer writes only the model's fields, and
      // a plain object's LimitRange "default" (the model's "_default") would be dropped.
      return loadYaml<KubernetesObject>(JSON.stringify(parsed.data));
    });
}

export function loadNamespaceObjects(configDir: string): KubernetesObject[] {
  return parseNamespaceObjects(readFileSync(join(configDir, 'namespace-objects.yaml'), 'utf8'));
}

export interface LearnerNamespacesOptions {
  /** The runner's own credentials (in the cluster: its ServiceAccount). */
  kubeConfig: KubeConfig;
  /** The chart's learner ClusterRole, bound in each learner namespace. */
  learnerRole: string;
  namespaceObjects: KubernetesObject[];
  /** Marks this runner's namespaces (label werkbank.dev/runner). */
  owner: string;
  /** The API server as session pods reach it; default: the address the runner uses (the
   * same inside the cluster, e.g. https://kubernetes.default.svc). */
  apiServer?: string;
  /** The chart's sessions namespace, as a label on every namespace made here: `helm
   * uninstall` deletes them by it (chart/werkbank/templates/cleanup-hook.yaml). */
  sessionsNamespace?: string;
}

/** On every learner and lab namespace: the release's sessions namespace. */
export const SESSIONS_LABEL = 'werkbank.dev/sessions';

export class LearnerNamespaces {
  private readonly options: LearnerNamespacesOptions;
  private readonly core: CoreV1Api;

  constructor(options: LearnerNamespacesOptions) {
    this.options = options;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  private labels(): Record<string, string> {
    return { [RUNNER_LABEL]: this.options.owner, ...(this.options.sessionsNamespace ? { [SESSIONS_LABEL]: this.options.sessionsNamespace } : {}) };
  }

  /** Makes the namespace with its limits, account and role binding; the namespace comes
   * first with its Pod Security label, so no pod ever runs there without it. */
  async create(name: string): Promise<void> {
    await this.core.createNamespace({
      body: { metadata: { name, labels: { ...this.labels(), ...POD_SECURITY_LABELS } } },
    });
    const objects = KubernetesObjectApi.makeApiClient(this.options.kubeConfig);
    for (const object of this.options.namespaceObjects) {
      await objects.create({ ...object, metadata: { ...object.metadata, namespace: name } });
    }
    await this.core.createNamespacedServiceAccount({
      namespace: name,
      // The learner's token comes from a TokenRequest for their kubeconfig only.
      body: { metadata: { name: LEARNER_ACCOUNT }, automountServiceAccountToken: false },
    });
    await this.options.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: name,
      body: {
        metadata: { name: LEARNER_ACCOUNT },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.options.learnerRole },
        subjects: [{ kind: 'ServiceAccount', name: LEARNER_ACCOUNT, namespace: name }],
      },
    });
  }

  /** A lab's namespace of the learner whose namespace is `learner`, with the same
   * restrictions (Pod Security, quota, limits) and their account bound there too. Every
   * step tolerates what is there already, so a start cut short is finished later. */
  async createForLab(name: string, learner: string): Promise<void> {
    await ignoreExisting(this.core.createNamespace({
      body: { metadata: { name, labels: { ...this.labels(), [LAB_OF_LABEL]: learner, ...POD_SECURITY_LABELS } } },
    }));
    const objects = KubernetesObjectApi.makeApiClient(this.options.kubeConfig);
    for (const object of this.options.namespaceObjects) {
      await ignoreExisting(objects.create({ ...object, metadata: { ...object.metadata, namespace: name } }));
    }
    await ignoreExisting(this.options.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: name,
      body: {
        metadata: { name: LEARNER_ACCOUNT },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.options.learnerRole },
        subjects: [{ kind: 'ServiceAccount', name: LEARNER_ACCOUNT, namespace: learner }],
      },
    }));
  }

  /** The labs' namespaces of this runner, with the learner namespace each belongs to. */
  async listLabNamespaces(learner?: string): Promise<{ name: string; learner: string }[]> {
    const list = await this.core.listNamespace({ labelSelector: `${RUNNER_LABEL}=${this.options.owner},${LAB_OF_LABEL}${learner ? `=${learner}` : ''}` });
    return list.items
      .map((item) => ({ name: item.metadata?.name ?? '', learner: item.metadata?.labels?.[LAB_OF_LABEL] ?? '' }))
      .filter((item) => item.name && item.learner);
  }

  async delete(name: string): Promise<void> {
    await this.core.deleteNamespace({ name }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  /** Names of this runner's learner namespaces. */
  async listOurs(): Promise<string[]> {
    const list = await this.core.listNamespace({ labelSelector: `${RUNNER_LABEL}=${this.options.owner},!${LAB_OF_LABEL}` });
    return list.items.map((item) => item.metadata?.name ?? '').filter(Boolean).sort();
  }

  /** A kubeconfig for the learner: their account's token, the cluster's CA inline (the
   * session pod has no service-account files of its own), their namespace as default
   * (or one of their labs' namespaces). */
  async kubeconfig(name: string, learnerId: string, defaultNamespace = name): Promise<string> {
    const token = await this.core.createNamespacedServiceAccountToken({
      name: LEARNER_ACCOUNT,
      namespace: name,
      body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
    });
    if (!token.status?.token) throw new Error('Kein Token für den Zugang erhalten');
    const cluster = this.options.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('Die Zugangsdaten des Runners nennen keinen Cluster');
    const caData = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
    const base = new KubeConfig();
    base.loadFromOptions({
      clusters: [{ name: 'werkbank', server: this.options.apiServer ?? cluster.server, skipTLSVerify: cluster.skipTLSVerify, ...(caData ? { caData } : {}) }],
      users: [{ name: 'runner' }],
      contexts: [{ name: 'werkbank', cluster: 'werkbank', user: 'runner' }],
      currentContext: 'werkbank',
    });
    return learnerKubeconfig(base.exportConfig(), { clusterName: 'werkbank', learnerId, namespace: defaultNamespace, token: token.status.token });
  }
}

/** Creating what is there already is fine (409); anything else is not. */
async function ignoreExisting(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}
