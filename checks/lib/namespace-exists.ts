// Namespace exists (and is not being deleted), optionally with labels such as the
// Pod Security Admission level (pod-security.kubernetes.io/enforce=restricted).
import { z } from 'zod';
import { defineCheck, fail, pass } from '../core.ts';
import { list, q, someOf, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { namespaceName } from '../params.ts';

export const namespaceExists = defineCheck({
  id: 'namespace-exists',
  title: 'Namespace existiert',
  params: z.strictObject({
    name: namespaceName,
    /** Labels the namespace must carry with exactly these values. */
    labels: z.record(z.string().min(1), z.string()).default({}),
  }),
  async run({ name, labels: wanted }, { kube }) {
    const namespace = await readOrUndefined(kube.core.readNamespace({ name }));
    if (!namespace) {
      const all = await kube.core.listNamespace();
      const existing = all.items
        .map((item) => item.metadata?.name ?? '')
        .filter((n) => n !== '' && !n.startsWith('kube-') && n !== 'default' && n !== 'local-path-storage');
      return fail(
        sentences(
          `Den Namespace ${q(name)} gibt es nicht`,
          existing.length > 0 && `Angelegt sind: ${someOf(existing)}`,
          `Tipp: Leg ihn mit „kubectl create namespace ${name}“ an`,
        ),
        { data: { name, exists: false, existing }, hint: 'Nachsehen: kubectl get namespaces' },
      );
    }
    const phase = namespace.status?.phase ?? 'Active';
    if (namespace.metadata?.deletionTimestamp || phase === 'Terminating') {
      return fail(
        sentences(
          `Der Namespace ${q(name)} wird gerade gelöscht (Terminating)`,
          'Tipp: Warte, bis er verschwunden ist, und leg ihn dann neu an',
        ),
        { data: { name, exists: true, phase: 'Terminating' } },
      );
    }
    const own = namespace.metadata?.labels ?? {};
    const wrong = Object.entries(wanted).filter(([key, value]) => own[key] !== value);
    if (wrong.length > 0) {
      const details = wrong.map(([key, value]) =>
        own[key] === undefined
          ? `das Label ${q(`${key}=${value}`)} fehlt`
          : `das Label ${q(key)} steht auf ${q(own[key])} statt ${q(value)}`,
      );
      const overwrite = wrong.some(([key]) => own[key] !== undefined) ? ' --overwrite' : '';
      return fail(
        sentences(
          `Der Namespace ${q(name)} existiert, aber ${list(details)}`,
          `Tipp: „kubectl label namespace ${name} ${wrong.map(([key, value]) => `${key}=${value}`).join(' ')}${overwrite}“`,
        ),
        { data: { name, exists: true, phase, labels: own, expectedLabels: wanted }, hint: `Nachsehen: kubectl get namespace ${name} --show-labels` },
      );
    }
    const labelled = Object.keys(wanted).length > 0 ? ` und trägt ${list(Object.entries(wanted).map(([k, v]) => q(`${k}=${v}`)))}` : '';
    return pass(`Der Namespace ${q(name)} existiert${labelled}.`, { name, exists: true, phase, labels: own });
  },
});
