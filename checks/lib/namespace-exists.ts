// Namespace exists (and is not being deleted).
import { z } from 'zod';
import { defineCheck, fail, pass } from '../core.ts';
import { q, someOf, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { namespaceName } from '../params.ts';

export const namespaceExists = defineCheck({
  id: 'namespace-exists',
  title: 'Namespace existiert',
  params: z.strictObject({ name: namespaceName }),
  async run({ name }, { kube }) {
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
    return pass(`Der Namespace ${q(name)} existiert.`, { name, exists: true, phase });
  },
});
