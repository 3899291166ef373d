// Deployment available with N replicas.
import type { V1Deployment } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass, type CheckRunContext, type Verdict } from '../core.ts';
import { count, kubectl, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName, replicaCount } from '../params.ts';
import { explainCreateFailure } from '../create-failure.ts';
import { explainPodProblems, explainWaiting, ownedByDeployment, podProblem, type PodProblem } from '../pods.ts';
import { matchesSelector } from '../selectors.ts';

export const deploymentAvailable = defineCheck({
  id: 'deployment-available',
  title: 'Deployment ist mit N Replikas verfügbar',
  params: z.strictObject({
    name: objectName,
    /** Expected replicas; without it, all replicas the Deployment asks for. */
    replicas: replicaCount.optional(),
    namespace: inNamespace,
  }),
  async run({ name, replicas, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const deployment = await readDeployment(ctx, name, namespace);
    if (isVerdict(deployment)) return deployment;

    const wanted = deployment.spec?.replicas ?? 1;
    const expected = replicas ?? wanted;
    const status = deployment.status ?? {};
    const available = status.availableReplicas ?? 0;
    const data = {
      name,
      namespace,
      expected,
      specReplicas: wanted,
      available,
      ready: status.readyReplicas ?? 0,
      updated: status.updatedReplicas ?? 0,
    };
    if (replicas !== undefined && wanted !== replicas) {
      return fail(
        sentences(
          `Das Deployment ${q(name)} ist auf ${count(wanted, 'Replika', 'Replikas')} eingestellt, erwartet ${replicas === 1 ? 'ist' : 'sind'} ${replicas}`,
          `Tipp: Setz spec.replicas auf ${replicas} oder skaliere mit „${kubectl(`scale deployment ${name} --replicas=${replicas}`, namespace)}“`,
        ),
        { data, hint: `Nachsehen: ${kubectl(`get deployment ${name}`, namespace)}` },
      );
    }
    const current = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
    if (current && available >= expected) {
      const restarting = await restartingPods(ctx, deployment, namespace);
      const explanation = explainPodProblems(restarting, namespace);
      if (explanation) {
        return fail(sentences(`Das Deployment ${q(name)} meldet ${count(available, 'bereites Replika', 'bereite Replikas')}`, explanation), {
          data: { ...data, problems: restarting },
          hint: `Nachsehen: ${kubectl(`get pods`, namespace)} (Spalte RESTARTS)`,
        });
      }
      return pass(
        `Das Deployment ${q(name)} ist verfügbar: ${available} von ${count(expected, 'Replika', 'Replikas')} bereit.`,
        data,
      );
    }
    return whyNotAvailable(ctx, deployment, namespace, { ...data }, `${available} von ${count(expected, 'Replika', 'Replikas')}`);
  },
});

/** The Deployment, or the verdict that it is missing. */
export async function readDeployment(ctx: CheckRunContext, name: string, namespace: string): Promise<V1Deployment | Verdict> {
  const deployment = await readOrUndefined(ctx.kube.apps.readNamespacedDeployment({ name, namespace }));
  if (deployment) return deployment;
  return missingObject(ctx.kube, kinds.Deployment, name, namespace, {
    inNamespace: () => ctx.kube.apps.listNamespacedDeployment({ namespace }),
    everywhere: () => ctx.kube.apps.listDeploymentForAllNamespaces({ fieldSelector: byName(name) }),
  });
}

/** The Deployment's own Pods (through its ReplicaSets) that crashed and restarted lately. */
async function restartingPods(ctx: CheckRunContext, deployment: V1Deployment, namespace: string): Promise<PodProblem[]> {
  const name = deployment.metadata?.name ?? '';
  const pods = (await ctx.kube.core.listNamespacedPod({ namespace })).items.filter(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      // Another workload whose labels overlap the selector must not count against this one.
      ownedByDeployment(pod, name) &&
      matchesSelector(deployment.spec?.selector, pod.metadata?.labels),
  );
  return pods.map((pod) => podProblem(pod)).filter((p) => p?.kind === 'restarting') as PodProblem[];
}

/**
 * Replicas are missing: look at the Deployment's conditions and its Pods for a reason
 * that waiting will not fix; otherwise it is still rolling out (pending).
 */
export async function whyNotAvailable(
  ctx: CheckRunContext,
  deployment: V1Deployment,
  namespace: string,
  data: Record<string, unknown>,
  progress: string,
): Promise<Verdict> {
  const name = deployment.metadata?.name ?? '';
  const hint = `Nachsehen: ${kubectl(`describe deployment ${name}`, namespace)}`;
  const conditions = deployment.status?.conditions ?? [];
  const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (replicaFailure) {
    const { reason, tip } = explainCreateFailure(replicaFailure.message ?? replicaFailure.reason ?? '');
    return fail(sentences(`Das Deployment ${q(name)} kann keine Pods anlegen: ${reason}`, `Tipp: ${tip}`), {
      data: { ...data, reason: replicaFailure.reason, message: replicaFailure.message },
      hint: `Nachsehen: ${kubectl(`describe replicaset -l ${selectorText(deployment)}`, namespace)}`,
    });
  }
  const pods = (await ctx.kube.core.listNamespacedPod({ namespace })).items.filter(
    (pod) => !pod.metadata?.deletionTimestamp && matchesSelector(deployment.spec?.selector, pod.metadata?.labels),
  );
  const problems = pods.map((pod) => podProblem(pod)).filter((p) => p !== undefined);
  const explanation = explainPodProblems(problems, namespace);
  const withPods = { ...data, pods: pods.length, problems };
  if (explanation) {
    return fail(sentences(`Das Deployment ${q(name)} ist nicht verfügbar, bereit sind ${progress}`, explanation), {
      data: withPods,
      hint,
    });
  }
  const stalled = conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stalled) {
    return fail(
      sentences(
        `Das Deployment ${q(name)} kommt nicht voran (ProgressDeadlineExceeded), bereit sind ${progress}`,
        `Tipp: ${kubectl(`describe deployment ${name}`, namespace)} und die Events der Pods zeigen, woran es hängt`,
      ),
      { data: withPods, hint },
    );
  }
  return notYet(
    sentences(
      `Das Deployment ${q(name)} ist noch nicht verfügbar, bereit sind ${progress}`,
      explainWaiting(problems, namespace) ?? 'Die Pods starten noch; prüf gleich noch einmal',
    ),
    { data: withPods, hint },
  );
}

/** The Deployment's matchLabels as a label selector for kubectl, e.g. "app=sicher". */
function selectorText(deployment: V1Deployment): string {
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',') || `app=${deployment.metadata?.name ?? ''}`;
}
