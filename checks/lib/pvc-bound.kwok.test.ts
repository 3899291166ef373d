import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { claim, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { pvcBound } from './pvc-bound.ts';

// The kwok cluster has one StorageClass, kwok-volume, marked as the default.
describe('pvc-bound', () => {
  test.concurrent('passes when the claim on the default class is bound, with class and size as asked', async ({
    kube,
    namespace,
  }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten') });

    const result = await runCheck(
      kube,
      namespace,
      pvcBound,
      { name: 'daten', storageClass: 'kwok-volume', size: '1Gi' },
      { timeoutMs: 20_000 },
    );

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Der PVC ‚daten‘ ist gebunden (1Gi, StorageClass ‚kwok-volume‘).');
    expect(result.data).toMatchObject({ phase: 'Bound', storageClass: 'kwok-volume' });
  });

  test.concurrent('Pending because of an unknown StorageClass: names it, the classes there are, and what to do', async ({
    kube,
    namespace,
  }) => {
    // "standard" is kind's class; a learner who copies it into another cluster gets this.
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten', 'standard') });

    const result = await runCheck(kube, namespace, pvcBound, { name: 'daten' });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der PVC ‚daten‘ ist noch Pending: die StorageClass ‚standard‘ gibt es im Cluster nicht');
    expect(result.message).toContain('Verfügbar: ‚kwok-volume‘ (Standard)');
    expect(result.message).toContain('„storageClassName: kwok-volume“');
    expect(result.message).toContain('oder lass das Feld weg');
  });

  test.concurrent('bound, but with a different class than the step asks for', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten') });

    const result = await runCheck(kube, namespace, pvcBound, { name: 'daten', storageClass: 'schnell' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('ist gebunden, aber mit der StorageClass ‚kwok-volume‘ statt ‚schnell‘');
    expect(result.message).toContain('lässt sich nicht nachträglich ändern');
  });

  test.concurrent('bound, but its volume would be deleted with the claim (Retain asked)', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten') });
    const asked = { name: 'daten', reclaimPolicy: 'Retain' } as const;

    const before = await runCheck(kube, namespace, pvcBound, asked, { timeoutMs: 20_000 });
    expect(before.passed).toBe(false);
    expect(before.message).toMatch(/hat die Reclaim Policy ‚Delete‘ statt ‚Retain‘/);
    expect(before.message).toContain('kubectl patch pv');

    const volumeName = String(before.data.volume);
    await kube.core.patchPersistentVolume(
      { name: volumeName, body: { spec: { persistentVolumeReclaimPolicy: 'Retain' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const after = await runCheck(kube, namespace, pvcBound, asked);
    expect(after.passed).toBe(true);
    expect(after.message).toContain('Reclaim Policy ‚Retain‘');
  });

  test.concurrent('bound, but smaller than asked', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten', undefined, '500Mi') });

    const result = await runCheck(kube, namespace, pvcBound, { name: 'daten', size: '1Gi' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('hat aber nur 500Mi statt mindestens 1Gi');
  });

  // Near miss: 10Gi for a step that asks for 100Mi is not "at least 100Mi, so fine".
  test.concurrent('bound, but far larger than asked; 100M for 100Mi still passes', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('gross', undefined, '10Gi') });
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('passend', undefined, '105M') });

    const big = await runCheck(kube, namespace, pvcBound, { name: 'gross', size: '100Mi' }, { timeoutMs: 20_000 });
    const fitting = await runCheck(kube, namespace, pvcBound, { name: 'passend', size: '100Mi' }, { timeoutMs: 20_000 });

    expect(big.passed).toBe(false);
    expect(big.message).toBe(
      'Der PVC ‚gross‘ ist gebunden, fordert aber 10Gi statt 100Mi an. Tipp: Fordere unter spec.resources.requests.storage genau 100Mi an; verkleinern lässt sich ein PVC nicht, lösch ihn also und leg ihn neu an.',
    );
    expect(fitting.passed).toBe(true);
  });

  test.concurrent('storageClassName "" waits for a hand-made volume: says so', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('daten', '') });

    const result = await runCheck(kube, namespace, pvcBound, { name: 'daten' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('mit „storageClassName: ""“ wartet er auf ein passendes, von Hand angelegtes PersistentVolume');
    expect(result.message).toContain('„storageClassName: kwok-volume“');
  });

  test.concurrent('no claim of that name: lists the claims there are', async ({ kube, namespace }) => {
    // Names no other test uses, so the only near match is in this namespace.
    await kube.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim('archiv-daten') });

    const result = await runCheck(kube, namespace, pvcBound, { name: 'archiv-datn' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `Den PVC ‚archiv-datn‘ gibt es im Namespace ‚${namespace}‘ nicht. Dort gibt es nur: ‚archiv-daten‘.`,
    );
  });
});
