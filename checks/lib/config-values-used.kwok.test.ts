import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { configValuesUsed } from './config-values-used.ts';

async function configMap(kube: KubeClients, namespace: string, name: string, data: Record<string, string>) {
  await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data } });
}

/** A Deployment as `kubectl apply -k` leaves it: envFrom the generated, hash-suffixed name. */
function readingFrom(configMapName: string) {
  return deployment('web', { containers: [container({ envFrom: [{ configMapRef: { name: configMapName } }] })] });
}

describe('config-values-used', () => {
  test.concurrent('passes when the referenced (generated) ConfigMap holds the values', async ({ kube, namespace }) => {
    await configMap(kube, namespace, 'app-config-7g2k9m4bcd', { LOG_LEVEL: 'debug', APP_VERSION: '1-dev' });
    await createDeployment(kube, namespace, readingFrom('app-config-7g2k9m4bcd'));

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'debug' } });

    expect(result.message).toBe('Das Deployment ‚web‘ liest LOG_LEVEL=debug aus ‚app-config-7g2k9m4bcd‘.');
    expect(result.passed).toBe(true);
  });

  test.concurrent('the new values sit in a ConfigMap the Deployment does not point at', async ({ kube, namespace }) => {
    // The learner applied only the new ConfigMap; the pods still read the old one.
    await configMap(kube, namespace, 'app-config-old1111111', { LOG_LEVEL: 'debug' });
    await configMap(kube, namespace, 'app-config-new2222222', { LOG_LEVEL: 'info' });
    await createDeployment(kube, namespace, readingFrom('app-config-old1111111'));

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'info' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('liest LOG_LEVEL ist ‚debug‘ (aus ‚app-config-old1111111‘), erwartet ‚info‘');
    expect(result.message).toContain('Die ConfigMap ‚app-config-new2222222‘ hätte die Werte, aber das Deployment ‚web‘ verweist nicht auf sie');
  });

  test.concurrent('the key is missing from the ConfigMap', async ({ kube, namespace }) => {
    await configMap(kube, namespace, 'app-config', { APP_VERSION: '2' });
    await createDeployment(kube, namespace, readingFrom('app-config'));

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'warn' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('In seiner ConfigMap ‚app-config‘ fehlt der Schlüssel ‚LOG_LEVEL‘');
  });

  test.concurrent('a configMapKeyRef reads only its own key', async ({ kube, namespace }) => {
    await configMap(kube, namespace, 'app-config', { APP_VERSION: '2', LOG_LEVEL: 'warn' });
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [container({ env: [{ name: 'APP_VERSION', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'APP_VERSION' } } }] })],
      }),
    );

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'warn' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('fehlt der Schlüssel ‚LOG_LEVEL‘');
  });

  test.concurrent('the Deployment points at a ConfigMap that does not exist', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, readingFrom('app-config-5f6h7k8m9t'));

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'debug' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('verweist auf die ConfigMap ‚app-config-5f6h7k8m9t‘, die es im Namespace');
  });

  test.concurrent('the Deployment reads no ConfigMap at all', async ({ kube, namespace }) => {
    await configMap(kube, namespace, 'app-config', { LOG_LEVEL: 'debug' });
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, configValuesUsed, { name: 'web', values: { LOG_LEVEL: 'debug' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das Deployment ‚web‘ liest keine ConfigMap');
  });
});
