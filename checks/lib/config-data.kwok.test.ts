import { describe, expect } from 'vitest';
import { runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { configData } from './config-data.ts';

const appConfig = { name: 'app-config', keys: ['DB_HOST', 'LOG_LEVEL', 'begruessung.txt'] };

async function createAppConfig(kube: KubeClients, namespace: string, data: Record<string, string>) {
  await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-config' }, data } });
}

describe('config-data', () => {
  test.concurrent('passes when the ConfigMap has every key, and the value the step sets', async ({ kube, namespace }) => {
    await createAppConfig(kube, namespace, { DB_HOST: 'postgres', LOG_LEVEL: 'debug', 'begruessung.txt': 'Hallo!\n' });

    const result = await runCheck(kube, namespace, configData, { ...appConfig, values: { LOG_LEVEL: 'debug' } });

    expect(result.message).toBe(
      'Die ConfigMap ‚app-config‘ enthält ‚DB_HOST‘, ‚LOG_LEVEL‘ und ‚begruessung.txt‘ mit den erwarteten Werten.',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('a key missing (the file was added under another name)', async ({ kube, namespace }) => {
    await createAppConfig(kube, namespace, { DB_HOST: 'postgres', LOG_LEVEL: 'info', 'begruessung.text': 'Hallo!' });

    const result = await runCheck(kube, namespace, configData, appConfig);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Die ConfigMap ‚app-config‘ hat den Schlüssel ‚begruessung.txt‘ nicht');
    expect(result.message).toContain('Vorhanden: ‚DB_HOST‘, ‚LOG_LEVEL‘ und ‚begruessung.text‘');
    expect(result.message).toContain('bei „--from-file“ wird der Dateiname zum Schlüssel');
  });

  test.concurrent('the change was not applied: shows the value there is', async ({ kube, namespace }) => {
    await createAppConfig(kube, namespace, { DB_HOST: 'postgres', LOG_LEVEL: 'info', 'begruessung.txt': 'Hallo!' });

    const result = await runCheck(kube, namespace, configData, { ...appConfig, values: { LOG_LEVEL: 'debug' } });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('In der ConfigMap ‚app-config‘: ‚LOG_LEVEL‘ ist ‚info‘ statt ‚debug‘');
  });

  test.concurrent('a Secret with a wrong value: says so without repeating any value', async ({ kube, namespace }) => {
    await kube.core.createNamespacedSecret({
      namespace,
      // "app\n": what `echo app | base64` gives – the classic trailing newline.
      body: { metadata: { name: 'db-zugang' }, data: { username: Buffer.from('app\n').toString('base64'), password: Buffer.from('Sommer2026!').toString('base64') } },
    });

    const result = await runCheck(kube, namespace, configData, {
      kind: 'Secret',
      name: 'db-zugang',
      keys: ['password'],
      values: { username: 'app' },
    });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('In dem Secret ‚db-zugang‘: ‚username‘ hat nicht den erwarteten Wert');
    expect(result.message).toContain('echo -n statt echo');
    expect(JSON.stringify(result)).not.toContain('Sommer2026');
    expect(JSON.stringify(result)).not.toContain('app\\n');
  });

  test.concurrent('Secret missing: suggests the create command with its keys', async ({ kube, namespace }) => {
    // A name no other test creates, so it exists nowhere.
    const result = await runCheck(kube, namespace, configData, { kind: 'Secret', name: 'kasse-zugang', keys: ['username', 'password'] });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `kubectl create secret generic kasse-zugang --from-literal=username=… --from-literal=password=… -n ${namespace}`,
    );
  });
});
