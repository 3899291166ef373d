// PersistentVolumeClaim bound, optionally to an expected StorageClass and size.
import type { V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type CheckRunContext, type Verdict } from '../core.ts';
import { kubectl, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName, quantity } from '../params.ts';
import { parseQuantity } from '../quantity.ts';

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

export const pvcBound = defineCheck({
  id: 'pvc-bound',
  title: 'PVC ist gebunden',
  params: z.strictObject({
    name: objectName,
    /** The StorageClass the claim should use. */
    storageClass: objectName.optional(),
    /** At least this capacity, e.g. "1Gi". */
    size: quantity.optional(),
    /** What happens to the volume when the claim is deleted (kept with "Retain"). */
    reclaimPolicy: z.enum(['Retain', 'Delete']).optional(),
    namespace: inNamespace,
  }),
  async run({ name, storageClass, size, reclaimPolicy, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const claim = await readOrUndefined(kube.core.readNamespacedPersistentVolumeClaim({ name, namespace }));
    if (!claim) {
      return missingObject(kube, kinds.PersistentVolumeClaim, name, namespace, {
        inNamespace: () => kube.core.listNamespacedPersistentVolumeClaim({ namespace }),
        everywhere: () => kube.core.listPersistentVolumeClaimForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    return claimVerdict(ctx, claim, { storageClass, size, reclaimPolicy });
  },
});

export interface ClaimExpectations {
  storageClass?: string | undefined;
  size?: string | undefined;
  reclaimPolicy?: 'Retain' | 'Delete' | undefined;
}

/** The verdict for one claim: bound as expected, or why not (shared with the StatefulSet check). */
export async function claimVerdict(
  ctx: CheckRunContext,
  claim: V1PersistentVolumeClaim,
  expected: ClaimExpectations,
): Promise<Verdict> {
  const name = claim.metadata?.name ?? '';
  const namespace = claim.metadata?.namespace ?? ctx.namespace;
  const className = claim.spec?.storageClassName;
  const phase = claim.status?.phase ?? 'Pending';
  const capacity = claim.status?.capacity?.storage;
  const requested = claim.spec?.resources?.requests?.storage;
  const data = {
    name,
    namespace,
    phase,
    storageClass: className ?? null,
    requested: requested ?? null,
    capacity: capacity ?? null,
    volume: claim.spec?.volumeName ?? null,
  };
  const hint = `Nachsehen: ${kubectl(`describe pvc ${name}`, namespace)}`;

  if (phase === 'Bound') {
    if (expected.storageClass !== undefined && className !== expected.storageClass) {
      return fail(
        sentences(
          `Der PVC ${q(name)} ist gebunden, aber mit der StorageClass ${q(className ?? '(keine)')} statt ${q(expected.storageClass)}`,
          `Tipp: Die StorageClass eines PVC lässt sich nicht nachträglich ändern. Lösch den PVC und leg ihn mit „storageClassName: ${expected.storageClass}“ neu an`,
        ),
        { data, hint },
      );
    }
    if (expected.size !== undefined && (parseQuantity(capacity) ?? 0) < (parseQuantity(expected.size) ?? 0)) {
      return fail(
        sentences(
          `Der PVC ${q(name)} ist gebunden, hat aber nur ${capacity ?? '0'} statt mindestens ${expected.size}`,
          `Tipp: Fordere unter spec.resources.requests.storage mindestens ${expected.size} an (nachträglich vergrößern geht nur, wenn die StorageClass allowVolumeExpansion erlaubt – sonst lösch den PVC und leg ihn neu an)`,
        ),
        { data, hint },
      );
    }
    // A much larger claim is no answer to "100Mi" either: it takes space from others.
    // 10 % leaves room for 100M vs 100Mi; a provisioner rounding up is judged by the request.
    const asked = parseQuantity(expected.size);
    const claimed = parseQuantity(requested);
    if (asked !== undefined && claimed !== undefined && claimed > asked * 1.1) {
      return fail(
        sentences(
          `Der PVC ${q(name)} ist gebunden, fordert aber ${requested} statt ${expected.size} an`,
          `Tipp: Fordere unter spec.resources.requests.storage genau ${expected.size} an; verkleinern lässt sich ein PVC nicht, lösch ihn also und leg ihn neu an`,
        ),
        { data, hint },
      );
    }
    if (expected.reclaimPolicy !== undefined && claim.spec?.volumeName) {
      const volume = await ctx.kube.core.readPersistentVolume({ name: claim.spec.volumeName });
      const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Delete';
      if (policy !== expected.reclaimPolicy) {
        return fail(
          sentences(
            `Der PVC ${q(name)} ist gebunden, aber sein Volume ${q(claim.spec.volumeName)} hat die Reclaim Policy ${q(policy)} statt ${q(expected.reclaimPolicy)}`,
            `Tipp: kubectl patch pv ${claim.spec.volumeName} -p '{"spec":{"persistentVolumeReclaimPolicy":"${expected.reclaimPolicy}"}}'`,
          ),
          { data: { ...data, reclaimPolicy: policy }, hint },
        );
      }
    }
    return pass(
      `Der PVC ${q(name)} ist gebunden (${capacity ?? requested ?? '?'}, StorageClass ${q(className ?? '(keine)')}${expected.reclaimPolicy ? `, Reclaim Policy ${q(expected.reclaimPolicy)}` : ''}).`,
      data,
    );
  }
  if (phase === 'Lost') {
    return fail(
      sentences(
        `Der PVC ${q(name)} hat sein Volume ${q(claim.spec?.volumeName ?? '')} verloren (Lost)`,
        'Tipp: Das PersistentVolume wurde gelöscht. Lösch den PVC und leg ihn neu an',
      ),
      { data, hint },
    );
  }
  return pendingClaim(ctx, claim, expected, data, hint);
}

function describeClasses(classes: V1StorageClass[]): string {
  if (classes.length === 0) return 'Im Cluster gibt es keine StorageClass';
  const names = classes.map((c) => `${q(c.metadata?.name ?? '')}${isDefault(c) ? ' (Standard)' : ''}`);
  return `Verfügbar: ${names.join(', ')}`;
}

function isDefault(storageClass: V1StorageClass): boolean {
  return storageClass.metadata?.annotations?.[DEFAULT_CLASS] === 'true';
}

/** Pending: the StorageClass decides whether waiting helps. */
async function pendingClaim(
  ctx: CheckRunContext,
  claim: V1PersistentVolumeClaim,
  expected: ClaimExpectations,
  data: Record<string, unknown>,
  hint: string,
): Promise<Verdict> {
  const name = claim.metadata?.name ?? '';
  const className = claim.spec?.storageClassName;
  const classes = (await ctx.kube.storage.listStorageClass()).items;
  const available = describeClasses(classes);
  const defaultClass = classes.find(isDefault)?.metadata?.name;
  const suggestion = expected.storageClass ?? defaultClass ?? classes[0]?.metadata?.name;
  const withClasses = { ...data, storageClasses: classes.map((c) => c.metadata?.name), defaultClass: defaultClass ?? null };
  const also =
    expected.storageClass !== undefined && className !== undefined && className !== expected.storageClass
      ? `Erwartet ist außerdem die StorageClass ${q(expected.storageClass)}`
      : undefined;

  if (className === '') {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: mit „storageClassName: \"\"“ wartet er auf ein passendes, von Hand angelegtes PersistentVolume`,
        available,
        suggestion && `Tipp: Leg ihn mit „storageClassName: ${suggestion}“ neu an, dann stellt der Cluster das Volume selbst bereit`,
      ),
      { data: withClasses, hint },
    );
  }
  if (className === undefined && defaultClass !== undefined) {
    // Since Kubernetes 1.28 the PV controller gives such claims the default class
    // afterwards, once one exists; then provisioning starts as usual.
    return notYet(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: er nennt keine StorageClass, der Cluster trägt gleich die Standard-StorageClass ${q(defaultClass)} ein`,
        also,
        'Prüf gleich noch einmal',
      ),
      { data: withClasses, hint },
    );
  }
  if (className === undefined) {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: er nennt keine StorageClass, und im Cluster ist keine StorageClass als Standard markiert`,
        available,
        suggestion && `Tipp: Lösch den PVC und leg ihn mit „storageClassName: ${suggestion}“ neu an`,
      ),
      { data: withClasses, hint },
    );
  }
  const storageClass = classes.find((c) => c.metadata?.name === className);
  if (!storageClass) {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: die StorageClass ${q(className)} gibt es im Cluster nicht`,
        available,
        `Tipp: Die StorageClass eines PVC lässt sich nicht ändern. Lösch den PVC und leg ihn mit ${
          suggestion ? `„storageClassName: ${suggestion}“` : 'einer vorhandenen StorageClass'
        } neu an${defaultClass && suggestion === defaultClass ? ' (oder lass das Feld weg, dann gilt die Standard-Klasse)' : ''}`,
      ),
      { data: withClasses, hint: `Nachsehen: kubectl get storageclass` },
    );
  }
  const selectedNode = claim.metadata?.annotations?.['volume.kubernetes.io/selected-node'];
  if (storageClass.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode) {
    return fail(
      sentences(
        `Der PVC ${q(name)} ist noch Pending: die StorageClass ${q(className)} stellt das Volume erst bereit, wenn ein Pod den PVC verwendet (volumeBindingMode: WaitForFirstConsumer)`,
        also,
        'Tipp: Leg den Pod oder das Deployment an, das den PVC unter spec.volumes einbindet',
      ),
      { data: withClasses, hint },
    );
  }
  return notYet(
    sentences(
      `Der PVC ${q(name)} ist noch Pending: der Provisioner ${q(storageClass.provisioner)} der StorageClass ${q(className)} hat noch kein Volume bereitgestellt`,
      also,
      `Tipp: Die Events in „${kubectl(`describe pvc ${name}`, claim.metadata?.namespace)}“ zeigen, ob er einen Fehler meldet`,
    ),
    { data: withClasses, hint },
  );
}

