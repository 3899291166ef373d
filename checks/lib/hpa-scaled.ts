// HorizontalPodAutoscaler scaled up: metrics arrive, it runs above its minimum, and its
// target workload has the replicas the HPA asked for. Kubernetes needs time here (metrics
// every 15–60 s, the HPA every 15 s), so the check waits up to 20 s by default.
import type { V1PodSpec, V2HorizontalPodAutoscaler, V2MetricSpec, V2MetricStatus } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type CheckRunContext, type Verdict } from '../core.ts';
import { count, kubectl, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName, replicaCount } from '../params.ts';

export const hpaScaled = defineCheck({
  id: 'hpa-scaled',
  title: 'HPA hat hochskaliert (oder nach der Last wieder herunter)',
  params: z.strictObject({
    name: objectName,
    /** At least this many replicas; by default one more than the HPA's minReplicas. */
    atLeastReplicas: replicaCount.min(1).optional(),
    /** "down": after the load, back at (or below) `atMostReplicas`, by default minReplicas. */
    direction: z.enum(['up', 'down']).default('up'),
    atMostReplicas: replicaCount.min(1).optional(),
    namespace: inNamespace,
  }),
  timeoutMs: 20_000,
  pollIntervalMs: 1000,
  async run({ name, atLeastReplicas, direction, atMostReplicas, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const hpa = await readOrUndefined(kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }));
    if (!hpa) {
      return missingObject(kube, kinds.HorizontalPodAutoscaler, name, namespace, {
        inNamespace: () => kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
        everywhere: () => kube.autoscaling.listHorizontalPodAutoscalerForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    const hint = `Nachsehen: ${kubectl(`describe hpa ${name}`, namespace)}`;
    const spec = hpa.spec;
    const minReplicas = spec?.minReplicas ?? 1;
    const maxReplicas = spec?.maxReplicas ?? minReplicas;
    const threshold = atLeastReplicas ?? minReplicas + 1;
    const ceiling = atMostReplicas ?? minReplicas;
    const metricSpecs: V2MetricSpec[] = spec?.metrics?.length
      ? spec.metrics
      : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    const status = hpa.status;
    const currentReplicas = status?.currentReplicas ?? 0;
    const desiredReplicas = status?.desiredReplicas ?? 0;
    const metrics = (status?.currentMetrics ?? []).filter(hasValue);
    const data: Record<string, unknown> = {
      name,
      namespace,
      minReplicas,
      maxReplicas,
      currentReplicas,
      desiredReplicas,
      direction,
      ...(direction === 'up' ? { expectedAtLeast: threshold } : { expectedAtMost: ceiling }),
      metrics: metrics.map((m) => describeMetric(m, metricSpecs)),
    };

    if (direction === 'up' && threshold > maxReplicas) {
      return fail(
        sentences(
          `Der HPA ${q(name)} darf höchstens auf ${count(maxReplicas, 'Replika', 'Replikas')} skalieren, erwartet ${threshold === 1 ? 'ist' : 'sind'} aber mindestens ${threshold}`,
          `Tipp: Setz spec.maxReplicas auf mindestens ${threshold}`,
        ),
        { data, hint },
      );
    }

    const target = await readTarget(ctx, hpa, namespace);
    if (target.kind === 'missing') {
      return fail(
        sentences(
          `Der HPA ${q(name)} soll ${target.label} skalieren, das es im Namespace ${q(namespace)} nicht gibt`,
          'Tipp: Prüf spec.scaleTargetRef (kind, name und apiVersion) gegen dein Deployment',
        ),
        { data, hint },
      );
    }
    data.target = { kind: target.refKind, name: target.name, available: target.available ?? null };

    // Without requests there is no utilisation in percent, so the HPA never gets a value.
    const missingRequests = target.podSpec ? missingRequestsFor(metricSpecs, target.podSpec) : [];
    if (missingRequests.length > 0) {
      const first = missingRequests[0]!;
      return fail(
        sentences(
          `Dem HPA ${q(name)} fehlen Metriken: er soll nach ${resourceLabel(first.resource)}-Auslastung skalieren, aber ${
            first.containers.length === 1 ? 'der Container' : 'die Container'
          } ${quotedList(first.containers)} ${target.ofLabel} ${first.containers.length === 1 ? 'hat' : 'haben'} keinen ${resourceLabel(first.resource)}-Request – ohne ihn lässt sich keine Auslastung in Prozent berechnen`,
          `Tipp: Setz im Pod-Template resources.requests.${first.resource} (z. B. „${first.resource}: ${first.resource === 'cpu' ? '100m' : '128Mi'}“) für jeden Container`,
        ),
        { data: { ...data, missingRequests }, hint },
      );
    }

    if (metrics.length === 0) return metricsMissing(hpa, data, hint);

    const values = metrics.map((m) => describeMetric(m, metricSpecs)).join(', ');
    if (direction === 'down') {
      if (currentReplicas <= ceiling) {
        return pass(
          `Der HPA ${q(name)} ist wieder heruntergefahren: ${count(currentReplicas, 'Replika', 'Replikas')} (Minimum ${minReplicas}); gemessen: ${values}.`,
          data,
        );
      }
      const overTarget = metrics.some(aboveTarget(metricSpecs));
      return notYet(
        sentences(
          `Der HPA ${q(name)} steht noch bei ${count(currentReplicas, 'Replika', 'Replikas')} (erwartet höchstens ${ceiling}); gemessen: ${values}`,
          overTarget
            ? 'Die Last ist noch da – läuft der Lastgenerator noch?'
            : 'Nach dem Ende der Last wartet der HPA ein Stabilisierungsfenster ab, bevor er Pods entfernt: standardmäßig 5 Minuten (spec.behavior.scaleDown.stabilizationWindowSeconds)',
        ),
        { data, hint },
      );
    }
    if (currentReplicas < threshold) {
      const wants = desiredReplicas > currentReplicas ? ` und will auf ${desiredReplicas}` : '';
      return notYet(
        sentences(
          `Der HPA ${q(name)} hat noch nicht hochskaliert: er steht bei ${count(currentReplicas, 'Replika', 'Replikas')}${wants} (Minimum ${minReplicas}, erwartet mindestens ${threshold}); gemessen: ${values}`,
          'Tipp: Erzeug Last auf die Pods und warte ein, zwei Minuten, die Metriken und der HPA brauchen etwas Zeit',
        ),
        { data, hint },
      );
    }
    if (target.available !== undefined && target.available < desiredReplicas) {
      return notYet(
        sentences(
          `Der HPA ${q(name)} will ${count(desiredReplicas, 'Replika', 'Replikas')}, ${target.ofLabel} sind erst ${target.available} verfügbar`,
          'Die neuen Pods starten noch; prüf gleich noch einmal',
        ),
        { data, hint },
      );
    }
    return pass(
      `Der HPA ${q(name)} hat hochskaliert: ${count(currentReplicas, 'Replika', 'Replikas')} (Minimum ${minReplicas}, Maximum ${maxReplicas}); gemessen: ${values}.`,
      data,
    );
  },
});

type Target =
  | { kind: 'missing'; label: string }
  | { kind: 'found'; refKind: string; name: string; label: string; ofLabel: string; podSpec?: V1PodSpec; available?: number };

async function readTarget(ctx: CheckRunContext, hpa: V2HorizontalPodAutoscaler, namespace: string): Promise<Target> {
  const ref = hpa.spec?.scaleTargetRef;
  const refKind = ref?.kind ?? 'Deployment';
  const name = ref?.name ?? '';
  // Deployment, StatefulSet and ReplicaSet are all neuter in German.
  const label = `das ${refKind} ${q(name)}`;
  const ofLabel = `vom ${refKind} ${q(name)}`;
  const { apps } = ctx.kube;
  let object;
  switch (refKind) {
    case 'Deployment':
      object = await readOrUndefined(apps.readNamespacedDeployment({ name, namespace }));
      break;
    case 'StatefulSet':
      object = await readOrUndefined(apps.readNamespacedStatefulSet({ name, namespace }));
      break;
    case 'ReplicaSet':
      object = await readOrUndefined(apps.readNamespacedReplicaSet({ name, namespace }));
      break;
    default:
      // Custom resources with a scale subresource: nothing more to look at here.
      return { kind: 'found', refKind, name, label, ofLabel };
  }
  if (!object) return { kind: 'missing', label };
  const status = object.status as { availableReplicas?: number; readyReplicas?: number } | undefined;
  return {
    kind: 'found',
    refKind,
    name,
    label,
    ofLabel,
    ...(object.spec?.template?.spec ? { podSpec: object.spec.template.spec } : {}),
    available: status?.availableReplicas ?? status?.readyReplicas ?? 0,
  };
}

function hasValue(metric: V2MetricStatus): boolean {
  const current =
    metric.resource?.current ??
    metric.containerResource?.current ??
    metric.pods?.current ??
    metric.object?.current ??
    metric.external?.current;
  return (
    current !== undefined &&
    (current.averageUtilization !== undefined || current.averageValue !== undefined || current.value !== undefined)
  );
}

/** Whether a measured resource utilisation is still above its target (load still on). */
function aboveTarget(specs: V2MetricSpec[]): (metric: V2MetricStatus) => boolean {
  return (metric) => {
    const resource = metric.resource ?? metric.containerResource;
    if (!resource) return false;
    const spec = specs.find((s) => (s.resource ?? s.containerResource)?.name === resource.name);
    const goal = (spec?.resource ?? spec?.containerResource)?.target.averageUtilization;
    const now = resource.current.averageUtilization;
    return goal !== undefined && now !== undefined && now > goal;
  };
}

function resourceLabel(resource: string): string {
  return resource === 'cpu' ? 'CPU' : resource === 'memory' ? 'Speicher' : resource;
}

/** "CPU 180 % (Ziel 50 %)", "http_requests 12 (Ziel 10)". */
export function describeMetric(metric: V2MetricStatus, specs: V2MetricSpec[]): string {
  const resource = metric.resource ?? metric.containerResource;
  if (resource) {
    const spec = specs.find((s) => (s.resource ?? s.containerResource)?.name === resource.name);
    const target = (spec?.resource ?? spec?.containerResource)?.target;
    const now =
      resource.current.averageUtilization !== undefined
        ? `${resource.current.averageUtilization} %`
        : (resource.current.averageValue ?? resource.current.value ?? '?');
    const goal =
      target?.averageUtilization !== undefined ? `${target.averageUtilization} %` : (target?.averageValue ?? target?.value);
    return `${resourceLabel(resource.name)} ${now}${goal !== undefined ? ` (Ziel ${goal})` : ''}`;
  }
  const named = metric.pods ?? metric.object ?? metric.external;
  if (named) {
    const current = named.current;
    return `${named.metric.name} ${current.averageValue ?? current.value ?? current.averageUtilization ?? '?'}`;
  }
  return metric.type;
}

function missingRequestsFor(specs: V2MetricSpec[], podSpec: V1PodSpec): { resource: string; containers: string[] }[] {
  const result: { resource: string; containers: string[] }[] = [];
  for (const spec of specs) {
    const source = spec.resource ?? spec.containerResource;
    if (!source || source.target.type !== 'Utilization') continue;
    const onlyContainer = spec.containerResource?.container;
    const containers = podSpec.containers
      .filter((c) => onlyContainer === undefined || c.name === onlyContainer)
      // The API server defaults a missing request to the limit (on the Pod), so a limit
      // alone gives the HPA a request to compute utilisation from.
      .filter((c) => c.resources?.requests?.[source.name] === undefined && c.resources?.limits?.[source.name] === undefined)
      .map((c) => c.name);
    if (containers.length > 0) result.push({ resource: source.name, containers });
  }
  return result;
}

/**
 * The HPA has no metric values. Its ScalingActive condition says why; whether waiting
 * helps depends on it: an API that is not registered at all stays missing.
 */
export function metricsMissing(hpa: V2HorizontalPodAutoscaler, data: Record<string, unknown>, hint: string): Verdict {
  const name = hpa.metadata?.name ?? '';
  const condition = hpa.status?.conditions?.find((c) => c.type === 'ScalingActive' && c.status === 'False');
  const reason = condition?.message ?? '';
  const withReason = { ...data, reason: condition ? `${condition.reason ?? ''}: ${reason}` : null };
  const top = 'Tipp: Mit „kubectl top pods“ siehst du, ob Metriken ankommen';
  if (condition?.reason === 'ScalingDisabled') {
    // The HPA leaves a target scaled to zero alone and does not even fetch metrics.
    return fail(
      sentences(
        `Der HPA ${q(name)} ist abgeschaltet, weil sein Ziel auf 0 Replikas steht`,
        'Tipp: Skaliere das Deployment wieder auf mindestens 1 Replika (z. B. mit „kubectl scale deployment <name> --replicas=1“), dann übernimmt der HPA',
      ),
      { data: withReason, hint },
    );
  }
  const missingRequest = /missing request for (\w+)/.exec(reason);
  if (missingRequest) {
    const resource = missingRequest[1] ?? 'cpu';
    return fail(
      sentences(
        `Dem HPA ${q(name)} fehlen Metriken: ein Container hat keinen ${resourceLabel(resource)}-Request, ohne ihn lässt sich keine Auslastung berechnen`,
        `Tipp: Setz im Pod-Template resources.requests.${resource} für jeden Container`,
      ),
      { data: withReason, hint },
    );
  }
  const notRegistered = /could not find the requested resource|no .*metrics API.* registered/i.test(reason);
  if (/custom metrics API|custom\.metrics\.k8s\.io|external metrics API|external\.metrics\.k8s\.io/i.test(reason)) {
    const message = sentences(
      `Dem HPA ${q(name)} fehlen Metriken: seine Metrik kommt aus dem Custom- oder External-Metrics-API, und das liefert keine Werte („${reason}“)`,
      'Tipp: Dafür braucht es einen Adapter (z. B. prometheus-adapter); für diese Übung reicht eine Resource-Metrik wie die CPU-Auslastung',
    );
    return notRegistered ? fail(message, { data: withReason, hint }) : notYet(message, { data: withReason, hint });
  }
  if (/metrics\.k8s\.io|resource metrics API|metrics-server/i.test(reason) || reason === '') {
    const message = sentences(
      `Dem HPA ${q(name)} fehlen Metriken: das Metrics-API (metrics.k8s.io) liefert ${reason === '' ? 'noch' : 'keine'} Werte für seine Pods`,
      notRegistered
        ? 'Der metrics-server ist im Cluster nicht installiert'
        : 'Läuft der metrics-server? Nach dem Start dauert es bis zu einer Minute, bis Werte ankommen',
      `${top}, „kubectl get apiservice v1beta1.metrics.k8s.io“ zeigt, ob das API verfügbar ist (in kind braucht der metrics-server das Argument --kubelet-insecure-tls)`,
    );
    return notRegistered ? fail(message, { data: withReason, hint }) : notYet(message, { data: withReason, hint });
  }
  return notYet(
    sentences(`Dem HPA ${q(name)} fehlen Metriken: „${reason}“`, top),
    { data: withReason, hint },
  );
}
