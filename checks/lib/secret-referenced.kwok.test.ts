import type { V1EnvVar } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { secretReferenced } from './secret-referenced.ts';

const PASSWORD = 'Sommer2026!';
const step = { name: 'db', secret: 'db-zugang', key: 'password', env: 'POSTGRES_PASSWORD' };

async function createSecret(kube: KubeClients, namespace: string) {
  await kube.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'db-zugang' }, stringData: { password: PASSWORD, user: 'shop' } },
  });
}

async function createDb(kube: KubeClients, namespace: string, env: V1EnvVar[], extra: Parameters<typeof deployment>[1] = {}) {
  await createDeployment(
    kube,
    namespace,
    deployment('db', { containers: [container({ name: 'postgres', image: 'postgres:16', env })], ...extra }),
  );
}

describe('secret-referenced', () => {
  test.concurrent('passes with secretKeyRef', async ({ kube, namespace }) => {
    await createSecret(kube, namespace);
    await createDb(kube, namespace, [
      { name: 'POSTGRES_USER', value: 'shop' },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-zugang', key: 'password' } } },
    ]);

    const result = await runCheck(kube, namespace, secretReferenced, step);

    expect(result.message).toBe(
      'Das Deployment ‚db‘ holt das Secret ‚db-zugang‘ per secretKeyRef in die Variable ‚POSTGRES_PASSWORD‘ und hat kein Passwort im Klartext.',
    );
    expect(result.passed).toBe(true);
  });

  test.concurrent('password written as a literal env value in the Deployment', async ({ kube, namespace }) => {
    await createSecret(kube, namespace);
    await createDb(kube, namespace, [{ name: 'POSTGRES_PASSWORD', value: PASSWORD }]);

    const result = await runCheck(kube, namespace, secretReferenced, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'Die Umgebungsvariable ‚POSTGRES_PASSWORD‘ steht im Container ‚postgres‘ als Klartext (value) im Deployment ‚db‘ – mit demselben Wert wie im Secret ‚db-zugang‘',
    );
    expect(result.message).toContain('valueFrom: secretKeyRef: {name: db-zugang, key: password}');
    expect(result.data).toMatchObject({ hardCoded: { env: 'POSTGRES_PASSWORD', sameAsSecret: true } });
  });

  test.concurrent('literal password under another name, and no Secret yet', async ({ kube, namespace }) => {
    await createDb(kube, namespace, [{ name: 'DB_PASS', value: 'geheim' }]);

    const result = await runCheck(kube, namespace, secretReferenced, { name: 'db', secret: 'db-zugang' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Die Umgebungsvariable ‚DB_PASS‘ steht im Container ‚postgres‘ als Klartext');
    expect(result.message).toContain('Das Secret ‚db-zugang‘ gibt es außerdem noch nicht');
    expect(result.message).toContain('kubectl create secret generic db-zugang --from-literal=password=…');
  });

  test.concurrent('variable taken from a ConfigMap instead of the Secret', async ({ kube, namespace }) => {
    await createSecret(kube, namespace);
    await createDb(kube, namespace, [
      { name: 'POSTGRES_PASSWORD', valueFrom: { configMapKeyRef: { name: 'db-config', key: 'password' } } },
    ]);

    const result = await runCheck(kube, namespace, secretReferenced, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'Die Umgebungsvariable ‚POSTGRES_PASSWORD‘ im Deployment ‚db‘ kommt aus der ConfigMap ‚db-config‘ statt aus einem Secret',
    );
  });

  test.concurrent('mounted as a file with POSTGRES_PASSWORD_FILE: passes, the path is no leak', async ({
    kube,
    namespace,
  }) => {
    await createSecret(kube, namespace);
    await createDeployment(
      kube,
      namespace,
      deployment('db', {
        containers: [
          container({
            name: 'postgres',
            image: 'postgres:16',
            env: [{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/db/password' }],
            volumeMounts: [{ name: 'zugang', mountPath: '/run/secrets/db', readOnly: true }],
          }),
        ],
        pod: { volumes: [{ name: 'zugang', secret: { secretName: 'db-zugang' } }] },
      }),
    );

    const result = await runCheck(kube, namespace, secretReferenced, { name: 'db', secret: 'db-zugang', key: 'password' });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('als Volume unter ‚/run/secrets/db‘');
  });

  test.concurrent('Secret exists but nothing uses it', async ({ kube, namespace }) => {
    await createSecret(kube, namespace);
    await createDb(kube, namespace, [{ name: 'POSTGRES_USER', value: 'shop' }]);

    const result = await runCheck(kube, namespace, secretReferenced, { name: 'db', secret: 'db-zugang' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das Deployment ‚db‘ verwendet das Secret ‚db-zugang‘ nicht');
  });

  test.concurrent('the Secret lacks the key the step names', async ({ kube, namespace }) => {
    await createSecret(kube, namespace);
    await createDb(kube, namespace, [
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-zugang', key: 'password' } } },
    ]);

    const result = await runCheck(kube, namespace, secretReferenced, { ...step, key: 'passwort' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Im Secret ‚db-zugang‘ fehlt der Schlüssel ‚passwort‘. Vorhanden: ‚password‘ und ‚user‘.');
  });
});
