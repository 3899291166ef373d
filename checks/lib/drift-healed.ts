// Self-heal seen happen: the Deployment was scaled away from the replicas Git asks for
// and a controller brought it back. The Deployment's own ScalingReplicaSet events tell
// both moves ("Scaled up replica set web-… from 3 to 5", then "… from 5 to 3"); the
// Deployment must be back at that count now. Events live an hour, long enough for a step.
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass } from '../core.ts';
import { count, kubectl, q, sentences } from '../format.ts';
import { inNamespace, objectName, replicaCount } from '../params.ts';
import { readDeployment } from './deployment-available.ts';

interface Scaling {
  replicaSet: string;
  from: number;
  to: number;
}

/** The replica move a ScalingReplicaSet event describes, if it is one. */
export function parseScaling(message: string): Scaling | undefined {
  const match = /^Scaled (?:up|down) replica set (\S+) from (\d+) to (\d+)$/.exec(message.trim());
  if (!match) return undefined;
  return { replicaSet: match[1]!, from: Number(match[2]), to: Number(match[3]) };
}

/** The count the Deployment drifted to and came back from, if it did. */
export function healedDrift(moves: readonly Scaling[], wanted: number): number | undefined {
  const away = moves.filter((m) => m.from === wanted && m.to !== wanted);
  return away.find((m) => moves.some((back) => back.replicaSet === m.replicaSet && back.from === m.to && back.to === wanted))?.to;
}

export const driftHealed = defineCheck({
  id: 'drift-healed',
  title: 'Abweichung wurde vom Controller zurückgesetzt',
  params: z.strictObject({
    /** The Deployment whose replicas Git sets. */
    deployment: objectName,
    /** The replicas in Git. */
    replicas: replicaCount,
    namespace: inNamespace,
  }),
  async run({ deployment: name, replicas, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const deployment = await readDeployment(ctx, name, namespace);
    if (isVerdict(deployment)) return deployment;
    const events = await ctx.kube.core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=Deployment,involvedObject.name=${name}`,
    });
    const moves = events.items
      .filter((event) => event.reason === 'ScalingReplicaSet')
      .map((event) => parseScaling(event.message ?? ''))
      .filter((move): move is Scaling => move !== undefined);
    const spec = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    const data = { name, namespace, replicas, spec, ready, moves };
    const hint = `Nachsehen: ${kubectl(`get events --field-selector involvedObject.name=${name}`, namespace)}`;
    if (spec !== replicas) {
      return notYet(
        sentences(
          `Das Deployment ${q(name)} steht auf ${count(spec, 'Replika', 'Replikas')}, in Git ${replicas === 1 ? 'steht' : 'stehen'} ${replicas}`,
          'Der Controller setzt das beim nächsten Abgleich zurück; warte ihn ab oder stoß ihn mit der Annotation reconcile.fluxcd.io/requestedAt an der Kustomization an',
        ),
        { data, hint },
      );
    }
    const driftedTo = healedDrift(moves, replicas);
    if (driftedTo === undefined) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} steht auf ${count(replicas, 'Replika', 'Replikas')}, aber es ist noch keine Abweichung passiert, die der Controller zurückgesetzt hätte`,
          `Tipp: Skaliere es von Hand, etwa mit „${kubectl(`scale deployment ${name} --replicas=5`, namespace)}“, und sieh zu, wie Flux es zurückholt`,
        ),
        { data, hint },
      );
    }
    if (ready < replicas) {
      return notYet(`Das Deployment ${q(name)} ist zurückgesetzt, es sind aber erst ${ready} von ${replicas} Replikas bereit.`, { data, hint });
    }
    return pass(
      `Das Deployment ${q(name)} wurde von Hand auf ${driftedTo} skaliert, und der Controller hat es auf ${count(replicas, 'Replika', 'Replikas')} zurückgesetzt – so wie es in Git steht.`,
      { ...data, driftedTo },
    );
  },
});
