// Flux's two objects the GitOps lab uses, read through the custom-objects API: a
// GitRepository (source.toolkit.fluxcd.io/v1) and a Kustomization
// (kustomize.toolkit.fluxcd.io/v1), with the status fields the checks compare.
import { z } from 'zod';
import { readOrUndefined, type KubeApi } from './kube.ts';

const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  observedGeneration: z.number().optional(),
});

const common = {
  metadata: z.object({ name: z.string(), namespace: z.string().optional(), generation: z.number().optional() }),
};

export const gitRepository = z.object({
  ...common,
  spec: z.object({ url: z.string().optional() }).optional(),
  status: z
    .object({
      conditions: z.array(condition).optional(),
      observedGeneration: z.number().optional(),
      artifact: z.object({ revision: z.string() }).optional(),
    })
    .optional(),
});
export type GitRepository = z.infer<typeof gitRepository>;

export const kustomization = z.object({
  ...common,
  spec: z
    .object({
      prune: z.boolean().optional(),
      path: z.string().optional(),
      sourceRef: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }).optional(),
    })
    .optional(),
  status: z
    .object({
      conditions: z.array(condition).optional(),
      observedGeneration: z.number().optional(),
      lastAppliedRevision: z.string().optional(),
      lastAttemptedRevision: z.string().optional(),
      inventory: z.object({ entries: z.array(z.object({ id: z.string() })).optional() }).optional(),
    })
    .optional(),
});
export type Kustomization = z.infer<typeof kustomization>;

export const fluxKinds = {
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', schema: gitRepository },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', schema: kustomization },
} as const;
export type FluxKind = keyof typeof fluxKinds;

export async function readFlux<K extends FluxKind>(
  kube: KubeApi,
  kind: K,
  name: string,
  namespace: string,
): Promise<z.infer<(typeof fluxKinds)[K]['schema']> | undefined> {
  const { group, version, plural, schema } = fluxKinds[kind];
  const raw = await readOrUndefined(kube.custom.getNamespacedCustomObject({ group, version, namespace, plural, name }));
  return raw === undefined ? undefined : (schema.parse(raw) as z.infer<(typeof fluxKinds)[K]['schema']>);
}

/** Names of this kind in the namespace (for "did you mean"), or undefined without the CRD. */
export async function listFluxNames(kube: KubeApi, kind: FluxKind, namespace: string): Promise<string[] | undefined> {
  const { group, version, plural } = fluxKinds[kind];
  const list = await readOrUndefined(kube.custom.listNamespacedCustomObject({ group, version, namespace, plural }));
  if (list === undefined) return undefined;
  const items = z.object({ items: z.array(z.object({ metadata: z.object({ name: z.string() }) })) }).parse(list).items;
  return items.map((item) => item.metadata.name);
}

export function readyCondition(object: { status?: { conditions?: z.infer<typeof condition>[] | undefined } | undefined }) {
  return object.status?.conditions?.find((c) => c.type === 'Ready');
}
