import { describe, expect } from 'vitest';
import { createDeployment, deployment, runCheck, service } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { serviceEndpoints } from './service-endpoints.ts';

describe('service-endpoints', () => {
  test.concurrent('passes once the pods behind the selector are ready endpoints', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web', minReady: 2 }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(true);
    expect(result.message).toMatch(/^Der Service ‚web‘ hat 2 bereite Endpunkte: 10\.244\.\d+\.\d+, 10\.244\.\d+\.\d+\.$/);
  });

  test.concurrent('selector matches no pod (no endpoints): shows the labels the pods have', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'frontend' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `Der Service ‚web‘ hat keinen bereiten Endpunkt: sein Selector ‚app=frontend‘ passt auf keinen Pod im Namespace ‚${namespace}‘`,
    );
    expect(result.message).toMatch(/Die Pods dort haben die Labels ‚app=web(,pod-template-hash=\w+)?‘/);
    expect(result.message).toContain('spec.template.metadata.labels');
  });

  test.concurrent('no pods at all yet: says to create the Deployment first', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Dort läuft noch gar kein Pod');
    expect(result.message).toContain('Leg zuerst das Deployment an');
  });

  test.concurrent('Service without a selector', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
    });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der Service ‚web‘ hat keinen Selector');
  });

  test.concurrent('the selected pods cannot be scheduled: says why instead of "not ready"', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { pod: { nodeSelector: { disktype: 'ssd' } } }));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der Service ‚web‘ hat keinen bereiten Endpunkt');
    expect(result.message).toContain('kann keinem Knoten zugeteilt werden');
  });

  test.concurrent('no Service of that name', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'katalog-api' });

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Im Namespace ‚${namespace}‘ gibt es keinen Service ‚katalog-api‘. Tipp: Leg ihn an, z. B. mit „kubectl apply -f <datei>.yaml -n ${namespace}“.`,
    );
  });
});
