import type { V1ObjectReference } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { claim, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { waitFor } from '../testing/wait.ts';
import { pvcRebound } from './pvc-rebound.ts';

// PersistentVolumes are cluster-wide: each test names its own after its namespace.
async function oldVolume(
  kube: KubeClients,
  name: string,
  options: { policy?: 'Retain' | 'Delete'; claimRef?: V1ObjectReference } = {},
): Promise<void> {
  await kube.core.createPersistentVolume({
    body: {
      metadata: { name },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: options.policy ?? 'Retain',
        // Not the default class: a dynamically provisioned claim of another test must not take it.
        storageClassName: 'manuell',
        hostPath: { path: `/tmp/${name}` },
        ...(options.claimRef ? { claimRef: options.claimRef } : {}),
      },
    },
  });
  // creationTimestamp has whole seconds: a claim made now must be visibly younger.
  await sleep(1100);
}

async function claimFor(kube: KubeClients, namespace: string, volumeName?: string): Promise<void> {
  const body = claim('daten', volumeName ? 'manuell' : 'kwok-volume');
  if (volumeName) body.spec = { ...body.spec, volumeName };
  await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body });
}

describe('pvc-rebound', () => {
  test.concurrent('passes when the new claim is bound to the older, retained volume', async ({ kube, namespace, onTestFinished }) => {
    const pv = `alt-${namespace}`;
    onTestFinished(() => kube.core.deletePersistentVolume({ name: pv }).then(() => undefined));
    await oldVolume(kube, pv);
    await claimFor(kube, namespace, pv);

    const result = await runCheck(kube, namespace, pvcRebound, { name: 'daten' }, { timeoutMs: 20_000 });

    expect(result.message).toBe(`Der PVC ‚daten‘ ist wieder an das behaltene Volume ‚${pv}‘ gebunden (Reclaim Policy Retain).`);
    expect(result.passed).toBe(true);
  });

  test.concurrent('the old volume still holds the claimRef of the deleted claim', async ({ kube, namespace, onTestFinished }) => {
    const pv = `reserviert-${namespace}`;
    onTestFinished(() => kube.core.deletePersistentVolume({ name: pv }).then(() => undefined));
    await oldVolume(kube, pv, { claimRef: { namespace, name: 'daten', uid: '00000000-0000-0000-0000-00000000dead' } });
    await claimFor(kube, namespace, pv);

    const result = await runCheck(kube, namespace, pvcRebound, { name: 'daten' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`ist noch Pending: Das Volume ‚${pv}‘ ist noch für einen anderen PVC reserviert (spec.claimRef: ‚${namespace}/daten‘)`);
    expect(result.message).toContain(`kubectl patch pv ${pv} --type=json -p '[{"op":"remove","path":"/spec/claimRef"}]'`);
  });

  test.concurrent('a freshly provisioned volume holds none of the old data', async ({ kube, namespace }) => {
    await claimFor(kube, namespace);
    await waitFor('PVC daten gebunden', async () => {
      const current = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'daten', namespace });
      return current.status?.phase === 'Bound' ? current : undefined;
    });

    const result = await runCheck(kube, namespace, pvcRebound, { name: 'daten' });

    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^Der PVC ‚daten‘ ist an das Volume ‚[^‘]+‘ gebunden, das erst mit ihm entstanden ist/);
  });

  test.concurrent('bound to the old volume, but it would be deleted with the claim', async ({ kube, namespace, onTestFinished }) => {
    const pv = `loeschbar-${namespace}`;
    onTestFinished(() => kube.core.deletePersistentVolume({ name: pv }).then(() => undefined));
    await oldVolume(kube, pv, { policy: 'Delete' });
    await claimFor(kube, namespace, pv);

    const result = await runCheck(kube, namespace, pvcRebound, { name: 'daten' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`hat sein altes Volume ‚${pv}‘ wieder, aber dessen Reclaim Policy ist ‚Delete‘`);
  });
});
