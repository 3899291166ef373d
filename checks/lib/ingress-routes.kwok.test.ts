import { NetworkingV1Api, PatchStrategy, setHeaderOptions, type V1HTTPIngressPath, type V1Ingress } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { runCheck, service } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { ingressRoutes } from './ingress-routes.ts';

/** A class of the tests' own (cluster-wide, shared by the concurrent tests): an Ingress needs an existing one. */
const CLASS = 'werkbank-test';

function ingress(host: string | undefined, paths: Partial<V1HTTPIngressPath>[], ingressClassName = CLASS): V1Ingress {
  return {
    metadata: { name: 'shop' },
    spec: {
      ingressClassName,
      rules: [
        {
          ...(host !== undefined ? { host } : {}),
          http: {
            paths: paths.map((p) => ({
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: 'web', port: { number: 80 } } },
              ...p,
            })),
          },
        },
      ],
    },
  };
}

async function createIngress(kube: KubeClients, namespace: string, body: V1Ingress) {
  const networking = kube.config.makeApiClient(NetworkingV1Api);
  await networking
    .createIngressClass({ body: { metadata: { name: CLASS }, spec: { controller: 'werkbank.test/ingress' } } })
    .catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  await networking.createNamespacedIngress({ namespace, body });
}

const step = { host: 'shop.local', path: '/', service: 'web', port: 80 };

describe('ingress-routes', () => {
  test.concurrent('passes when host and path lead to the Service and its port', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(kube, namespace, ingress('shop.local', [{}]));

    const result = await runCheck(kube, namespace, ingressRoutes, { ...step, path: '/warenkorb' });

    expect(result.passed).toBe(true);
    expect(result.message).toBe(
      'Der Ingress ‚shop‘ leitet http://shop.local/warenkorb an den Service ‚web‘ (Port 80) weiter.',
    );
  });

  test.concurrent('points at a Service that does not exist', async ({ kube, namespace }) => {
    await createIngress(kube, namespace, ingress('shop.local', [{}]));

    const result = await runCheck(kube, namespace, ingressRoutes, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `leitet http://shop.local/ an den Service ‚web‘ weiter, den gibt es im Namespace ‚${namespace}‘ aber nicht`,
    );
    expect(result.message).toContain('kubectl expose deployment <deployment> --name web --port 80');
  });

  test.concurrent('backend names another Service (typo)', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(
      kube,
      namespace,
      ingress('shop.local', [{ backend: { service: { name: 'web-svc', port: { number: 80 } } } }]),
    );

    const result = await runCheck(kube, namespace, ingressRoutes, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('an den Service ‚web-svc‘ (Port 80) weiter statt an den Service ‚web‘');
  });

  test.concurrent('uses the container port instead of the Service port', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }, 8080) });
    await createIngress(kube, namespace, ingress('shop.local', [{}]));

    const result = await runCheck(kube, namespace, ingressRoutes, { host: 'shop.local', service: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('nutzt Port ‚80‘ des Service ‚web‘, den hat der Service nicht');
    expect(result.message).toContain('Vorhanden: ‚8080 (http)‘');
  });

  test.concurrent('no rule for the host', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(kube, namespace, ingress('shop.example', [{}]));

    const result = await runCheck(kube, namespace, ingressRoutes, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der Ingress ‚shop‘ hat keine Regel für den Host ‚shop.local‘. Vorhanden: ‚shop.example‘');
  });

  test.concurrent('the path is not covered (Prefix matches whole path segments)', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(kube, namespace, ingress('shop.local', [{ path: '/api' }]));

    const result = await runCheck(kube, namespace, ingressRoutes, { ...step, path: '/apix' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Für den Host ‚shop.local‘ gibt es keinen Pfad, der ‚/apix‘ abdeckt');
    expect(result.message).toContain('Vorhanden: ‚/api (Prefix)‘');
  });

  // Near miss: the right rule in an Ingress of a class no controller serves.
  test.concurrent('an IngressClass that does not exist fails; the existing class passes', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(kube, namespace, ingress('shop.local', [{}], 'gibt-es-nicht'));

    const unserved = await runCheck(kube, namespace, ingressRoutes, step);

    expect(unserved.passed).toBe(false);
    expect(unserved.message).toContain(
      'Der Ingress ‚shop‘ leitet http://shop.local/ an den Service ‚web‘ weiter, aber die IngressClass ‚gibt-es-nicht‘ gibt es nicht, also bedient ihn kein Ingress-Controller.',
    );
    expect(unserved.message).toContain('Tipp: Setz spec.ingressClassName auf eine davon.');

    await kube.config
      .makeApiClient(NetworkingV1Api)
      .patchNamespacedIngress(
        { name: 'shop', namespace, body: [{ op: 'replace', path: '/spec/ingressClassName', value: CLASS }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
    const served = await runCheck(kube, namespace, ingressRoutes, step);
    expect(served.passed).toBe(true);
  });

  test.concurrent('a rule without host covers every host', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await createIngress(kube, namespace, ingress(undefined, [{}]));

    const result = await runCheck(kube, namespace, ingressRoutes, step);

    expect(result.passed).toBe(true);
    expect(result.message).toContain('über eine Regel ohne Host, die für jeden Host gilt');
  });

  test.concurrent('no Ingress at all: suggests kubectl create ingress', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, ingressRoutes, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Im Namespace ‚${namespace}‘ gibt es keinen Ingress`);
    expect(result.message).toContain('kubectl create ingress web --rule="shop.local/*=web:80"');
  });
});
