// Resource metrics arrive for a workload's pods: what `kubectl top pods` shows, read
// from the metrics.k8s.io API that metrics-server serves (and the HPA uses).
import { ApiException, type CustomObjectsApi } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass, type Verdict } from '../core.ts';
import { count, kubectl, q, sentences } from '../format.ts';
import { inNamespace, objectName } from '../params.ts';
import { parseQuantity } from '../quantity.ts';
import { labelSelectorQuery } from '../selectors.ts';
import { readDeployment } from './deployment-available.ts';

const podMetricsList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string() }).loose(),
      containers: z.array(z.object({ name: z.string(), usage: z.record(z.string(), z.string()) }).loose()),
    }).loose(),
  ),
}).loose();

const topHint = 'Nachsehen: kubectl top pods; kubectl get apiservice v1beta1.metrics.k8s.io';

export const metricsAvailable = defineCheck({
  id: 'metrics-available',
  title: 'Messwerte (kubectl top) kommen für die Pods an',
  params: z.strictObject({
    /** The Deployment whose pods need metrics; all pods of the namespace without it. */
    name: objectName.optional(),
    namespace: inNamespace,
  }),
  timeoutMs: 20_000,
  pollIntervalMs: 1000,
  async run({ name, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    let labelSelector: string | undefined;
    if (name !== undefined) {
      const deployment = await readDeployment(ctx, name, namespace);
      if (isVerdict(deployment)) return deployment;
      labelSelector = labelSelectorQuery(deployment.spec?.selector);
    }
    const whose = name !== undefined ? `von ${q(name)}` : `im Namespace ${q(namespace)}`;
    const pods = (await ctx.kube.core.listNamespacedPod({ namespace, labelSelector })).items.filter(
      (pod) => pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp,
    );
    if (pods.length === 0) {
      return notYet(
        sentences(`Es laufen noch keine Pods ${whose}, für die es Messwerte geben könnte`, 'Prüf gleich noch einmal, wenn sie laufen'),
        { data: { name: name ?? null, namespace, pods: 0 }, hint: `Nachsehen: ${kubectl('get pods', namespace)}` },
      );
    }

    const answer = await readPodMetrics(ctx.kube.custom, namespace, labelSelector);
    if (isVerdict(answer)) return answer;
    const byPod = new Map(answer.items.map((item) => [item.metadata.name, item]));
    const measured = pods.filter((pod) => byPod.has(pod.metadata?.name ?? ''));
    const waiting = pods.filter((pod) => !byPod.has(pod.metadata?.name ?? '')).map((pod) => pod.metadata?.name ?? '');
    const sample = measured[0] ? byPod.get(measured[0].metadata?.name ?? '') : undefined;
    const usage = sample ? usageText(sample.containers) : '';
    const data = {
      name: name ?? null,
      namespace,
      pods: pods.length,
      measured: measured.map((pod) => pod.metadata?.name),
      waiting,
    };
    if (waiting.length > 0) {
      return notYet(
        sentences(
          `Für ${waiting.length} von ${count(pods.length, 'Pod', 'Pods')} ${whose} gibt es noch keine Messwerte`,
          'Der metrics-server fragt die Knoten alle 15 Sekunden ab; für einen neuen Pod dauert es bis zu einer Minute',
        ),
        { data, hint: topHint },
      );
    }
    return pass(
      `Für ${pods.length === 1 ? 'den Pod' : `alle ${pods.length} Pods`} ${whose} kommen Messwerte an (z. B. ${q(measured[0]?.metadata?.name ?? '')}: ${usage}).`,
      data,
    );
  },
});

async function readPodMetrics(
  custom: CustomObjectsApi,
  namespace: string,
  labelSelector: string | undefined,
): Promise<z.output<typeof podMetricsList> | Verdict> {
  try {
    const raw: unknown = await custom.listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace,
      plural: 'pods',
      labelSelector,
    });
    return podMetricsList.parse(raw);
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      return fail(
        sentences(
          'Das Metrics-API (metrics.k8s.io) gibt es in deinem Cluster nicht: der metrics-server ist nicht installiert',
          'Tipp: Installiere ihn (in kind mit dem Argument --kubelet-insecure-tls); danach zeigt „kubectl top pods“ nach etwa einer Minute Werte',
        ),
        { data: { namespace, apiAvailable: false }, hint: topHint },
      );
    }
    if (error instanceof ApiException && error.code === 503) {
      return notYet(
        sentences(
          'Der metrics-server antwortet nicht (das Metrics-API ist registriert, aber nicht verfügbar)',
          'Tipp: „kubectl -n kube-system get pods -l k8s-app=metrics-server“ zeigt, ob er läuft; in kind braucht er das Argument --kubelet-insecure-tls',
        ),
        { data: { namespace, apiAvailable: false }, hint: topHint },
      );
    }
    throw error;
  }
}

/** "CPU 12m, Speicher 34Mi" summed over the pod's containers, as kubectl top rounds. */
function usageText(containers: { usage: Record<string, string> }[]): string {
  const cpu = containers.reduce((sum, c) => sum + (parseQuantity(c.usage.cpu) ?? 0) * 1000, 0);
  const memory = containers.reduce((sum, c) => sum + (parseQuantity(c.usage.memory) ?? 0), 0);
  return `CPU ${Math.round(cpu)}m, Speicher ${Math.round(memory / 2 ** 20)}Mi`;
}

