import type { V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { claim, container, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { waitFor } from '../testing/wait.ts';
import { statefulSetReady } from './statefulset-ready.ts';

function statefulSet(options: { replicas?: number; storageClass?: string; withClaims?: boolean } = {}): V1StatefulSet {
  const base = claim('daten', options.storageClass);
  return {
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: {
          containers: [container({ name: 'postgres', volumeMounts: [{ name: 'daten', mountPath: '/var/lib/postgresql/data' }] })],
          ...(options.withClaims === false ? { volumes: [{ name: 'daten', emptyDir: {} }] } : {}),
        },
      },
      ...(options.withClaims === false ? {} : { volumeClaimTemplates: [{ metadata: base.metadata, spec: base.spec }] }),
    },
  };
}

describe('statefulset-ready', () => {
  test.concurrent('passes when every replica is ready and each has its bound claim', async ({ kube, namespace }) => {
    await kube.apps.createNamespacedStatefulSet({ namespace, body: statefulSet() });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db', replicas: 2 }, { timeoutMs: 40_000 });

    expect(result.message).toBe(
      'Das StatefulSet ‚db‘ ist bereit: 2 von 2 Replikas, die PVCs ‚daten-db-0‘ und ‚daten-db-1‘ sind gebunden.',
    );
  });

  test.concurrent('not ready: its claim is Pending because of an unknown StorageClass', async ({ kube, namespace }) => {
    await kube.apps.createNamespacedStatefulSet({ namespace, body: statefulSet({ storageClass: 'standard' }) });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Das StatefulSet ‚db‘ ist nicht bereit.');
    expect(result.message).toContain('Der PVC ‚daten-db-0‘ ist noch Pending: die StorageClass ‚standard‘ gibt es im Cluster nicht');
  });

  test.concurrent('without volumeClaimTemplates its pods share no own volume', async ({ kube, namespace }) => {
    await kube.apps.createNamespacedStatefulSet({ namespace, body: statefulSet({ withClaims: false }) });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das StatefulSet ‚db‘ hat keine volumeClaimTemplates');
  });

  test.concurrent('set to fewer replicas than the step asks for', async ({ kube, namespace }) => {
    await kube.apps.createNamespacedStatefulSet({ namespace, body: statefulSet({ replicas: 1 }) });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db', replicas: 3 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('ist auf 1 Replika eingestellt, erwartet sind 3');
    expect(result.message).toContain(`kubectl scale statefulset db --replicas=3 -n ${namespace}`);
  });

  test.concurrent('a pod that cannot be scheduled keeps it from getting ready', async ({ kube, namespace }) => {
    const body = statefulSet({ replicas: 1 });
    body.spec!.template.spec!.nodeSelector = { disktype: 'ssd' };
    await kube.apps.createNamespacedStatefulSet({ namespace, body });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db' }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das StatefulSet ‚db‘ ist nicht bereit, bereit sind 0 von 1 Replika');
    expect(result.message).toContain('kann keinem Knoten zugeteilt werden');
  });
  // Near miss: a namespace with Pod Security "restricted" refuses the pods; the answer names
  // that at once instead of waiting for pods that will never come.
  test.concurrent('pods refused by Pod Security are named as such, without waiting', async ({ kube, namespace }) => {
    const labelled = await kube.core.readNamespace({ name: namespace });
    labelled.metadata!.labels = { ...labelled.metadata?.labels, 'pod-security.kubernetes.io/enforce': 'restricted' };
    await kube.core.replaceNamespace({ name: namespace, body: labelled });
    await kube.apps.createNamespacedStatefulSet({ namespace, body: statefulSet({ replicas: 1 }) });
    await waitFor('FailedCreate am StatefulSet db', async () => {
      const events = await kube.core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=db,reason=FailedCreate' });
      return events.items.length > 0;
    });

    const result = await runCheck(kube, namespace, statefulSetReady, { name: 'db' }, { timeoutMs: 5_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toMatch(/^Das StatefulSet ‚db‘ kann keine Pods anlegen: Pod Security \(restricted\) lehnt den Pod ab: allowPrivilegeEscalation != false \(container "postgres" must set securityContext\.allowPrivilegeEscalation=false\) – und 3 weitere Punkte\./);
  });
});
