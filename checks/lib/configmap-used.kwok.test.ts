import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { configMapUsed } from './configmap-used.ts';

async function createConfigMap(kube: KubeClients, namespace: string) {
  await kube.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'app-config' }, data: { GREETING: 'Hallo', 'nginx.conf': 'events {}' } },
  });
}

describe('configmap-used', () => {
  test.concurrent('passes when a variable reads a key of the ConfigMap', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [
          container({ env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'GREETING' } } }] }),
        ],
      }),
    );

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config', key: 'GREETING' });

    expect(result.message).toBe(
      'Das Deployment ‚web‘ verwendet die ConfigMap ‚app-config‘ per configMapKeyRef in der Variable ‚GREETING‘.',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('passes when it is mounted as a volume, as the step asks', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [container({ volumeMounts: [{ name: 'config', mountPath: '/etc/nginx/conf.d' }] })],
        pod: { volumes: [{ name: 'config', configMap: { name: 'app-config' } }] },
      }),
    );

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config', via: 'volume' });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('als Volume unter ‚/etc/nginx/conf.d‘');
  });

  test.concurrent('ConfigMap exists but the Deployment does not reference it', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das Deployment ‚web‘ verwendet die ConfigMap ‚app-config‘ nicht');
    expect(result.message).toContain('configMapKeyRef: {name: app-config');
  });

  test.concurrent('volume defined but mounted by no container', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(
      kube,
      namespace,
      deployment('web', { pod: { volumes: [{ name: 'config', configMap: { name: 'app-config' } }] } }),
    );

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'definiert das Volume ‚config‘ mit der ConfigMap ‚app-config‘, aber kein Container bindet es ein',
    );
  });

  test.concurrent('used another way than the step asks for', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(
      kube,
      namespace,
      deployment('web', { containers: [container({ envFrom: [{ configMapRef: { name: 'app-config' } }] })] }),
    );

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config', via: 'volume' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('verwendet die ConfigMap ‚app-config‘ nicht als Volume');
    expect(result.message).toContain('Eingebunden ist sie nur per envFrom');
  });

  test.concurrent('the ConfigMap lacks the key the step names', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'app-config', key: 'LOG_LEVEL' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('In der ConfigMap ‚app-config‘ fehlt der Schlüssel ‚LOG_LEVEL‘');
    expect(result.message).toContain('Vorhanden: ‚GREETING‘ und ‚nginx.conf‘');
  });

  test.concurrent('ConfigMap missing: says how to create it', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, configMapUsed, { name: 'web', configMap: 'shop-einstellungen' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Im Namespace ‚${namespace}‘ gibt es keine ConfigMap ‚shop-einstellungen‘`);
    expect(result.message).toContain(`kubectl create configmap shop-einstellungen --from-literal=SCHLUESSEL=… -n ${namespace}`);
  });
});
