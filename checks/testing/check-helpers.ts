// What the check tests share: running a check the way the runner will (executeCheck
// with the learner's namespace), the objects a learner typically applies, and waiting
// for the controllers to catch up before asking.
import type {
  V1Container,
  V1Deployment,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1Service,
} from '@kubernetes/client-node';
import { executeCheck, type AnyCheck, type CheckContext, type CheckResult } from '../core.ts';
import type { KubeClients } from './kube-clients.ts';
import { waitFor } from './wait.ts';

export const NGINX = 'docker.io/library/nginx:1.27-alpine';

/** Runs a check against the kwok cluster in `namespace`, as the runner would for a learner. */
export function runCheck(
  kube: KubeClients,
  namespace: string,
  check: AnyCheck,
  params: unknown,
  context: Partial<Omit<CheckContext, 'kubeConfig' | 'namespace'>> = {},
): Promise<CheckResult> {
  return executeCheck(check, params, { kubeConfig: kube.config, namespace, ...context });
}

export function container(overrides: Partial<V1Container> = {}): V1Container {
  return { name: 'web', image: NGINX, ports: [{ containerPort: 80 }], ...overrides };
}

export interface DeploymentOptions {
  replicas?: number;
  labels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  containers?: V1Container[];
  pod?: Partial<V1PodSpec>;
}

/** A Deployment as a learner writes it: one nginx container, pods labelled app=<name>. */
export function deployment(name: string, options: DeploymentOptions = {}): V1Deployment {
  const labels = options.labels ?? { app: name };
  return {
    metadata: { name },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: options.podAnnotations ?? {} },
        spec: { containers: options.containers ?? [container()], ...options.pod },
      },
    },
  };
}

export function service(name: string, selector: Record<string, string>, port = 80): V1Service {
  return { metadata: { name }, spec: { selector, ports: [{ name: 'http', port, targetPort: 80 }] } };
}

export function claim(name: string, storageClassName?: string, size = '1Gi'): V1PersistentVolumeClaim {
  return {
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClassName !== undefined ? { storageClassName } : {}),
    },
  };
}

export async function createDeployment(kube: KubeClients, namespace: string, body: V1Deployment): Promise<void> {
  await kube.apps.createNamespacedDeployment({ namespace, body });
}

/** Waits until the Deployment controller reports `replicas` available pods. */
export async function waitForAvailable(kube: KubeClients, namespace: string, name: string, replicas: number) {
  return waitFor(
    `Deployment ${name} hat ${replicas} verfügbare Replikas`,
    async () => {
      const current = await kube.apps.readNamespacedDeployment({ name, namespace });
      const status = current.status;
      return (
        (status?.observedGeneration ?? 0) >= (current.metadata?.generation ?? 0) &&
        status?.availableReplicas === replicas &&
        status.updatedReplicas === replicas &&
        status.replicas === replicas &&
        current
      );
    },
    { timeoutMs: 30_000 },
  );
}

/**
 * kwok never restarts a container, so a crash loop is written into the status the way
 * the kubelet reports one caught between two crashes: ready now, restarted `agoMs` ago.
 * kwok leaves a running pod's status alone afterwards.
 */
export async function restartedAgo(kube: KubeClients, namespace: string, name: string, agoMs: number): Promise<void> {
  const pod = await kube.core.readNamespacedPod({ name, namespace });
  const finishedAt = new Date(Date.now() - agoMs);
  pod.status!.containerStatuses = (pod.status?.containerStatuses ?? []).map((status) => ({
    ...status,
    restartCount: 4,
    lastState: {
      terminated: { exitCode: 1, reason: 'Error', startedAt: new Date(finishedAt.getTime() - 5_000), finishedAt },
    },
  }));
  await kube.core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

/** What `kubectl create secret docker-registry <name> --docker-server=<server>` writes. */
export async function createPullSecret(kube: KubeClients, namespace: string, server: string, username = 'lernende', name = 'registry-zugang'): Promise<void> {
  const password = 'geheim123';
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const config = { auths: { [server]: { username, password, auth } } };
  await kube.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    },
  });
}

/** The names of the pods labelled app=<app>. */
export async function podNames(kube: KubeClients, namespace: string, app: string): Promise<string[]> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.map((pod) => pod.metadata?.name ?? '');
}

/**
 * A running pod that is not ready, started `agoMs` ago: what the kubelet reports while a
 * readiness probe fails (kwok itself only knows ready pods and leaves running ones alone).
 */
export async function unreadySince(kube: KubeClients, namespace: string, name: string, agoMs: number): Promise<void> {
  const pod = await kube.core.readNamespacedPod({ name, namespace });
  const now = new Date();
  pod.status!.conditions = (pod.status?.conditions ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', lastTransitionTime: now } : c,
  );
  pod.status!.containerStatuses = (pod.status?.containerStatuses ?? []).map((status) => ({
    ...status,
    ready: false,
    started: true,
    state: { running: { startedAt: new Date(now.getTime() - agoMs) } },
  }));
  await kube.core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}
