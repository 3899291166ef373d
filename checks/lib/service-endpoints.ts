// Service has ready endpoints, read from its EndpointSlices (what kube-proxy uses).
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { count, kubectl, labels, q, sentences, someOf } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';
import { explainPodProblems, podProblem, type PodProblem } from '../pods.ts';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { matchesLabels } from '../selectors.ts';

export const serviceEndpoints = defineCheck({
  id: 'service-endpoints',
  title: 'Service hat bereite Endpunkte',
  params: z.strictObject({
    name: objectName,
    /** At least this many ready endpoints (Pods). */
    minReady: z.number().int().min(1).default(1),
    /** The type the step asks for; without it any type with endpoints passes. */
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).optional(),
    /**
     * The pods behind the Service must have been replaced since it was created (the step
     * deletes them and watches the EndpointSlice follow).
     */
    replacedPods: z.boolean().default(false),
    namespace: inNamespace,
  }),
  async run({ name, minReady, type: expectedType, replacedPods, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const [service, slices] = await Promise.all([
      readOrUndefined(kube.core.readNamespacedService({ name, namespace })),
      kube.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` }),
    ]);
    if (!service) {
      return missingObject(kube, kinds.Service, name, namespace, {
        inNamespace: () => kube.core.listNamespacedService({ namespace }),
        everywhere: () => kube.core.listServiceForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    const hint = `Nachsehen: ${kubectl(`get endpointslices -l kubernetes.io/service-name=${name}`, namespace)}`;
    const endpoints = slices.items.flatMap((slice) => slice.endpoints ?? []);
    // Unset "ready" means ready (EndpointSlice API); terminating endpoints are not.
    const ready = endpoints.filter((e) => e.conditions?.ready !== false && e.conditions?.terminating !== true);
    const addresses = ready.flatMap((e) => e.addresses);
    const selector = service.spec?.selector ?? {};
    const data = {
      name,
      namespace,
      type: service.spec?.type ?? 'ClusterIP',
      selector,
      ready: addresses,
      notReady: endpoints.length - ready.length,
    };
    const readyPods = new Set(ready.map((e) => e.targetRef?.name).filter((n) => n !== undefined));
    const wrongType = expectedType !== undefined && (service.spec?.type ?? 'ClusterIP') !== expectedType;
    if (wrongType) {
      return fail(
        sentences(
          `Der Service ${q(name)} ist vom Typ ${service.spec?.type ?? 'ClusterIP'}, verlangt ist ${expectedType}`,
          `Tipp: Setz spec.type auf ${expectedType} („${kubectl(`edit service ${name}`, namespace)}“) oder leg ihn mit dem passenden Typ neu an`,
        ),
        { data, hint },
      );
    }
    if (ready.length >= minReady) {
      const pods = (await kube.core.listNamespacedPod({ namespace })).items.filter((pod) => readyPods.has(pod.metadata?.name ?? ''));
      const unreachable = unreachablePorts(service, pods);
      if (unreachable) {
        return fail(
          sentences(
            `Der Service ${q(name)} hat bereite Endpunkte, aber sein Port ${unreachable.port} leitet auf ${q(String(unreachable.target))} weiter, und darauf hört kein Container der Pods (sie öffnen ${unreachable.open.length > 0 ? unreachable.open.join(', ') : 'keinen Port'})`,
            'Tipp: Setz targetPort auf den containerPort deiner Anwendung (oder auf dessen Namen)',
          ),
          { data: { ...data, ...unreachable }, hint },
        );
      }
      const created = new Date(service.metadata?.creationTimestamp ?? 0).getTime();
      const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
      if (replacedPods && live.length < readyPods.size) {
        // Right after the pods were deleted the EndpointSlice still lists them: it follows in a moment.
        return notYet(sentences(`Die EndpointSlice des Service ${q(name)} nennt noch gelöschte Pods`, 'Sie folgt gleich den neuen; prüf gleich noch einmal'), {
          data,
          hint,
        });
      }
      const old = replacedPods ? live.filter((pod) => new Date(pod.metadata?.creationTimestamp ?? 0).getTime() < created) : [];
      if (old.length > 0) {
        const selectorText = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
        return fail(
          sentences(
            `Der Service ${q(name)} hat bereite Endpunkte, aber ${old.length === pods.length && old.length > 1 ? 'alle ' : ''}${count(old.length, 'Pod', 'Pods')} dahinter ${old.length === 1 ? 'ist' : 'sind'} älter als der Service (${someOf(old.map((pod) => pod.metadata?.name ?? ''))})`,
            'In diesem Schritt sollen sie ersetzt werden, damit du siehst, wie die EndpointSlice den neuen Pods folgt',
            `Tipp: „${kubectl(`delete pod -l ${selectorText || 'app=…'}`, namespace)}“, danach noch einmal prüfen`,
          ),
          { data: { ...data, oldPods: old.map((pod) => pod.metadata?.name ?? '') }, hint },
        );
      }
      const restarting = pods.map((pod) => podProblem(pod)).filter((p) => p?.kind === 'restarting') as PodProblem[];
      const explanation = explainPodProblems(restarting, namespace);
      if (explanation) {
        return fail(sentences(`Der Service ${q(name)} hat bereite Endpunkte`, explanation), {
          data: { ...data, problems: restarting },
          hint,
        });
      }
      return pass(
        `Der Service ${q(name)} hat ${count(ready.length, 'bereiten Endpunkt', 'bereite Endpunkte')}: ${addresses.join(', ')}.`,
        data,
      );
    }
    if (service.spec?.type === 'ExternalName') {
      return fail(
        sentences(
          `Der Service ${q(name)} ist vom Typ ExternalName und leitet nur per DNS auf ${q(service.spec.externalName ?? '')} weiter, er hat keine Endpunkte`,
          'Tipp: Für Pods im Cluster brauchst du einen Service vom Typ ClusterIP mit Selector',
        ),
        { data, hint },
      );
    }
    if (Object.keys(selector).length === 0) {
      return fail(
        sentences(
          `Der Service ${q(name)} hat keinen Selector, deshalb trägt Kubernetes keine Pods als Endpunkte ein`,
          'Tipp: Ergänze spec.selector mit den Labels deiner Pods, z. B. „app: web“',
        ),
        { data, hint },
      );
    }

    const pods = (await kube.core.listNamespacedPod({ namespace })).items.filter((pod) => !pod.metadata?.deletionTimestamp);
    const selected = pods.filter((pod) => matchesLabels(selector, pod.metadata?.labels));
    const have = ready.length === 0 ? 'keinen bereiten Endpunkt' : `nur ${ready.length} von ${minReady} bereiten Endpunkten`;
    if (selected.length === 0) {
      // Pods may still be on their way: a workload whose Pod template the selector
      // matches will bring some. Only its absence makes the mismatch final.
      const [deployments, statefulSets] = await Promise.all([
        kube.apps.listNamespacedDeployment({ namespace }),
        kube.apps.listNamespacedStatefulSet({ namespace }),
      ]);
      const templates = [...deployments.items, ...statefulSets.items].map((workload) => ({
        name: workload.metadata?.name ?? '',
        labels: workload.spec?.template.metadata?.labels,
      }));
      const coming = templates.filter((template) => matchesLabels(selector, template.labels));
      if (coming.length > 0) {
        return notYet(
          sentences(
            `Der Service ${q(name)} hat ${have}: die Pods von ${someOf(coming.map((t) => t.name))} passen zum Selector, werden aber noch angelegt`,
            'Prüf gleich noch einmal',
          ),
          { data: { ...data, coming: coming.map((t) => t.name) }, hint },
        );
      }
      const podLabels = [
        ...new Set(
          (pods.length > 0 ? pods.map((pod) => pod.metadata?.labels) : templates.map((t) => t.labels))
            .map((l) => labels(l))
            .filter((l) => l !== ''),
        ),
      ];
      return fail(
        sentences(
          `Der Service ${q(name)} hat ${have}: sein Selector ${q(labels(selector))} passt auf keinen Pod im Namespace ${q(namespace)}`,
          podLabels.length === 0
            ? 'Dort läuft noch gar kein Pod'
            : `Die Pods dort haben die Labels ${someOf(podLabels, 3)}`,
          podLabels.length === 0
            ? 'Tipp: Leg zuerst das Deployment an, dessen Pods der Service erreichen soll'
            : 'Tipp: Gleiche spec.selector des Service an die Labels im Pod-Template (spec.template.metadata.labels) an',
        ),
        { data: { ...data, podLabels }, hint: `Nachsehen: ${kubectl('get pods --show-labels', namespace)}` },
      );
    }
    const problems = selected.map((pod) => podProblem(pod)).filter((p) => p !== undefined);
    const explanation = explainPodProblems(problems, namespace);
    if (explanation) {
      return fail(sentences(`Der Service ${q(name)} hat ${have}`, explanation), { data: { ...data, problems }, hint });
    }
    return notYet(
      sentences(
        `Der Service ${q(name)} hat ${have}: ${count(selected.length, 'Pod passt', 'Pods passen')} zum Selector, ${selected.length === 1 ? 'ist' : 'sind'} aber noch nicht ${problems.length === 0 ? 'eingetragen' : 'bereit'}`,
        'Prüf gleich noch einmal',
      ),
      { data: { ...data, selected: selected.length, problems }, hint },
    );
  },
});

/**
 * A Service port whose targetPort no container of the ready pods opens. Only a
 * targetPort that names a port, or a number while the containers declare their ports,
 * can be judged: an undeclared containerPort may still be listened on.
 */
export function unreachablePorts(
  service: V1Service,
  pods: V1Pod[],
): { port: number; target: number | string; open: string[] } | undefined {
  const containers = pods.flatMap((pod) => pod.spec?.containers ?? []);
  const declared = containers.flatMap((c) => c.ports ?? []);
  const open = [...new Set(declared.map((p) => (p.name ? `${p.containerPort} (${p.name})` : `${p.containerPort}`)))];
  for (const port of service.spec?.ports ?? []) {
    const target = port.targetPort ?? port.port;
    const reachable =
      typeof target === 'string' && !/^\d+$/.test(target)
        ? declared.some((p) => p.name === target)
        : declared.length === 0 || declared.some((p) => p.containerPort === Number(target));
    if (!reachable) return { port: port.port, target, open };
  }
  return undefined;
}
