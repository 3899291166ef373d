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
  // Near miss ("a different wiring than the app reads"): the app reads LOG_LEVEL from its
  // environment; a literal value next to envFrom wins and cuts the ConfigMap off.
  test.concurrent('a literal value for a variable the app reads from the ConfigMap fails; envFrom alone passes', async ({ kube, namespace }) => {
    await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-config' }, data: { LOG_LEVEL: 'info' } } });
    const envFrom = [{ configMapRef: { name: 'app-config' } }];
    await createDeployment(kube, namespace, deployment('app', { containers: [container({ name: 'app', envFrom, env: [{ name: 'LOG_LEVEL', value: 'info' }] })] }));
    const params = { name: 'app', configMap: 'app-config', env: ['LOG_LEVEL'] };

    const literal = await runCheck(kube, namespace, configMapUsed, params);

    expect(literal.passed).toBe(false);
    expect(literal.message).toBe(
      'Die Umgebungsvariable ‚LOG_LEVEL‘ steht als fester Wert (value: ‚info‘) im Container ‚app‘; die Anwendung soll sie aus der ConfigMap ‚app-config‘ lesen. Tipp: Hol sie mit „envFrom: - configMapRef: {name: app-config}“ oder „valueFrom: configMapKeyRef: {name: app-config, key: LOG_LEVEL}“ und lösch den „value:“-Eintrag unter env – er hat Vorrang vor envFrom.',
    );

    await kube.apps.deleteNamespacedDeployment({ name: 'app', namespace });
    await createDeployment(kube, namespace, deployment('app2', { containers: [container({ name: 'app', envFrom })] }));
    const fixed = await runCheck(kube, namespace, configMapUsed, { ...params, name: 'app2' });

    expect(fixed.message).toBe('Das Deployment ‚app2‘ verwendet die ConfigMap ‚app-config‘ per envFrom.');
    expect(fixed.passed).toBe(true);
  });

  // Near miss: the ConfigMap is mounted, but not where the app reads its files.
  test.concurrent('a ConfigMap mounted at another path than the app reads fails, naming both paths', async ({ kube, namespace }) => {
    await createConfigMap(kube, namespace);
    const mounted = (mountPath: string) =>
      deployment('web', {
        containers: [container({ volumeMounts: [{ name: 'konfig', mountPath }] })],
        pod: { volumes: [{ name: 'konfig', configMap: { name: 'app-config' } }] },
      });
    await createDeployment(kube, namespace, mounted('/etc/config'));
    const params = { name: 'web', configMap: 'app-config', mountPath: '/etc/app' };

    const elsewhere = await runCheck(kube, namespace, configMapUsed, params);

    expect(elsewhere.passed).toBe(false);
    expect(elsewhere.message).toContain('Die ConfigMap ‚app-config‘ ist im Container ‚web‘ unter ‚/etc/config‘ eingebunden, die Anwendung liest ihre Dateien aber unter ‚/etc/app‘.');

    await kube.apps.replaceNamespacedDeployment({ name: 'web', namespace, body: mounted('/etc/app/') });
    const fixed = await runCheck(kube, namespace, configMapUsed, params);

    expect(fixed.message).toBe('Das Deployment ‚web‘ verwendet die ConfigMap ‚app-config‘ als Volume unter ‚/etc/app/‘.');
    expect(fixed.passed).toBe(true);
  });
});
