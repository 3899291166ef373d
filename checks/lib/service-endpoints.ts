// Service has ready endpoints, read from its EndpointSlices (what kube-proxy uses).
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { count, kubectl, labels, q, sentences, someOf } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';
import { explainPodProblems, podProblem } from '../pods.ts';
import { matchesLabels } from '../selectors.ts';

export const serviceEndpoints = defineCheck({
  id: 'service-endpoints',
  title: 'Service hat bereite Endpunkte',
  params: z.strictObject({
    name: objectName,
    /** At least this many ready endpoints (Pods). */
    minReady: z.number().int().min(1).default(1),
    namespace: inNamespace,
  }),
  async run({ name, minReady, namespace: explicit }, ctx) {
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
    if (ready.length >= minReady) {
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
    const problems = selected.map(podProblem).filter((p) => p !== undefined);
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
