import { describe, expect } from 'vitest';
import { createDeployment, deployment, runCheck, service } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { objectsRemoved } from './objects-removed.ts';

const OLD_VERSION = { deployments: ['web-v1'], services: ['web-v1'] };

describe('objects-removed', () => {
  test.concurrent('passes once the old Deployment and Service are gone, while the new ones stay', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web-v2'));
    await kube.core.createNamespacedService({ namespace, body: service('web-v2', { app: 'web-v2' }) });

    const result = await runCheck(kube, namespace, objectsRemoved, OLD_VERSION);

    expect(result.passed).toBe(true);
    expect(result.message).toBe("Das Deployment ‚web-v1‘ und der Service ‚web-v1‘ sind gelöscht.");
  });

  test.concurrent('the old Deployment still runs (only its Service was deleted): names it and the command', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web-v1'));

    const result = await runCheck(kube, namespace, objectsRemoved, OLD_VERSION);

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Im Namespace ‚${namespace}‘ gibt es noch das Deployment ‚web-v1‘. Tipp: Lösch das Objekt mit „kubectl delete deployment/web-v1 -n ${namespace}“ – aber erst, wenn kein Datenverkehr mehr dorthin geht.`,
    );
  });

  test.concurrent('both still there', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web-v1'));
    await kube.core.createNamespacedService({ namespace, body: service('web-v1', { app: 'web-v1' }) });

    const result = await runCheck(kube, namespace, objectsRemoved, OLD_VERSION);

    expect(result.passed).toBe(false);
    expect(result.message).toContain("gibt es noch das Deployment ‚web-v1‘ und den Service ‚web-v1‘");
  });

  test('refuses a step that names nothing to remove', () => {
    expect(objectsRemoved.params.safeParse({}).success).toBe(false);
  });
});
