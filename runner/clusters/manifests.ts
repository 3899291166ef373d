// Applies add-on manifests (metrics-server, Traefik, …) through the API: each object is
// created, and one that exists already (a retried add-on step) is left as it is.
import { readFile } from 'node:fs/promises';
import { ApiextensionsV1Api, AppsV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { waitUntil } from '../wait.ts';

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 409;
}

const DEPLOYMENT_TIMEOUT_MS = 180_000;

async function waitForDeployments(config: KubeConfig, deployments: KubernetesObject[]): Promise<void> {
  const apps = config.makeApiClient(AppsV1Api);
  const pending = deployments.map(({ metadata }) => ({ name: metadata?.name ?? '', namespace: metadata?.namespace ?? 'default' }));
  await waitUntil(
    'Deployments bereit',
    async () => {
      while (pending[0]) {
        const deployment = await apps.readNamespacedDeployment(pending[0]);
        const available = deployment.status?.conditions?.some((condition) => condition.type === 'Available' && condition.status === 'True');
        if (!available || (deployment.status?.availableReplicas ?? 0) === 0) return false;
        pending.shift();
      }
      return true;
    },
    {
      timeoutMs: DEPLOYMENT_TIMEOUT_MS,
      intervalMs: 1_000,
      retryErrors: false,
      timeoutError: () => new Error(`Deployment ${pending[0]?.namespace}/${pending[0]?.name} ist nach ${DEPLOYMENT_TIMEOUT_MS / 1000} s nicht bereit.`),
    },
  );
}

const CRD_TIMEOUT_MS = 60_000;

/**
 * Waits until the API server serves these CustomResourceDefinitions (condition
 * Established): objects of their kinds are refused with 404 until then.
 */
async function waitForCrds(config: KubeConfig, crds: KubernetesObject[]): Promise<void> {
  const api = config.makeApiClient(ApiextensionsV1Api);
  const pending = crds.map(({ metadata }) => metadata?.name ?? '');
  await waitUntil(
    'CustomResourceDefinitions bereit',
    async () => {
      while (pending[0] !== undefined) {
        const crd = await api.readCustomResourceDefinition({ name: pending[0] });
        if (!crd.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True')) return false;
        pending.shift();
      }
      return true;
    },
    {
      timeoutMs: CRD_TIMEOUT_MS,
      intervalMs: 200,
      retryErrors: false,
      timeoutError: () => new Error(`CustomResourceDefinition ${pending[0]} ist nach ${CRD_TIMEOUT_MS / 1000} s nicht bereit.`),
    },
  );
}

export interface AppliedManifest {
  /** Objects created now (ones that existed already are left as they are). */
  created: number;
  /** Settles once the manifest's APIServices are registered, which waits for its
   * Deployments; resolves at once for a manifest without APIServices. */
  apiServices: Promise<void>;
}

/** Creates the manifest's objects and returns; its APIServices follow in the background. */
export async function applyManifest(config: KubeConfig, path: string): Promise<AppliedManifest> {
  const client = KubernetesObjectApi.makeApiClient(config);
  const objects: KubernetesObject[] = [];
  for (const document of parseAllDocuments(await readFile(path, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const object = document.toJS() as KubernetesObject | null;
    if (object?.kind) objects.push(object);
  }
  let created = 0;
  const create = async (object: KubernetesObject) => {
    try {
      await client.create(object);
      created += 1;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  };
  // An APIService registered while its server is still starting stays at 404 in this
  // kube-apiserver (seen with metrics-server on 1.34: 503 while starting, then 404 for
  // good, until the APIService is created again). Registered after its Deployment is
  // available, it answers at once.
  const apiServices = objects.filter((object) => object.kind === 'APIService');
  // CRDs first and served before the rest, so a manifest (or the next one) may hold objects of their kinds.
  const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition');
  for (const object of crds) await create(object);
  await waitForCrds(config, crds);
  for (const object of objects.filter((candidate) => candidate.kind !== 'APIService' && candidate.kind !== 'CustomResourceDefinition')) await create(object);
  const createdNow = created;
  const registered =
    apiServices.length === 0
      ? Promise.resolve()
      : (async () => {
          await waitForDeployments(config, objects.filter((object) => object.kind === 'Deployment'));
          for (const object of apiServices) await create(object);
        })();
  return { created: createdNow, apiServices: registered };
}

/** Applies a manifest completely, APIServices included. */
export async function applyManifestFile(config: KubeConfig, path: string): Promise<void> {
  await (await applyManifest(config, path)).apiServices;
}
