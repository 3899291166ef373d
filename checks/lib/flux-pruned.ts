// Prune seen happen: an object whose file left the repository is gone from the cluster,
// and the Kustomization no longer lists it in its inventory (what it applied last). An
// object deleted by hand while its file is still in Git is not pruned: the controller
// would create it again, and the inventory still names it.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { kubectl, q, sentences } from '../format.ts';
import { readFlux } from '../flux.ts';
import { readOrUndefined, type KubeApi } from '../kube.ts';
import { inNamespace, objectName } from '../params.ts';
import { shortRevision } from './flux-ready.ts';

const kinds = {
  Deployment: { group: 'apps', read: (kube: KubeApi, name: string, namespace: string) => kube.apps.readNamespacedDeployment({ name, namespace }) },
  Service: { group: '', read: (kube: KubeApi, name: string, namespace: string) => kube.core.readNamespacedService({ name, namespace }) },
  ConfigMap: { group: '', read: (kube: KubeApi, name: string, namespace: string) => kube.core.readNamespacedConfigMap({ name, namespace }) },
} as const;

/** Flux's inventory id of an object: "<namespace>_<name>_<group>_<kind>". */
export function inventoryId(namespace: string, name: string, kind: keyof typeof kinds): string {
  return `${namespace}_${name}_${kinds[kind].group}_${kind}`;
}

export const fluxPruned = defineCheck({
  id: 'flux-pruned',
  title: 'Aus Git gelöschtes Objekt wurde entfernt',
  params: z.strictObject({
    /** The Flux Kustomization that applied the object. */
    kustomization: objectName,
    kind: z.enum(['Deployment', 'Service', 'ConfigMap']),
    name: objectName,
    /** The object's namespace; the Kustomization is in the lab's namespace. */
    namespace: inNamespace,
  }),
  async run({ kustomization: ksName, kind, name, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const kube = ctx.kube;
    const ks = await readFlux(kube, 'Kustomization', ksName, ctx.namespace);
    const hint = `Nachsehen: ${kubectl(`get kustomization ${ksName} -o yaml`, ctx.namespace)} (status.inventory)`;
    if (!ks) {
      return fail(`Die Kustomization ${q(ksName)} gibt es im Namespace ${q(ctx.namespace)} nicht; ohne sie entfernt niemand etwas.`, {
        data: { kustomization: ksName, kind, name, namespace },
        hint: `Nachsehen: ${kubectl('get kustomizations', ctx.namespace)}`,
      });
    }
    const listed = (ks.status?.inventory?.entries ?? []).some((entry) => entry.id === inventoryId(namespace, name, kind));
    const prune = ks.spec?.prune === true;
    const exists = (await readOrUndefined(kinds[kind].read(kube, name, namespace))) !== undefined;
    const applied = ks.status?.lastAppliedRevision;
    const data = { kustomization: ksName, kind, name, namespace, exists, listed, prune, applied: applied ?? null };
    if (listed) {
      return fail(
        sentences(
          `${kind} ${q(name)} gehört noch zum angewendeten Stand der Kustomization ${q(ksName)}${applied ? ` (${shortRevision(applied)})` : ''}${exists ? '' : ' – von Hand gelöscht legt Flux es beim nächsten Abgleich wieder an'}`,
          'Tipp: Lösch die Datei im Repository (git rm), committe und pushe; dann entfernt Flux das Objekt',
        ),
        { data, hint },
      );
    }
    if (exists && !prune) {
      return fail(
        sentences(
          `${kind} ${q(name)} steht nicht mehr in Git, ist aber noch im Cluster: die Kustomization ${q(ksName)} hat prune ausgeschaltet`,
          'Tipp: Setz spec.prune: true in der Kustomization; dann räumt Flux verwaiste Objekte ab',
        ),
        { data, hint },
      );
    }
    if (exists) return notYet(`${kind} ${q(name)} wird gerade entfernt.`, { data, hint });
    return pass(`${kind} ${q(name)} ist aus Git verschwunden, und Flux hat es aus dem Cluster entfernt.`, data);
  },
});
