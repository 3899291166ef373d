// What a step takes away is gone: the old version's Deployment and Service after a
// promotion, so nothing of it keeps running (or costs resources) once traffic moved on.
// An object already being deleted (finalizers, pods terminating) is waited for.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { capitalize, kubectl, list, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { inNamespace, objectName } from '../params.ts';

export const objectsRemoved = defineCheck({
  id: 'objects-removed',
  title: 'Alte Objekte sind gelöscht',
  params: z
    .strictObject({
      deployments: z.array(objectName).default([]),
      services: z.array(objectName).default([]),
      namespace: inNamespace,
    })
    .refine((p) => p.deployments.length + p.services.length > 0, { message: 'mindestens ein Deployment oder einen Service angeben' }),
  timeoutMs: 20_000,
  async run({ deployments, services, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const found = await Promise.all([
      ...deployments.map(async (name) => ({
        kind: 'deployment',
        label: `das Deployment ${q(name)}`,
        name,
        object: await readOrUndefined(kube.apps.readNamespacedDeployment({ name, namespace })),
      })),
      ...services.map(async (name) => ({
        kind: 'service',
        label: `den Service ${q(name)}`,
        name,
        object: await readOrUndefined(kube.core.readNamespacedService({ name, namespace })),
      })),
    ]);
    const remaining = found.filter((entry) => entry.object !== undefined);
    const data = { namespace, deployments, services, remaining: remaining.map((entry) => `${entry.kind}/${entry.name}`) };
    // Nominative for "… ist gelöscht": der Service, das Deployment.
    const removedLabels = found.map((entry) => entry.label.replace(/^den /, 'der '));
    if (remaining.length === 0) return pass(`${capitalize(list(removedLabels))} ${found.length === 1 ? 'ist' : 'sind'} gelöscht.`, data);
    const stillThere = remaining.filter((entry) => entry.object?.metadata?.deletionTimestamp === undefined);
    if (stillThere.length === 0) {
      return notYet(sentences(`${capitalize(list(remaining.map((entry) => entry.label.replace(/^den /, 'der '))))} ${remaining.length === 1 ? 'wird' : 'werden'} gerade gelöscht`, 'Prüf gleich noch einmal'), { data });
    }
    return fail(
      sentences(
        `Im Namespace ${q(namespace)} gibt es noch ${list(stillThere.map((entry) => entry.label))}`,
        `Tipp: Lösch ${stillThere.length === 1 ? 'das Objekt' : 'sie'} mit „${kubectl(`delete ${stillThere.map((entry) => `${entry.kind}/${entry.name}`).join(' ')}`, namespace)}“ – aber erst, wenn kein Datenverkehr mehr dorthin geht`,
      ),
      { data, hint: `Nachsehen: ${kubectl('get deployments,services', namespace)}` },
    );
  },
});
