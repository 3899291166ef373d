// StatefulSet ready, with the PVCs of its volumeClaimTemplates bound (one per replica).
import type { CoreV1Event, V1StatefulSet } from '@kubernetes/client-node';
import { z } from 'zod';
import { explainCreateFailure } from '../create-failure.ts';
import { defineCheck, fail, notYet, pass, type CheckRunContext } from '../core.ts';
import { count, kubectl, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName, replicaCount } from '../params.ts';
import { explainPodProblems, explainWaiting, podProblem } from '../pods.ts';
import { labelSelectorQuery, matchesSelector } from '../selectors.ts';
import { claimVerdict } from './pvc-bound.ts';

export const statefulSetReady = defineCheck({
  id: 'statefulset-ready',
  title: 'StatefulSet ist bereit, seine PVCs sind gebunden',
  params: z.strictObject({
    name: objectName,
    /** Expected replicas; without it, all the StatefulSet asks for. */
    replicas: replicaCount.optional(),
    namespace: inNamespace,
  }),
  async run({ name, replicas, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const [statefulSet, claimList] = await Promise.all([
      readOrUndefined(kube.apps.readNamespacedStatefulSet({ name, namespace })),
      kube.core.listNamespacedPersistentVolumeClaim({ namespace }),
    ]);
    if (!statefulSet) {
      return missingObject(kube, kinds.StatefulSet, name, namespace, {
        inNamespace: () => kube.apps.listNamespacedStatefulSet({ namespace }),
        everywhere: () => kube.apps.listStatefulSetForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    const hint = `Nachsehen: ${kubectl(`get statefulset,pvc,pods`, namespace)}`;
    const wanted = statefulSet.spec?.replicas ?? 1;
    const expected = replicas ?? wanted;
    const templates = (statefulSet.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
    // Pods (and their claims) are numbered from spec.ordinals.start, 0 unless set.
    const firstOrdinal = statefulSet.spec?.ordinals?.start ?? 0;
    const claimNames = templates.flatMap((template) =>
      Array.from({ length: expected }, (_, index) => `${template}-${name}-${firstOrdinal + index}`),
    );
    const claims = new Map(claimList.items.map((claim) => [claim.metadata?.name ?? '', claim]));
    const status = statefulSet.status;
    const data = {
      name,
      namespace,
      expected,
      specReplicas: wanted,
      ready: status?.readyReplicas ?? 0,
      volumeClaimTemplates: templates,
      claims: claimNames.map((claimName) => ({ name: claimName, phase: claims.get(claimName)?.status?.phase ?? null })),
    };

    if (replicas !== undefined && wanted !== replicas) {
      return fail(
        sentences(
          `Das StatefulSet ${q(name)} ist auf ${count(wanted, 'Replika', 'Replikas')} eingestellt, erwartet ${replicas === 1 ? 'ist' : 'sind'} ${replicas}`,
          `Tipp: Setz spec.replicas auf ${replicas} oder skaliere mit „${kubectl(`scale statefulset ${name} --replicas=${replicas}`, namespace)}“`,
        ),
        { data, hint },
      );
    }
    if (templates.length === 0) {
      return fail(
        sentences(
          `Das StatefulSet ${q(name)} hat keine volumeClaimTemplates, seine Pods bekommen also keinen eigenen PVC`,
          'Tipp: Ergänze spec.volumeClaimTemplates (z. B. mit „metadata: {name: daten}“ und einer Größe unter spec.resources.requests.storage) und binde das Volume im Container unter volumeMounts ein',
        ),
        { data, hint },
      );
    }

    if ((status?.readyReplicas ?? 0) < expected) {
      // The controller could not create a pod (Pod Security, a quota) for the current spec:
      // waiting will not help, and its claims would wait for that pod forever.
      const refused = await refusedCreate(ctx, statefulSet);
      if (refused) {
        const { reason, tip } = explainCreateFailure(refused);
        return fail(sentences(`Das StatefulSet ${q(name)} kann keine Pods anlegen: ${reason}`, `Tipp: ${tip}`), {
          data: { ...data, message: refused },
          hint: `Nachsehen: ${kubectl(`describe statefulset ${name}`, namespace)}`,
        });
      }
    }

    for (const claimName of claimNames) {
      const claim = claims.get(claimName);
      if (!claim || claim.status?.phase === 'Bound') continue;
      const verdict = await claimVerdict(ctx, claim, {});
      if (verdict.passed) continue;
      const message = sentences(`Das StatefulSet ${q(name)} ist nicht bereit`, verdict.message);
      return verdict.pending ? notYet(message, { data, hint }) : fail(message, { data, hint });
    }

    const ready = status?.readyReplicas ?? 0;
    const missingClaims = claimNames.filter((claimName) => !claims.has(claimName));
    const current = (status?.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 0);
    if (current && ready >= expected && missingClaims.length === 0) {
      return pass(
        `Das StatefulSet ${q(name)} ist bereit: ${ready} von ${count(expected, 'Replika', 'Replikas')}, ${
          claimNames.length === 1 ? 'der PVC' : 'die PVCs'
        } ${quotedList(claimNames)} ${claimNames.length === 1 ? 'ist' : 'sind'} gebunden.`,
        data,
      );
    }

    const selector = statefulSet.spec?.selector;
    const pods = (
      await kube.core.listNamespacedPod({ namespace, labelSelector: labelSelectorQuery(selector) })
    ).items.filter((pod) => matchesSelector(selector, pod.metadata?.labels));
    const progress = `bereit sind ${ready} von ${count(expected, 'Replika', 'Replikas')}`;
    const problems = pods.map((pod) => podProblem(pod)).filter((p) => p !== undefined);
    const explanation = explainPodProblems(problems, namespace);
    if (explanation) {
      return fail(sentences(`Das StatefulSet ${q(name)} ist nicht bereit, ${progress}`, explanation), { data, hint });
    }
    return notYet(
      sentences(
        `Das StatefulSet ${q(name)} ist noch nicht bereit, ${progress}`,
        missingClaims.length > 0 && `Noch nicht angelegt: ${quotedList(missingClaims)}`,
        explainWaiting(problems, namespace) ?? 'Ein StatefulSet startet seine Pods nacheinander; prüf gleich noch einmal',
      ),
      { data, hint },
    );
  },
});

/**
 * The controller's latest FailedCreate message, when it came after the StatefulSet's
 * last change (an older one was about a spec the learner has fixed since) and lately.
 */
async function refusedCreate(ctx: CheckRunContext, statefulSet: V1StatefulSet): Promise<string | undefined> {
  const name = statefulSet.metadata?.name ?? '';
  const namespace = statefulSet.metadata?.namespace ?? '';
  const events = await ctx.kube.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=StatefulSet,involvedObject.name=${name},reason=FailedCreate`,
  });
  const changed = Math.max(
    new Date(statefulSet.metadata?.creationTimestamp ?? 0).getTime(),
    ...(statefulSet.metadata?.managedFields ?? []).filter((entry) => !entry.subresource && entry.time).map((entry) => new Date(entry.time!).getTime()),
  );
  const seen = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? 0).getTime();
  // Recent only: a fix outside the spec (the namespace's label) shows once the controller retries.
  const since = Math.max(changed, Date.now() - 5 * 60_000);
  const latest = events.items.filter((event) => seen(event) >= since).sort((a, b) => seen(a) - seen(b)).at(-1);
  return latest?.message;
}
