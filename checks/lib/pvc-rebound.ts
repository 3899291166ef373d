// A claim bound again to a volume kept from before (disaster recovery): the volume must
// be older than the claim (a dynamically provisioned one is always made after its claim,
// so it holds no old data) and kept with Retain. A claim waiting for such a volume gets
// told what holds it back, mostly the spec.claimRef left from the deleted claim.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type CheckRunContext } from '../core.ts';
import { kubectl, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';

function created(object: { metadata?: { creationTimestamp?: Date | string } }): number {
  const stamp = object.metadata?.creationTimestamp;
  return stamp === undefined ? Number.NaN : new Date(stamp).getTime();
}

const removeClaimRef = (volume: string) => `kubectl patch pv ${volume} --type=json -p '[{"op":"remove","path":"/spec/claimRef"}]'`;

export const pvcRebound = defineCheck({
  id: 'pvc-rebound',
  title: 'PVC ist wieder an das behaltene alte Volume gebunden',
  params: z.strictObject({
    name: objectName,
    namespace: inNamespace,
  }),
  timeoutMs: 20_000,
  async run({ name, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const claim = await readOrUndefined(kube.core.readNamespacedPersistentVolumeClaim({ name, namespace }));
    if (!claim) {
      return missingObject(
        kube,
        kinds.PersistentVolumeClaim,
        name,
        namespace,
        {
          inNamespace: () => kube.core.listNamespacedPersistentVolumeClaim({ namespace }),
          everywhere: () => kube.core.listPersistentVolumeClaimForAllNamespaces({ fieldSelector: byName(name) }),
        },
        'Leg ihn mit spec.volumeName (dem Namen des alten PersistentVolumes) an.',
      );
    }
    const volumeName = claim.spec?.volumeName;
    const phase = claim.status?.phase ?? 'Pending';
    const hint = `Nachsehen: kubectl get pv und ${kubectl(`describe pvc ${name}`, namespace)}`;
    const data: Record<string, unknown> = { name, namespace, phase, volume: volumeName ?? null };
    if (!volumeName) {
      return fail(
        sentences(
          `Der PVC ${q(name)} nennt kein Volume und wartet auf ein neues`,
          `Tipp: Die alten Daten liegen in einem PersistentVolume mit Status Released${await releasedHint(ctx)}. Lösch den PVC und leg ihn mit „spec.volumeName: <pv>“ neu an`,
        ),
        { data, hint },
      );
    }
    const volume = await readOrUndefined(kube.core.readPersistentVolume({ name: volumeName }));
    if (!volume) {
      return fail(`Der PVC ${q(name)} verlangt das PersistentVolume ${q(volumeName)}, das es nicht gibt${await releasedHint(ctx)}.`, { data, hint });
    }
    Object.assign(data, {
      reclaimPolicy: volume.spec?.persistentVolumeReclaimPolicy ?? null,
      volumePhase: volume.status?.phase ?? null,
      volumeCreated: volume.metadata?.creationTimestamp ?? null,
      claimCreated: claim.metadata?.creationTimestamp ?? null,
    });
    if (phase !== 'Bound') return pendingVerdict(claim, volume, data, hint);

    if (!(created(volume) < created(claim))) {
      return fail(
        sentences(
          `Der PVC ${q(name)} ist an das Volume ${q(volumeName)} gebunden, das erst mit ihm entstanden ist – die alten Daten sind darin nicht`,
          `Tipp: Lösch den PVC und leg ihn mit „spec.volumeName“ des alten Volumes neu an${await releasedHint(ctx)}`,
        ),
        { data, hint },
      );
    }
    if (volume.spec?.persistentVolumeReclaimPolicy !== 'Retain') {
      return fail(
        sentences(
          `Der PVC ${q(name)} hat sein altes Volume ${q(volumeName)} wieder, aber dessen Reclaim Policy ist ${q(volume.spec?.persistentVolumeReclaimPolicy ?? 'Delete')}: Beim nächsten Löschen wären die Daten weg`,
          `Tipp: kubectl patch pv ${volumeName} -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`,
        ),
        { data, hint },
      );
    }
    return pass(`Der PVC ${q(name)} ist wieder an das behaltene Volume ${q(volumeName)} gebunden (Reclaim Policy Retain).`, data);
  },
});

function pendingVerdict(claim: V1PersistentVolumeClaim, volume: V1PersistentVolume, data: Record<string, unknown>, hint: string) {
  const name = claim.metadata?.name ?? '';
  const volumeName = volume.metadata?.name ?? '';
  const ref = volume.spec?.claimRef;
  if (ref && ref.uid !== undefined && ref.uid !== claim.metadata?.uid) {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: Das Volume ${q(volumeName)} ist noch für einen anderen PVC reserviert (spec.claimRef: ${q(`${ref.namespace ?? ''}/${ref.name ?? ''}`)}), meist den gelöschten`,
        `Tipp: Entferne die Reservierung mit „${removeClaimRef(volumeName)}“`,
      ),
      { data, hint },
    );
  }
  const wanted = claim.spec?.storageClassName ?? '';
  const offered = volume.spec?.storageClassName ?? '';
  if (wanted !== offered) {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: Er verlangt die StorageClass ${q(wanted)}, das Volume ${q(volumeName)} hat ${q(offered)}`,
        `Tipp: Leg den PVC mit „storageClassName: ${offered}“ neu an`,
      ),
      { data, hint },
    );
  }
  return notYet(`Der PVC ${q(name)} wartet noch auf das Volume ${q(volumeName)}.`, { data, hint });
}

/** Names the volumes kept from deleted claims, where the old data can be. */
async function releasedHint(ctx: CheckRunContext): Promise<string> {
  const volumes = await ctx.kube.core.listPersistentVolume();
  const kept = volumes.items
    .filter((pv) => pv.status?.phase === 'Released' && pv.spec?.persistentVolumeReclaimPolicy === 'Retain')
    .map((pv) => `${pv.metadata?.name ?? ''} (vorher ${pv.spec?.claimRef?.namespace ?? ''}/${pv.spec?.claimRef?.name ?? ''})`);
  return kept.length > 0 ? ` (behalten: ${quotedList(kept.slice(0, 5))})` : '';
}
