// Stand-ins for Flux's GitRepository and Kustomization CRDs in the kwok test cluster:
// the same group, version and names, with an open schema (no Flux controller runs there;
// the tests write the status the controllers would). Created once per cluster.
import { ApiException, ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { isNotFound } from '../kube.ts';
import type { KubeClients } from './kube-clients.ts';
import { waitFor } from './wait.ts';

const crds: Array<{ group: string; kind: string; plural: string }> = [
  { group: 'source.toolkit.fluxcd.io', kind: 'GitRepository', plural: 'gitrepositories' },
  { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', plural: 'kustomizations' },
];

function definition({ group, kind, plural }: (typeof crds)[number]): V1CustomResourceDefinition {
  return {
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          // No status subresource: a test writes spec and status in one create.
          schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
        },
      ],
    },
  };
}

export async function ensureFluxCrds(kube: KubeClients): Promise<void> {
  const api = kube.config.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) {
    const body = definition(crd);
    try {
      await api.readCustomResourceDefinition({ name: body.metadata!.name! });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await api.createCustomResourceDefinition({ body });
      } catch (createError) {
        // Another test file made it in between.
        if (!(createError instanceof ApiException && createError.code === 409)) throw createError;
      }
    }
    await waitFor(`CRD ${body.metadata!.name} ist eingerichtet`, async () => {
      const read = await api.readCustomResourceDefinition({ name: body.metadata!.name! });
      return read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    });
  }
}

type Condition = { type: string; status: string; reason?: string; message?: string };

export function ready(status: 'True' | 'False' | 'Unknown', reason = 'Succeeded', message = ''): Condition {
  return { type: 'Ready', status, reason, message };
}

export async function createGitRepository(
  kube: KubeClients,
  namespace: string,
  name: string,
  status: { conditions?: Condition[]; artifact?: { revision: string }; observedGeneration?: number },
): Promise<void> {
  await kube.custom.createNamespacedCustomObject({
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    namespace,
    plural: 'gitrepositories',
    body: {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name },
      spec: { url: 'http://git.flux-system.svc.cluster.local/git/app.git', ref: { branch: 'main' }, interval: '1m' },
      status: { observedGeneration: 1, ...status },
    },
  });
}

export async function createKustomization(
  kube: KubeClients,
  namespace: string,
  name: string,
  spec: { prune?: boolean; source?: string },
  status: { conditions?: Condition[]; lastAppliedRevision?: string; inventory?: { entries: Array<{ id: string; v: string }> } },
): Promise<void> {
  await kube.custom.createNamespacedCustomObject({
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    namespace,
    plural: 'kustomizations',
    body: {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name },
      spec: { interval: '1m', path: './', prune: spec.prune ?? true, sourceRef: { kind: 'GitRepository', name: spec.source ?? 'app' } },
      status: { observedGeneration: 1, ...status },
    },
  });
}
